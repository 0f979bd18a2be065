import type * as vscode from 'vscode';
import type { AccountIdentity, IdentityStore } from '../../composio/accountIdentities';
import { isRecord } from '../../common/isRecord';

const KEY = 'composio.accountIdentities';

/** Reads one stored identity; anything malformed is dropped. */
function readIdentity(value: unknown): AccountIdentity | undefined {
	if (!isRecord(value) || typeof value.accountId !== 'string' || typeof value.toolkit !== 'string' || typeof value.learnedAt !== 'number') {
		return undefined;
	}
	const source = value.source === 'account' || value.source === 'reconnect' || value.source === 'search' ? value.source : 'profile';
	return {
		accountId: value.accountId,
		toolkit: value.toolkit,
		...(typeof value.name === 'string' ? { name: value.name } : {}),
		...(typeof value.detail === 'string' ? { detail: value.detail } : {}),
		source,
		learnedAt: value.learnedAt,
		...(typeof value.error === 'string' ? { error: value.error } : {}),
	};
}

/**
 * Who each connected account is, in the workspace state (the workspace's user id owns the
 * accounts), by account id. Names and emails only; nothing secret.
 */
export class WorkspaceStateIdentityStore implements IdentityStore {
	constructor(private readonly state: vscode.Memento) {}

	all(): Readonly<Record<string, AccountIdentity>> {
		const raw = this.state.get<unknown>(KEY);
		const out: Record<string, AccountIdentity> = {};
		if (isRecord(raw)) {
			for (const [id, value] of Object.entries(raw)) {
				const identity = readIdentity(value);
				if (identity && identity.accountId === id) {
					out[id] = identity;
				}
			}
		}
		return out;
	}

	async set(accountId: string, identity: AccountIdentity | undefined): Promise<void> {
		const next = { ...this.all() };
		if (identity) {
			next[accountId] = identity;
		} else {
			delete next[accountId];
		}
		await this.state.update(KEY, next);
	}
}
