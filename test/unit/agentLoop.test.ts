/**
 * The agent loop over real HTTP: the real Composio SDK against the local emulator, the real
 * openai SDK against the scripted model. Covers multi-step tool use, the in-chat
 * authentication pause and its endings, cancellation, the turn cap, tool and model failures,
 * request counts per message, and output shortening.
 */
import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentEvent } from '../../src/agent/agentEvents';
import { repairTranscript, runAgent, type AgentRunOptions } from '../../src/agent/agentLoop';
import { AuthWaiter } from '../../src/agent/authWaiter';
import type { ModelClient, ModelRequest } from '../../src/agent/modelClient';
import type { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { buildSystemPrompt, userMessageContent } from '../../src/agent/systemPrompt';
import { CANCELLED_TOOL_RESULT } from '../../src/agent/toolCallRunner';
import { prepareToolOutput, shortenForModel } from '../../src/agent/toolOutput';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import type { ToolSession } from '../../src/composio/toolSession';
import { multiExecuteEntries } from '../../src/composio/metaTools';
import type { ComposioSettings } from '../../src/composio/settings';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { isContinuation } from '../../src/sandbox/scriptedModel/conversation';
import { FakeClock } from '../shared/fakeClock';
import { until } from '../shared/until';
import { useSandbox } from './fakes/sandboxSuite';
import { FakeModel } from './fakes/fakeModel';
import { assertConsistent } from './fakes/assertions';
import { submitConnectPage } from '../shared/connectPage';

const USER = 'agent-loop-user';

/** A run of the loop, pulled continuously in the background as a chat session would. */
interface Run {
	readonly events: AgentEvent[];
	readonly controller: AbortController;
	readonly finished: Promise<void>;
	/** Resolves with the first event (at or after `from`) matching `match`. */
	next(match: (e: AgentEvent) => boolean, what: string, from?: number): Promise<AgentEvent>;
}

function start(options: Omit<AgentRunOptions, 'signal'> & { signal?: AbortSignal }, onEvent?: (e: AgentEvent) => void): Run {
	const controller = new AbortController();
	const events: AgentEvent[] = [];
	const finished = (async () => {
		for await (const event of runAgent({ ...options, signal: options.signal ?? controller.signal })) {
			events.push(event);
			onEvent?.(event);
		}
	})();
	return {
		events,
		controller,
		finished,
		async next(match, what, from = 0) {
			let found: AgentEvent | undefined;
			await until(() => (found = events.slice(from).find(match)) !== undefined, what);
			return found!;
		},
	};
}

function text(events: AgentEvent[]): string {
	return events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
}

function last(events: AgentEvent[]): AgentEvent | undefined {
	return events[events.length - 1];
}

/** A compact, stable description of an event for the recorded sequence. */
function describeEvent(e: AgentEvent): string {
	switch (e.type) {
		case 'text':
			return 'text';
		case 'toolStarted': {
			// A multi-execute names the app tools it runs: COMPOSIO_MULTI_EXECUTE_TOOL[GMAIL_FETCH_EMAILS].
			const runs = (multiExecuteEntries(e.name, e.args) ?? []).map((entry) => entry.slug ?? '?');
			return `toolStarted ${e.name}${runs.length > 0 ? `[${runs.join(', ')}]` : ''}${e.toolkit ? ` (${e.toolkit})` : ''}`;
		}
		case 'toolFinished':
			return `toolFinished ${e.ok ? 'ok' : `failed: ${e.error ?? ''}`}${e.truncatedForModel ? ' (shortened for the model)' : ''}`;
		case 'authRequired':
			return `authRequired ${e.toolkit} ${e.accountId ?? ''}`.trim();
		case 'reconnectRequired':
			return `reconnectRequired ${e.toolkit} ${e.replacesAccountId}`;
		case 'authStatus':
			return `authStatus ${e.toolkit} ${e.status}${e.reason ? ` (${e.reason})` : ''}${e.url ? ' +url' : ''}`;
		case 'notice':
			return `notice "${e.text}"`;
		case 'usage':
			return 'usage';
		case 'done':
			return `done ${e.reason}`;
		case 'error':
			return `error ${e.error.kind} → ${e.error.action ?? 'none'}`;
		case 'approvalRequired':
			return `approvalRequired ${e.actions.map((a) => a.tool).join(', ')}`;
		case 'approvalDecided':
			return `approvalDecided ${e.decision}`;
		case 'contextTrimmed':
			return `contextTrimmed ${e.leftOut.summarizedMessages}/${e.leftOut.shortenedToolResults}/${e.leftOut.shortenedMessages}`;
		case 'ownAppRequired':
			return `ownAppRequired ${e.toolkit}${e.apiKey ? ' (API key too)' : ''}`;
		case 'ownAppStatus':
			return `ownAppStatus ${e.toolkit} ${e.status}`;
	}
}

/** Collapses runs of `text` and `usage` so the sequence reads as steps. */
function sequence(events: AgentEvent[]): string[] {
	const out: string[] = [];
	for (const e of events) {
		const d = describeEvent(e);
		if ((d === 'text' || d === 'usage') && out[out.length - 1]?.startsWith(d)) {
			continue;
		}
		out.push(d);
	}
	return out;
}

describe('agent loop (emulator + scripted model over HTTP)', function () {
	this.timeout(60_000);

	const suite = useSandbox({ model: { chunkDelayMs: 1 } });
	const emu = suite.sandbox.emulator;
	const scripted = suite.sandbox.model;
	let service: ComposioService;
	let model: OpenAiModelClient;

	beforeEach(() => {
		service = suite.service;
		model = suite.sandbox.modelClient();
	});

	function settings(over: Partial<ComposioSettings> = {}): ComposioSettings {
		return suite.sandbox.settings(over);
	}

	const count = (method: string, path: RegExp): number => emu.requests.filter((r) => r.method === method && path.test(r.path)).length;
	const sessionCreates = (): number => count('POST', /\/tool_router\/session$/);
	const toolFetches = (): number => count('GET', /\/tool_router\/session\/[^/]+\/tools$/);
	const executes = (): number => count('POST', /\/tool_router\/session\/[^/]+\/execute$/);
	const statusChecks = (): number => count('GET', /\/connected_accounts\/[^/]+$/);

	function userMessage(content: string): ChatCompletionMessageParam[] {
		return [{ role: 'user', content }];
	}

	async function session(over: Partial<ComposioSettings> = {}): Promise<ToolSession> {
		return service.getSession(USER, settings(over));
	}

	it('the continuation wording is one the scripted model treats as a continuation', () => {
		assert.ok(isContinuation("I've connected Gmail. Please continue."));
		assert.ok(isContinuation('done'));
	});

	it('runs several tool steps and answers from the results', async () => {
		emu.seedAccount(USER, 'github');
		const s = await session();
		const messages = userMessage('Create a GitHub issue titled "Login button is misaligned"');
		const run = start({ model, session: s, messages, maxTurns: 8 });
		await run.finished;
		assert.deepEqual(
			sequence(run.events).filter((d) => d.startsWith('tool') || d.startsWith('done')),
			['toolStarted COMPOSIO_MANAGE_CONNECTIONS (github)', 'toolFinished ok', 'toolStarted COMPOSIO_MULTI_EXECUTE_TOOL[GITHUB_CREATE_AN_ISSUE] (github)', 'toolFinished ok', 'done answered'],
		);
		assert.match(text(run.events), /Login button is misaligned/);
		assert.deepEqual(
			messages.map((m) => m.role),
			['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant'],
		);
		assertConsistent(messages);
		// The system prompt is sent with every request but not stored in the transcript.
		assert.ok(scripted.requests.every((r) => JSON.stringify(r.messages[0]).includes('Composio Agent')));
		assert.ok(messages.every((m) => m.role !== 'system'));
	});

	it('pauses for the Connect Link, resumes by itself once authorized, and answers from the emails (the full sandbox flow)', async () => {
		const requestCounts: string[] = [];
		const before1 = { sessions: sessionCreates(), tools: toolFetches(), executes: executes(), model: scripted.requests.length, checks: statusChecks() };
		const s = await session();
		const waiter = new AuthWaiter(s, { intervalMs: 25 });
		const messages = userMessage('Summarize my emails');
		const run = start({ model, session: s, messages, maxTurns: 8, authWaiter: waiter });

		const required = await run.next((e) => e.type === 'authRequired', 'authRequired');
		assert.ok(required.type === 'authRequired');
		assert.equal(required.toolkit, 'gmail');
		assert.match(required.accountId ?? '', /^ca_/);
		await run.next((e) => e.type === 'authStatus' && e.status === 'waiting', 'waiting');
		assert.ok(waiter.isWaiting);
		// The model's "please connect" text came before the wait and carries the same link.
		assert.ok(text(run.events).includes(required.url), 'the link is in the text');

		await submitConnectPage(required.url, 'authorize');
		await run.finished;

		const answer = text(run.events);
		assert.match(answer, /Inbox summary/);
		assert.match(answer, /Q3 roadmap review moved to Thursday/, 'the summary is built from the emulator emails');
		assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
		assert.ok(run.events.some((e) => e.type === 'notice' && e.text === 'Connected Gmail — continuing'));
		assertConsistent(messages);
		assert.deepEqual(messages.filter((m) => m.role === 'user').map((m) => m.content), ['Summarize my emails', "I've connected Gmail. Please continue."]);
		assert.equal(waiter.isWaiting, false);

		const seq = sequence(run.events);
		assert.deepEqual(seq, [
			'usage',
			`toolStarted COMPOSIO_MANAGE_CONNECTIONS (gmail)`,
			'toolFinished ok',
			`authRequired gmail ${required.accountId ?? ''}`,
			'text',
			'usage',
			'authStatus gmail waiting +url',
			'authStatus gmail connected',
			'notice "Connected Gmail — continuing"',
			'usage',
			'toolStarted COMPOSIO_MULTI_EXECUTE_TOOL[GMAIL_FETCH_EMAILS] (gmail)',
			'toolFinished ok',
			'text',
			'usage',
			'done answered',
		]);
		console.log(`      event sequence of "Summarize my emails":\n        ${seq.join('\n        ')}`);
		requestCounts.push(
			`message 1 ("Summarize my emails", incl. the wait): session creates ${sessionCreates() - before1.sessions}, tools fetches ${toolFetches() - before1.tools}, executes ${executes() - before1.executes}, account status checks ${statusChecks() - before1.checks}, model requests ${scripted.requests.length - before1.model}`,
		);

		// A second and third message in the same chat: the same session and tools, nothing re-created.
		for (const [n, ask] of [
			[2, 'Summarize my emails again'],
			[3, 'List the open issues'],
		] as const) {
			const b = { sessions: sessionCreates(), tools: toolFetches(), executes: executes(), model: scripted.requests.length, checks: statusChecks() };
			const again = await session();
			assert.equal(again, s, 'the service hands out the same session');
			messages.push({ role: 'user', content: ask });
			const next = start({ model, session: again, messages, maxTurns: 8, authWaiter: new AuthWaiter(again, { intervalMs: 25 }) });
			if (n === 3) {
				const r = await next.next((e) => e.type === 'authRequired', 'github link');
				assert.ok(r.type === 'authRequired');
				emu.completeLink(r.url, { decision: 'authorize' });
			}
			await next.finished;
			assert.deepEqual(last(next.events), { type: 'done', reason: 'answered' });
			assert.equal(sessionCreates() - b.sessions, 0, 'no new session');
			assert.equal(toolFetches() - b.tools, 0, 'no tools re-fetch');
			requestCounts.push(
				`message ${n} ("${ask}"): session creates ${sessionCreates() - b.sessions}, tools fetches ${toolFetches() - b.tools}, executes ${executes() - b.executes}, account status checks ${statusChecks() - b.checks}, model requests ${scripted.requests.length - b.model}`,
			);
		}
		assertConsistent(messages);
		console.log(`      requests per message:\n        ${requestCounts.join('\n        ')}`);
	});

	it('"done" before authorizing keeps waiting with a notice; "done" after continues with the user\'s words', async () => {
		const s = await session();
		// A long poll interval: only the user's messages check the status here.
		const waiter = new AuthWaiter(s, { intervalMs: 600_000 });
		const messages = userMessage('Summarize my emails');
		const run = start({ model, session: s, messages, maxTurns: 8, authWaiter: waiter });
		const required = await run.next((e) => e.type === 'authRequired', 'authRequired');
		assert.ok(required.type === 'authRequired');
		const waitingAt = run.events.length;
		await run.next((e) => e.type === 'authStatus' && e.status === 'waiting', 'waiting');

		assert.equal(waiter.userSaid('done'), true);
		const notice = await run.next((e) => e.type === 'notice', 'not-yet notice', waitingAt);
		assert.deepEqual(notice, { type: 'notice', text: "Gmail isn't connected yet — finish on the Connect page, then say done (or press Stop)." });
		assert.ok(waiter.isWaiting, 'still waiting');
		assert.ok(!run.events.some((e) => e.type === 'done'));

		emu.completeLink(required.url, { decision: 'authorize' });
		const afterNotice = run.events.length;
		assert.equal(waiter.userSaid('done'), true);
		await run.finished;
		assert.ok(run.events.slice(afterNotice).some((e) => e.type === 'authStatus' && e.status === 'connected'));
		assert.match(text(run.events), /Inbox summary/);
		// The "done" that found it connected is the user message the model continues from; the early one is not sent.
		assert.deepEqual(messages.filter((m) => m.role === 'user').map((m) => m.content), ['Summarize my emails', 'done']);
		assert.equal(waiter.userSaid('done'), false, 'nothing waits after the turn');
		assertConsistent(messages);
	});

	it('a denied connection ends the turn with the reason explained', async () => {
		const s = await session();
		const messages = userMessage('Summarize my emails');
		const run = start({ model, session: s, messages, maxTurns: 8, authWaiter: new AuthWaiter(s, { intervalMs: 25 }) });
		const required = await run.next((e) => e.type === 'authRequired', 'authRequired');
		assert.ok(required.type === 'authRequired');
		await run.next((e) => e.type === 'authStatus' && e.status === 'waiting', 'waiting');
		await submitConnectPage(required.url, 'deny');
		await run.finished;
		const failed = run.events.find((e) => e.type === 'authStatus' && e.status === 'failed');
		assert.ok(failed?.type === 'authStatus');
		assert.equal(failed.reason, 'User denied access');
		assert.match(text(run.events), /Connecting Gmail failed: User denied access\./);
		assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
		const closing = messages[messages.length - 1];
		assert.ok(closing?.role === 'assistant' && typeof closing.content === 'string' && closing.content.startsWith('Connecting Gmail failed'));
		assertConsistent(messages);
	});

	describe('an expiring link', () => {
		// The emulator and the waiter share a simulated clock: the link expires after exactly 400 ms of it.
		const clock = new FakeClock();
		const shortEmu = new TestComposioEmulator({ linkTtlMs: 400, clock });
		let shortFactory: ComposioClientFactory;
		let shortService: ComposioService;

		before(() => shortEmu.start());
		after(() => shortEmu.stop());
		beforeEach(() => {
			shortFactory = new ComposioClientFactory({ logger: suite.log, maxRetries: 0 });
			shortService = new ComposioService({ clientFactory: shortFactory, pollIntervalMs: 25 });
		});
		afterEach(() => {
			shortService.dispose();
			shortFactory.dispose();
		});

		it('expires, then "New link" makes a fresh one, which is authorized and the task continues', async () => {
			const s = await shortService.getSession(USER, { ...settings(), apiKey: shortEmu.apiKey, baseUrl: shortEmu.baseUrl });
			const waiter = new AuthWaiter(s, { intervalMs: 25, clock });
			const messages = userMessage('Summarize my emails');
			const run = start({ model, session: s, messages, maxTurns: 8, authWaiter: waiter });
			const required = await run.next((e) => e.type === 'authRequired', 'authRequired');
			assert.ok(required.type === 'authRequired');
			const isExpired = (e: AgentEvent): boolean => e.type === 'authStatus' && e.status === 'expired';
			const steps = await clock.runUntil(() => run.events.some(isExpired), 25, 'the link to expire');
			assert.equal(steps, 16, 'checked every 25 ms until the link was 400 ms old');
			const expired = await run.next(isExpired, 'expired');
			assert.ok(expired.type === 'authStatus' && /did not complete/.test(expired.reason ?? ''), JSON.stringify(expired));

			// Typing while the link is expired says what to do.
			const at = run.events.length;
			waiter.userSaid('done');
			const hint = await run.next((e) => e.type === 'notice', 'expired hint', at);
			assert.ok(hint.type === 'notice' && /New link/.test(hint.text));

			const from = run.events.length;
			assert.equal(await waiter.renew('gmail'), true);
			const fresh = await run.next((e) => e.type === 'authStatus' && e.status === 'waiting', 'new link', from);
			assert.ok(fresh.type === 'authStatus' && fresh.url && fresh.url !== required.url && fresh.accountId !== required.accountId);
			shortEmu.completeLink(fresh.url, { decision: 'authorize' });
			let finished = false;
			void run.finished.then(() => (finished = true));
			await clock.runUntil(() => finished, 25, 'the turn to end');
			await run.finished;
			assert.match(text(run.events), /Inbox summary/);
			assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
			assertConsistent(messages);
		});
	});

	it('a wait that runs out of time counts as expired, and without a new link the turn ends explained', async () => {
		const s = await session();
		const messages = userMessage('Summarize my emails');
		const clock = new FakeClock();
		const run = start({ model, session: s, messages, maxTurns: 8, authWaiter: new AuthWaiter(s, { intervalMs: 25, timeoutMs: 150, clock }) });
		let finished = false;
		void run.finished.then(() => (finished = true));
		// 150 ms of checks every 25 ms, then 150 ms for a new link that nobody asks for.
		const steps = await clock.runUntil(() => finished, 25, 'the turn to end');
		await run.finished;
		assert.equal(steps, 12);
		const statuses = run.events.filter((e) => e.type === 'authStatus').map((e) => (e.type === 'authStatus' ? e.status : ''));
		assert.deepEqual(statuses, ['waiting', 'expired']);
		assert.match(text(run.events), /The Gmail link expired/);
		assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
		assertConsistent(messages);
	});

	describe('cancel', () => {
		it('mid-stream: ends at once and keeps the partial answer as the assistant message', async () => {
			scripted.setPace({ chunkDelayMs: 40, wordsPerChunk: 1 });
			const s = await session();
			const messages = userMessage('What can you do?');
			const run = start({ model, session: s, messages, maxTurns: 4 });
			await until(() => run.events.filter((e) => e.type === 'text').length >= 3, 'some text');
			run.controller.abort();
			await run.finished;
			assert.deepEqual(last(run.events), { type: 'done', reason: 'cancelled' });
			const shown = text(run.events);
			const kept = messages[messages.length - 1];
			assert.ok(kept?.role === 'assistant');
			assert.equal(kept.content, shown);
			assert.ok(shown.length > 0);
			assert.ok(!shown.includes("If an app isn't connected yet"), 'the answer was cut short');
		});

		it('mid-tool: ends at once; the running call gets a "cancelled" result', async () => {
			emu.seedAccount(USER, 'gmail');
			const s = await session();
			const messages = userMessage('Summarize my emails');
			emu.injectFault({ pathIncludes: '/execute', delayMs: 20_000, count: 1 });
			const run = start({ model, session: s, messages, maxTurns: 4 });
			await run.next((e) => e.type === 'toolStarted', 'toolStarted');
			run.controller.abort();
			await run.finished;
			assert.deepEqual(last(run.events), { type: 'done', reason: 'cancelled' });
			const finished = run.events.find((e) => e.type === 'toolFinished');
			assert.ok(finished?.type === 'toolFinished' && finished.ok === false);
			assertConsistent(messages);
			const result = messages[messages.length - 1];
			assert.ok(result?.role === 'tool' && result.content === CANCELLED_TOOL_RESULT);
		});

		it('mid-wait: the card is cancelled and the transcript is consistent', async () => {
			const s = await session();
			const waiter = new AuthWaiter(s, { intervalMs: 25 });
			const messages = userMessage('Summarize my emails');
			const run = start({ model, session: s, messages, maxTurns: 4, authWaiter: waiter });
			await run.next((e) => e.type === 'authStatus' && e.status === 'waiting', 'waiting');
			run.controller.abort();
			await run.finished;
			assert.deepEqual(run.events.slice(-2).map(describeEvent), ['authStatus gmail cancelled', 'done cancelled']);
			assert.equal(waiter.isWaiting, false);
			assertConsistent(messages);
			assert.equal(messages[messages.length - 1]?.role, 'assistant');
		});
	});

	it('stops at the turn cap with a note, tool calls answered', async () => {
		const s = await session();
		const messages = userMessage('Summarize my emails');
		const run = start({ model, session: s, messages, maxTurns: 1 });
		await run.finished;
		assert.deepEqual(last(run.events), { type: 'done', reason: 'maxTurns' });
		assert.ok(run.events.some((e) => e.type === 'notice' && /Stopped after 1 step/.test(e.text)));
		assert.equal(scripted.requests.length, 1);
		assertConsistent(messages);
	});

	describe('tool failures reach the model', () => {
		it('a tool error (HTTP 200 with an error field)', async () => {
			const s = await session();
			// Without the meta tool the scripted model calls GMAIL_FETCH_EMAILS directly, which reports "not connected".
			const tools = (await s.tools()).filter((t) => t.type === 'function' && t.function.name !== 'COMPOSIO_MANAGE_CONNECTIONS');
			const messages = userMessage('Summarize my emails');
			const run = start({ model, session: s, messages, tools, maxTurns: 4 });
			await run.finished;
			const finished = run.events.find((e) => e.type === 'toolFinished');
			assert.ok(finished?.type === 'toolFinished' && !finished.ok && /No active connection/.test(finished.error ?? ''));
			assert.match(text(run.events), /Gmail isn't connected/);
			assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
		});

		it('a thrown Composio error becomes {"error": …} for the model', async () => {
			emu.seedAccount(USER, 'gmail');
			const s = await session();
			const messages = userMessage('Summarize my emails');
			const run = start({ model, session: s, messages, maxTurns: 4 }, (e) => {
				if (e.type === 'toolFinished') {
					emu.injectFault({ pathIncludes: '/execute', status: 400, count: 1 });
				}
			});
			await run.finished;
			const failed = run.events.filter((e) => e.type === 'toolFinished')[1];
			assert.ok(failed?.type === 'toolFinished' && !failed.ok);
			const toolMessage = messages.filter((m) => m.role === 'tool')[1];
			assert.ok(toolMessage?.role === 'tool' && typeof toolMessage.content === 'string');
			assert.deepEqual(Object.keys(JSON.parse(toolMessage.content) as object), ['error']);
			assert.match(text(run.events), /I couldn't fetch your latest emails/);
			assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
		});

		it('a call Composio refuses with HTTP 400 and its code (no active connection, 4302) reaches the model as the tool\'s answer, not as a failed request', async () => {
			const s = await session();
			const fake = new FakeModel([
				[{ type: 'toolCalls', calls: [{ id: 'call_direct', name: 'GMAIL_FETCH_EMAILS', arguments: '{"max_results": 5}' }] }, { type: 'done', finishReason: 'tool_calls' }],
				[{ type: 'text', delta: 'Gmail needs connecting first.' }, { type: 'done', finishReason: 'stop' }],
			]);
			const messages = userMessage('Summarize my emails');
			const run = start({ model: fake, session: s, messages, maxTurns: 4 });
			await run.finished;
			// The session read Composio's HTTP 400 as a refusal (only an SDK error carrying code 4302 is read so).
			assert.equal((await s.execute('GMAIL_FETCH_EMAILS', {})).refusal, 'notConnected');
			const finished = run.events.find((e) => e.type === 'toolFinished');
			assert.ok(finished?.type === 'toolFinished' && !finished.ok);
			assert.match(finished.error ?? '', /No active connection found for toolkit 'gmail'/);
			assert.doesNotMatch(finished.error ?? '', /did not accept/, 'not the message of a failed request');
			const toolMessage = messages.find((m) => m.role === 'tool');
			assert.ok(toolMessage?.role === 'tool' && typeof toolMessage.content === 'string');
			assert.match(toolMessage.content, /COMPOSIO_MANAGE_CONNECTIONS/, 'the model reads what to do next');
			assert.deepEqual(last(run.events), { type: 'done', reason: 'answered' });
		});

		it('invalid JSON arguments become a tool result saying so', async () => {
			emu.seedAccount(USER, 'gmail');
			const s = await session();
			const fake = new FakeModel([
				[{ type: 'toolCalls', calls: [{ id: 'call_bad', name: 'GMAIL_FETCH_EMAILS', arguments: '{"max_results": 5' }] }, { type: 'done', finishReason: 'tool_calls' }],
				[{ type: 'text', delta: 'Sorry, let me fix that.' }, { type: 'done', finishReason: 'stop' }],
			]);
			const messages = userMessage('Summarize my emails');
			const before = executes();
			const run = start({ model: fake, session: s, messages, maxTurns: 4 });
			await run.finished;
			assert.equal(executes(), before, 'nothing ran');
			const started = run.events.find((e) => e.type === 'toolStarted');
			assert.ok(started?.type === 'toolStarted' && started.args === '{"max_results": 5' && started.toolkit === 'gmail');
			const finished = run.events.find((e) => e.type === 'toolFinished');
			assert.ok(finished?.type === 'toolFinished' && !finished.ok && /not valid JSON/.test(finished.error ?? ''));
			const seen = fake.requests[1]?.messages.find((m) => m.role === 'tool');
			assert.ok(seen?.role === 'tool' && typeof seen.content === 'string' && /not valid JSON/.test(seen.content));
			assertConsistent(messages);
		});
	});

	describe('model failures end the turn with an error and an intact transcript', () => {
		const cases = [
			{ fault: { status: 401 }, kind: 'model.auth', action: 'setOpenAiKey' },
			{ fault: { status: 429, retryAfterSeconds: 3 }, kind: 'model.rateLimited', action: 'retry' },
			{ fault: { status: 500 }, kind: 'model.server', action: 'retry' },
			{ fault: { cutAfterChunks: 3 }, kind: 'model.streamCut', action: 'retry' },
		] as const;
		for (const c of cases) {
			it(`${'status' in c.fault ? `HTTP ${c.fault.status}` : 'a cut stream'} → ${c.kind} with action ${c.action}`, async () => {
				const s = await session();
				const messages = userMessage('Summarize my emails');
				const run = start({ model, session: s, messages, maxTurns: 4 }, (e) => {
					// Fail the second model call, after a tool ran, so the transcript holds tool calls.
					if (e.type === 'toolFinished') {
						scripted.injectFault({ ...c.fault });
					}
				});
				await run.finished;
				const end = last(run.events);
				assert.ok(end?.type === 'error', JSON.stringify(end));
				assert.equal(end.error.kind, c.kind);
				assert.equal(end.error.action, c.action);
				assert.ok(!run.events.some((e) => e.type === 'done'));
				assert.deepEqual(
					messages.map((m) => m.role),
					['user', 'assistant', 'tool'],
				);
				assertConsistent(messages);
				// The same request can run again on the same transcript.
				const again = start({ model, session: s, messages, maxTurns: 4 });
				await again.finished;
				assert.deepEqual(last(again.events), { type: 'done', reason: 'answered' });
			});
		}

		it('a Composio failure listing tools → an error with its action', async () => {
			const s = await service.getSession(USER, settings({ toolkits: ['gmail'] }));
			emu.injectFault({ pathIncludes: '/tools', status: 401, count: 1 });
			const run = start({ model, session: s, messages: userMessage('Summarize my emails'), maxTurns: 4 });
			await run.finished;
			const end = last(run.events);
			assert.ok(end?.type === 'error');
			assert.equal(end.error.kind, 'composio.auth');
			assert.equal(end.error.action, 'setComposioKey');
		});
	});

	it('gives the model a shortened output but the UI the full one', async () => {
		emu.seedAccount(USER, 'gmail');
		const s = await session();
		const messages = userMessage('Summarize my emails');
		const run = start({ model, session: s, messages, maxTurns: 4, toolOutputBudget: 1500 });
		await run.finished;
		const fetched = run.events.filter((e) => e.type === 'toolFinished')[1];
		assert.ok(fetched?.type === 'toolFinished' && fetched.ok);
		assert.equal(fetched.truncatedForModel, true);
		// The emails come inside the multi-execute's one result.
		const full = JSON.parse(fetched.result) as { data: { results: Array<{ response: { data: { messages: unknown[] } } }> } };
		assert.ok((full.data.results[0]?.response.data.messages.length ?? 0) >= 5, 'the UI gets every email');
		const seen = messages.filter((m) => m.role === 'tool')[1];
		assert.ok(seen?.role === 'tool' && typeof seen.content === 'string');
		assert.ok(seen.content.length <= 1500, `${seen.content.length} characters`);
		assert.match(seen.content, new RegExp(`\\[output shortened from ${JSON.stringify(full).length} to \\d+ characters\\]$`));
	});

	it('tells the model client where the task begins, and passes on what it left out of the context', async () => {
		emu.seedAccount(USER, 'gmail');
		const s = await session();
		const requests: ModelRequest[] = [];
		const trimming: ModelClient = {
			model: 'trimming',
			async *stream(request) {
				requests.push(request);
				yield { type: 'contextTrimmed', leftOut: { summarizedMessages: 4, shortenedToolResults: 1, shortenedMessages: 0 }, tokens: 900, maxInputTokens: 1000 };
				yield* model.stream(request);
			},
		};
		const messages: ChatCompletionMessageParam[] = [
			{ role: 'user', content: 'What can you do?' },
			{ role: 'assistant', content: 'Many things.' },
			{ role: 'user', content: 'Summarize my emails' },
		];
		const run = start({ model: trimming, session: s, messages, maxTurns: 4 });
		await run.finished;
		assert.equal(last(run.events)?.type, 'done');
		// The request starts with the system prompt: the task's message is at index 3, in every request of the run.
		assert.ok(requests.length >= 3);
		for (const r of requests) {
			assert.equal(r.keepFrom, 3);
			assert.deepEqual(r.messages[3], { role: 'user', content: 'Summarize my emails' });
		}
		assert.equal(run.events.filter((e) => e.type === 'contextTrimmed').length, requests.length);
		assert.deepEqual(run.events.find((e) => e.type === 'contextTrimmed'), { type: 'contextTrimmed', leftOut: { summarizedMessages: 4, shortenedToolResults: 1, shortenedMessages: 0 }, tokens: 900, maxInputTokens: 1000 });
	});

	it('routes a named account alias to execute in multi-account mode and lists aliases in the prompt', async () => {
		emu.seedAccount(USER, 'gmail', 'work');
		emu.seedAccount(USER, 'gmail', 'personal');
		const s = await session({ multiAccount: true });
		const messages = userMessage('Summarize the emails in my work gmail');
		const run = start({ model, session: s, messages, maxTurns: 6, multiAccount: true });
		await run.finished;
		const first = scripted.requests[0]?.messages[0];
		const system = typeof first === 'object' && first !== null && 'content' in first ? String(first.content) : '';
		assert.match(system, /Gmail \(gmail\): "(work|personal)", "(work|personal)"/);
		const fetch = emu.requests.find((r) => /\/execute$/.test(r.path) && JSON.stringify(r.body).includes('GMAIL_FETCH_EMAILS'));
		assert.ok(fetch);
		// The account goes with the app tool, inside the multi-execute's list.
		assert.equal((fetch.body as { tool_slug?: string; arguments?: { tools?: Array<{ account?: string }> } }).tool_slug, 'COMPOSIO_MULTI_EXECUTE_TOOL');
		assert.equal((fetch.body as { arguments?: { tools?: Array<{ account?: string }> } }).arguments?.tools?.[0]?.account, 'work');
		assert.match(text(run.events), /Using your \*\*work\*\* Gmail account/);
	});
});

describe('agent loop helpers', () => {
	it('repairs dangling tool calls in place', () => {
		const messages: ChatCompletionMessageParam[] = [
			{ role: 'user', content: 'hi' },
			{
				role: 'assistant',
				content: null,
				tool_calls: [
					{ id: 'a', type: 'function', function: { name: 'X_Y', arguments: '{}' } },
					{ id: 'b', type: 'function', function: { name: 'X_Z', arguments: '{}' } },
				],
			},
			{ role: 'tool', tool_call_id: 'a', content: '{}' },
			{ role: 'user', content: 'again' },
		];
		assert.equal(repairTranscript(messages), 1);
		assert.deepEqual(
			messages.map((m) => (m.role === 'tool' ? `tool:${m.tool_call_id}` : m.role)),
			['user', 'assistant', 'tool:a', 'tool:b', 'user'],
		);
		assert.equal(repairTranscript(messages), 0);
	});

	it('shortens large output on a boundary and keeps JSON valid when it can', () => {
		const value = { data: { items: Array.from({ length: 400 }, (_, i) => ({ id: i, text: 'x'.repeat(200) })) }, error: null };
		const prepared = prepareToolOutput(value, 12_000);
		assert.equal(prepared.truncated, true);
		assert.ok(prepared.forModel.length <= 12_000);
		const [json, note] = prepared.forModel.split('\n[output shortened');
		assert.ok(note && json);
		assert.doesNotThrow(() => JSON.parse(json));
		assert.match(prepared.full, /"id": 399/);
		const small = prepareToolOutput({ data: { ok: true }, error: null });
		assert.equal(small.truncated, false);
		assert.equal(small.forModel, '{"data":{"ok":true},"error":null}');
		// Plain text is cut at a line break in its last fifth.
		const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'y'.repeat(40)}`).join('\n');
		const cut = shortenForModel(lines, lines, 1000);
		assert.ok(cut.truncated && cut.text.length <= 1000);
		assert.match(cut.text, /y\n\[output shortened from \d+ to \d+ characters\]$/);
	});

	it('puts editor context in the user message as fenced blocks with path and lines', () => {
		const content = userMessageContent('Explain this', [
			{ path: 'src/a.ts', languageId: 'typescript', startLine: 3, endLine: 9, text: 'const a = "```";' },
			{ path: 'README.md', languageId: 'markdown', text: '# Title\n' },
		]);
		assert.match(content, /^Explain this\n\nAttached from the editor:/);
		assert.match(content, /Selection from src\/a\.ts \(lines 3-9\):\n````typescript\nconst a = "```";\n````/);
		assert.match(content, /File README\.md:\n```markdown\n# Title\n```/);
	});

	it('the system prompt covers Connect Links and lists aliases only for toolkits with several accounts', () => {
		const prompt = buildSystemPrompt({
			accounts: [
				{ toolkit: 'gmail', id: 'ca_1', alias: 'work' },
				{ toolkit: 'gmail', id: 'ca_2', alias: 'home' },
				{ toolkit: 'github', id: 'ca_3', alias: 'solo' },
			],
		});
		assert.match(prompt, /Never invent/);
		assert.match(prompt, /Never ask for passwords/);
		assert.match(prompt, /markdown link/);
		assert.match(prompt, /Gmail \(gmail\): "work", "home"/);
		assert.doesNotMatch(prompt, /solo/);
		assert.doesNotMatch(buildSystemPrompt(), /Connected accounts/);
	});
});
