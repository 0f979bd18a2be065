/**
 * The actions an error notice or card offers (Set Composio Key, Open Logs, Choose Model…), run
 * as the commands they name.
 */
import * as vscode from 'vscode';
import type { HostAction } from '../../protocol/chatProtocol';
import { CommandIds } from './commandIds';

export async function runHostAction(action: HostAction): Promise<void> {
	const command = {
		setComposioKey: CommandIds.setComposioApiKey,
		setOpenAiKey: CommandIds.setOpenAiApiKey,
		openLogs: CommandIds.showLogs,
		retry: undefined,
		openSettings: 'workbench.action.openSettings',
		chooseModel: CommandIds.chooseModel,
		findModelProviders: CommandIds.getModels,
		useSandbox: CommandIds.useSandbox,
	}[action];
	if (command === 'workbench.action.openSettings') {
		await vscode.commands.executeCommand(command, 'composio');
	} else if (command) {
		await vscode.commands.executeCommand(command);
	}
}
