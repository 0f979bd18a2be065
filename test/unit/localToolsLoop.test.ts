/**
 * Local (editor) tools in the agent loop, beside a real Composio session over HTTP: one tool
 * list and one prompt for the model, the same tool cards and approval gate, nothing of theirs
 * sent to Composio, and the scripted sandbox model using them end to end.
 */
import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { AgentEvent } from '../../src/agent/agentEvents';
import { runAgent } from '../../src/agent/agentLoop';
import { EditorTools, READ_SECRET_ACTION } from '../../src/agent/editor/editorTools';
import type { LocalToolbox } from '../../src/agent/localTools';
import type { ModelClient } from '../../src/agent/modelClient';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { MemoryAlwaysAllowedStore, ToolApprovalGate, type ApprovalMode } from '../../src/agent/toolApproval';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import type { ToolSession } from '../../src/composio/toolSession';
import { nullLogger } from '../../src/common/logger';
import { TestSandbox } from '../shared/sandbox';
import { until } from '../shared/until';
import { FakeEditorHost } from './fakes/fakeEditorHost';
import { FakeModel } from './fakes/fakeModel';

const USER = 'local-tools-user';

/** The first tool result's text in a transcript. */
function toolText(messages: readonly ChatCompletionMessageParam[]): string {
	const m = messages.find((x) => x.role === 'tool');
	return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

function names(tools: readonly ChatCompletionTool[]): string[] {
	return tools.flatMap((t) => (t.type === 'function' ? [t.function.name] : []));
}

describe('local tools in the agent loop (emulator over HTTP)', function () {
	this.timeout(60_000);
	const sandbox = new TestSandbox({ model: { chunkDelayMs: 1 } });
	const { emulator: emu, model: scripted } = sandbox;
	let session: ToolSession;
	let host: FakeEditorHost;
	let toolbox: EditorTools;
	const executeRequests = (): string[] => emu.requests.filter((r) => r.method === 'POST' && /\/execute$/.test(r.path)).map((r) => JSON.stringify(r.body));

	before(async () => {
		await sandbox.start();
	});
	after(async () => {
		await sandbox.stop();
	});
	beforeEach(async () => {
		emu.reset();
		const service = new ComposioService({ clientFactory: new ComposioClientFactory({ logger: nullLogger, maxRetries: 0 }), pollIntervalMs: 25 });
		session = await service.getSession(USER, { apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false });
		host = new FakeEditorHost().file('src/broken.ts', 'export const count: number = "three";\n').file('README.md', '# webapp\n').file('.env', 'TOKEN=abc\n');
		host.active = { file: { folder: 0, path: 'src/broken.ts' }, languageId: 'typescript' };
		host.openDocs.set('0:src/broken.ts', 'export const count: number = "three";\n');
		host.problemList.push({ file: { folder: 0, path: 'src/broken.ts' }, severity: 'error', line: 1, column: 14, endLine: 1, endColumn: 19, message: "Type 'string' is not assignable to type 'number'.", source: 'ts', code: '2322' });
		toolbox = new EditorTools({ host });
	});

	function run(options: { model: ModelClient; messages: ChatCompletionMessageParam[]; mode?: ApprovalMode; localTools?: LocalToolbox; signal?: AbortSignal }): { events: AgentEvent[]; gate: ToolApprovalGate; finished: Promise<void> } {
		const events: AgentEvent[] = [];
		const mode = options.mode ?? 'writes';
		const gate = new ToolApprovalGate(new MemoryAlwaysAllowedStore(), () => ({ mode, tagsOf: (t) => session.toolTags(t) }));
		const finished = (async () => {
			for await (const e of runAgent({ model: options.model, session, messages: options.messages, maxTurns: 8, signal: options.signal ?? new AbortController().signal, approval: gate, localTools: options.localTools ?? toolbox })) {
				events.push(e);
			}
		})();
		return { events, gate, finished };
	}

	const call = (id: string, name: string, args: unknown) => [{ type: 'toolCalls' as const, calls: [{ id, name, arguments: JSON.stringify(args) }] }, { type: 'done' as const, finishReason: 'tool_calls' }];

	it('offers one tool list and one prompt: the session\'s tools, then the editor tools and what the editor shows', async () => {
		const model = new FakeModel([]);
		await run({ model, messages: [{ role: 'user', content: 'hi' }] }).finished;
		const offered = names(model.requests[0]?.tools ?? []);
		assert.ok(offered.includes('COMPOSIO_MANAGE_CONNECTIONS'), 'the session tools');
		assert.deepEqual(offered.slice(-6), ['VSCODE_GET_PROBLEMS', 'VSCODE_GET_DIFF', 'VSCODE_READ_FILE', 'VSCODE_FIND', 'VSCODE_OPEN_FILE', 'VSCODE_EDIT_FILE']);
		const system = model.requests[0]?.messages[0];
		assert.equal(system?.role, 'system');
		assert.match(JSON.stringify(system?.content), /You are Composio Agent/);
		assert.match(JSON.stringify(system?.content), /active editor shows `src\/broken\.ts`/);
	});

	it('runs an editor tool in this process: a "VS Code" tool card, no approval, nothing sent to Composio', async () => {
		const model = new FakeModel([call('p1', 'VSCODE_GET_PROBLEMS', { path: 'src/broken.ts' })]);
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is wrong with this file?' }];
		const r = run({ model, messages });
		await r.finished;
		const started = r.events.find((e) => e.type === 'toolStarted');
		assert.deepEqual(started && started.type === 'toolStarted' ? [started.name, started.toolkit] : [], ['VSCODE_GET_PROBLEMS', 'vscode']);
		assert.equal(r.events.some((e) => e.type === 'approvalRequired'), false);
		const finished = r.events.find((e) => e.type === 'toolFinished');
		assert.ok(finished?.type === 'toolFinished' && finished.ok);
		assert.match(finished.result, /not assignable to type 'number'/);
		assert.match(toolText(messages), /TS|2322/);
		assert.deepEqual(executeRequests(), [], 'the editor tool never reached Composio');
	});

	it('under "all" the same card asks first, and a denied read never reads', async () => {
		const model = new FakeModel([call('r1', 'VSCODE_READ_FILE', { path: 'README.md' })]);
		const r = run({ model, messages: [{ role: 'user', content: 'read the readme' }], mode: 'all' });
		await until(() => r.events.some((e) => e.type === 'approvalRequired'), 'the approval card');
		const asked = r.events.find((e) => e.type === 'approvalRequired');
		assert.ok(asked?.type === 'approvalRequired');
		assert.deepEqual(asked.actions.map((a) => [a.tool, a.toolkit]), [['VSCODE_READ_FILE', 'vscode']]);
		await r.gate.decide(asked.callId, 'deny');
		await r.finished;
		const finished = r.events.find((e) => e.type === 'toolFinished');
		assert.ok(finished?.type === 'toolFinished' && finished.declined === true);
		assert.doesNotMatch(finished.result, /webapp/);
	});

	it('a secret file asks even under "never"; Allow once reads it, Deny does not', async () => {
		for (const decision of ['deny', 'once'] as const) {
			const model = new FakeModel([call(`s-${decision}`, 'VSCODE_READ_FILE', { path: '.env' })]);
			const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'show me .env' }];
			const r = run({ model, messages, mode: 'never' });
			await until(() => r.events.some((e) => e.type === 'approvalRequired'), 'the approval card');
			const asked = r.events.find((e) => e.type === 'approvalRequired');
			assert.ok(asked?.type === 'approvalRequired');
			assert.deepEqual(asked.actions.map((a) => [a.tool, a.args['path']]), [[READ_SECRET_ACTION, '.env']]);
			await r.gate.decide(asked.callId, decision);
			await r.finished;
			const result = toolText(messages);
			assert.equal(result.includes('TOKEN=abc'), decision === 'once', `${decision}: ${result}`);
		}
	});

	it('an edit shows its note on the card, asks through the diff, and a discard is a decline the model reads', async () => {
		host.proposalOutcome = undefined;
		const model = new FakeModel([call('e1', 'VSCODE_EDIT_FILE', { path: 'src/broken.ts', edits: [{ old_text: '"three"', new_text: '3' }] })]);
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'fix it' }];
		const r = run({ model, messages });
		await until(() => host.proposals.length === 1, 'the proposal');
		const started = r.events.find((e) => e.type === 'toolStarted');
		assert.ok(started?.type === 'toolStarted');
		assert.match(started.note ?? '', /Review the proposed change to src\/broken\.ts/);
		assert.equal(r.events.some((e) => e.type === 'approvalRequired'), false, 'no card before the diff');
		host.answer('discarded');
		await r.finished;
		const finished = r.events.find((e) => e.type === 'toolFinished');
		assert.ok(finished?.type === 'toolFinished' && finished.declined === true);
		assert.match(toolText(messages), /discarded the proposed change/);
		assert.equal(host.files.get('0:src/broken.ts'), 'export const count: number = "three";\n');
	});

	it('Stop while the diff is shown withdraws it and ends the turn', async () => {
		host.proposalOutcome = undefined;
		const controller = new AbortController();
		const model = new FakeModel([call('e2', 'VSCODE_EDIT_FILE', { path: 'src/broken.ts', edits: [{ old_text: '"three"', new_text: '3' }] })]);
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'fix it' }];
		const r = run({ model, messages, signal: controller.signal });
		await until(() => host.proposals.length === 1, 'the proposal');
		controller.abort();
		await r.finished;
		assert.deepEqual(r.events[r.events.length - 1], { type: 'done', reason: 'cancelled' });
		assert.ok(messages.some((m) => m.role === 'tool' && m.tool_call_id === 'e2'), 'the call has a result');
		assert.equal(host.files.get('0:src/broken.ts'), 'export const count: number = "three";\n');
	});

	it('refuses editor tools smuggled into COMPOSIO_MULTI_EXECUTE_TOOL, running nothing', async () => {
		const model = new FakeModel([call('m1', 'COMPOSIO_MULTI_EXECUTE_TOOL', { tools: [{ tool_slug: 'VSCODE_READ_FILE', arguments: { path: '.env' } }, { tool_slug: 'GMAIL_SEND_EMAIL', arguments: {} }] })]);
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'x' }];
		const r = run({ model, messages });
		await r.finished;
		assert.match(toolText(messages), /VSCODE_READ_FILE runs in the editor, not in Composio: call it directly/);
		assert.equal(r.events.some((e) => e.type === 'approvalRequired'), false);
		assert.deepEqual(executeRequests(), []);
	});

	it('a session tool wins a name clash: the local one is left out and the call goes to Composio', async () => {
		const clashing: LocalToolbox = {
			definitions: () => [{ type: 'function', function: { name: 'COMPOSIO_MANAGE_CONNECTIONS', parameters: { type: 'object', properties: {} } } }],
			owns: (name) => name === 'COMPOSIO_MANAGE_CONNECTIONS',
			actionsOf: () => [],
			promptSection: () => undefined,
			run: () => Promise.reject(new Error('must not run')),
		};
		const model = new FakeModel([call('c1', 'COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['github'] })]);
		const r = run({ model, messages: [{ role: 'user', content: 'connect github' }], localTools: clashing });
		await r.finished;
		assert.equal(names(model.requests[0]?.tools ?? []).filter((n) => n === 'COMPOSIO_MANAGE_CONNECTIONS').length, 1);
		assert.equal(executeRequests().length, 1, 'it ran in Composio');
	});

	it('a switched-off tool is not offered, and a call to it anyway is refused in the editor', async () => {
		const off = new EditorTools({ host, switches: () => ({ problems: true, diff: true, read: false, find: true, open: true, edit: true }) });
		const model = new FakeModel([call('o1', 'VSCODE_READ_FILE', { path: 'README.md' })]);
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'read it' }];
		await run({ model, messages, localTools: off }).finished;
		assert.ok(!names(model.requests[0]?.tools ?? []).includes('VSCODE_READ_FILE'));
		assert.match(toolText(messages), /switched off/);
		assert.deepEqual(executeRequests(), []);
	});

	it('the scripted model: "Create a GitHub issue for the problems in this file" → problems, connect, then an issue whose body holds the diagnostic', async () => {
		const model = new OpenAiModelClient({ baseUrl: scripted.baseUrl, model: 'sandbox-scripted', maxRetries: 0 });
		emu.seedAccount(USER, 'github');
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Create a GitHub issue for the problems in this file' }];
		const r = run({ model, messages });
		await until(() => r.events.some((e) => e.type === 'approvalRequired'), 'the approval card for the issue');
		const tools = r.events.flatMap((e) => (e.type === 'toolStarted' ? [e.name] : []));
		assert.deepEqual(tools, ['VSCODE_GET_PROBLEMS', 'COMPOSIO_MANAGE_CONNECTIONS', 'COMPOSIO_MULTI_EXECUTE_TOOL']);
		const asked = r.events.find((e) => e.type === 'approvalRequired');
		assert.ok(asked?.type === 'approvalRequired');
		assert.equal(asked.actions[0]?.tool, 'GITHUB_CREATE_AN_ISSUE', 'the card asks about the app tool the multi-execute runs');
		const args = asked.actions[0]?.args ?? {};
		assert.match(String(args['title']), /src\/broken\.ts/);
		assert.match(String(args['body']), /src\/broken\.ts:1:14/);
		assert.match(String(args['body']), /Type 'string' is not assignable to type 'number'\./);
		await r.gate.decide(asked.callId, 'once');
		await r.finished;
		assert.equal(executeRequests().filter((b) => b.includes('GITHUB_CREATE_AN_ISSUE')).length, 1);
		const answer = r.events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
		assert.match(answer, /I created \*\*#\d+\*\*/);
	});

	it('the scripted model: "Summarize my uncommitted changes to Slack" → the diff, then a Slack message summarising it', async () => {
		host.git = { kind: 'ok', repositories: [{ branch: 'main', changes: [{ file: { folder: 0, path: 'README.md' }, status: 'modified', staged: false }] }] };
		host.patches.set('0:README.md', '--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n # webapp\n+Setup notes\n');
		const model = new OpenAiModelClient({ baseUrl: scripted.baseUrl, model: 'sandbox-scripted', maxRetries: 0 });
		emu.seedAccount(USER, 'slack');
		const r = run({ model, messages: [{ role: 'user', content: 'Summarize my uncommitted changes to Slack' }] });
		await until(() => r.events.some((e) => e.type === 'approvalRequired'), 'the approval card for the message');
		assert.deepEqual(r.events.flatMap((e) => (e.type === 'toolStarted' ? [e.name] : [])), ['VSCODE_GET_DIFF', 'COMPOSIO_MANAGE_CONNECTIONS', 'COMPOSIO_MULTI_EXECUTE_TOOL']);
		const asked = r.events.find((e) => e.type === 'approvalRequired');
		assert.ok(asked?.type === 'approvalRequired');
		assert.equal(asked.actions[0]?.tool, 'SLACK_SEND_MESSAGE');
		const text = String(asked.actions[0]?.args['text']);
		assert.match(text, /1 changed file/);
		assert.match(text, /README\.md.*modified.*\+1/);
		await r.gate.decide(asked.callId, 'once');
		await r.finished;
		assert.equal(executeRequests().filter((b) => b.includes('SLACK_SEND_MESSAGE')).length, 1);
	});
});
