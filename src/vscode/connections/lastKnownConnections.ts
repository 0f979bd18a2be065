import type * as vscode from 'vscode';
import { isRecord } from '../../common/isRecord';
import type { ConnectedAccount, ConnectionStatus } from '../../composio/toolSession';

const KEY = 'composio.lastKnownConnections';
const STATUSES: readonly ConnectionStatus[] = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED', 'UNKNOWN'];

/** An account as stored, or undefined when the stored value is not one. */
function readAccount(value: unknown): ConnectedAccount | undefined {
	if (!isRecord(value) || typeof value.id !== 'string' || typeof value.toolkit !== 'string' || typeof value.createdAt !== 'string' || typeof value.disabled !== 'boolean') {
		return undefined;
	}
	const status = STATUSES.find((s) => s === value.status);
	if (!status) {
		return undefined;
	}
	return {
		id: value.id,
		toolkit: value.toolkit,
		status,
		disabled: value.disabled,
		createdAt: value.createdAt,
		...(typeof value.alias === 'string' ? { alias: value.alias } : {}),
		...(typeof value.statusReason === 'string' ? { statusReason: value.statusReason } : {}),
		...(typeof value.authConfigId === 'string' ? { authConfigId: value.authConfigId } : {}),
	};
}

/**
 * The accounts last loaded in this workspace, for the sandbox and for live mode apart, in the
 * workspace's state: the status bar starts from them, so a window that has not loaded anything
 * yet (activation makes no network request) still shows how things stood. Nothing secret is kept:
 * ids, toolkits, aliases and statuses.
 */
export class LastKnownConnections {
	constructor(private readonly state: vscode.Memento) {}

	/** The accounts last saved for the mode, or undefined when none were. */
	get(sandbox: boolean): readonly ConnectedAccount[] | undefined {
		const all = this.state.get<unknown>(KEY);
		const list = isRecord(all) ? all[sandbox ? 'sandbox' : 'live'] : undefined;
		if (!Array.isArray(list)) {
			return undefined;
		}
		return list.map(readAccount).filter((a): a is ConnectedAccount => a !== undefined);
	}

	/** Keeps `accounts` as the mode's last known ones. */
	async set(sandbox: boolean, accounts: readonly ConnectedAccount[]): Promise<void> {
		const all = this.state.get<unknown>(KEY);
		await this.state.update(KEY, { ...(isRecord(all) ? all : {}), [sandbox ? 'sandbox' : 'live']: accounts });
	}
}
