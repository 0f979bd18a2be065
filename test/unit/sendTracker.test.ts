/**
 * The chat view's turn state while a sent message is on its way to the host (webview/sendTracker.ts),
 * in the order of events that lost a message on a loaded machine: the view sends, the host's
 * "running" is still in flight, the user sends again. Messages between the view and the host take
 * simulated time on a FakeClock, so the order is exact whatever the machine's load.
 */
import assert from 'node:assert/strict';
import type { TurnState } from '../../src/protocol/chatProtocol';
import type { ComposerDraft } from '../../src/webview/composer';
import { SendTracker } from '../../src/webview/sendTracker';
import { FakeClock } from '../shared/fakeClock';

/** A host that runs one turn at a time and refuses a message while it runs, as ChatSession.send does ('busy'). */
class OneTurnHost {
	state: TurnState = 'idle';
	readonly taken: string[] = [];
	readonly refused: string[] = [];
}

/** The view and the host, with each message between them taking `latencyMs` of simulated time. */
function wire(clock: FakeClock, latencyMs: number) {
	const host = new OneTurnHost();
	const view = new SendTracker();
	let restored: ComposerDraft | undefined;
	const toView = (apply: () => void): void => void clock.sleep(latencyMs).then(apply);
	const toHost = (apply: () => void): void => void clock.sleep(latencyMs).then(apply);
	/** The composer's submit: refused by the view itself while it shows a running turn (the text stays in the box). */
	const submit = (text: string): boolean => {
		if (view.shown === 'running') {
			return false;
		}
		view.sent({ text, context: [] });
		toHost(() => {
			if (host.state !== 'idle') {
				host.refused.push(text);
				toView(() => (restored = view.refused()));
				return;
			}
			host.taken.push(text);
			host.state = 'running';
			toView(() => view.hostState('running'));
		});
		return true;
	};
	const finishTurn = (): void => {
		host.state = 'idle';
		toView(() => view.hostState('idle'));
	};
	return { host, view, submit, finishTurn, restored: () => restored };
}

describe('SendTracker (the view between a send and the host’s answer)', () => {
	it('a second message typed before the host says "running" stays in the box instead of reaching a busy host', async () => {
		const clock = new FakeClock();
		const { host, view, submit, finishTurn } = wire(clock, 500);
		assert.equal(submit('Summarize my work email'), true);
		assert.equal(view.shown, 'running', 'running from the moment it is sent, before the host has heard of it');
		await clock.advance(100);
		assert.equal(submit('Send an email to bob@example.com'), false, 'not sent: the view knows a turn is starting');
		await clock.advance(400); // the host takes the first message
		assert.deepEqual(host.taken, ['Summarize my work email']);
		assert.equal(view.shown, 'running');
		await clock.advance(500); // "running" reaches the view
		assert.equal(view.shown, 'running');
		finishTurn();
		await clock.advance(500); // "idle" reaches the view
		assert.equal(view.shown, 'idle');
		assert.equal(submit('Send an email to bob@example.com'), true);
		await clock.advance(500);
		assert.deepEqual(host.taken, ['Summarize my work email', 'Send an email to bob@example.com']);
		assert.deepEqual(host.refused, [], 'no message met a busy host');
	});

	it('a stale "idle" that arrives after the send does not make the view look idle', async () => {
		const clock = new FakeClock();
		const { view, submit } = wire(clock, 500);
		submit('first');
		view.hostState('idle'); // the end of an earlier turn, delivered late
		assert.equal(view.shown, 'running');
		await clock.advance(1000);
		assert.equal(view.shown, 'running', 'the host took it and says so');
	});

	it('a message the host refuses comes back to the box', async () => {
		const clock = new FakeClock();
		const { host, view, submit, restored } = wire(clock, 500);
		host.state = 'running'; // a turn the view has not heard of yet (an editor prompt started it)
		submit('hello');
		await clock.advance(1000);
		assert.deepEqual(host.refused, ['hello']);
		assert.deepEqual(restored(), { text: 'hello', context: [] });
		assert.equal(view.shown, 'idle', 'nothing pending any more');
	});

	it('waiting for a connection: a message goes to the wait and nothing is pending', () => {
		const view = new SendTracker();
		view.hostState('waitingForAuth');
		view.sent({ text: 'done', context: [] });
		assert.equal(view.shown, 'waitingForAuth');
		assert.equal(view.refused(), undefined);
	});

	it('Stop before the host answered clears what is pending', () => {
		const view = new SendTracker();
		view.sent({ text: 'x', context: [] });
		view.stopped();
		assert.equal(view.shown, 'idle');
	});
});
