/**
 * Repairing the account a tool call failed on: when the call ran as an account that expired,
 * was revoked or failed, or whose provider refused its token while Composio still says ACTIVE
 * (the tool's error says so: `credentialRefused`), the user gets a Reconnect card (a fresh Connect Link for that account),
 * the turn waits for it, and the call runs again as the reconnected account. Only a call that is
 * safe to run again is repaired (`namedAccountIn`); any other failure goes to the model as it is.
 */
import * as l10n from '@vscode/l10n';
import type { Logger } from '../common/logger';
import { toolkitDisplayName } from '../common/toolkitNames';
import type { AccountIdentities } from '../composio/accountIdentities';
import { ComposioError } from '../composio/composioErrors';
import { mapMultiExecuteEntries } from '../composio/metaTools';
import type { AccountsSnapshot } from '../composio/accountsSnapshot';
import type { ConnectedAccount, ConnectRequest, ToolSession } from '../composio/toolSession';
import { actingAccountOf, credentialRefused, deadAccountOf, namedAccountIn } from './accountHealth';
import type { AgentEvent } from './agentEvents';
import type { AuthWaiter, PendingConnection } from './authWaiter';
import type { ToolCall } from './toolCall';

/** What repairing needs from the run. */
export interface AccountRepairContext {
	readonly session: ToolSession;
	/** Listed again when a call failed on its account (the snapshot may predate the failure). */
	readonly snapshot: AccountsSnapshot;
	readonly identities: AccountIdentities;
	readonly authWaiter: AuthWaiter;
	readonly signal: AbortSignal;
	readonly logger: Logger;
	/** After the account was reconnected: list the accounts again (and refresh what names them). */
	readonly accountsChanged: () => Promise<void>;
}

/** How a repair went. */
export type AccountRepair =
	/** Nothing to repair (another failure, no dead account, no fresh link): the failure stands. */
	| { readonly kind: 'none' }
	/** Reconnected: run the call again as this (the new account in the old one's place). */
	| { readonly kind: 'reconnected'; readonly call: ToolCall }
	/** The user stopped while the turn waited. */
	| { readonly kind: 'cancelled' }
	/** The link failed or expired: the turn ends with `closing` as the assistant's text. */
	| { readonly kind: 'gaveUp'; readonly closing: string };

/**
 * Repairs the account `call` (with id `callId`, on `toolkit`) failed on, if it is dead: yields
 * `reconnectRequired` and the waiter's events while the user reconnects it.
 */
