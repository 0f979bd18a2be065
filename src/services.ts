import * as vscode from 'vscode';
import { DisposableBase } from './common/disposable';
import type { Event } from './common/emitter';
import type { SecretStore } from './common/secrets';
import { ComposioService } from './composio/composioService';
import { AccountIdentities } from './composio/accountIdentities';
import { WorkspaceStateIdentityStore } from './vscode/identityStore';
import type { ToolSession } from './composio/toolSession';
import type { LinkOpener } from './composio/linkPolicy';
import type { ChatConfigState, HostAction } from './protocol/chatProtocol';
import { SandboxServers } from './sandbox/sandboxServers';
import { ChatSession, type TurnSetup } from './agent/chatSession';
import { ConversationStore } from './agent/conversationStore';
import type { ModelClient } from './agent/modelClient';
import { ModelError } from './agent/modelErrors';
import { NO_MODEL_MESSAGE } from './agent/modelSelection';
import { ComposioError } from './composio/composioErrors';
import { ConnectionsModel } from './composio/connectionsModel';
import { type AlwaysAllowedStore, type ApprovalMode } from './agent/toolApproval';
import { GlobalStateAlwaysAllowedStore } from './vscode/approvalStore';
import { ChatController } from './vscode/chatController';
import { ChatViewProvider } from './vscode/chatViewProvider';
import { CommandIds } from './vscode/commandIds';
import { ConnectionCommands } from './vscode/connectionCommands';
import { ConnectionsView } from './vscode/connectionsView';
import { ContextKeyUpdater } from './vscode/contextKeys';
import { EditorPrompts } from './vscode/editorPrompts';
import { EditorToolsProvider } from './vscode/editorToolsProvider';
import type { McpDeps } from './vscode/mcpServer';
import { type QuickPicker, VsCodeQuickPicker } from './vscode/quickPicker';
import { ComposioStatusBar } from './vscode/statusBar';
import { createLinkOpener } from './vscode/vsCodeLinkOpener';
import { EnvironmentResolver, type ResolvedEnvironment } from './vscode/environment';
import { ModelResolver } from './vscode/modelResolver';
import { UserIdStore } from './vscode/userIdStore';
import { type UserPrompts, VsCodeUserPrompts } from './vscode/userPrompts';
import { VsCodeSecretStore } from './vscode/vsCodeSecretStore';

/**
 * The composition root: the one place where real implementations are chosen and wired.
 * Everything it creates is disposed with it.
 */
export class Services extends DisposableBase {
	readonly secrets: SecretStore;
	/** Replaceable so tests in the real editor can answer prompts. */
	prompts: UserPrompts = new VsCodeUserPrompts();
	/** Replaceable so tests in the real editor can see and answer quick picks. */
	picker: QuickPicker = new VsCodeQuickPicker();
	readonly sandbox: SandboxServers;
	readonly environment: EnvironmentResolver;
	readonly userIds: UserIdStore;
	readonly composio: ComposioService;
	/** Who each connected account is (learned once it is ACTIVE), in the workspace state. */
	readonly identities: AccountIdentities;
	readonly chatView: ChatViewProvider;
	/** The conversation and its turns (host side). */
	readonly chat: ChatSession;
	/** Connects `chat` to `chatView`. */
	readonly chatController: ChatController;
	/** Saved conversations of this workspace. */
	readonly conversations: ConversationStore;
	/** Tools the user said to always allow (global state). */
	readonly alwaysAllowed: AlwaysAllowedStore;
	/** The approval rules every front door applies: the always-allowed list and `composio.approval`. */
	readonly approval: { readonly store: AlwaysAllowedStore; readonly mode: () => ApprovalMode };
	/** Opens every link through the link policy (Connect Links and links in the chat). */
	readonly linkOpener: LinkOpener;
	/** The user's connected accounts, shared by the connections view, the status bar and the pickers. */
	readonly connections: ConnectionsModel;
	/** Connect, reconnect, disable, enable and disconnect accounts. */
	readonly connectionCommands: ConnectionCommands;
	/** The connections tree view under the chat. */
	readonly connectionsView: ConnectionsView;
	/** Ask About Selection and Run Prompt on Selection. */
	readonly editorPrompts: EditorPrompts;
	readonly statusBar: ComposioStatusBar;
	readonly contextKeys: ContextKeyUpdater;
	/** What Copy MCP Server Config and the MCP server provider need. */
	readonly mcp: McpDeps;
	/** The editor tools (problems, diff, read, find, open, edit) every front door gives the agent. */
	readonly editorTools: EditorToolsProvider;
	/** The model each turn talks to: VS Code's language models, the OpenAI-compatible one, or the sandbox's. */
	readonly models: ModelResolver;
	/** The Composio base URL last resolved (the sandbox's while in the sandbox); the link policy trusts its host. */
	private composioBaseUrl = 'https://backend.composio.dev';

