/**
 * The transcript reducer on its own: agent events in, item changes out, no I/O. Each test feeds
 * a sequence of events, applies the changes the way ChatSession does, and checks the items, the
 * changes, the save hints and the turn states.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../src/agent/agentEvents';
import { closeTurn, type ItemFactory, NO_TURN_ITEMS, prettyArgs, reduceEvent, type TranscriptStep, type TurnItems, userItem } from '../../src/agent/transcriptReducer';
import type { TranscriptItem } from '../../src/protocol/transcript';

/** Ids `kind-1`, `kind-2`, … and times 1000, 1001, …: every run gives the same items. */
function counterFactory(): ItemFactory {
	let n = 0;
	let t = 1000;
	return { now: () => t++, newId: (kind) => `${kind}-${++n}` };
}

/** Applies a step to `items` in place, as ChatSession does. */
function applyStep(items: TranscriptItem[], step: TranscriptStep): void {
	for (const change of step.changes) {
		if (change.type === 'add') {
			items.push(change.item);
		} else {
			items[change.index] = change.item;
		}
	}
}

/** Runs events through the reducer from `items`, returning every step and the final turn items. */
function run(items: TranscriptItem[], events: readonly AgentEvent[], factory = counterFactory(), turn: TurnItems = NO_TURN_ITEMS): { steps: TranscriptStep[]; turn: TurnItems } {
	const steps: TranscriptStep[] = [];
	for (const event of events) {
		const step = reduceEvent(items, turn, event, factory);
		applyStep(items, step);
		turn = step.turn;
		steps.push(step);
	}
	return { steps, turn };
}

function describe_(items: readonly TranscriptItem[]): string[] {
	return items.map((i) => {
		switch (i.kind) {
			case 'assistant':
				return `assistant${i.streaming ? ' (streaming)' : ''}: ${i.text}`;
			case 'tool':
				return `tool ${i.name} ${i.status}${i.error ? ` (${i.error})` : ''}`;
			case 'auth':
				return `auth ${i.toolkit} ${i.status} ${i.url}${i.reason ? ` (${i.reason})` : ''}`;
			case 'notice':
				return `notice ${i.level}: ${i.text}${i.action ? ` [${i.action}]` : ''}`;
			case 'user':
				return `user: ${i.text}`;
		}
	});
}

