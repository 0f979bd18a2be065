import * as vscode from 'vscode';
import { asComponent } from '../../common/requestComponent';
import type { AlwaysAllowedStore } from '../../agent/toolApproval';
import type { SecretStore } from '../../common/secrets';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import { manageAlwaysAllowedTools } from '../chatView/approvalCommands';
import type { ChatViewProvider } from '../chatView/chatViewProvider';
import { CHAT_VIEW_ID, CommandIds, CONNECTIONS_VIEW_ID, WALKTHROUGH_ID } from './commandIds';
import type { AuthConfigCommands } from '../connections/authConfigCommands';
import type { ConnectionCommands } from '../connections/connectionCommands';
import type { EditorPrompts } from '../editor/editorPrompts';
import { clearApiKeys, promptForApiKey } from '../settings/keyCommands';
import type { EditProposals } from '../editor/editProposals';
import type { EnvironmentResolver } from '../settings/environment';
import { copyMcpConfig, type McpDeps } from '../mcp/mcpServer';
import { chooseModel, getModels, type ModelCommandDeps, useSandbox } from '../models/modelCommands';
import type { ModelResolver } from '../models/modelResolver';
import type { QuickPicker } from './quickPicker';
import { resetUserId, setUserId, showUserId } from '../settings/userIdCommands';
import type { UserIdStore } from '../settings/userIdStore';
import type { UserPrompts } from './userPrompts';

/** What the commands act on; each command takes only its part. */
export interface CommandDeps {
	/** The extension's id, for the walkthrough. */
	readonly extensionId: string;
	readonly log: vscode.LogOutputChannel;
	readonly prompts: UserPrompts;
	readonly picker: QuickPicker;
	/** Set, clear: the API keys. */
	readonly secrets: SecretStore;
	/** Show, set, reset: the workspace's user id. */
	readonly userIds: UserIdStore;
	/** New Chat. */
	readonly chatView: Pick<ChatViewProvider, 'reveal' | 'post'>;
	/** Starts an empty conversation (loading the chat first if needed). */
	newConversation(): Promise<void>;
	/** Manage and Refresh Connections. */
	readonly connections: Pick<ConnectionsModel, 'refresh'>;
	/** Connect, reconnect, disable, enable, disconnect. */
	readonly connectionCommands: ConnectionCommands;
	/** Use Your Own App, Choose Auth Config, Show Auth Configs. */
	/** Loads the auth config commands the first time one runs. */
	authConfigCommands(): Promise<AuthConfigCommands>;
	/** Ask About Selection / File, Run Prompt on Selection / File. */
	readonly editorPrompts: EditorPrompts;
	/** Copy MCP Server Config. */
	readonly mcp: McpDeps;
	/** Manage Always-Allowed Tools. */
	readonly alwaysAllowed: AlwaysAllowedStore;
	/** Apply and Discard a proposed edit. */
	readonly editProposals: Pick<EditProposals, 'apply' | 'discard'>;
	/** Choose Model. */
	readonly models: ModelResolver;
	readonly environment: EnvironmentResolver;
	/** What the model picker's extra entries ask for. */
	runAction: ModelCommandDeps['runAction'];
}

/** Registers every command; the caller owns the returned disposables. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
	const { secrets, log, prompts, userIds, connectionCommands: connections, editorPrompts } = deps;
	/** A command whose Composio requests name commands. */
	const register = (id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, (...args: unknown[]) => asComponent('command', () => handler(...args)));
	return [
		register(CommandIds.openChat, () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`)),
		register(CommandIds.newChat, async () => {
			await deps.newConversation();
			await deps.chatView.reveal();
			await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
			deps.chatView.post({ type: 'focusComposer' });
		}),
		register(CommandIds.setComposioApiKey, () => promptForApiKey('composioApiKey', secrets, prompts)),
		register(CommandIds.setOpenAiApiKey, () => promptForApiKey('openAiApiKey', secrets, prompts)),
		register(CommandIds.clearApiKeys, () => clearApiKeys(secrets, prompts)),
		register(CommandIds.showLogs, () => log.show()),
		register(CommandIds.showUserId, () => showUserId(userIds, prompts)),
		register(CommandIds.setUserId, () => setUserId(userIds, prompts)),
		register(CommandIds.resetUserId, () => resetUserId(userIds, prompts)),

		// Connections (manual authentication).
		register(CommandIds.connectApp, (arg) => connections.connectApp(arg)),
		register(CommandIds.connectAnotherAccount, (arg) => connections.connectApp(arg, true)),
		register(CommandIds.manageConnections, async () => {
			await vscode.commands.executeCommand(`${CONNECTIONS_VIEW_ID}.focus`);
			await deps.connections.refresh();
		}),
		register(CommandIds.refreshConnections, () => deps.connections.refresh()),
		register(CommandIds.reconnectAccount, (arg) => connections.reconnectAccount(arg)),
		register(CommandIds.lookUpIdentity, (arg) => connections.lookUpIdentity(arg)),
		register(CommandIds.disableAccount, (arg) => connections.setAccountEnabled(arg, false)),
		register(CommandIds.enableAccount, (arg) => connections.setAccountEnabled(arg, true)),
		register(CommandIds.disconnectAccount, (arg) => connections.disconnectAccount(arg)),
		register(CommandIds.useOwnApp, async (arg) => (await deps.authConfigCommands()).useOwnApp(arg)),
		register(CommandIds.chooseAuthConfig, async (arg) => (await deps.authConfigCommands()).chooseAuthConfig(arg)),
		register(CommandIds.showAuthConfigs, async () => (await deps.authConfigCommands()).showAuthConfigs()),

		// Editor context: the document or explorer resource comes first, the explorer's multi-selection second.
		register(CommandIds.askAboutSelection, (arg, all) => editorPrompts.askAboutSelection(arg, all)),
		register(CommandIds.runPromptOnSelection, (arg, all) => editorPrompts.runPromptOnSelection(arg, all)),
		register(CommandIds.askAboutFile, (arg, all) => editorPrompts.askAboutSelection(arg, all, true)),
		register(CommandIds.runPromptOnFile, (arg, all) => editorPrompts.runPromptOnSelection(arg, all, true)),

		register(CommandIds.copyMcpConfig, (form) => copyMcpConfig(deps.mcp, form)),
		register(CommandIds.manageAlwaysAllowedTools, () => manageAlwaysAllowedTools(deps.alwaysAllowed)),
		register(CommandIds.applyProposedEdit, (uri) => deps.editProposals.apply(uri)),
		register(CommandIds.discardProposedEdit, (uri) => deps.editProposals.discard(uri)),
		register(CommandIds.chooseModel, () => chooseModel({ models: deps.models, environment: deps.environment, picker: () => deps.picker, runAction: deps.runAction })),
		register(CommandIds.getModels, () => getModels(deps.picker)),
		register(CommandIds.useSandbox, () => useSandbox()),
		register(CommandIds.openWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${deps.extensionId}#${WALKTHROUGH_ID}`, false)),
	];
}
