/**
 * VS Code's language models in the chat, inside a real VS Code (1.104 or later) with the
 * test-only "Scripted Models" extension installed: its models answer through the sandbox's
 * scripted model, run here in the extension host, as Copilot's would through `vscode.lm`.
 * Live mode against an emulator run here too, with a Composio key and no OpenAI key.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChatSession } from '../../../src/agent/chatSession';
import type { TranscriptItem } from '../../../src/protocol/transcript';
import type { Services } from '../../../src/services';
import { CommandIds } from '../../../src/vscode/workbench/commandIds';
import type { QuickPicker } from '../../../src/vscode/workbench/quickPicker';
import { SCRIPTED_MODELS, type ScriptedModelsApi } from '../../lmExtension/extension';
import { submitConnectPage } from '../../shared/connectPage';
import { TestSandbox } from '../../shared/sandbox';
import { scriptedPromptTokens } from '../../shared/scriptedTokens';
import { until } from '../../shared/until';
import { activateExtension, answerWith, EXTENSION_ID, loadedFiles } from '../helpers';

const SCRIPTED_MODELS_ID = 'composio-tests.scripted-models';
/** The small model's input limit, in tokens. */
const SMALL_WINDOW = SCRIPTED_MODELS[1].maxInputTokens;

type Item<K extends TranscriptItem['kind']> = Extract<TranscriptItem, { kind: K }>;

/** Answers quick picks by label, recording what was offered. */
class PickByLabel implements QuickPicker {
	readonly offered: string[][] = [];
	constructor(private readonly label: string) {}
	async pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>): Promise<T | undefined> {
		const list = await items;
		this.offered.push(list.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => `${i.label}${i.description ? ` · ${i.description}` : ''}`));
		return list.find((i) => i.label.replace(/^\$\(check\) /, '') === this.label);
	}
}

function items<K extends TranscriptItem['kind']>(chat: ChatSession, kind: K): Array<Item<K>> {
	return chat.current.items.filter((i): i is Item<K> => i.kind === kind);
}

