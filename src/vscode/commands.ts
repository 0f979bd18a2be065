import * as vscode from 'vscode';
import type { Services } from '../services';
import { CHAT_VIEW_ID, CommandIds } from './commandIds';
import { clearApiKeys, promptForApiKey } from './keyCommands';
import { resetUserId, setUserId, showUserId } from './userIdCommands';

/** Registers every command; the caller owns the returned disposables. */
export function registerCommands(services: Services): vscode.Disposable[] {
	const { secrets, log } = services;
	return [
		vscode.commands.registerCommand(CommandIds.openChat, () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`)),
		vscode.commands.registerCommand(CommandIds.setComposioApiKey, () => promptForApiKey('composioApiKey', secrets, services.prompts)),
		vscode.commands.registerCommand(CommandIds.setOpenAiApiKey, () => promptForApiKey('openAiApiKey', secrets, services.prompts)),
		vscode.commands.registerCommand(CommandIds.clearApiKeys, () => clearApiKeys(secrets, services.prompts)),
		vscode.commands.registerCommand(CommandIds.showLogs, () => log.show()),
		vscode.commands.registerCommand(CommandIds.showUserId, () => showUserId(services.userIds, services.prompts)),
		vscode.commands.registerCommand(CommandIds.setUserId, () => setUserId(services.userIds, services.prompts)),
		vscode.commands.registerCommand(CommandIds.resetUserId, () => resetUserId(services.userIds, services.prompts)),
	];
}
