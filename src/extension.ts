import * as vscode from 'vscode';
import { Services } from './services';
import { CHAT_VIEW_ID } from './vscode/workbench/commandIds';
import { lazyBundle, translateCoreLayers } from './vscode/workbench/l10n';
import type { ComposioLanguageModelTools } from './vscode/vscodeChat/languageModelTools';
import { registerCommands } from './vscode/workbench/commands';
import { type McpOfferState, type McpServerDefinitionProvider, offerMcpServer } from './vscode/mcp/mcpServer';
import { ScriptableUserInterface, type UserInterface, vsCodeUserInterface } from './vscode/workbench/userInterface';
import { userSetting, WorkspaceSettingsNotice } from './vscode/settings/userSettings';
import { registerChatParticipant, registerLanguageModelTools } from './vscode/vscodeChat/vsCodeChatRegistration';
import { runHostAction } from './vscode/workbench/hostActions';

/** The participant's and the tools' code, loaded on the first request or call (dist/lazy/vscodeChat.js). */
const loadVsCodeChat = lazyBundle(() => import('./vscode/vscodeChat/vsCodeChatRuntime'));

/** What `activate` returns while the extension runs under tests; nothing otherwise. */
export interface TestApi {
	readonly services: Services;
	/** Where tests answer the extension's input boxes, confirmations and quick picks. */
	readonly ui: Pick<ScriptableUserInterface, 'answerWith'>;
	/** Whether the MCP server was offered to VS Code ('tooOld' before 1.101). */
	readonly mcpOffer: McpOfferState;
	/** The MCP server provider offered to VS Code, where it was. */
	readonly mcpServerProvider?: McpServerDefinitionProvider;
	/** The Composio Language Model Tools' implementation (loaded and built on first use), for checks of `prepareInvocation`. */
	readonly languageModelTools: () => Promise<ComposioLanguageModelTools>;
}

/**
 * Registers the views, commands, status bar item and MCP provider, and returns. Nothing heavy
 * runs or loads here: no network request, no SDK, no agent, no sandbox. Those load on first use
 * (see Services), each from a bundle of its own.
 */
export function activate(context: vscode.ExtensionContext): TestApi | undefined {
	// Before anything words a message: the core layers' sentences in the display language.
	translateCoreLayers();
	const log = vscode.window.createOutputChannel('Composio Agent', { log: true });
	const testing = context.extensionMode === vscode.ExtensionMode.Test;
	const scriptable = testing ? new ScriptableUserInterface(vsCodeUserInterface()) : undefined;
	const ui: UserInterface = scriptable ?? vsCodeUserInterface();
	const services = new Services(context, log, ui);
	// A workspace's own settings never redirect keys or loosen approval; say once what was ignored (a small file read, not awaited).
	const settingsNotice = new WorkspaceSettingsNotice(context.workspaceState, log);
	context.subscriptions.push(settingsNotice, vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('The workspace is trusted now: the editor tools are on from the next message.')));
	void settingsNotice.check();
	if (!vscode.workspace.isTrusted) {
		log.info('Restricted Mode: the chat works on your user settings; the editor tools stay off until you trust this workspace.');
	}
	context.subscriptions.push(
		log,
		services,
		vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, services.chatView, { webviewOptions: { retainContextWhenHidden: false } }),
		...registerCommands({
			extensionId: context.extension.id,
			log,
			prompts: ui.prompts,
			picker: ui.picker,
			secrets: services.secrets,
			userIds: services.userIds,
			chatView: services.chatView,
			newConversation: () => services.newConversation(),
			connections: services.connections,
			connectionCommands: services.connectionCommands,
			authConfigCommands: services.authConfigCommands,
			editorPrompts: services.editorPrompts,
			mcp: services.mcp,
			alwaysAllowed: services.alwaysAllowed,
			editProposals: services.editorTools.proposals,
			models: services.models,
			environment: services.environment,
			runAction: runHostAction,
		}),
		// VS Code's own chat: the @composio participant and the Composio tools for its agent (their code loads on first use).
		registerChatParticipant(() => ({ setup: (signal, model) => services.turnSetup(signal, model), approval: services.approval, linkOpener: services.linkOpener, log }), context.extensionUri, loadVsCodeChat),
	);
	const lmTools = registerLanguageModelTools(() => ({
		session: () => services.sessionWithKey(),
		approval: services.approval,
		linkOpener: services.linkOpener,
		log,
		enabled: () => userSetting<boolean>('composio.languageModelTools.enabled') !== false,
		accounts: services.connections,
		ownApp: () => services.ownAppPort(),
		prompts: ui.prompts,
	}), loadVsCodeChat);
	context.subscriptions.push(lmTools);
	const mcp = offerMcpServer(services.mcp, [services.environment.onDidChange, services.userIds.onDidChange]);
	context.subscriptions.push(mcp);
	const translations = vscode.l10n.bundle ? Object.keys(vscode.l10n.bundle).length : 0;
	log.info(`Composio Agent activated (${vscode.ExtensionMode[context.extensionMode]} mode; display language ${vscode.env.language}, ${translations} translated strings).`);
	return scriptable ? { services, ui: scriptable, languageModelTools: lmTools.tools, mcpOffer: mcp.state, ...(mcp.provider ? { mcpServerProvider: mcp.provider } : {}) } : undefined;
}

/** Nothing to do: everything is disposed through context.subscriptions. */
export function deactivate(): void {}