describe('VS Code language models in the chat (scripted models through vscode.lm)', function () {
	this.timeout(240_000);

	const sandbox = new TestSandbox({ model: { chunkDelayMs: 1, wordsPerChunk: 8 } });
	const { emulator, model } = sandbox;
	let services: Services;
	let provider: ScriptedModelsApi;
	const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('composio');

	before(async () => {
		await sandbox.start();
		({ services } = await activateExtension());
		const ext = vscode.extensions.getExtension<ScriptedModelsApi | undefined>(SCRIPTED_MODELS_ID);
		assert.ok(ext, `${SCRIPTED_MODELS_ID} is installed`);
		const api = await ext.activate();
		assert.ok(api, 'the scripted models registered (this VS Code has the provider API)');
		provider = api;
		provider.setServer(model.baseUrl);
		// Live mode: a Composio key for the emulator, no OpenAI key.
		await services.secrets.set('composioApiKey', emulator.apiKey);
		await services.secrets.delete('openAiApiKey');
		await config().update('sandbox', 'off', vscode.ConfigurationTarget.Global);
		await config().update('baseUrl', emulator.baseUrl, vscode.ConfigurationTarget.Global);
		await services.models.remember(undefined);
		await until(async () => (await services.models.vscodeModels()).some((m) => m.vendor === provider.vendor), 'the scripted models to be listed by VS Code');
	});

	after(async () => {
		await services.models.remember(undefined);
		await config().update('sandbox', undefined, vscode.ConfigurationTarget.Global);
		await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
		await services.secrets.delete('composioApiKey');
		await sandbox.stop();
	});

	afterEach(() => {
		model.clearFaults();
	});

	it('with no OpenAI key, "auto" picks the first VS Code model once something needs a model, and the chat can start', async () => {
		// Nothing has needed a model yet in this window: the choice is left open (no model, nothing
		// missing) rather than making VS Code wake every extension that provides models.
		const idle = await services.config();
		assert.equal(idle.model, undefined);
		assert.equal(idle.missing, undefined);
		// Showing the chat needs one.
		await vscode.commands.executeCommand(CommandIds.openChat);
		await until(() => services.chatView.isReady, 'the chat view to be ready');
		const state = await services.config();
		assert.equal(state.sandbox, false);
		assert.equal(state.hasOpenAiKey, false);
		assert.equal(state.missing, undefined);
		assert.deepEqual(state.model, { label: 'Scripted Large', detail: 'composio-tests' });
	});

	it('"Summarize my emails from today": the Connect card, the Connect page, and the answer, all through the VS Code model', async () => {
		const { chat } = await services.loadChat();
		await chat.newConversation();
		const sending = chat.send('Summarize my emails from today');
		await until(() => items(chat, 'auth').some((a) => a.status === 'waiting'), 'the Connect card');
		await until(() => chat.state === 'waitingForAuth', 'the turn to wait for the connection');
		const card = items(chat, 'auth')[0]!;
		assert.equal(card.toolkit, 'gmail');
		await submitConnectPage(card.url, 'authorize');
		assert.equal(await sending, 'completed');
		assert.equal(items(chat, 'auth')[0]?.status, 'connected');
		const answer = items(chat, 'assistant').at(-1);
		assert.match(answer?.text ?? '', /Inbox summary/);
		assert.ok(items(chat, 'tool').some((t) => t.runs?.includes('GMAIL_FETCH_EMAILS') === true && t.status === 'done'));
		// Every model request went through VS Code to the scripted model, as the large model.
		assert.ok(model.requests.length >= 3, `${model.requests.length} requests`);
		assert.deepEqual([...new Set(model.requests.map((r) => r.model))], ['scripted-large']);
		assert.ok(provider.received.length >= 3 && provider.received.every((r) => r.model === 'scripted-large'));
		// Tools were offered through VS Code's API and came back as tool calls.
		assert.ok(model.requests[0]!.tools.includes('COMPOSIO_MANAGE_CONNECTIONS'));
		// The VS Code model client loaded for it, from its own bundle; the OpenAI SDK was never needed.
		const root = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri.fsPath ?? '';
		assert.ok(loadedFiles(root).includes('lazy/vscodeModel.js'), 'the VS Code model bundle loaded');
		assert.ok(!loadedFiles(root).includes('lazy/model.js'), 'the OpenAI SDK did not');
	});

	it('the picker switches models mid-conversation: the next message goes to the new model with the conversation so far', async () => {
		const { chat } = await services.loadChat();
		const earlier = chat.current.items.map((i) => i.id);
		const conversation = chat.current.id;
		const picker = new PickByLabel('Scripted Small');
		const answering = answerWith({ picker });
		try {
			await vscode.commands.executeCommand('composio.chooseModel');
		} finally {
			answering.dispose();
		}
		assert.ok(picker.offered[0]?.includes('$(check) Scripted Large · composio-tests'), JSON.stringify(picker.offered[0]));
		assert.ok(picker.offered[0]?.includes('Scripted Small · composio-tests'));
		assert.ok(picker.offered[0]?.some((l) => l.startsWith('gpt-4.1-mini · OpenAI-compatible')));
		assert.deepEqual((await services.config()).model, { label: 'Scripted Small', detail: 'composio-tests' });

		const sentBefore = model.requests.length;
		assert.equal(await chat.send('What can you do?'), 'completed');
		assert.equal(chat.current.id, conversation, 'the same conversation');
		assert.match(items(chat, 'assistant').at(-1)?.text ?? '', /what I can do/);
		const request = model.requests[sentBefore];
		assert.equal(request?.model, 'scripted-small');
		assert.match(JSON.stringify(request?.messages), /Summarize my emails from today/, 'the earlier turn went along');
		assert.deepEqual(chat.current.items.slice(0, earlier.length).map((i) => i.id), earlier, 'the transcript so far stays as it was');
		assert.ok(chat.current.items.length > earlier.length);
	});

	it('a provider error shows its notice with Retry, and Retry answers', async () => {
		const { chat } = await services.loadChat();
		model.injectFault({ status: 500 });
		assert.equal(await chat.send('What can you do?'), 'completed');
		const notice = chat.current.items.at(-1);
		assert.ok(notice?.kind === 'notice' && notice.level === 'error', JSON.stringify(notice));
		assert.equal(notice.text, 'Scripted Small (composio-tests) reported an error while answering. Try again, or choose another model.');
		assert.equal(notice.action, 'retry');
		assert.equal(await chat.retry(), 'completed');
		assert.match(items(chat, 'assistant').at(-1)?.text ?? '', /what I can do/);
	});

	it('Stop while a VS Code model streams ends the turn at once and keeps what was shown', async () => {
		const { chat } = await services.loadChat();
		model.setPace({ chunkDelayMs: 150, wordsPerChunk: 1 });
		try {
			const before = chat.current.items.length;
			const sending = chat.send('What can you do?');
			await until(() => chat.current.items.slice(before).some((i) => i.kind === 'assistant' && i.text.length > 10), 'some streamed text');
			chat.cancel();
			assert.equal(await sending, 'completed');
			const added = chat.current.items.slice(before);
			const partial = added.find((i): i is Item<'assistant'> => i.kind === 'assistant');
			assert.ok(partial && partial.streaming === undefined, 'the partial answer stays, closed');
			assert.doesNotMatch(partial.text, /If an app isn't connected yet/, 'it stopped before the end of the answer');
			assert.deepEqual(added.at(-1), { ...added.at(-1), kind: 'notice', text: 'Stopped.' });
			assert.equal(chat.state, 'idle');
		} finally {
			model.setPace({ chunkDelayMs: 1, wordsPerChunk: 8 });
		}
	});

	it('a conversation ten times longer than the small model’s window is still answered, and what was sent always fits', async () => {
		// On its own: the small model picked, and the apps its tasks read connected.
		await services.models.remember('vscode:composio-tests/scripted-small');
		const { chat } = await services.loadChat();
		await chat.newConversation();
		const user = await services.userIds.get();
		for (const toolkit of ['gmail', 'github', 'slack']) {
			if (!emulator.accounts().some((a) => a.user_id === user && a.toolkit.slug === toolkit && a.status === 'ACTIVE')) {
				emulator.seedAccount(user, toolkit);
			}
		}
		const tasks = [
			{ ask: 'Summarize my emails', says: /Inbox summary/ },
			{ ask: 'List the open issues in acme/webapp', says: /Issues in acme\/webapp/ },
			{ ask: 'List my Slack channels', says: /Slack channels/ },
		];
		const firstRequest = provider.received.length;
		let turns = 0;
		let tokens = 0;
		while (tokens < 10 * SMALL_WINDOW) {
			const task = tasks[turns % tasks.length]!;
			const before = chat.current.items.length;
			assert.equal(await chat.send(task.ask), 'completed');
			turns++;
			const added = chat.current.items.slice(before);
			assert.ok(!added.some((i) => i.kind === 'notice' && i.level === 'error'), `turn ${turns}: ${JSON.stringify(added.filter((i) => i.kind === 'notice'))}`);
			assert.match(added.filter((i): i is Item<'assistant'> => i.kind === 'assistant').at(-1)?.text ?? '', task.says, `turn ${turns} ("${task.ask}")`);
			tokens = scriptedPromptTokens(chat.current.messages, []);
		}
		const sent = provider.received.slice(firstRequest);
		assert.ok(sent.every((r) => r.model === 'scripted-small'));
		const largest = Math.max(...sent.map((r) => r.tokens));
		assert.ok(largest <= SMALL_WINDOW, `a request of ${largest} tokens reached a ${SMALL_WINDOW}-token model`);
		assert.equal(items(chat, 'user').length, turns, 'the chat shows every message');
		assert.ok(items(chat, 'notice').some((n) => n.text.startsWith('Earlier context was left out so the conversation fits')));
		console.log(`      ${turns} turns; the conversation is ${tokens} tokens (${(tokens / SMALL_WINDOW).toFixed(1)}× the window); largest request ${largest} tokens`);
	});

	it('a picked model that goes away falls back to the default', async () => {
		await services.models.remember('vscode:composio-tests/no-such-model');
		assert.deepEqual((await services.config()).model, { label: 'Scripted Large', detail: 'composio-tests' });
		await services.models.remember(undefined);
	});
});
