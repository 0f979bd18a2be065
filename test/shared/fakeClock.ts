/**
 * A `Clock` for tests that moves only when the test moves it (@sinonjs/fake-timers' clock,
 * not installed globally: only code handed this clock sees its time). Code under test that
 * waits on it reaches a `sleep`; the test sees that (`untilSleeping`) and moves time on
 * (`advance`), so polls, deadlines and link expiry happen at exact simulated times, whatever
 * the machine's load.
 */
import { createClock } from '@sinonjs/fake-timers';
import type { Clock } from '../../src/common/clock';
import { until } from './until';

/** The error a cancelled sleep rejects with, like Node's timers/promises. */
function abortError(signal: AbortSignal): Error {
	return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

export class FakeClock implements Clock {
	private readonly timers: ReturnType<typeof createClock>;

	/** Starts at `start` (epoch ms); default 2026-11-25 09:00 UTC. */
	constructor(start = Date.UTC(2026, 10, 25, 9)) {
		this.timers = createClock(start);
	}

	now(): number {
		return this.timers.now;
	}

	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) {
			return Promise.reject(abortError(signal));
		}
		return new Promise<void>((resolve, reject) => {
			const onAbort = (): void => {
				this.timers.clearTimeout(id);
				reject(abortError(signal!));
			};
			const id = this.timers.setTimeout(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			}, Math.max(0, ms));
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	/** How many sleeps are waiting for time to move. */
	get sleeping(): number {
		return this.timers.countTimers();
	}

	/** Moves time forward by `ms`, waking each sleep that falls due in order (and letting what it wakes run before the next). */
	async advance(ms: number): Promise<void> {
		await this.timers.tickAsync(ms);
	}

	/** Waits (for real I/O, not for time) until something sleeps on this clock: the code under test has reached its next pause. */
	async untilSleeping(what = 'something to sleep on the clock'): Promise<void> {
		await until(() => this.sleeping > 0, what);
	}

	/**
	 * Moves time on in steps of `stepMs`, each once something sleeps, until `done()` holds; the
	 * steps taken are returned. For code that polls on this clock over real HTTP.
	 */
	async runUntil(done: () => boolean, stepMs: number, what = 'the condition'): Promise<number> {
		let steps = 0;
		while (!done()) {
			await until(() => done() || this.sleeping > 0, `${what} (or a sleep on the clock)`);
			if (done()) {
				break;
			}
			await this.advance(stepMs);
			steps++;
		}
		return steps;
	}
}
