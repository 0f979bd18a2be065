/**
 * The pause in a turn while the user connects an account through a Connect Link. The agent
 * loop hands the pending connections to `wait()` and relays the events it yields; meanwhile the
 * chat session may call `userSaid()` (the user typed while waiting) and `renew()` (the card's
 * "New link" button). The account is polled by the one connection poller
 * (composio/connectionPoller.ts), in the background; everything that happens meanwhile (a poll
 * result, a failed check, a message, a click, the expiry deadline, Stop) arrives in one inbox
 * and is handled in order, one account after another.
 */
import * as l10n from '@vscode/l10n';
import { systemClock, type Clock } from '../common/clock';
import { nullLogger, type Logger } from '../common/logger';
import { toolkitDisplayName } from '../common/toolkitNames';
import { ComposioError } from '../composio/composioErrors';
import { connectionOutcome, type FinalConnectionOutcome, pollConnection } from '../composio/connectionPoller';
import type { ConnectionCheck, ConnectionOutcome, ConnectRequest, ToolSession } from '../composio/toolSession';
import type { AccountIdentities } from '../composio/accountIdentities';
import type { AgentEvent } from './agentEvents';

/** The notice once an account is active: "Connected Gmail as alice@example.com — continuing". */
function connectedNotice(name: string, reconnected: boolean, identity: string | undefined): string {
	if (reconnected) {
		return identity ? l10n.t('Reconnected {0} as {1} — continuing', name, identity) : l10n.t('Reconnected {0} — continuing', name);
	}
	return identity ? l10n.t('Connected {0} as {1} — continuing', name, identity) : l10n.t('Connected {0} — continuing', name);
}

/** A connection the user was asked to make. */
export interface PendingConnection {
	readonly toolkit: string;
	readonly url: string;
	/** The account the link creates; without it the waiter watches the toolkit's accounts. */
	readonly accountId?: string;
	/** For a reconnect: the account the new one replaces ("New link" then reconnects it again). */
	readonly replacesAccountId?: string;
	/** For a reconnect of an account that reads ACTIVE but whose provider refused its token. */
	readonly credentialRefused?: boolean;
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
	/** What polls sleep on and deadlines are measured with; default the system clock. */
	readonly clock?: Clock;
	/** Who connected accounts are: a connected card names the account when its lookup answers within `identityWaitMs`. */
	readonly identities?: AccountIdentities;
	/** How long a connected account's identity lookup may hold the card back; default 5 s. Past that the task goes on without it. */
	readonly identityWaitMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_INTERVAL_MS = 2000;
/** Failed checks in a row after which the user is told checking has trouble (polling goes on). */
const TROUBLE_NOTICE_AFTER = 3;

/**
 * One attempt at a connection: a link, the background poll of its account, and (once it
 * expired) the deadline for asking for a new link. Results of an attempt that was replaced are
 * ignored.
 */
interface Attempt {
	/** The `waitOne` call it belongs to: a late result from an earlier account's wait is ignored. */
	readonly round: object;
	readonly connection: PendingConnection;
	/** Stops the poll, the expiry deadline and any check of this attempt. */
	readonly stop: AbortController;
	/** Stops the poll only (the link expired: there is nothing left to poll for). */
	readonly stopPolling: AbortController;
}

/** What wakes the waiter. */
type Wake =
	| { readonly type: 'user'; readonly text: string }
	| { readonly type: 'renew'; readonly toolkit: string; readonly done: (ok: boolean) => void }
	| { readonly type: 'abort' }
	/** The background poll ended (outcome) or gave up (error). */
	| { readonly type: 'polled'; readonly attempt: Attempt; readonly outcome: ConnectionOutcome }
	| { readonly type: 'pollFailed'; readonly attempt: Attempt; readonly failures: number; readonly error: unknown }
	/** The check made because the user typed finished. */
	| { readonly type: 'checked'; readonly attempt: Attempt; readonly text: string; readonly result: { readonly check: ConnectionCheck } | { readonly error: unknown } }
	/** The new link asked for with "New link" is made (or could not be). */
	| { readonly type: 'renewed'; readonly attempt: Attempt; readonly done: (ok: boolean) => void; readonly result: { readonly request: ConnectRequest } | { readonly error: unknown } }
	/** The expired link's deadline for asking for a new one passed. */
	| { readonly type: 'deadline'; readonly attempt: Attempt };

function describe(e: unknown): string {
	return e instanceof ComposioError ? e.detail : String(e);
}

/**
 * Waits for Connect Links to be completed. One instance serves one turn (one session); it is
 * idle until `wait()` runs. Not re-entrant: one `wait()` at a time.
 */
export class AuthWaiter {
	private readonly timeoutMs: number;
	private readonly intervalMs: number;
	private readonly logger: Logger;
	private readonly clock: Clock;
	private readonly identities: AccountIdentities | undefined;
	private readonly identityWaitMs: number;
	private inbox: Wake[] = [];
	private wake: (() => void) | undefined;
	private current: PendingConnection | undefined;

