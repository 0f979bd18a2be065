/**
 * The pause in a turn while the user connects an account through a Connect Link. The agent
 * loop hands the pending connections to `wait()` and relays the events it yields; meanwhile the
 * chat session may call `userSaid()` (the user typed while waiting) and `renew()` (the card's
 * "New link" button). Polls with `ToolSession.connectionStatus`, one account after another.
 */
import type { ConnectionCheck, ToolSession } from '../composio/toolSession';
import { ComposioError } from '../composio/composioErrors';
import { nullLogger, type Logger } from '../common/logger';
import type { AgentEvent } from './agentEvents';
import { toolkitDisplayName } from '../common/toolkitNames';

/** A connection the user was asked to make. */
export interface PendingConnection {
	readonly toolkit: string;
	readonly url: string;
	/** The account the link creates; without it the waiter watches the toolkit's accounts. */
	readonly accountId?: string;
}

/** How a wait ended. */
export type AuthWaitResult =
	/** Every pending account is ACTIVE. `userText` is what the user typed to confirm, if that is how it was noticed. */
	| { readonly kind: 'connected'; readonly toolkits: readonly string[]; readonly userText?: string }
	/** Authorisation failed (denied, revoked, disabled): the turn ends with an explanation. */
	| { readonly kind: 'failed'; readonly toolkit: string; readonly reason: string }
	/** The link expired and no new one was asked for in time. */
	| { readonly kind: 'expired'; readonly toolkit: string }
	/** The signal aborted. */
	| { readonly kind: 'cancelled'; readonly toolkit: string };

/** Options for `AuthWaiter`. */
export interface AuthWaiterOptions {
	/** How long to wait for one link (and, after it expired, for the user to ask for a new one). Default 10 minutes, a link's life. */
	readonly timeoutMs?: number;
	/** Time between status checks. Default 2 s. */
	readonly intervalMs?: number;
	readonly logger?: Logger;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_INTERVAL_MS = 2000;

type Inbox =
	| { readonly type: 'user'; readonly text: string }
	| { readonly type: 'renew'; readonly toolkit: string; readonly done: (ok: boolean) => void };

type Wake = Inbox | { readonly type: 'tick' } | { readonly type: 'abort' };

/** Thrown inside the waiter when the signal aborts during a request. */
class Aborted extends Error {}

/**
 * Waits for Connect Links to be completed. One instance serves one turn (one session); it is
 * idle until `wait()` runs. Not re-entrant: one `wait()` at a time.
 */
export class AuthWaiter {
	private readonly timeoutMs: number;
	private readonly intervalMs: number;
	private readonly logger: Logger;
	private inbox: Inbox[] = [];
	private wake: (() => void) | undefined;
	private current: PendingConnection | undefined;

	constructor(
		private readonly session: ToolSession,
		options: AuthWaiterOptions = {},
	) {
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.intervalMs = Math.max(10, options.intervalMs ?? DEFAULT_INTERVAL_MS);
		this.logger = options.logger ?? nullLogger;
	}

	/** True while `wait()` is running: messages and "New link" clicks belong to it. */
	get isWaiting(): boolean {
		return this.current !== undefined;
	}

	/** The toolkit currently waited for, if any. */
	get waitingFor(): string | undefined {
		return this.current?.toolkit;
	}

	/**
	 * The user typed `text` while a turn waits for a connection. Returns false (and does nothing)
	 * when nothing is waiting. Otherwise the waiter checks the account once: connected → the turn
	 * continues with `text` as the user's message; not yet → a notice says so and it keeps waiting.
	 */
	userSaid(text: string): boolean {
		if (!this.current) {
			return false;
		}
		this.post({ type: 'user', text });
		return true;
	}

	/**
	 * Asks for a fresh Connect Link for `toolkit` (after the old one expired, or any time while
	 * waiting for it). Resolves true once the new link is announced (`authStatus waiting` with its
	 * url), false when nothing waits for that toolkit or the link could not be made (a notice says why).
	 */
	renew(toolkit: string): Promise<boolean> {
		if (!this.current || this.current.toolkit !== toolkit.toLowerCase()) {
			return Promise.resolve(false);
		}
		return new Promise<boolean>((resolve) => this.post({ type: 'renew', toolkit: toolkit.toLowerCase(), done: resolve }));
	}

