/**
 * What the `@composio` participant says besides the agent's own text, in the display language:
 * the buttons for a failure's remedy and the line after an approval answer.
 */
import * as vscode from 'vscode';
import type { ApprovalDecision } from '../../agent/toolApproval';
import type { NoticeAction } from '../../protocol/transcript';
import { CommandIds } from '../workbench/commandIds';

/** The command each remedy maps to in VS Code's chat (none: nothing to press, e.g. retry = send again). */
export function actionCommand(action: NoticeAction): { readonly command: string; readonly title: string } | undefined {
	switch (action) {
		case 'setComposioKey':
			return { command: CommandIds.setComposioApiKey, title: vscode.l10n.t('Set Composio API Key') };
		case 'openLogs':
			return { command: CommandIds.showLogs, title: vscode.l10n.t('Show Logs') };
		case 'useSandbox':
			return { command: CommandIds.useSandbox, title: vscode.l10n.t('Use the Sandbox') };
		case 'openSettings':
			return { command: 'workbench.action.openSettings', title: vscode.l10n.t('Open Settings') };
		default:
			return undefined;
	}
}

/** The line the response shows once the user answered an approval question. */
export function decisionSaid(decision: ApprovalDecision): string {
	switch (decision) {
		case 'once':
			return vscode.l10n.t('Allowed once.');
		case 'chat':
			return vscode.l10n.t('Allowed in this chat.');
		case 'always':
			return vscode.l10n.t('Always allowed (Composio: Manage Always-Allowed Tools withdraws it).');
		case 'deny':
			return vscode.l10n.t('Denied: it did not run.');
	}
}