	constructor(
		private session: ToolSession,
		options: AuthWaiterOptions = {},
	) {
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.intervalMs = Math.max(10, options.intervalMs ?? DEFAULT_INTERVAL_MS);
		this.logger = options.logger ?? nullLogger;
		this.clock = options.clock ?? systemClock;
		this.identities = options.identities;
		this.identityWaitMs = options.identityWaitMs ?? 5000;
	}

	/** Who a just-connected account is, waiting a little for its lookup; undefined when unknown. Never throws. */
	private async identityOf(accountId: string | undefined, signal: AbortSignal): Promise<string | undefined> {
		if (!accountId || !this.identities) {
			return undefined;
		}
		try {
			return (await this.identities.settle(accountId, this.identityWaitMs, signal))?.name;
		} catch {
			return undefined;
		}
	}

	/** Later checks and new links go through `session` (the turn moved to a session with another auth config). */
	useSession(session: ToolSession): void {
		this.session = session;
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
	 *
	 * `options.userSaid`: the user already said this (a "done" sent as a new message after the
	 * earlier response stopped waiting): the first account is checked at once, as for `userSaid()`.
	 */
	async *wait(pending: readonly PendingConnection[], signal: AbortSignal, options: { readonly userSaid?: string } = {}): AsyncGenerator<AgentEvent, AuthWaitResult, undefined> {
		let userText: string | undefined;
		const toolkits: string[] = [];
		const onAbort = (): void => this.post({ type: 'abort' });
		signal.addEventListener('abort', onAbort, { once: true });
		try {
			let said = options.userSaid;
			for (const connection of pending) {
				const result = yield* this.waitOne(connection, signal, said);
				said = undefined;
				if (result.kind !== 'connected') {
					return result;
				}
				toolkits.push(connection.toolkit);
				userText = result.userText ?? userText;
			}
			return { kind: 'connected', toolkits, ...(userText !== undefined ? { userText } : {}) };
		} finally {
			signal.removeEventListener('abort', onAbort);
			this.current = undefined;
			// Nothing waits any more: answer leftover "New link" clicks.
			for (const item of this.inbox.splice(0)) {
				if (item.type === 'renew' || item.type === 'renewed') {
					item.done(false);
				}
			}
		}
	}

	private post(item: Wake): void {
		if (!this.current) {
			// Nothing waits any more (a late result after the wait ended): answer clicks, drop the rest.
			if (item.type === 'renew' || item.type === 'renewed') {
				item.done(false);
			}
			return;
		}
		this.inbox.push(item);
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	/** The next thing to react to, in the order it happened. */
	private async next(signal: AbortSignal): Promise<Wake> {
		for (;;) {
			if (signal.aborted) {
				return { type: 'abort' };
			}
			const queued = this.inbox.shift();
			if (queued) {
				return queued;
			}
			await new Promise<void>((resolve) => (this.wake = resolve));
		}
	}

	/** One status check: the account's own status, or for a link without an account id, whether the toolkit has an ACTIVE account. */
	private async check(connection: PendingConnection, signal: AbortSignal): Promise<ConnectionCheck> {
		if (connection.accountId) {
			return this.session.connectionStatus(connection.accountId, signal);
		}
		const accounts = await this.session.listAccounts(connection.toolkit);
		return accounts.some((a) => a.status === 'ACTIVE' && !a.disabled) ? { status: 'ACTIVE' } : { status: 'INITIATED' };
	}

	/** Starts an attempt at `connection`: its account is polled in the background until it has an outcome or the time runs out. */
	private start(round: object, connection: PendingConnection, signal: AbortSignal): Attempt {
		const attempt: Attempt = { round, connection, stop: new AbortController(), stopPolling: new AbortController() };
		const attemptSignal = AbortSignal.any([signal, attempt.stop.signal, attempt.stopPolling.signal]);
		pollConnection((s) => this.check(connection, s), {
			signal: attemptSignal,
			clock: this.clock,
			timeoutMs: this.timeoutMs,
			intervalMs: this.intervalMs,
			firstCheckAfterInterval: true,
			// Keep polling through outages; the user is told once it keeps failing.
			onCheckFailed: (error, failures) => {
				this.post({ type: 'pollFailed', attempt, failures, error });
				return 'retry';
			},
		}).then(
			(outcome) => this.post({ type: 'polled', attempt, outcome }),
			(e: unknown) => {
				if (!attemptSignal.aborted) {
					// Not expected (failed checks are retried): treat it like a link that ran out of time, so a new one can be asked for.
					this.logger.error(`Polling the ${connection.toolkit} connection stopped: ${describe(e)}`);
					this.post({ type: 'polled', attempt, outcome: { status: 'TIMEOUT' } });
				}
			},
		);
		return attempt;
	}

	private async *waitOne(first: PendingConnection, signal: AbortSignal, userSaid?: string): AsyncGenerator<AgentEvent, AuthWaitResult, undefined> {
		const toolkit = first.toolkit;
		const name = toolkitDisplayName(toolkit);
		const round = {};
		this.current = first;
		let attempt = this.start(round, first, signal);
		let expired = false;
		const ids = (): { toolkit: string; accountId?: string } => ({ toolkit, ...(attempt.connection.accountId ? { accountId: attempt.connection.accountId } : {}) });
		const cancelled = (): AuthWaitResult => ({ kind: 'cancelled', toolkit });

		/** The link expired (or its time ran out): wait for "New link" until the deadline. */
		const expire = (reason: string): AgentEvent => {
			expired = true;
			const current = attempt;
			current.stopPolling.abort();
			this.clock.sleep(this.timeoutMs, AbortSignal.any([signal, current.stop.signal])).then(
				() => this.post({ type: 'deadline', attempt: current }),
				() => undefined, // stopped
			);
			return { type: 'authStatus', ...ids(), status: 'expired', reason };
		};

		/** Reacts to a definite outcome; returns a result when the wait for this account is over. */
		const conclude = function* (outcome: FinalConnectionOutcome, userText?: string, identity?: string): Generator<AgentEvent, AuthWaitResult | undefined, undefined> {
			switch (outcome.status) {
				case 'ACTIVE':
					yield { type: 'authStatus', ...ids(), status: 'connected', ...(identity ? { identity } : {}) };
					yield { type: 'notice', text: connectedNotice(name, first.replacesAccountId !== undefined, identity) };
					return { kind: 'connected', toolkits: [toolkit], ...(userText !== undefined ? { userText } : {}) };
				case 'FAILED':
				case 'REVOKED': {
					const reason = outcome.reason ?? (outcome.status === 'FAILED' ? l10n.t('The connection ended in failed state.') : l10n.t('The connection ended in revoked state.'));
					yield { type: 'authStatus', ...ids(), status: 'failed', reason };
					return { kind: 'failed', toolkit, reason };
				}
				case 'EXPIRED':
					yield expire(outcome.reason ?? l10n.t('The Connect Link expired.'));
					return undefined;
			}
		};

		yield { type: 'authStatus', ...ids(), status: 'waiting', url: first.url };
		if (userSaid !== undefined) {
			this.post({ type: 'user', text: userSaid });
		}
		try {
			for (;;) {
				const wake = await this.next(signal);
				switch (wake.type) {
					case 'abort':
						yield { type: 'authStatus', ...ids(), status: 'cancelled' };
						return cancelled();
					case 'polled': {
						if (wake.attempt !== attempt || expired) {
							break;
						}
						if (wake.outcome.status === 'TIMEOUT') {
							yield expire(l10n.t('The Connect Link was not completed in time.'));
							break;
						}
						const identity = wake.outcome.status === 'ACTIVE' ? await this.identityOf(attempt.connection.accountId, signal) : undefined;
						const result = yield* conclude(wake.outcome, undefined, identity);
						if (result) {
							return result;
						}
						break;
					}
					case 'pollFailed':
						if (wake.attempt === attempt) {
							// Keep polling through outages; say so once, so the user knows why nothing happens.
							this.logger.warn(`Checking the ${name} connection failed (${wake.failures}): ${describe(wake.error)}`);
							if (wake.failures === TROUBLE_NOTICE_AFTER) {
								yield { type: 'notice', text: l10n.t('Having trouble checking the {0} connection — still trying.', name) };
							}
						}
						break;
					case 'deadline':
						if (wake.attempt === attempt && expired) {
							return { kind: 'expired', toolkit };
						}
						break;
					case 'user': {
						if (expired) {
							yield { type: 'notice', text: l10n.t('The {0} link expired — press New link on the card to get a fresh one (or press Stop).', name) };
							break;
						}
						const current = attempt;
						this.check(current.connection, AbortSignal.any([signal, current.stop.signal])).then(
							(check) => this.post({ type: 'checked', attempt: current, text: wake.text, result: { check } }),
							(error: unknown) => this.post({ type: 'checked', attempt: current, text: wake.text, result: { error } }),
						);
						break;
					}
					case 'checked': {
						if (wake.attempt !== attempt || expired) {
							break;
						}
						if ('error' in wake.result) {
							this.logger.warn(`Checking the ${name} connection failed: ${describe(wake.result.error)}`);
							yield { type: 'notice', text: l10n.t("Couldn't check the {0} connection right now — I'll keep checking (or press Stop).", name) };
							break;
						}
						const outcome = connectionOutcome(wake.result.check);
						if (!outcome) {
							yield { type: 'notice', text: l10n.t("{0} isn't connected yet — finish on the Connect page, then say done (or press Stop).", name) };
							break;
						}
						const identity = outcome.status === 'ACTIVE' ? await this.identityOf(attempt.connection.accountId, signal) : undefined;
						const result = yield* conclude(outcome, wake.text, identity);
						if (result) {
							return result;
						}
						break;
					}
					case 'renew': {
						if (wake.toolkit !== toolkit) {
							wake.done(false);
							break;
						}
						const current = attempt;
						const replaces = first.replacesAccountId;
						(replaces ? this.session.reconnect(replaces, first.credentialRefused ? { credentialRefused: true } : {}) : this.session.authorize(toolkit)).then(
							(request) => this.post({ type: 'renewed', attempt: current, done: wake.done, result: { request } }),
							(error: unknown) => this.post({ type: 'renewed', attempt: current, done: wake.done, result: { error } }),
						);
						break;
					}
					case 'renewed': {
						if (wake.attempt.round !== round) {
							wake.done(false);
							break;
						}
						if ('error' in wake.result) {
							wake.done(false);
							const e = wake.result.error;
							this.logger.warn(`Could not make a new ${name} link: ${describe(e)}`);
							yield { type: 'notice', text: l10n.t("Couldn't make a new {0} link: {1}", name, e instanceof ComposioError ? e.message : l10n.t('Something went wrong.')) };
							break;
						}
						const { request } = wake.result;
						attempt.stop.abort();
						attempt = this.start(round, { toolkit, url: request.redirectUrl, accountId: request.accountId, ...(first.replacesAccountId ? { replacesAccountId: first.replacesAccountId } : {}) }, signal);
						this.current = attempt.connection;
						expired = false;
						yield { type: 'authStatus', ...ids(), status: 'waiting', url: request.redirectUrl };
						wake.done(true);
						break;
					}
				}
			}
		} finally {
			attempt.stop.abort();
		}
	}
}
