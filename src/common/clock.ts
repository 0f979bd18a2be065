/**
 * Time, injected. Whatever waits, polls or expires (the connection poller, the Connect Link
 * waiter, debounced saves, the emulator's links) takes a `Clock`, so tests run on a simulated
 * one and never race the wall clock. `systemClock` is Node's (timers/promises); the webview
 * does not import this module.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** The time now, and a way to wait. */
export interface Clock {
	/** Milliseconds since the epoch, like `Date.now()`. */
	now(): number;
	/**
	 * Resolves after `ms`. Rejects (with an `AbortError`) as soon as `signal` aborts, at once if
	 * it already has. Leaves no listener on the signal either way.
	 */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: (ms, signal) => delay(Math.max(0, ms), undefined, signal ? { signal } : {}),
};