	constructor(
		readonly context: vscode.ExtensionContext,
		readonly log: vscode.LogOutputChannel,
	) {
		super();
		this.secrets = this._register(new VsCodeSecretStore(context.secrets));
		// Connect Links stay on 127.0.0.1 everywhere: the link opener resolves them to where the
		// window is (reachableUrl in vsCodeLinkOpener.ts).
		this.sandbox = this._register(
			new SandboxServers({
				stateFile: vscode.Uri.joinPath(context.globalStorageUri, 'sandbox-state.json').fsPath,
				log: (line) => log.debug(`[sandbox] ${line}`),
			}),
		);
		this.environment = this._register(new EnvironmentResolver(this.secrets, this.sandbox));
		this.models = this._register(new ModelResolver({ workspaceState: context.workspaceState, log }));
		this.userIds = this._register(new UserIdStore(this.secrets));
		this.identities = this._register(new AccountIdentities(new WorkspaceStateIdentityStore(context.workspaceState), { logger: log }));
		this.composio = this._register(
			new ComposioService({ logger: log, onAccountActive: (session, account, replaced) => this.identities.accountActive(session, account, replaced) }),
		);
		this.linkOpener = createLinkOpener({ prompts: () => this.prompts, baseUrl: () => this.composioBaseUrl, logger: log });
		this.chatView = this._register(new ChatViewProvider(context.extensionUri, log));
		this.editorTools = this._register(new EditorToolsProvider(log));
		// Conversations belong to the workspace; a window without a folder keeps them globally.
		const conversationsDir = context.storageUri ? vscode.Uri.joinPath(context.storageUri, 'conversations') : vscode.Uri.joinPath(context.globalStorageUri, 'conversations');
		this.conversations = new ConversationStore(conversationsDir.fsPath, { logger: log });
		this.alwaysAllowed = new GlobalStateAlwaysAllowedStore(context.globalState);
		this.approval = { store: this.alwaysAllowed, mode: () => approvalMode(vscode.workspace.getConfiguration('composio').get('approval')) };
		this.chat = this._register(
			new ChatSession({
				store: this.conversations,
				setup: (signal) => this.turnSetup(signal),
				logger: log,
				approval: this.approval,
			}),
		);
		this.chatController = this._register(
			new ChatController({
				chat: this.chat,
				view: this.chatView,
				linkOpener: this.linkOpener,
				log,
				config: () => this.config(),
				runAction: (action) => this.runAction(action),
			}),
		);
		this.chatView.setHost(this.chatController);
		this._register(this.userIds.onDidChange(() => this.composio.dropSessions()));
		this._register(this.environment.onDidChange(() => void this.chatView.refreshConfig()));
		this._register(this.models.onDidChange(() => void this.chatView.refreshConfig()));

		this.connections = this._register(
			new ConnectionsModel({
				session: () => this.session(),
				keyMissing: async () => (await this.config()).missing === 'composioKey',
				logger: log,
				identities: this.identities,
			}),
		);
		this.connectionCommands = new ConnectionCommands({
			session: () => this.session(),
			model: this.connections,
			prompts: () => this.prompts,
			picker: () => this.picker,
			linkOpener: this.linkOpener,
			log,
			multiAccount: () => vscode.workspace.getConfiguration('composio').get<boolean>('multiAccount') === true,
			identities: this.identities,
		});
		this.editorPrompts = new EditorPrompts({
			chatView: this.chatView,
			send: (text, context) => this.chatController.send(text, context),
			prompts: () => this.prompts,
			picker: () => this.picker,
			log,
		});
		this.mcp = {
			isSandbox: () => this.environment.isSandbox(),
			resolveEnvironment: () => this.resolveEnvironment(),
			session: (env) => this.session(env),
			userId: () => this.userIds.get(),
			secrets: this.secrets,
			prompts: () => this.prompts,
			picker: () => this.picker,
			log,
		};
		this.connectionsView = this._register(new ConnectionsView(this.connections, { isSandbox: () => this.environment.isSandbox() }));
		// The models on offer change what is missing as much as keys and settings do.
		const onDidChangeEnvironment: Event<void> = (listener) => {
			const subs = [this.environment.onDidChange(listener), this.models.onDidChange(listener)];
			return { dispose: () => subs.forEach((d) => d.dispose()) };
		};
		const deps = { model: this.connections, config: () => this.config(), onDidChangeEnvironment, secrets: this.secrets };
		this.statusBar = this._register(new ComposioStatusBar(deps));
		this.contextKeys = this._register(new ContextKeyUpdater(deps));
		this.watchConnections();
	}

