import * as vscode from 'vscode';
import { Services } from './services';
import { CHAT_VIEW_ID } from './vscode/commandIds';
import { registerCommands } from './vscode/commands';
import { createMcpServerProvider, type McpServerDefinitionProvider, registerMcpServerProvider } from './vscode/mcpServer';

/** What `activate` returns while the extension runs under tests; nothing otherwise. */
export interface TestApi {
	readonly services: Services;
	/** The MCP server provider offered to VS Code, where this VS Code has the API. */
	readonly mcpServerProvider?: McpServerDefinitionProvider;
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
	);
	const mcp = createMcpServerProvider(services.mcp, services.environment.onDidChange);
	if (mcp) {
		context.subscriptions.push(mcp);
		const registration = registerMcpServerProvider(mcp.provider, log);
		if (registration) {
			context.subscriptions.push(registration);
		}
	} else {
		log.info('This VS Code has no MCP server definition provider API; Copy MCP Server Config still works.');
	}
	log.info(`Composio Agent activated (${vscode.ExtensionMode[context.extensionMode]} mode).`);
	return context.extensionMode === vscode.ExtensionMode.Test ? { services, ...(mcp ? { mcpServerProvider: mcp.provider } : {}) } : undefined;
}

/** Nothing to do: everything is disposed through context.subscriptions. */
export function deactivate(): void {}
