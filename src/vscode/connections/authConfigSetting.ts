/** The workspace setting `composio.authConfigs`, which the auth config commands and the chat's own-app card write. */
import * as vscode from 'vscode';

/** This workspace's `composio.authConfigs`: which auth config each toolkit connects through. */
export interface AuthConfigSetting {
	read(): Readonly<Record<string, string>>;
	/** Sets (or, with no id, clears) one toolkit's entry. */
	write(toolkit: string, id: string | undefined): Promise<void>;
}

/** `composio.authConfigs` in the workspace's settings (the user's when no folder is open). */
export class VsCodeAuthConfigSetting implements AuthConfigSetting {
	read(): Readonly<Record<string, string>> {
		return vscode.workspace.getConfiguration('composio').get<Record<string, string>>('authConfigs') ?? {};
	}

	async write(toolkit: string, id: string | undefined): Promise<void> {
		const config = vscode.workspace.getConfiguration('composio');
		const inWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
		const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
		const inspected = config.inspect<Record<string, string>>('authConfigs');
		const next = { ...((inWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? {}) };
		if (id) {
			next[toolkit] = id;
		} else {
			delete next[toolkit];
		}
		await config.update('authConfigs', Object.keys(next).length > 0 ? next : undefined, target);
	}
}
