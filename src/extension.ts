import * as vscode from 'vscode';
import { Services } from './services';
import { CHAT_VIEW_ID } from './vscode/commandIds';
import { registerCommands } from './vscode/commands';

/** What `activate` returns while the extension runs under tests; nothing otherwise. */
export interface TestApi {
	readonly services: Services;
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
	log.info(`Composio Agent activated (${vscode.ExtensionMode[context.extensionMode]} mode).`);
	return context.extensionMode === vscode.ExtensionMode.Test ? { services } : undefined;
}

/** Nothing to do: everything is disposed through context.subscriptions. */
export function deactivate(): void {}
