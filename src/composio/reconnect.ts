/**
 * Reconnecting an account (EXPIRED, FAILED, REVOKED, or a link abandoned while INITIATED).
 * Composio documents no endpoint to re-run an account's auth (the old
 * `/connected_accounts/{id}/refresh` is deprecated in favour of a new link), so a reconnect
 * authorizes the toolkit again with the old account's alias, and deletes the old account only
 * once the new one is seen ACTIVE. Aliases are unique per user and toolkit: when the server
 * refuses the alias while the old account holds it, the link is made without one and the alias
 * is moved over (PATCH) after the old account is gone.
 */
import * as l10n from '@vscode/l10n';
import type { Logger } from '../common/logger';
import type { ComposioSdk } from './composioClientFactory';
import { ComposioError, toComposioError } from './composioErrors';
import type { ConnectedAccount, ConnectionStatus, ConnectRequest } from './toolSession';

/** A pending reconnect: the account being replaced, and the alias to move onto the new one if it could not be set up front. */
interface Replacement {
	readonly oldAccountId: string;
	readonly aliasToRestore?: string;
}

/** Starts a Connect Link for the old account's toolkit (`ToolSession.authorize`). */
export type Authorize = (options: { alias?: string; callbackUrl?: string }) => Promise<ConnectRequest>;

/**
 * The reconnects under way, by the id of the account each one creates. Account ids are global,
 * so one instance serves every session of a service.
 */
export class Reconnections {
	private readonly pending = new Map<string, Replacement>();

	constructor(private readonly logger: Logger) {}

	/**
	 * Starts replacing `old` with a new account of the same toolkit. Throws ComposioError
	 * 'conflict' for an ACTIVE account (nothing to repair), unless its provider refused its
	 * credential (`credentialRefused`: revoked upstream while Composio still says ACTIVE), and for
	 * a disabled one (enable it instead), and whatever `authorize` throws.
	 */
	async start(old: ConnectedAccount, authorize: Authorize, callbackUrl?: string, credentialRefused = false): Promise<ConnectRequest> {
		if (old.status === 'ACTIVE' && !credentialRefused) {
			throw new ComposioError('conflict', l10n.t('That account is already connected.'), { detail: `reconnect of ACTIVE account ${old.id}` });
		}
		if (old.status === 'INACTIVE') {
			throw new ComposioError('conflict', l10n.t('That account is disabled; enable it instead of reconnecting.'), { detail: `reconnect of INACTIVE account ${old.id}` });
		}
		const base = callbackUrl ? { callbackUrl } : {};
		let request: ConnectRequest | undefined;
		let aliasToRestore: string | undefined;
		// A dead (FAILED/EXPIRED/REVOKED) account may have given its alias up; an abandoned
		// INITIATED one certainly holds it, so do not ask (a 409 is retried by the SDK, slowly).
		const aliasMayBeFree = old.status === 'FAILED' || old.status === 'EXPIRED' || old.status === 'REVOKED';
		if (old.alias && aliasMayBeFree) {
			try {
				request = await authorize({ ...base, alias: old.alias });
			} catch (e) {
				const err = toComposioError(e);
				if (err.kind !== 'conflict' && err.kind !== 'badRequest') {
					throw err;
				}
			}
		}
		if (!request) {
			if (old.alias) {
				this.logger.info(`The alias "${old.alias}" is still held by ${old.id}; it moves to the new account once that is connected.`);
				aliasToRestore = old.alias;
			}
			request = await authorize(base);
		}
		this.pending.set(request.accountId, { oldAccountId: old.id, ...(aliasToRestore ? { aliasToRestore } : {}) });
		return { ...request, replacesAccountId: old.id };
	}

	/**
	 * An account's status was read. ACTIVE completes the reconnect it is the new account of
	 * (the old account is deleted and the alias moved over, best effort); FAILED, EXPIRED or
	 * REVOKED abandons it (the old account stays). Resolves with the id of the account the new
	 * one replaced when this status completed a reconnect, else undefined. Never throws.
	 */
	async statusSeen(accountId: string, status: ConnectionStatus, sdk: ComposioSdk, secrets: readonly string[]): Promise<string | undefined> {
		const replacement = this.pending.get(accountId);
		if (!replacement) {
			return undefined;
		}
		if (status === 'FAILED' || status === 'EXPIRED' || status === 'REVOKED') {
			this.pending.delete(accountId);
			return undefined;
		}
		if (status !== 'ACTIVE') {
			return undefined;
		}
		this.pending.delete(accountId);
		try {
			await sdk.connectedAccounts.delete(replacement.oldAccountId);
			this.logger.info(`Reconnected: ${accountId} replaces ${replacement.oldAccountId}, which was deleted.`);
		} catch (e) {
			const err = toComposioError(e, { secrets });
			if (err.kind !== 'notFound') {
				this.logger.warn(`Could not delete the replaced account ${replacement.oldAccountId}: ${err.detail}`);
				return replacement.oldAccountId;
			}
		}
		if (replacement.aliasToRestore) {
			try {
				await sdk.getClient().connectedAccounts.patch(accountId, { alias: replacement.aliasToRestore });
			} catch (e) {
				this.logger.warn(`Could not move the alias "${replacement.aliasToRestore}" to ${accountId}: ${toComposioError(e, { secrets }).detail}`);
			}
		}
		return replacement.oldAccountId;
	}

	/** The account was deleted: forget the reconnect it was the new account of, if any. */
	forget(accountId: string): void {
		this.pending.delete(accountId);
	}
}