export async function* repairAccount(context: AccountRepairContext, callId: string, call: ToolCall, toolkit: string | undefined, error: string): AsyncGenerator<AgentEvent, AccountRepair, undefined> {
	const { session, snapshot, identities, logger } = context;
	const target = namedAccountIn(call.name, call.args, call.account, toolkit);
	if (!target) {
		return { kind: 'none' };
	}
	let dead: ConnectedAccount | undefined;
	/** The account reads ACTIVE, but its provider refused its token. */
	let refused = false;
	try {
		const accounts = await snapshot.changed();
		const nameOf = (id: string): string | undefined => identities.nameOf(id);
		dead = deadAccountOf(accounts, target.toolkit, target.account, nameOf);
		if (!dead && credentialRefused(error)) {
			const acting = actingAccountOf(accounts, target.toolkit, target.account, nameOf);
			if (acting?.status === 'ACTIVE' && !acting.disabled) {
				dead = { ...acting, statusReason: l10n.t('{0} refused its sign-in: {1}', toolkitDisplayName(target.toolkit), error) };
				refused = true;
			}
		}
	} catch (e) {
		logger.warn(`Checking the ${target.toolkit} accounts after a failed call failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
	}
	if (!dead) {
		return { kind: 'none' };
	}
	const name = identities.nameOf(dead.id) ?? dead.alias;
	const label = `${toolkitDisplayName(target.toolkit)}${name ? ` (${name})` : ''}`;
	logger.info(refused ? `${call.name} failed because the provider refused ${dead.id}'s token (it reads ACTIVE); offering to reconnect it.` : `${call.name} failed because ${dead.id} is ${dead.status}; offering to reconnect it.`);
	const pending = yield* offerReconnect(session, logger, callId, target.toolkit, dead, name, refused);
	if (!pending) {
		return { kind: 'none' };
	}
	const waited = yield* context.authWaiter.wait([pending], context.signal);
	switch (waited.kind) {
		case 'connected': {
			await context.accountsChanged();
			// The call named the old account by id: the new one takes its place (an alias moved over with the reconnect).
			const deadId = dead.id;
			const newId = pending.accountId;
			const swap = (named: unknown): unknown => (named === deadId ? newId : named);
			const args = target.inner ? mapMultiExecuteEntries(call.args, (entry) => ({ ...entry, ...(entry['account'] !== undefined ? { account: swap(entry['account']) } : {}) })) : call.args;
			const account = call.account === deadId ? newId : call.account;
			return { kind: 'reconnected', call: { name: call.name, args, ...(account ? { account } : {}) } };
		}
		case 'cancelled':
			return { kind: 'cancelled' };
		default:
			return {
				kind: 'gaveUp',
				closing:
					waited.kind === 'failed'
						? l10n.t(
								"Reconnecting {0} failed: {1} I stopped here, because {2} needs that account. Reconnect it from the Connections view, or ask me again and I'll send a new link.",
								label,
								waited.reason.trim().replace(/[.!]?$/, '.'),
								call.name,
							)
						: l10n.t("The link to reconnect {0} expired before it was used, so I stopped here. Ask me again when you're ready and I'll send a new one.", label),
			};
	}
}

/**
 * A Connect Link for `toolkit` came back from a call (the connection tool offering to connect
 * it). When the run's accounts say the toolkit has an active account, they may be out of date:
 * it may have expired or been revoked on Composio's side since they were listed. So they are
 * listed again, here only (this is what tells the extension to look, not a list every turn).
 * When the toolkit's account went bad, the user is offered its Reconnect (keeping its place and
 * alias) in place of the link, which would add a second account: the returned pending
 * connection, after `reconnectRequired`. Undefined: offer the link as it is.
 */
export async function* reconnectInsteadOfLink(
	context: Pick<AccountRepairContext, 'session' | 'identities' | 'logger' | 'accountsChanged'> & { readonly known: () => readonly ConnectedAccount[] },
	callId: string,
	toolkit: string,
): AsyncGenerator<AgentEvent, PendingConnection | undefined, undefined> {
	const { session, identities, logger } = context;
	const nameOf = (id: string): string | undefined => identities.nameOf(id);
	if (context.known().some((a) => a.toolkit === toolkit && a.status === 'ACTIVE' && !a.disabled)) {
		logger.info(`A Connect Link for ${toolkit}, which the accounts last listed show as connected: listing them again.`);
		await context.accountsChanged();
	}
	const dead = deadAccountOf(context.known(), toolkit, undefined, nameOf);
	if (!dead) {
		return undefined;
	}
	logger.info(`${dead.id} is ${dead.status}: offering to reconnect it in place of a new ${toolkit} connection.`);
	return yield* offerReconnect(session, logger, callId, toolkit, dead, nameOf(dead.id) ?? dead.alias, false);
}

/**
 * Starts reconnecting `dead` (a fresh Connect Link that replaces it) and yields its Reconnect card
 * (`reconnectRequired`, for call `callId`); resolves with what to wait for, or undefined when
 * Composio would not start it (logged).
 */
async function* offerReconnect(session: ToolSession, logger: Logger, callId: string, toolkit: string, dead: ConnectedAccount, name: string | undefined, credentialRefused: boolean): AsyncGenerator<AgentEvent, PendingConnection & { readonly accountId: string } | undefined, undefined> {
	let request: ConnectRequest;
	try {
		request = await session.reconnect(dead.id, credentialRefused ? { credentialRefused: true } : {});
	} catch (e) {
		logger.warn(`Could not start reconnecting ${dead.id}: ${e instanceof ComposioError ? e.detail : String(e)}`);
		return undefined;
	}
	yield {
		type: 'reconnectRequired',
		callId,
		toolkit,
		url: request.redirectUrl,
		accountId: request.accountId,
		replacesAccountId: dead.id,
		...(name ? { name } : {}),
		reason: dead.statusReason ?? l10n.t('The account is {0}.', dead.status.toLowerCase()),
	};
	return { toolkit, url: request.redirectUrl, accountId: request.accountId, replacesAccountId: dead.id, ...(credentialRefused ? { credentialRefused: true } : {}) };
}
