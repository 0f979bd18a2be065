/**
 * The connection poller on its own, on a simulated clock, with scripted statuses: when it
 * checks, when it gives up, what it tolerates, and how it stops. (Over HTTP against the emulator
 * it is covered through `waitForConnection` and the AuthWaiter.)
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ComposioError } from '../../src/composio/composioErrors';
import { connectionOutcome, MAX_POLL_FAILURES, pollConnection, waitCancelledMessage, type PollConnectionOptions } from '../../src/composio/connectionPoller';
import type { ConnectionCheck, ConnectionOutcome, ConnectionStatus } from '../../src/composio/toolSession';
import { FakeClock } from '../shared/fakeClock';

/** A check that answers from a script, one entry per call (the last one repeats), and records when it was called. */
function scripted(clock: FakeClock, script: ReadonlyArray<ConnectionCheck | Error>): { check: (signal: AbortSignal) => Promise<ConnectionCheck>; calls: number[] } {
	const calls: number[] = [];
	const start = clock.now();
	return {
		calls,
		check: () => {
			const entry = script[Math.min(calls.length, script.length - 1)];
			calls.push(clock.now() - start);
			return entry instanceof Error ? Promise.reject(entry) : Promise.resolve(entry!);
		},
	};
}

/** Runs a poll to its end, moving the clock `stepMs` at each pause. */
async function poll(clock: FakeClock, check: (signal: AbortSignal) => Promise<ConnectionCheck>, options: Omit<PollConnectionOptions, 'clock' | 'signal'> & { signal?: AbortSignal }, stepMs: number): Promise<ConnectionOutcome | Error> {
	let result: ConnectionOutcome | Error | undefined;
	const polling = pollConnection(check, { signal: new AbortController().signal, ...options, clock }).then(
		(r) => (result = r),
		(e: unknown) => (result = e instanceof Error ? e : new Error(String(e))),
	);
	await clock.runUntil(() => result !== undefined, stepMs, 'the poll to end');
	await polling;
	return result!;
}

const pending = (status: ConnectionStatus = 'INITIATED'): ConnectionCheck => ({ status });
const unreachable = (): ComposioError => new ComposioError('unreachable', 'Composio is unreachable.', { action: 'retry' });

describe('connectionPoller', () => {
	it('says what a status means: ACTIVE, the ends with their reason, disabled as FAILED, pending as nothing', () => {
		assert.deepEqual(connectionOutcome({ status: 'ACTIVE' }), { status: 'ACTIVE' });
		assert.deepEqual(connectionOutcome({ status: 'FAILED', reason: 'User denied access' }), { status: 'FAILED', reason: 'User denied access' });
		assert.deepEqual(connectionOutcome({ status: 'EXPIRED' }), { status: 'EXPIRED' });
		assert.deepEqual(connectionOutcome({ status: 'REVOKED' }), { status: 'REVOKED' });
		assert.deepEqual(connectionOutcome({ status: 'INACTIVE' }), { status: 'FAILED', reason: 'The account is disabled.' });
		assert.deepEqual(connectionOutcome({ status: 'INACTIVE', reason: 'Disabled by an admin' }), { status: 'FAILED', reason: 'Disabled by an admin' });
		assert.equal(connectionOutcome({ status: 'INITIATED' }), undefined);
		assert.equal(connectionOutcome({ status: 'INITIALIZING' }), undefined);
	});

	it('checks at once, then every interval until an outcome; reports the first status and each change', async () => {
		const clock = new FakeClock();
		const { check, calls } = scripted(clock, [pending('INITIALIZING'), pending(), pending(), { status: 'ACTIVE' }]);
		const statuses: ConnectionStatus[] = [];
		const result = await poll(clock, check, { timeoutMs: 10_000, intervalMs: 100, onStatus: (s) => statuses.push(s) }, 100);
		assert.deepEqual(result, { status: 'ACTIVE' });
		assert.deepEqual(calls, [0, 100, 200, 300]);
		assert.deepEqual(statuses, ['INITIALIZING', 'INITIATED', 'ACTIVE']);
	});

	it('waits one interval first when asked to, and ends with TIMEOUT at the deadline (the last pause is cut short)', async () => {
		const clock = new FakeClock();
		const { check, calls } = scripted(clock, [pending()]);
		const result = await poll(clock, check, { timeoutMs: 250, intervalMs: 100, firstCheckAfterInterval: true }, 50);
		assert.deepEqual(result, { status: 'TIMEOUT' });
		assert.deepEqual(calls, [100, 200, 250]);
	});

	it(`retries transient failures up to ${MAX_POLL_FAILURES} in a row (a success resets the count); anything else ends the wait at once`, async () => {
		const clock = new FakeClock();
		const flaky = scripted(clock, [unreachable(), unreachable(), pending(), unreachable(), unreachable(), unreachable(), unreachable(), { status: 'ACTIVE' }]);
		assert.deepEqual(await poll(clock, flaky.check, { timeoutMs: 10_000, intervalMs: 10 }, 10), { status: 'ACTIVE' });
		assert.equal(flaky.calls.length, 8);

		const down = scripted(clock, [unreachable()]);
		const gaveUp = await poll(clock, down.check, { timeoutMs: 10_000, intervalMs: 10 }, 10);
		assert.ok(gaveUp instanceof ComposioError && gaveUp.kind === 'unreachable');
		assert.equal(down.calls.length, MAX_POLL_FAILURES);

		const refused = scripted(clock, [new ComposioError('auth', 'Composio rejected the API key.')]);
		const auth = await poll(clock, refused.check, { timeoutMs: 10_000, intervalMs: 10 }, 10);
		assert.ok(auth instanceof ComposioError && auth.kind === 'auth');
		assert.equal(refused.calls.length, 1);

		// A policy that never gives up keeps polling through an outage until the deadline.
		const counts: number[] = [];
		const patient = scripted(clock, [unreachable()]);
		const out = await poll(clock, patient.check, { timeoutMs: 100, intervalMs: 10, onCheckFailed: (_e, n) => (counts.push(n), 'retry') }, 10);
		assert.deepEqual(out, { status: 'TIMEOUT' });
		assert.deepEqual(counts, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
	});

	it('stops promptly when the signal aborts: never checks when already aborted, cancels a pause, leaves no listener', async () => {
		const clock = new FakeClock();
		const never = scripted(clock, [pending()]);
		await assert.rejects(
			pollConnection(never.check, { signal: AbortSignal.abort(), clock, timeoutMs: 1000, intervalMs: 10 }),
			(e: unknown) => e instanceof ComposioError && e.kind === 'cancelled' && e.message === waitCancelledMessage(),
		);
		assert.equal(never.calls.length, 0);

		const ac = new AbortController();
		const waiting = scripted(clock, [pending()]);
		const polling = pollConnection(waiting.check, { signal: ac.signal, clock, timeoutMs: 60_000, intervalMs: 30_000 });
		await clock.untilSleeping('the first pause');
		ac.abort();
		await assert.rejects(polling, (e: unknown) => e instanceof ComposioError && e.kind === 'cancelled');
		assert.equal(waiting.calls.length, 1);
		assert.equal(clock.sleeping, 0, 'the pause is gone');
		assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
	});
});
