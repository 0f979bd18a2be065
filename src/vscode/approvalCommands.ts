import * as vscode from 'vscode';
import type { AlwaysAllowedStore } from '../agent/toolApproval';

/**
 * "Composio: Manage Always-Allowed Tools": lists the tools that run without asking, lets the
 * user pick some to ask about again, or clear them all. Returns the tools removed.
 */
export async function manageAlwaysAllowedTools(store: AlwaysAllowedStore): Promise<string[]> {
	const tools = store.list();
	if (tools.length === 0) {
		void vscode.window.showInformationMessage('No tools are always allowed. The agent asks before every action that changes something in your apps.');
		return [];
	}
	const clearAll: vscode.QuickPickItem = { label: '$(clear-all) Ask again for all of them', alwaysShow: true };
	const items: vscode.QuickPickItem[] = [clearAll, { label: 'Always allowed', kind: vscode.QuickPickItemKind.Separator }, ...tools.map((t) => ({ label: t, description: 'runs without asking' }))];
	const picked = await vscode.window.showQuickPick(items, {
		title: 'Always-allowed tools',
		placeHolder: 'Select the tools the agent should ask about again',
		canPickMany: true,
	});
	if (!picked || picked.length === 0) {
		return [];
	}
	if (picked.includes(clearAll)) {
		await store.clear();
		void vscode.window.showInformationMessage(`The agent will ask again before running ${tools.length === 1 ? 'that tool' : `those ${tools.length} tools`}.`);
		return [...tools];
	}
	const removed = picked.map((p) => p.label);
	for (const tool of removed) {
		await store.remove(tool);
	}
	void vscode.window.showInformationMessage(`The agent will ask again before running ${removed.join(', ')}.`);
	return removed;
}