	/**
	 * Waits for each pending connection in turn, yielding `authStatus` and `notice` events, and
	 * returns how it ended. Never throws: Composio failures while polling are logged and polling
	 * goes on until the time runs out; aborting `signal` ends it at once with 'cancelled'.
	 */
	async *wait(pending: readonly PendingConnection[], signal: AbortSignal): AsyncGenerator<AgentEvent, AuthWaitResult, undefined> {
		let userText: string | undefined;
		const toolkits: string[] = [];
		try {
			for (const connection of pending) {
				const result = yield* this.waitOne(connection, signal);
				if (result.kind !== 'connected') {
					return result;
				}
				toolkits.push(connection.toolkit);
				userText = result.userText ?? userText;
			}
			return { kind: 'connected', toolkits, ...(userText !== undefined ? { userText } : {}) };
		} finally {
			this.current = undefined;
			// Nothing waits any more: answer leftover "New link" clicks.
			for (const item of this.inbox.splice(0)) {
				if (item.type === 'renew') {
					item.done(false);
				}
			}
		}
	}

	private post(item: Inbox): void {
		this.inbox.push(item);
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	/** The next thing to react to: an inbox item, the poll timer, or the abort. */
	private next(signal: AbortSignal, ms: number): Promise<Wake> {
		const queued = this.inbox.shift();
		if (queued) {
			return Promise.resolve(queued);
		}
		if (signal.aborted) {
			return Promise.resolve({ type: 'abort' });
		}
		return new Promise<Wake>((resolve) => {
			const finish = (w: Wake): void => {
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				this.wake = undefined;
				resolve(w);
			};
			const onAbort = (): void => finish({ type: 'abort' });
			const timer = setTimeout(() => finish({ type: 'tick' }), Math.max(0, ms));
			signal.addEventListener('abort', onAbort, { once: true });
			this.wake = () => finish(this.inbox.shift() ?? { type: 'tick' });
		});
	}

	/** Runs `promise`, rejecting with Aborted as soon as the signal aborts. */
	private async unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
		if (signal.aborted) {
			promise.catch(() => undefined);
			throw new Aborted();
		}
		let onAbort: (() => void) | undefined;
		const aborted = new Promise<never>((_, reject) => {
			onAbort = () => reject(new Aborted());
			signal.addEventListener('abort', onAbort, { once: true });
		});
		try {
			return await Promise.race([promise, aborted]);
		} finally {
			if (onAbort) {
				signal.removeEventListener('abort', onAbort);
			}
			promise.catch(() => undefined);
		}
	}

	/** One status check: the account's own status, or for a link without an account id, whether the toolkit has an ACTIVE account. */
	private async check(connection: PendingConnection): Promise<ConnectionCheck> {
		if (connection.accountId) {
			return this.session.connectionStatus(connection.accountId);
		}
		const accounts = await this.session.listAccounts(connection.toolkit);
		return accounts.some((a) => a.status === 'ACTIVE' && !a.disabled) ? { status: 'ACTIVE' } : { status: 'INITIATED' };
	}