	/**
	 * Keeps the connections current: starts afresh when the user id, keys or settings change,
	 * and reloads after the agent touched connections (an auth card appeared or changed, a turn
	 * ended). Loads at startup only in live mode, so a window that never uses the sandbox does
	 * not start it.
	 */
	private watchConnections(): void {
		const reloadIfUsed = (): void => {
			if (this.connections.state.kind !== 'idle' || this.connectionsView.treeView.visible) {
				void this.connections.refresh();
			}
		};
		const restart = (): void => {
			const used = this.connections.state.kind !== 'idle';
			this.connections.reset();
			void this.connectionsView.updateDescription();
			if (used || this.connectionsView.treeView.visible) {
				void this.connections.refresh();
			}
		};
		this._register(this.userIds.onDidChange(restart));
		this._register(this.environment.onDidChange(restart));
		const onAuthItem = (e: { item: { kind: string } }): void => {
			if (e.item.kind === 'auth') {
				reloadIfUsed();
			}
		};
		this._register(this.chat.onDidAddItem(onAuthItem));
		this._register(this.chat.onDidUpdateItem(onAuthItem));
		this._register(
			this.chat.onDidChangeTurnState((e) => {
				if (e.state === 'idle') {
					reloadIfUsed();
				}
			}),
		);
		void this.environment.isSandbox().then((sandbox) => {
			if (!sandbox) {
				void this.connections.refresh();
			}
		});
	}

	/** The Composio session for this workspace's user in the current environment. Throws ComposioError. */
	async session(env?: ResolvedEnvironment): Promise<ToolSession> {
		const resolved = env ?? (await this.resolveEnvironment());
		return this.composio.getSession(await this.userIds.get(), resolved.composio);
	}

	/** The session, or a ComposioError with its remedy when no Composio key is set (live mode). */
	async sessionWithKey(): Promise<ToolSession> {
		const env = await this.resolveEnvironment();
		if (env.missing === 'composioKey') {
			throw new ComposioError('auth', 'Set your Composio API key first (Composio: Set Composio API Key), or turn on the sandbox.', { action: 'setComposioKey', detail: 'no Composio API key' });
		}
		return this.session(env);
	}

	/** Resolves the environment and remembers its Composio base URL for the link policy. */
	async resolveEnvironment(): Promise<ResolvedEnvironment> {
		const env = await this.environment.resolve();
		this.composioBaseUrl = env.composio.baseUrl;
		return env;
	}

	async config(): Promise<ChatConfigState> {
		const [sandbox, composio, openAi] = await Promise.all([
			this.environment.isSandbox(),
			this.secrets.source('composioApiKey'),
			this.secrets.source('openAiApiKey'),
		]);
		// Resolving the live environment starts nothing; the sandbox never lacks a key.
		const env = sandbox ? undefined : await this.environment.resolve();
		const models = await this.models.selection(env ?? 'sandbox');
		const missing = env?.missing === 'composioKey' ? 'composioKey' : models.missing;
		return {
			sandbox,
			hasComposioKey: composio !== 'none',
			hasOpenAiKey: openAi !== 'none',
			...(missing ? { missing } : {}),
			...(models.selected ? { model: { label: models.selected.label, detail: models.selected.detail } } : {}),
		};
	}

	/**
	 * What the next turn runs with, read fresh for every message so settings and keys apply at
	 * once. Throws a ComposioError or ModelError with its remedy when a key is missing.
	 */
	async turnSetup(signal: AbortSignal, chosen?: vscode.LanguageModelChat): Promise<TurnSetup> {
		const env = await this.resolveEnvironment();
		for (const problem of env.problems) {
			this.log.warn(problem);
		}
		if (env.missing === 'composioKey') {
			throw new ComposioError('auth', 'Set your Composio API key to start.', { action: 'setComposioKey', detail: 'no Composio API key' });
		}
		let model: () => Promise<ModelClient>;
		if (chosen) {
			// VS Code's chat picked the model (the `@composio` participant): no OpenAI key needed.
			model = () => Promise.resolve(this.models.clientForChat(chosen));
		} else {
			const selection = await this.models.selection(env);
			if (selection.missing === 'openAiKey') {
				throw new ModelError('auth', 'Set your OpenAI API key to start (or point composio.openai.baseUrl at a server that needs none).', { action: 'setOpenAiKey' });
			}
			const selected = selection.selected;
			if (!selected) {
				throw new ModelError('noModel', NO_MODEL_MESSAGE, { action: 'chooseModel' });
			}
			model = () => this.models.client(selected, env);
		}
		if (signal.aborted) {
			throw new ComposioError('cancelled', 'Cancelled.');
		}
		const session = await this.session(env);
		return { model: await model(), session, maxTurns: env.maxTurns, multiAccount: env.composio.multiAccount, localTools: this.editorTools.toolbox, identities: this.identities };
	}

	async runAction(action: HostAction): Promise<void> {
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
}

/** The `composio.approval` setting; anything unknown means the safe default. */
function approvalMode(value: unknown): ApprovalMode {
	return value === 'all' || value === 'never' ? value : 'writes';
}
