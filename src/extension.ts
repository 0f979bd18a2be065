import * as vscode from 'vscode';
import { Services } from './services';
import { registerChatParticipant } from './vscode/chatParticipant';
import { CHAT_VIEW_ID } from './vscode/commandIds';
import { type ComposioLanguageModelTools, registerLanguageModelTools } from './vscode/languageModelTools';
import { registerCommands } from './vscode/commands';
import { type McpOfferState, type McpServerDefinitionProvider, offerMcpServer } from './vscode/mcpServer';

/** What `activate` returns while the extension runs under tests; nothing otherwise. */
export interface TestApi {
	readonly services: Services;
	/** Whether the MCP server was offered to VS Code ('tooOld' before 1.101). */
	readonly mcpOffer: McpOfferState;
	/** The MCP server provider offered to VS Code, where it was. */
	readonly mcpServerProvider?: McpServerDefinitionProvider;
	/** The Composio Language Model Tools' implementation (built on first use), for checks of `prepareInvocation`. */
	readonly languageModelTools: () => ComposioLanguageModelTools;
}

/** Builds the services and registers the views and commands. */
export function activate(context: vscode.ExtensionContext): TestApi | undefined {
	const log = vscode.window.createOutputChannel('Composio Agent', { log: true });
	const services = new Services(context, log);
	context.subscriptions.push(
		log,
		services,
		vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, services.chatView, { webviewOptions: { retainContextWhenHidden: false } }),
		...registerCommands(services),
		// VS Code's own chat: the @composio participant and the Composio tools for its agent (built on first use).
		registerChatParticipant(() => ({ setup: (signal, model) => services.turnSetup(signal, model), approval: services.approval, linkOpener: services.linkOpener, log }), context.extensionUri),
	);
	const lmTools = registerLanguageModelTools(() => ({
		session: () => services.sessionWithKey(),
		approval: services.approval,
		linkOpener: services.linkOpener,
		log,
		enabled: () => vscode.workspace.getConfiguration('composio').get<boolean>('languageModelTools.enabled') !== false,
	}));
	context.subscriptions.push(lmTools);
	const mcp = offerMcpServer(services.mcp, [services.environment.onDidChange, services.userIds.onDidChange]);
	context.subscriptions.push(mcp);
	log.info(`Composio Agent activated (${vscode.ExtensionMode[context.extensionMode]} mode).`);
	return context.extensionMode === vscode.ExtensionMode.Test ? { services, languageModelTools: lmTools.tools, mcpOffer: mcp.state, ...(mcp.provider ? { mcpServerProvider: mcp.provider } : {}) } : undefined;
}

/** Nothing to do: everything is disposed through context.subscriptions. */
export function deactivate(): void {}
