/**
 * The user's connected accounts as the whole extension reads them: one snapshot, shared by the
 * agent (its system prompt, approval cards, routing), the Connections view, the status bar, the
 * `@composio` participant and the Language Model Tools. `ConnectionsModel` holds it: the accounts
 * are listed when nothing is known yet, and again only when something changed them (a connection
 * completed, a Reconnect, a disconnect or rename, an account that failed in a call) or the user
 * asks for a refresh. Never on a timer, and never once per message.
 */
import type { ConnectedAccount, ToolSession } from './toolSession';

/** See the file comment. */
export interface AccountsSnapshot {
	/**
	 * Every account of the user, any status, as last listed; listed first when nothing is loaded.
	 * Readers at the same time share one request. Rejects with a ComposioError when they cannot be listed.
	 */
	read(): Promise<readonly ConnectedAccount[]>;
	/** Something changed the accounts: lists them again (once for every caller meanwhile) and resolves with the new snapshot. */
	changed(): Promise<readonly ConnectedAccount[]>;
	/** The extension gave an account an alias itself: the snapshot takes it without listing again. */
	aliasSet(accountId: string, alias: string): void;
}

/** The accounts of `toolkit` in a snapshot. */
export function accountsOf(accounts: readonly ConnectedAccount[], toolkit: string): ConnectedAccount[] {
	return accounts.filter((a) => a.toolkit === toolkit);
}

/** A snapshot with no memory, straight from the session (for a loop run on its own, as in tests): every read lists. */
export function listingEachTime(session: ToolSession): AccountsSnapshot {
	return { read: () => session.listAccounts(), changed: () => session.listAccounts(), aliasSet: () => undefined };
}
