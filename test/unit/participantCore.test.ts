/**
 * The vscode-free core of the `@composio` chat participant: resuming a task that stopped while it
 * waited for a Connect Link ("done" as the next message), the chat's history as the model
 * transcript, "Allow in this chat" carried between requests, and the approval question as text.
 * Over real HTTP: the Composio SDK against the emulator, the openai SDK against the scripted model.
 */
import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentEvent } from '../../src/agent/agentEvents';
import { runAgent, type AgentRunOptions } from '../../src/agent/agentLoop';
import { approvalMarkdown, escapeMarkdown } from '../../src/agent/approvalSummary';
import { AuthWaiter, type PendingConnection } from '../../src/agent/authWaiter';
import { allowedInChat, historyMessages, isContinuation, parseParticipantMetadata, ParticipantRuns, resumable, type HistoryTurn } from '../../src/agent/participantHistory';
import { MemoryAlwaysAllowedStore, ToolApprovalGate } from '../../src/agent/toolApproval';
import { submitConnectPage } from '../shared/connectPage';
import { until } from '../shared/until';
import { assertConsistent } from './fakes/assertions';
import { useSandbox } from './fakes/sandboxSuite';

const USER = 'participant-user';

async function collect(options: AgentRunOptions, onEvent?: (e: AgentEvent, all: AgentEvent[]) => void): Promise<AgentEvent[]> {
	const events: AgentEvent[] = [];
	for await (const e of runAgent(options)) {
		events.push(e);
		onEvent?.(e, events);
	}
	return events;
}

function text(events: readonly AgentEvent[]): string {
	return events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
}

