/**
 * Which account a tool call acts as, and whether that account is why it failed. Pure helpers for
 * the agent loop: the approval card's "as alice@example.com", and telling a call that failed
 * because its account expired, was revoked or failed (repaired with a Reconnect card) from one
 * that failed for any other reason (left to the model).
 */
import { appToolkitOf, isMetaTool, multiExecuteEntries } from '../composio/metaTools';
import type { ConnectedAccount, ConnectionStatus } from '../composio/toolSession';

/** Statuses of an account that went bad: Reconnect repairs them. */
const DEAD: ReadonlySet<ConnectionStatus> = new Set(['EXPIRED', 'REVOKED', 'FAILED']);

/**
 * True when a tool's error text may be about its account (not connected, expired, revoked,
 * unauthorised, a token or credential problem). Only such failures are worth one look at the
 * account list; anything else goes to the model as it is.
 */
export function mayBeAccountProblem(error: string): boolean {
	return /connect|account|auth|expired|revoked|inactive|token|credential|forbidden|\b40[13]\b/i.test(error);
}

/**
 * True when a tool's error is its provider refusing the account's credential (a token revoked or
 * expired upstream, bad credentials): the account may still read ACTIVE, as Composio has not
 * noticed, but only signing in again repairs it.
 */
export function credentialRefused(error: string): boolean {
	return /invalid_grant|token[_ ]revoked|token has been (expired or )?revoked|bad credentials|invalid[_ ](auth[_ ])?token|token (is )?(invalid|expired|revoked)|unauthenticated|401 unauthorized|\bunauthorized\b/i.test(error);
}

/**
 * The account a call on `toolkit` ran as: the one it names, or, with none named, the one the
 * session uses by default (the newest ACTIVE one).
 */
export function actingAccountOf(accounts: readonly ConnectedAccount[], toolkit: string, named: string | undefined, nameOf: (id: string) => string | undefined): ConnectedAccount | undefined {
	const mine = accounts.filter((a) => a.toolkit === toolkit);
	return named ? findNamed(mine, named, nameOf) : newestFirst(mine.filter((a) => a.status === 'ACTIVE' && !a.disabled))[0];
}

/** Who an account is for people: its identity, else its alias. */
function who(account: ConnectedAccount, nameOf: (id: string) => string | undefined): string | undefined {
	return nameOf(account.id) ?? account.alias;
}

/** The account named `named` (an id, an alias or who it is) among a toolkit's accounts. */
function findNamed(accounts: readonly ConnectedAccount[], named: string, nameOf: (id: string) => string | undefined): ConnectedAccount | undefined {
	const lower = named.toLowerCase();
	return (
		accounts.find((a) => a.id === named) ??
		accounts.find((a) => a.alias?.toLowerCase() === lower) ??
		accounts.find((a) => nameOf(a.id)?.toLowerCase() === lower)
	);
}

/** Newest first. */
function newestFirst(accounts: readonly ConnectedAccount[]): ConnectedAccount[] {
	return [...accounts].sort((x, y) => y.createdAt.localeCompare(x.createdAt) || y.id.localeCompare(x.id));
}

/**
 * Who a call on `toolkit` acts as: the account it names, or, when it names none, the one the
 * session uses by default (the newest ACTIVE one). Undefined when that cannot be told.
 */
export function whoActs(accounts: readonly ConnectedAccount[], toolkit: string, named: string | undefined, nameOf: (id: string) => string | undefined): string | undefined {
	const acting = actingAccountOf(accounts, toolkit, named, nameOf);
	return acting ? who(acting, nameOf) : undefined;
}

/**
 * The account a failed call ran as, when it is expired, revoked or failed (and so the reason):
 * the account the call named, if that one is dead; with none named, the newest dead account of
 * the toolkit, but only when no ACTIVE account could have served the call.
 */
export function deadAccountOf(accounts: readonly ConnectedAccount[], toolkit: string, named: string | undefined, nameOf: (id: string) => string | undefined): ConnectedAccount | undefined {
	const mine = accounts.filter((a) => a.toolkit === toolkit);
	const isDead = (a: ConnectedAccount): boolean => DEAD.has(a.status) && !a.disabled;
	if (named) {
		const match = findNamed(mine, named, nameOf);
		return match && isDead(match) ? match : undefined;
	}
	if (mine.some((a) => a.status === 'ACTIVE' && !a.disabled)) {
		return undefined;
	}
	return newestFirst(mine.filter(isDead))[0];
}

/**
 * The toolkit and account a call acts on, when running it again is safe after a reconnect: an
 * app tool called directly, or the multi-execute tool running exactly one app tool (`inner`).
 * Undefined for meta tools and multi-executes of several tools (some of which may have worked).
 */
export function namedAccountIn(
	name: string,
	args: Readonly<Record<string, unknown>>,
	account: string | undefined,
	toolkit: string | undefined,
): { readonly toolkit: string; readonly account?: string; readonly inner: boolean } | undefined {
	const entries = multiExecuteEntries(name, args);
	if (entries) {
		const only = entries.length === 1 ? entries[0] : undefined;
		const inner = only?.slug !== undefined ? appToolkitOf(only.slug) : undefined;
		const named = only?.account ?? account;
		return inner ? { toolkit: inner, ...(named ? { account: named } : {}), inner: true } : undefined;
	}
	if (isMetaTool(name) || !toolkit) {
		return undefined;
	}
	return { toolkit, ...(account ? { account } : {}), inner: false };
}
