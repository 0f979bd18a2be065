/**
 * What the connection commands say when a Connect Link has been used (or not), in the display
 * language: whole sentences for each case, so a translation never has to stitch words together.
 */
import * as vscode from 'vscode';

/** The notice once the account is active: who it signs in as (`who`) and the name the user gave it (`alias`), as far as known. */
export function connectedMessage(name: string, who: string | undefined, alias: string | undefined): string {
	if (who && alias && alias !== who) {
		return vscode.l10n.t('{0} connected as {1} ("{2}"). The agent can use it now.', name, who, alias);
	}
	if (who) {
		return vscode.l10n.t('{0} connected as {1}. The agent can use it now.', name, who);
	}
	return alias ? vscode.l10n.t('{0} connected as "{1}". The agent can use it now.', name, alias) : vscode.l10n.t('{0} connected. The agent can use it now.', name);
}

/** The error when the connection ended without an active account, with Composio's reason when it gave one. */
export function notConnectedMessage(name: string, status: 'FAILED' | 'EXPIRED' | 'REVOKED', reason: string | undefined): string {
	const state = status === 'FAILED' ? vscode.l10n.t('failed') : status === 'EXPIRED' ? vscode.l10n.t('expired') : vscode.l10n.t('revoked');
	return reason ? vscode.l10n.t('{0} was not connected ({1}): {2}', name, state, reason) : vscode.l10n.t('{0} was not connected ({1}).', name, state);
}
