import * as vscode from 'vscode';
import type { AlwaysAllowedStore } from '../../agent/toolApproval';

/**
 * "Composio: Manage Always-Allowed Tools": lists the tools that run without asking, lets the
 * user pick some to ask about again, or clear them all. Returns the tools removed.
 */
export async function manageAlwaysAllowedTools(store: AlwaysAllowedStore): Promise<string[]> {
	const tools = store.list();
	if (tools.length === 0) {
		void vscode.window.showInformationMessage(vscode.l10n.t('No tools are always allowed. The agent asks before every action that changes something in your apps.'));
		return [];
	}
	const clearAll: vscode.QuickPickItem = { label: `$(clear-all) ${vscode.l10n.t('Ask again for all of them')}`, alwaysShow: true };
	const runsFreely = vscode.l10n.t('runs without asking');
	const items: vscode.QuickPickItem[] = [clearAll, { label: vscode.l10n.t('Always allowed'), kind: vscode.QuickPickItemKind.Separator }, ...tools.map((t) => ({ label: t, description: runsFreely }))];
	const picked = await vscode.window.showQuickPick(items, {
		title: vscode.l10n.t('Always-allowed tools'),
		placeHolder: vscode.l10n.t('Select the tools the agent should ask about again'),
		canPickMany: true,
	});
	if (!picked || picked.length === 0) {
		return [];
	}
	if (picked.includes(clearAll)) {
		await store.clear();
		void vscode.window.showInformationMessage(tools.length === 1 ? vscode.l10n.t('The agent will ask again before running that tool.') : vscode.l10n.t('The agent will ask again before running those {0} tools.', tools.length));
		return [...tools];
	}
	const removed = picked.map((p) => p.label);
	for (const tool of removed) {
		await store.remove(tool);
	}
	void vscode.window.showInformationMessage(vscode.l10n.t('The agent will ask again before running {0}.', removed.join(', ')));
	return removed;
}
