import * as vscode from 'vscode';
import type { Services } from '../services';
import { CHAT_VIEW_ID, CommandIds, CONNECTIONS_VIEW_ID, WALKTHROUGH_ID } from './commandIds';
import { manageAlwaysAllowedTools } from './approvalCommands';
import { clearApiKeys, promptForApiKey } from './keyCommands';
import { copyMcpConfig } from './mcpServer';
import { chooseModel, getModels, useSandbox } from './modelCommands';
import { resetUserId, setUserId, showUserId } from './userIdCommands';

/** Registers every command; the caller owns the returned disposables. */
export function registerCommands(services: Services): vscode.Disposable[] {
	const { secrets, log, connectionCommands: connections, editorPrompts } = services;
	const register = (id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, handler);
	return [
		register(CommandIds.openChat, () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`)),
		register(CommandIds.newChat, async () => {
			await services.chat.newConversation();
			await services.chatView.reveal();
			await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
			services.chatView.post({ type: 'focusComposer' });
		}),
		register(CommandIds.setComposioApiKey, () => promptForApiKey('composioApiKey', secrets, services.prompts)),
		register(CommandIds.setOpenAiApiKey, () => promptForApiKey('openAiApiKey', secrets, services.prompts)),
		register(CommandIds.clearApiKeys, () => clearApiKeys(secrets, services.prompts)),
		register(CommandIds.showLogs, () => log.show()),
		register(CommandIds.showUserId, () => showUserId(services.userIds, services.prompts)),
		register(CommandIds.setUserId, () => setUserId(services.userIds, services.prompts)),
		register(CommandIds.resetUserId, () => resetUserId(services.userIds, services.prompts)),

		// Connections (manual authentication).
		register(CommandIds.connectApp, (arg) => connections.connectApp(arg)),
		register(CommandIds.connectAnotherAccount, (arg) => connections.connectApp(arg, true)),
		register(CommandIds.manageConnections, async () => {
			await vscode.commands.executeCommand(`${CONNECTIONS_VIEW_ID}.focus`);
			await services.connections.refresh();
		}),
		register(CommandIds.refreshConnections, () => services.connections.refresh()),
		register(CommandIds.reconnectAccount, (arg) => connections.reconnectAccount(arg)),
		register(CommandIds.lookUpIdentity, (arg) => connections.lookUpIdentity(arg)),
		register(CommandIds.disableAccount, (arg) => connections.setAccountEnabled(arg, false)),
		register(CommandIds.enableAccount, (arg) => connections.setAccountEnabled(arg, true)),
		register(CommandIds.disconnectAccount, (arg) => connections.disconnectAccount(arg)),

		// Editor context: the document or explorer resource comes first, the explorer's multi-selection second.
		register(CommandIds.askAboutSelection, (arg, all) => editorPrompts.askAboutSelection(arg, all)),
		register(CommandIds.runPromptOnSelection, (arg, all) => editorPrompts.runPromptOnSelection(arg, all)),
		register(CommandIds.askAboutFile, (arg, all) => editorPrompts.askAboutSelection(arg, all, true)),
		register(CommandIds.runPromptOnFile, (arg, all) => editorPrompts.runPromptOnSelection(arg, all, true)),

		register(CommandIds.copyMcpConfig, (form) => copyMcpConfig(services.mcp, form)),
		register(CommandIds.manageAlwaysAllowedTools, () => manageAlwaysAllowedTools(services.alwaysAllowed)),
		register(CommandIds.applyProposedEdit, (uri) => services.editorTools.proposals.apply(uri)),
		register(CommandIds.discardProposedEdit, (uri) => services.editorTools.proposals.discard(uri)),
		register(CommandIds.chooseModel, () =>
			chooseModel({ models: services.models, environment: services.environment, picker: () => services.picker, runAction: (action) => services.runAction(action) }),
		),
		register(CommandIds.getModels, () => getModels(services.picker)),
		register(CommandIds.useSandbox, () => useSandbox()),
		register(CommandIds.openWalkthrough, () =>
			vscode.commands.executeCommand('workbench.action.openWalkthrough', `${services.context.extension.id}#${WALKTHROUGH_ID}`, false),
		),
	];
}
