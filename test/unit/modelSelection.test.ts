import assert from 'node:assert/strict';
import { dependsOnVsCodeModels, type ModelSelectionInput, optionTitle, parseModelSource, selectModel, type VsCodeModelInfo } from '../../src/agent/modelSelection';

const GPT: VsCodeModelInfo = { vendor: 'copilot', id: 'gpt-4.1', name: 'GPT-4.1', family: 'gpt-4.1', maxInputTokens: 128_000 };
const CLAUDE: VsCodeModelInfo = { vendor: 'copilot', id: 'claude-sonnet-4', name: 'Claude Sonnet 4', family: 'claude-sonnet-4', maxInputTokens: 80_000 };
const LOCAL: VsCodeModelInfo = { vendor: 'ollama', id: 'llama3', name: 'Llama 3', family: 'llama', maxInputTokens: 8_192 };

const OPENAI_NO_KEY = { model: 'gpt-4.1-mini', baseUrl: 'https://api.openai.com/v1', hasKey: false, isOpenAi: true };
const OPENAI_KEY = { ...OPENAI_NO_KEY, hasKey: true };
const OLLAMA = { model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1', hasKey: false, isOpenAi: false };

function live(over: Partial<ModelSelectionInput>): ModelSelectionInput {
	return { source: 'auto', sandbox: false, openAi: OPENAI_NO_KEY, vscodeModels: [], ...over };
}

describe('Choosing the model (selectModel)', () => {
	it('auto, no OpenAI key, VS Code models present: the first VS Code model (Copilot’s first)', () => {
		const s = selectModel(live({ vscodeModels: [LOCAL, GPT, CLAUDE] }));
		assert.equal(s.selected?.id, 'vscode:copilot/gpt-4.1');
		assert.equal(s.missing, undefined);
		assert.equal(s.picked, false);
		assert.deepEqual(
			s.options.map((o) => `${o.label} · ${o.detail}`),
			['GPT-4.1 · Copilot', 'Claude Sonnet 4 · Copilot', 'Llama 3 · ollama', 'gpt-4.1-mini · OpenAI-compatible · api.openai.com'],
		);
	});

	it('auto with an OpenAI key, or an own base URL, uses the OpenAI-compatible model', () => {
		assert.equal(selectModel(live({ openAi: OPENAI_KEY, vscodeModels: [GPT] })).selected?.id, 'openai');
		const ollama = selectModel(live({ openAi: OLLAMA, vscodeModels: [GPT] }));
		assert.equal(ollama.selected?.id, 'openai');
		assert.equal(ollama.missing, undefined);
	});

	it('auto with no key and no VS Code model: nothing to talk to ("model" missing)', () => {
		const s = selectModel(live({}));
		assert.equal(s.selected, undefined);
		assert.equal(s.missing, 'model');
		assert.deepEqual(s.options.map((o) => o.id), ['openai'], 'the OpenAI model is still offered (it needs a key)');
	});

	it('source "openai" without a key asks for the key; "vscode" without models has nothing', () => {
		const openai = selectModel(live({ source: 'openai', vscodeModels: [GPT] }));
		assert.equal(openai.selected?.id, 'openai');
		assert.equal(openai.missing, 'openAiKey');
		assert.equal(selectModel(live({ source: 'vscode' })).missing, 'model');
		assert.equal(selectModel(live({ source: 'vscode', openAi: OPENAI_KEY, vscodeModels: [CLAUDE] })).selected?.id, 'vscode:copilot/claude-sonnet-4');
	});

	it('a remembered pick wins while it is offered, and falls back to the default once it is gone', () => {
		const picked = selectModel(live({ openAi: OPENAI_KEY, vscodeModels: [GPT, CLAUDE], remembered: 'vscode:copilot/claude-sonnet-4' }));
		assert.equal(picked.selected?.id, 'vscode:copilot/claude-sonnet-4');
		assert.equal(picked.picked, true);
		const gone = selectModel(live({ openAi: OPENAI_KEY, vscodeModels: [GPT], remembered: 'vscode:copilot/claude-sonnet-4' }));
		assert.equal(gone.selected?.id, 'openai');
		assert.equal(gone.picked, false);
		const openAiPicked = selectModel(live({ vscodeModels: [GPT], remembered: 'openai' }));
		assert.equal(openAiPicked.selected?.id, 'openai');
		assert.equal(openAiPicked.missing, 'openAiKey', 'picking OpenAI without a key says so');
	});

	it('the sandbox keeps its scripted model by default, offers VS Code models, and never OpenAI', () => {
		const s = selectModel({ source: 'auto', sandbox: true, vscodeModels: [GPT] });
		assert.equal(s.selected?.id, 'sandbox');
		assert.deepEqual(s.options.map((o) => o.id), ['sandbox', 'vscode:copilot/gpt-4.1']);
		assert.equal(selectModel({ source: 'openai', sandbox: true, vscodeModels: [] }).selected?.id, 'sandbox');
		assert.equal(selectModel({ source: 'auto', sandbox: true, vscodeModels: [GPT], remembered: 'vscode:copilot/gpt-4.1' }).selected?.id, 'vscode:copilot/gpt-4.1');
		assert.equal(selectModel({ source: 'auto', sandbox: true, vscodeModels: [GPT], remembered: 'openai' }).selected?.id, 'sandbox');
	});

	it('says when VS Code need not be asked for its models: the pick is the same with or without them', () => {
		let asked = 0;
		for (const source of ['auto', 'vscode', 'openai'] as const) {
			for (const sandbox of [false, true]) {
				for (const openAi of [undefined, OPENAI_NO_KEY, OPENAI_KEY, OLLAMA]) {
					for (const remembered of [undefined, 'openai', 'sandbox', 'vscode:copilot/gpt-4.1', 'vscode:copilot/gone']) {
						const input = { source, sandbox, ...(openAi && !sandbox ? { openAi } : {}), ...(remembered ? { remembered } : {}) };
						const without = selectModel({ ...input, vscodeModels: [] });
						const withModels = selectModel({ ...input, vscodeModels: [GPT, CLAUDE] });
						if (!dependsOnVsCodeModels(input)) {
							assert.equal(withModels.selected?.id, without.selected?.id, JSON.stringify(input));
							assert.equal(withModels.missing, without.missing, JSON.stringify(input));
						} else {
							asked++;
						}
					}
				}
			}
		}
		assert.ok(asked > 0);
		// The cases that matter: the sandbox and an own OpenAI key never ask; no key asks.
		assert.equal(dependsOnVsCodeModels({ source: 'auto', sandbox: true }), false);
		assert.equal(dependsOnVsCodeModels({ source: 'auto', sandbox: false, openAi: OPENAI_KEY }), false);
		assert.equal(dependsOnVsCodeModels({ source: 'auto', sandbox: false, openAi: OPENAI_NO_KEY }), true);
	});

	it('names models for notices, and reads the setting defensively', () => {
		const s = selectModel(live({ vscodeModels: [GPT] }));
		assert.equal(optionTitle(s.selected!), 'GPT-4.1 (Copilot)');
		assert.equal(optionTitle(s.options[1]!), 'gpt-4.1-mini (OpenAI-compatible)');
		assert.equal(parseModelSource('vscode'), 'vscode');
		assert.equal(parseModelSource('openai'), 'openai');
		assert.equal(parseModelSource('VS Code'), 'auto');
		assert.equal(parseModelSource(undefined), 'auto');
	});
});
