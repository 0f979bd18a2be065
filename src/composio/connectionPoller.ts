/**
 * The one poller for a connection being made. Composio pushes nothing: after a Connect Link is
 * opened, the only way to learn that the account is ACTIVE (or failed, expired, was revoked or
 * disabled) is to ask again. `pollConnection` owns that loop, its deadline, its interval and its
 * count of failed checks; `connectionOutcome` says what one status means. Both
 * `ToolSession.waitForConnection` and the chat's `AuthWaiter` poll through them.
 */
import * as l10n from '@vscode/l10n';
import type { Clock } from '../common/clock';
import { ComposioError } from './composioErrors';
import type { ConnectionCheck, ConnectionOutcome, ConnectionStatus } from './toolSession';

/** The message of the `cancelled` error a wait rejects with when its signal aborts. */
export function waitCancelledMessage(): string {
	return l10n.t('Waiting for the connection was cancelled.');
}

/** Failed checks in a row that `pollConnection` tolerates by default, when each was transient. */
export const MAX_POLL_FAILURES = 5;

/** What ended a connection attempt: any outcome but running out of time. */
export type FinalConnectionOutcome = Exclude<ConnectionOutcome, { readonly status: 'TIMEOUT' }>;

/**
 * What a status means for an account being connected: its outcome, or undefined while it is
 * still on its way (INITIALIZING, INITIATED). A disabled (INACTIVE) account counts as FAILED.
 */
export function connectionOutcome(check: ConnectionCheck): FinalConnectionOutcome | undefined {
	switch (check.status) {
		case 'ACTIVE':
			return { status: 'ACTIVE' };
		case 'FAILED':
		case 'EXPIRED':
		case 'REVOKED':
			return { status: check.status, ...(check.reason ? { reason: check.reason } : {}) };
		case 'INACTIVE':
			return { status: 'FAILED', reason: check.reason ?? l10n.t('The account is disabled.') };
		case 'INITIALIZING':
		case 'INITIATED':
		case 'UNKNOWN':
			// Still on its way, or a status this version does not know (PENDING, …): not an outcome yet.
			return undefined;
	}
}

/** What to do after a check failed: poll on, or give up with the error. */
export type CheckFailurePolicy = (error: unknown, failuresInARow: number) => 'retry' | 'throw';

/** The default policy: transient failures (unreachable, server error, timeout, rate limit) are retried up to `MAX_POLL_FAILURES` in a row; anything else ends the wait. */
export const retryTransientFailures: CheckFailurePolicy = (error, failures) => {
	const transient = error instanceof ComposioError && (error.kind === 'unreachable' || error.kind === 'server' || error.kind === 'timeout' || error.kind === 'rateLimited');
	return transient && failures < MAX_POLL_FAILURES ? 'retry' : 'throw';
};

/** How `pollConnection` polls. */
export interface PollConnectionOptions {
	/** Aborting rejects the wait with a ComposioError of kind 'cancelled' (`waitCancelledMessage()`), promptly; an aborted signal never polls. */
	readonly signal: AbortSignal;
	readonly clock: Clock;
	/** Give up (outcome TIMEOUT) once this much time has passed with the account still pending. */
	readonly timeoutMs: number;
	/** Time between checks. */
	readonly intervalMs: number;
	/** Wait one interval before the first check (a link just handed out is not done yet); default: check at once. */
	readonly firstCheckAfterInterval?: boolean;
	/** Called with the first status seen and with each change after it. */
	readonly onStatus?: (status: ConnectionStatus) => void;
	/** Decides after each failed check; default `retryTransientFailures`. */
	readonly onCheckFailed?: CheckFailurePolicy;
}

function cancelled(): ComposioError {
	return new ComposioError('cancelled', waitCancelledMessage(), { detail: 'cancelled by the caller' });
}

/**
 * Checks a connection with `check` every `intervalMs` until it has an outcome, or until
 * `timeoutMs` has passed (TIMEOUT). `check` gets a signal that aborts with the wait. Throws
 * ComposioError 'cancelled' when the signal aborts, and the check's error when the failure
 * policy says to give up.
 */
export async function pollConnection(check: (signal: AbortSignal) => Promise<ConnectionCheck>, options: PollConnectionOptions): Promise<ConnectionOutcome> {
	const { signal, clock } = options;
	const policy = options.onCheckFailed ?? retryTransientFailures;
	const deadline = clock.now() + options.timeoutMs;
	const pause = async (ms: number): Promise<void> => {
		try {
			await clock.sleep(ms, signal);
		} catch {
			throw cancelled();
		}
	};
	if (signal.aborted) {
		throw cancelled();
	}
	if (options.firstCheckAfterInterval) {
		await pause(Math.min(options.intervalMs, options.timeoutMs));
	}
	let last: ConnectionStatus | undefined;
	let failures = 0;
	for (;;) {
		let current: ConnectionCheck | undefined;
		try {
			current = await check(signal);
			failures = 0;
		} catch (e) {
			if (signal.aborted) {
				throw cancelled();
			}
			if (policy(e, ++failures) === 'throw') {
				throw e;
			}
		}
		if (current) {
			if (current.status !== last) {
				last = current.status;
				options.onStatus?.(current.status);
			}
			const outcome = connectionOutcome(current);
			if (outcome) {
				return outcome;
			}
		}
		const left = deadline - clock.now();
		if (left <= 0) {
			return { status: 'TIMEOUT' };
		}
		await pause(Math.min(options.intervalMs, left));
	}
}