	private async *waitOne(first: PendingConnection, signal: AbortSignal): AsyncGenerator<AgentEvent, AuthWaitResult, undefined> {
		let connection = first;
		const name = toolkitDisplayName(connection.toolkit);
		const ids = (): { toolkit: string; accountId?: string } => ({ toolkit: connection.toolkit, ...(connection.accountId ? { accountId: connection.accountId } : {}) });
		this.current = connection;
		let state = 'waiting' as 'waiting' | 'expired';
		let deadline = Date.now() + this.timeoutMs;
		let failures = 0;
		yield { type: 'authStatus', ...ids(), status: 'waiting', url: connection.url };

		const connected = (userText?: string): AuthWaitResult => ({ kind: 'connected', toolkits: [connection.toolkit], ...(userText !== undefined ? { userText } : {}) });

		/** Reacts to a definite status; returns a result when the wait for this account is over. */
		const settle = function* (check: ConnectionCheck, userText?: string): Generator<AgentEvent, AuthWaitResult | 'expired' | undefined, undefined> {
			switch (check.status) {
				case 'ACTIVE':
					yield { type: 'authStatus', ...ids(), status: 'connected' };
					yield { type: 'notice', text: `Connected ${name} — continuing` };
					return connected(userText);
				case 'FAILED':
				case 'REVOKED':
				case 'INACTIVE': {
					const reason = check.reason ?? (check.status === 'INACTIVE' ? 'The account is disabled.' : `The connection ended in ${check.status.toLowerCase()} state.`);
					yield { type: 'authStatus', ...ids(), status: 'failed', reason };
					return { kind: 'failed', toolkit: connection.toolkit, reason };
				}
				case 'EXPIRED':
					return 'expired';
				default:
					return undefined;
			}
		};

		const expire = (reason: string): AgentEvent => {
			state = 'expired';
			deadline = Date.now() + this.timeoutMs;
			return { type: 'authStatus', ...ids(), status: 'expired', reason };
		};

		for (;;) {
			const wake = await this.next(signal, state === 'waiting' ? Math.min(this.intervalMs, deadline - Date.now()) : deadline - Date.now());
			try {
				if (wake.type === 'abort') {
					yield { type: 'authStatus', ...ids(), status: 'cancelled' };
					return { kind: 'cancelled', toolkit: connection.toolkit };
				}
				if (wake.type === 'renew') {
					if (wake.toolkit !== connection.toolkit) {
						wake.done(false);
						continue;
					}
					try {
						const request = await this.unlessAborted(this.session.authorize(connection.toolkit), signal);
						connection = { toolkit: connection.toolkit, url: request.redirectUrl, accountId: request.accountId };
						this.current = connection;
						state = 'waiting';
						deadline = Date.now() + this.timeoutMs;
						failures = 0;
						yield { type: 'authStatus', ...ids(), status: 'waiting', url: connection.url };
						wake.done(true);
					} catch (e) {
						wake.done(false);
						if (e instanceof Aborted) {
							throw e;
						}
						const message = e instanceof ComposioError ? e.message : 'Something went wrong.';
						this.logger.warn(`Could not make a new ${name} link: ${e instanceof ComposioError ? e.detail : String(e)}`);
						yield { type: 'notice', text: `Couldn't make a new ${name} link: ${message}` };
					}
					continue;
				}
				if (wake.type === 'user') {
					if (state === 'expired') {
						yield { type: 'notice', text: `The ${name} link expired — press New link on the card to get a fresh one (or press Stop).` };
						continue;
					}
					let check: ConnectionCheck;
					try {
						check = await this.unlessAborted(this.check(connection), signal);
					} catch (e) {
						if (e instanceof Aborted) {
							throw e;
						}
						this.logger.warn(`Checking the ${name} connection failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
						yield { type: 'notice', text: `Couldn't check the ${name} connection right now — I'll keep checking (or press Stop).` };
						continue;
					}
					const outcome = yield* settle(check, wake.text);
					if (outcome === 'expired') {
						yield expire(check.reason ?? 'The Connect Link expired.');
						continue;
					}
					if (outcome) {
						return outcome;
					}
					yield { type: 'notice', text: `${name} isn't connected yet — finish on the Connect page, then say done (or press Stop).` };
					continue;
				}
				// The timer.
				if (state === 'expired') {
					if (Date.now() >= deadline) {
						return { kind: 'expired', toolkit: connection.toolkit };
					}
					continue;
				}
				try {
					const check = await this.unlessAborted(this.check(connection), signal);
					failures = 0;
					const outcome = yield* settle(check);
					if (outcome === 'expired') {
						yield expire(check.reason ?? 'The Connect Link expired.');
						continue;
					}
					if (outcome) {
						return outcome;
					}
				} catch (e) {
					if (e instanceof Aborted) {
						throw e;
					}
					failures++;
					// Keep polling through outages; say so once, so the user knows why nothing happens.
					this.logger.warn(`Checking the ${name} connection failed (${failures}): ${e instanceof ComposioError ? e.detail : String(e)}`);
					if (failures === 3) {
						yield { type: 'notice', text: `Having trouble checking the ${name} connection — still trying.` };
					}
				}
				if (Date.now() >= deadline) {
					yield expire('The Connect Link was not completed in time.');
				}
			} catch (e) {
				if (e instanceof Aborted) {
					yield { type: 'authStatus', ...ids(), status: 'cancelled' };
					return { kind: 'cancelled', toolkit: connection.toolkit };
				}
				throw e;
			}
		}
	}
}