describe('@composio participant core: resuming after a Connect Link (emulator + scripted model over HTTP)', function () {
	this.timeout(60_000);
	const suite = useSandbox({ model: { chunkDelayMs: 1 } });
	const emu = suite.sandbox.emulator;

	/** Runs "Summarize my emails" until it waits for Gmail, then stops it (the response was stopped): returns the transcript and what it waited for. */
	async function stoppedWhileWaiting(): Promise<{ messages: ChatCompletionMessageParam[]; pending: PendingConnection }> {
		const session = await suite.session(USER);
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Summarize my emails from today' }];
		const controller = new AbortController();
		let pending: PendingConnection | undefined;
		const events = await collect({ model: suite.sandbox.modelClient(), session, messages, maxTurns: 8, signal: controller.signal, authWaiter: new AuthWaiter(session, { intervalMs: 25 }) }, (e) => {
			if (e.type === 'authStatus' && e.status === 'waiting' && e.url) {
				pending = { toolkit: e.toolkit, url: e.url, ...(e.accountId ? { accountId: e.accountId } : {}) };
				controller.abort();
			}
		});
		assert.deepEqual(events[events.length - 1], { type: 'done', reason: 'cancelled' });
		assert.ok(pending, 'it waited for a connection');
		return { messages, pending };
	}

	it('"done" after the account was connected: checks at once and finishes the task from where it stopped', async () => {
		const { messages, pending } = await stoppedWhileWaiting();
		await submitConnectPage(pending.url, 'authorize');
		const session = await suite.session(USER);
		const before = messages.length;
		// A poll interval far beyond the test's time: only the check made because the user said "done" can see the account.
		const waiter = new AuthWaiter(session, { intervalMs: 600_000 });
		const events = await collect({ model: suite.sandbox.modelClient(), session, messages, maxTurns: 8, signal: new AbortController().signal, authWaiter: waiter, resume: { pending: [pending], userSaid: 'done' } });
		assert.match(text(events), /Inbox summary/);
		assert.deepEqual(events[events.length - 1], { type: 'done', reason: 'answered' });
		assert.ok(events.some((e) => e.type === 'authStatus' && e.status === 'connected'));
		assert.deepEqual(messages[before], { role: 'user', content: 'done' }, 'the user\'s word goes on as their message');
		assert.equal(messages.filter((m) => m.role === 'user').length, 2);
		assertConsistent(messages);
	});

	it('"done" before the account is connected: says so, keeps waiting in the same response, and goes on once it is', async () => {
		const { messages, pending } = await stoppedWhileWaiting();
		const session = await suite.session(USER);
		const waiter = new AuthWaiter(session, { intervalMs: 25 });
		const events: AgentEvent[] = [];
		const run = collect({ model: suite.sandbox.modelClient(), session, messages, maxTurns: 8, signal: new AbortController().signal, authWaiter: waiter, resume: { pending: [pending], userSaid: 'done' } }, (e) => events.push(e));
		await until(() => events.some((e) => e.type === 'notice' && /isn't connected yet/.test(e.text)), 'the "not yet" notice');
		assert.ok(waiter.isWaiting, 'still waiting');
		emu.completeLink(pending.url, { decision: 'authorize' });
		await run;
		assert.match(text(events), /Inbox summary/);
		assertConsistent(messages);
	});

	it('"done" after the user denied consent: ends with the reason and no answer from the tools', async () => {
		const { messages, pending } = await stoppedWhileWaiting();
		await submitConnectPage(pending.url, 'deny');
		const session = await suite.session(USER);
		const events = await collect({ model: suite.sandbox.modelClient(), session, messages, maxTurns: 8, signal: new AbortController().signal, authWaiter: new AuthWaiter(session, { intervalMs: 600_000 }), resume: { pending: [pending], userSaid: 'done' } });
		assert.ok(events.some((e) => e.type === 'authStatus' && e.status === 'failed'));
		assert.match(text(events), /Connecting Gmail failed/);
		assert.deepEqual(events[events.length - 1], { type: 'done', reason: 'answered' });
		assertConsistent(messages);
	});
});

describe('@composio participant core: history, "Allow in this chat" and the approval text', () => {
	const runs = new ParticipantRuns();
	const transcript: ChatCompletionMessageParam[] = [
		{ role: 'user', content: 'Summarize my emails' },
		{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: '{}' } }] },
		{ role: 'tool', tool_call_id: 'c1', content: '{"data":{"messages":[]}}' },
		{ role: 'assistant', content: 'No new mail.' },
	];
	runs.remember('run-1', transcript);

	it('a remembered run comes back whole (tool calls and results); any other turn as its prompt and shown text', () => {
		const turns: HistoryTurn[] = [
			{ prompt: 'Summarize my emails', responseText: 'No new mail.', metadata: { runId: 'run-1', allowedInChat: [] } },
			{ prompt: 'What about Slack?', responseText: 'Slack is quiet.', metadata: { runId: 'forgotten', allowedInChat: [] } },
			{ prompt: 'From before the reload', responseText: 'An answer' },
		];
		assert.deepEqual(historyMessages(turns, runs), [
			...transcript,
			{ role: 'user', content: 'What about Slack?' },
			{ role: 'assistant', content: 'Slack is quiet.' },
			{ role: 'user', content: 'From before the reload' },
			{ role: 'assistant', content: 'An answer' },
		]);
	});

	it('only a continuation resumes, and only a run this host remembers that stopped while waiting', () => {
		const waitingFor = [{ toolkit: 'gmail', url: 'http://127.0.0.1:1/link/x', accountId: 'ca_1' }];
		const stopped: HistoryTurn[] = [{ prompt: 'Summarize my emails', responseText: 'Connect Gmail', metadata: { runId: 'run-1', allowedInChat: [], waitingFor } }];
		assert.deepEqual(resumable(stopped, runs, 'done'), { pending: waitingFor, runId: 'run-1' });
		assert.deepEqual(resumable(stopped, runs, "I've connected it"), { pending: waitingFor, runId: 'run-1' });
		assert.equal(resumable(stopped, runs, 'List my GitHub issues instead'), undefined, 'a new request is not a resume');
		assert.equal(resumable([{ ...stopped[0]!, metadata: { runId: 'gone', allowedInChat: [], waitingFor } }], runs, 'done'), undefined);
		assert.equal(resumable([{ prompt: 'x', responseText: 'y', metadata: { runId: 'run-1', allowedInChat: [] } }], runs, 'done'), undefined);
		assert.ok(isContinuation('ok, done'));
		assert.ok(!isContinuation('Summarize my emails'));
	});

	it('metadata from VS Code is checked: what is not ours or not whole is dropped', () => {
		assert.equal(parseParticipantMetadata(undefined), undefined);
		assert.equal(parseParticipantMetadata({ allowedInChat: ['X'] }), undefined);
		assert.deepEqual(parseParticipantMetadata({ runId: 'r', allowedInChat: ['GMAIL_SEND_EMAIL', 3], waitingFor: [{ toolkit: 'gmail', url: 'u' }, { toolkit: 1 }] }), {
			runId: 'r',
			allowedInChat: ['GMAIL_SEND_EMAIL'],
			waitingFor: [{ toolkit: 'gmail', url: 'u' }],
		});
	});

	it('"Allow in this chat" from earlier requests lets the tool run unasked; other tools still ask', () => {
		const turns: HistoryTurn[] = [
			{ prompt: 'a', responseText: 'b', metadata: { runId: '1', allowedInChat: ['GMAIL_SEND_EMAIL'] } },
			{ prompt: 'c', responseText: 'd', metadata: { runId: '2', allowedInChat: ['SLACK_SEND_MESSAGE', 'GMAIL_SEND_EMAIL'] } },
		];
		const gate = new ToolApprovalGate(new MemoryAlwaysAllowedStore(), () => ({ mode: 'writes' }), allowedInChat(turns));
		assert.deepEqual(gate.check([{ tool: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', args: {} }]), []);
		assert.equal(gate.check([{ tool: 'GITHUB_CREATE_AN_ISSUE', toolkit: 'github', args: {} }]).length, 1);
		assert.deepEqual(gate.allowedInChat(), ['GMAIL_SEND_EMAIL', 'SLACK_SEND_MESSAGE']);
	});

	it('the approval text names the app, action, account and arguments, and nothing in them can format or link', () => {
		const md = approvalMarkdown([
			{ tool: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', account: 'work_[x](http://evil)', args: { recipient_email: 'mallory@evil.test', body: 'see ```` [here](javascript:alert(1))', n: 3 } },
		]);
		assert.match(md, /^\*\*Allow this action\?\*\* The agent wants to act on your account\. Nothing runs until you answer\./);
		assert.match(md, /\*\*Gmail\*\* · Send email · as work\\_\\\[x\\\]\\\(http:\/\/evil\\\) \(`GMAIL_SEND_EMAIL`\)/);
		assert.match(md, /`````text\nrecipient_email: mallory@evil\.test\nbody: see ```` \[here\]\(javascript:alert\(1\)\)\nn: 3\n`````/, 'the arguments sit in a fence longer than any backticks in them');
		assert.equal(escapeMarkdown('a*b_c'), 'a\\*b\\_c');
	});
});