describe('transcriptReducer (agent events → transcript items, pure)', () => {
	it('streams text into one assistant item: added streaming, grown by appendText, saved soon, state running', () => {
		const items: TranscriptItem[] = [];
		const { steps, turn } = run(items, [
			{ type: 'text', delta: 'Hel' },
			{ type: 'text', delta: 'lo' },
		]);
		assert.deepEqual(items, [{ kind: 'assistant', id: 'assistant-1', at: 1000, text: 'Hello', streaming: true }]);
		assert.deepEqual(
			steps.map((s) => s.changes.map((c) => c.type)),
			[['add'], ['appendText']],
		);
		const append = steps[1]?.changes[0];
		assert.ok(append?.type === 'appendText' && append.delta === 'lo' && append.index === 0);
		assert.deepEqual(
			steps.map((s) => [s.save, s.state]),
			[
				['soon', 'running'],
				['soon', 'running'],
			],
		);
		assert.equal(turn.assistantId, 'assistant-1');
	});

	it('a tool call closes the streaming answer (saved now) and the next text starts a new item', () => {
		const items: TranscriptItem[] = [];
		const { steps } = run(items, [
			{ type: 'text', delta: 'Let me look.' },
			{ type: 'toolStarted', callId: 'c1', name: 'GMAIL_FETCH_EMAILS', toolkit: 'gmail', args: { max_results: 2 } },
			{ type: 'toolFinished', callId: 'c1', ok: true, result: '{"messages":[]}', truncatedForModel: false },
			{ type: 'text', delta: 'Nothing new.' },
			{ type: 'done', reason: 'answered' },
		]);
		assert.deepEqual(describe_(items), ['assistant: Let me look.', 'tool GMAIL_FETCH_EMAILS done', 'assistant: Nothing new.']);
		const tool = items[1];
		assert.ok(tool?.kind === 'tool');
		assert.equal(tool.toolkit, 'gmail');
		assert.equal(tool.args, '{\n  "max_results": 2\n}');
		assert.equal(tool.result, '{"messages":[]}');
		// toolStarted: the answer closes (a save) and the card is added running.
		assert.deepEqual(
			steps[1]?.changes.map((c) => c.type),
			['replace', 'add'],
		);
		assert.equal(steps[1]?.save, 'now');
		assert.equal(steps[1]?.state, 'running');
		assert.equal(steps[2]?.save, 'now');
		// done closes the last answer.
		assert.equal(steps[4]?.save, 'now');
	});

	it('a tool card starting alone is not worth a save; a failed or declined one is', () => {
		const items: TranscriptItem[] = [];
		const { steps } = run(items, [
			{ type: 'toolStarted', callId: 'a', name: 'GITHUB_CREATE_AN_ISSUE', args: '{not json' },
			{ type: 'toolFinished', callId: 'a', ok: false, result: '{}', error: 'Not Found', truncatedForModel: false },
			{ type: 'toolStarted', callId: 'b', name: 'GMAIL_SEND_EMAIL', args: {} },
			{ type: 'toolFinished', callId: 'b', ok: false, result: '{}', error: 'You declined.', truncatedForModel: false, declined: true },
		]);
		assert.equal(steps[0]?.save, 'none');
		assert.deepEqual(describe_(items), ['tool GITHUB_CREATE_AN_ISSUE failed (Not Found)', 'tool GMAIL_SEND_EMAIL declined (You declined.)']);
		// Arguments that were not valid JSON are shown as the model wrote them.
		assert.ok(items[0]?.kind === 'tool' && items[0].args === '{not json');
	});

	it('approval: the card waits with what it asks about, then runs as allowed; a deny leaves it for toolFinished', () => {
		const items: TranscriptItem[] = [];
		const { steps } = run(items, [
			{ type: 'toolStarted', callId: 'c', name: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', args: { to: 'a@b.c' } },
			{ type: 'approvalRequired', callId: 'c', actions: [{ tool: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', account: 'work', args: { to: 'a@b.c' } }] },
		]);
		const waiting = items[0];
		assert.ok(waiting?.kind === 'tool' && waiting.status === 'awaitingApproval');
		assert.deepEqual(waiting.approval, [{ tool: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', account: 'work', args: '{\n  "to": "a@b.c"\n}' }]);
		assert.equal(steps[1]?.save, 'now');
		const waitingTurn = steps[1]?.turn;
		assert.ok(waitingTurn);

		const allowed = [...items];
		run(allowed, [{ type: 'approvalDecided', callId: 'c', decision: 'chat' }], counterFactory(), waitingTurn);
		assert.ok(allowed[0]?.kind === 'tool' && allowed[0].status === 'running' && allowed[0].approvedAs === 'chat');

		const denied = [...items];
		const deny = run(denied, [{ type: 'approvalDecided', callId: 'c', decision: 'deny' }], counterFactory(), waitingTurn);
		assert.deepEqual(deny.steps[0]?.changes, []);
		assert.equal(denied[0], items[0]);
	});

	it('Connect cards: one per toolkit, a new link updates the waiting card, statuses move it and set the turn state', () => {
		const items: TranscriptItem[] = [];
		const { steps } = run(items, [
			{ type: 'authRequired', toolkit: 'gmail', url: 'https://connect/1', accountId: 'ca_1' },
			{ type: 'authRequired', toolkit: 'gmail', url: 'https://connect/2', accountId: 'ca_2' },
			{ type: 'authStatus', toolkit: 'gmail', status: 'waiting', url: 'https://connect/2' },
			{ type: 'authStatus', toolkit: 'gmail', status: 'expired', reason: 'The link expired.' },
			{ type: 'authStatus', toolkit: 'gmail', status: 'waiting', url: 'https://connect/3', accountId: 'ca_3' },
			{ type: 'authStatus', toolkit: 'gmail', status: 'connected' },
		]);
		assert.deepEqual(describe_(items), ['auth gmail connected https://connect/3']);
		const card = items[0];
		assert.ok(card?.kind === 'auth');
		assert.equal(card.toolkitName, 'Gmail');
		assert.equal(card.accountId, 'ca_3');
		assert.equal(card.reason, undefined, 'a fresh link clears the expiry reason');
		// Only the first authRequired makes a card, and only it asks for the logo.
		assert.deepEqual(steps[0]?.wantsLogo, { itemId: card.id, toolkit: 'gmail' });
		assert.equal(steps[1]?.wantsLogo, undefined);
		assert.deepEqual(
			steps.map((s) => s.state),
			[undefined, undefined, 'waitingForAuth', 'waitingForAuth', 'waitingForAuth', 'running'],
		);
		assert.ok(steps.every((s) => s.save === 'now'));
	});

	it('a failure reason stays on the card; a status for an unknown toolkit makes a card only when it brings a link', () => {
		const items: TranscriptItem[] = [];
		run(items, [
			{ type: 'authRequired', toolkit: 'slack', url: 'https://connect/s' },
			{ type: 'authStatus', toolkit: 'slack', status: 'failed', reason: 'User denied access' },
			{ type: 'authStatus', toolkit: 'github', status: 'cancelled' },
			{ type: 'authStatus', toolkit: 'linear', status: 'waiting', url: 'https://connect/l', accountId: 'ca_l' },
		]);
		assert.deepEqual(describe_(items), ['auth slack failed https://connect/s (User denied access)', 'auth linear waiting https://connect/l']);
	});

	it('notices, errors with their remedy, and a cancelled turn; usage changes nothing', () => {
		const items: TranscriptItem[] = [];
		const { steps } = run(items, [
			{ type: 'usage', promptTokens: 10, completionTokens: 5 },
			{ type: 'notice', text: 'Connected Gmail — continuing' },
			{ type: 'error', error: { kind: 'auth', message: 'Composio rejected the API key.', action: 'setComposioKey' } },
			{ type: 'done', reason: 'cancelled' },
			{ type: 'done', reason: 'maxTurns' },
		]);
		assert.deepEqual(steps[0], { turn: NO_TURN_ITEMS, changes: [], save: 'none' });
		assert.deepEqual(describe_(items), ['notice info: Connected Gmail — continuing', 'notice error: Composio rejected the API key. [setComposioKey]', 'notice info: Stopped.']);
	});

	it('never changes what it is given: the items array and the turn items stay as they were', () => {
		const items: TranscriptItem[] = [{ kind: 'assistant', id: 'a', at: 1, text: 'Hi', streaming: true }];
		const frozen = Object.freeze([...items]);
		const turn: TurnItems = Object.freeze({ assistantId: 'a', toolItems: new Map(), authItems: new Map() });
		const step = reduceEvent(frozen, turn, { type: 'toolStarted', callId: 'c', name: 'X', args: {} }, counterFactory());
		assert.deepEqual(frozen, items);
		assert.equal(turn.toolItems.size, 0);
		assert.equal(step.turn.toolItems.get('c'), 'tool-1');
		assert.equal(step.turn.assistantId, undefined);
	});

	it('closeTurn ends what the turn left open, and only the turn\'s own items', () => {
		const before: TranscriptItem[] = [{ kind: 'tool', id: 'old', at: 1, name: 'OLD', args: '{}', status: 'running' }];
		const items: TranscriptItem[] = [...before];
		const { turn } = run(items, [
			{ type: 'toolStarted', callId: 'a', name: 'A', args: {} },
			{ type: 'toolStarted', callId: 'b', name: 'B', args: {} },
			{ type: 'approvalRequired', callId: 'b', actions: [{ tool: 'B', args: {} }] },
			{ type: 'authRequired', toolkit: 'gmail', url: 'https://connect/g' },
			{ type: 'text', delta: 'Waiting…' },
		]);
		const step = closeTurn(items, before.length, turn);
		applyStep(items, step);
		assert.deepEqual(describe_(items), [
			'tool OLD running',
			'tool A failed (Cancelled by the user.)',
			'tool B declined (Stopped before you answered; it did not run.)',
			'auth gmail cancelled https://connect/g',
			'assistant: Waiting…',
		]);
		assert.equal(step.save, 'now');
		assert.equal(step.turn.assistantId, undefined);
		// A turn with nothing open changes nothing.
		assert.deepEqual(closeTurn(items, before.length, step.turn).changes, []);
	});

	it('userItem keeps the editor context; prettyArgs shows JSON, raw text, or what String makes of the rest', () => {
		const factory = counterFactory();
		assert.deepEqual(userItem('Explain', [{ path: 'a.ts', languageId: 'typescript', text: 'x' }], factory), {
			kind: 'user',
			id: 'user-1',
			at: 1000,
			text: 'Explain',
			context: [{ path: 'a.ts', languageId: 'typescript', text: 'x' }],
		});
		assert.equal('context' in userItem('Hi', [], factory), false);
		assert.equal(prettyArgs({ a: 1 }), '{\n  "a": 1\n}');
		assert.equal(prettyArgs('{"a":'), '{"a":');
		assert.equal(prettyArgs(undefined), '{}');
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		assert.equal(prettyArgs(cyclic), '[object Object]');
	});
});
