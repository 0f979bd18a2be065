import * as vscode from 'vscode';
import type { TurnSetup } from './agent/agentTurn';
import type { ChatSession } from './agent/chatSession';
import { type AlwaysAllowedStore, type ApprovalMode } from './agent/toolApproval';
import { noModelMessage } from './agent/modelSelection';
import { DisposableBase } from './common/disposable';
import type { Event } from './common/emitter';
import { once } from './common/once';
import type { SecretStore } from './common/secrets';
import { ComposioError } from './composio/composioErrors';
import type { AuthConfigApi } from './composio/authConfigs';
import type { ComposioService } from './composio/composioService';
import { AccountIdentities } from './composio/accountIdentities';
import { WorkspaceStateIdentityStore } from './vscode/connections/identityStore';
import type { ToolSession } from './composio/toolSession';
import { ConnectionsModel } from './composio/connectionsModel';
import type { LinkOpener } from './composio/linkPolicy';
import type { ChatConfigState } from './protocol/chatProtocol';
import { SandboxServers } from './sandbox/sandboxServers';
import type { ModelClient } from './agent/modelClient';
import type { OwnAppPort } from './agent/ownAppSetup';
import { GlobalStateAlwaysAllowedStore } from './vscode/chatView/approvalStore';
import { ChatController } from './vscode/chatView/chatController';
import { ChatViewProvider } from './vscode/chatView/chatViewProvider';
import { runHostAction } from './vscode/workbench/hostActions';
import type { AuthConfigCommands } from './vscode/connections/authConfigCommands';
import { ConnectionCommands } from './vscode/connections/connectionCommands';
import { ConnectionsView } from './vscode/connections/connectionsView';
import { lazyOwnAppPort } from './vscode/connections/lazyOwnAppPort';
import { ContextKeyUpdater } from './vscode/workbench/contextKeys';
import { EditorPrompts } from './vscode/editor/editorPrompts';
import { EditorToolsProvider } from './vscode/editor/editorToolsProvider';
import { EnvironmentResolver, type ResolvedEnvironment } from './vscode/settings/environment';
import { lazyBundle } from './vscode/workbench/l10n';
import { LastKnownConnections } from './vscode/connections/lastKnownConnections';
import type { McpDeps } from './vscode/mcp/mcpServer';
import { ModelResolver } from './vscode/models/modelResolver';
import { ComposioStatusBar } from './vscode/connections/statusBar';
import type { UserInterface } from './vscode/workbench/userInterface';
import { approvalSetting } from './vscode/settings/userSettings';
import { UserIdStore } from './vscode/settings/userIdStore';
import { createLinkOpener } from './vscode/workbench/vsCodeLinkOpener';
import { VsCodeSecretStore } from './vscode/settings/vsCodeSecretStore';
import { SettingsGenerations } from './vscode/settings/settingsGenerations';

/**
 * The bundles that load on first use. esbuild.mjs builds each `import()` target here as a file of
 * its own (dist/lazy/*.js) that this one requires when first asked; nothing else in the
 * activation bundle may import them, except for types. `lazyBundle` gives each one's copy of the
 * core layers' translator the window's translations as it loads (see vscode/workbench/l10n.ts).
 */
const loadComposio = lazyBundle(() => import('./composio/composioRuntime'));
const loadAgent = lazyBundle(() => import('./agent/agentRuntime'));
const loadModel = lazyBundle(() => import('./agent/modelRuntime'));
const loadVsCodeModel = lazyBundle(() => import('./vscode/models/vsCodeModelRuntime'));
const loadAuthConfigs = lazyBundle(() => import('./vscode/connections/authConfigRuntime'));

/** The agent bundle's exports. */
type AgentRuntime = Awaited<ReturnType<typeof loadAgent>>;

/** The chat, once loaded: the conversation and its turns, and what connects them to the view. */
export interface LoadedChat {
	readonly chat: ChatSession;
	readonly controller: ChatController;
}

/**
 * The composition root: the one place where real implementations are chosen and wired.
 * Everything it creates is disposed with it. Constructing it is cheap: it reads nothing from the
 * network and loads neither the SDKs, the agent nor the sandbox; those load the first time they
 * are used (`loadChat`, `session`).
 */
export class Services extends DisposableBase {
	readonly secrets: SecretStore;
	readonly sandbox: SandboxServers;
	readonly environment: EnvironmentResolver;
	readonly userIds: UserIdStore;
	/** Ends every request made under settings that have changed (keys, endpoints, mode, user id). */
	readonly generations: SettingsGenerations;
	/** Who each connected account is (learned once it is ACTIVE, with the session then open), in the workspace state. */
	readonly identities: AccountIdentities;
	readonly chatView: ChatViewProvider;
	/** Tools the user said to always allow (global state). */
	readonly alwaysAllowed: AlwaysAllowedStore;
	/** The approval rules every front door applies: the always-allowed list and `composio.approval`. */
	readonly approval: { readonly store: AlwaysAllowedStore; readonly mode: () => ApprovalMode };
	/** Opens every link through the link policy (Connect Links and links in the chat). */
	readonly linkOpener: LinkOpener;
	/** The user's connected accounts, shared by the connections view, the status bar and the pickers. */
	readonly connections: ConnectionsModel;
	/** Connect, reconnect, disable, enable and disconnect accounts; and how they sign in (Use Your Own App, Choose Auth Config, Show Auth Configs). */
	readonly connectionCommands: ConnectionCommands;
	/** Made when one of them is first used (their code is a bundle of its own). */
	readonly authConfigCommands: () => Promise<AuthConfigCommands>;
	/** The connections tree view under the chat. */
	readonly connectionsView: ConnectionsView;
	/** Ask About Selection and Run Prompt on Selection. */
	readonly editorPrompts: EditorPrompts;
	readonly statusBar: ComposioStatusBar;
	readonly contextKeys: ContextKeyUpdater;
	/** What Copy MCP Server Config and the MCP server provider need. */
	readonly mcp: McpDeps;
	/** The editor tools (problems, diff, read, find, open, edit) every front door gives the agent; the toolbox loads with the agent. */
	readonly editorTools: EditorToolsProvider;
	/** The model each turn talks to: VS Code's language models, the OpenAI-compatible one, or the sandbox's. */
	readonly models: ModelResolver;
	/** The Composio base URL last resolved (the sandbox's while in the sandbox); the link policy trusts its host. */
	private composioBaseUrl = 'https://backend.composio.dev';
	/** The Composio service, once its bundle has loaded. */
	private composioService: ComposioService | undefined;
	private chatLoaded: LoadedChat | undefined;

	constructor(
		readonly context: vscode.ExtensionContext,
		readonly log: vscode.LogOutputChannel,
		ui: UserInterface,
	) {
		super();
		this.secrets = this._register(new VsCodeSecretStore(context.secrets));
		// Connect Links stay on 127.0.0.1: the link opener resolves them to the window (vsCodeLinkOpener.ts).
		this.sandbox = this._register(
			new SandboxServers({
				stateFile: vscode.Uri.joinPath(context.globalStorageUri, 'sandbox-state.json').fsPath,
				log: (line) => log.debug(`[sandbox] ${line}`),
			}),
		);
		this.environment = this._register(new EnvironmentResolver(this.secrets, this.sandbox));
		this.models = this._register(
			new ModelResolver({ workspaceState: context.workspaceState, log, load: { agent: loadAgent, openAi: loadModel, vscodeModel: loadVsCodeModel } }),
		);
		this.userIds = this._register(new UserIdStore(this.secrets));
		this.generations = this._register(new SettingsGenerations(this.secrets, this.userIds));
		this.identities = this._register(new AccountIdentities(new WorkspaceStateIdentityStore(context.workspaceState), { logger: log, accounts: () => this.connections }));
		this.linkOpener = createLinkOpener({ prompts: ui.prompts, baseUrl: () => this.composioBaseUrl, logger: log });
		this.chatView = this._register(new ChatViewProvider(context.extensionUri, log));
		this.editorTools = this._register(new EditorToolsProvider(log, loadAgent));
		this.alwaysAllowed = new GlobalStateAlwaysAllowedStore(context.globalState);
		// A workspace may make approval stricter, never looser (userSettings.ts).
		this.approval = { store: this.alwaysAllowed, mode: approvalSetting };
		this.chatView.setHost({
			config: () => this.config(),
			prepare: async () => {
				const { controller } = await this.loadChat();
				// The chat is in use: bring the connections up to date for it, the status bar and the pickers,
				// and let the models VS Code offers count in the model shown.
				void this.connections.ensureLoaded();
				this.models.wake();
				await controller.prepare();
			},
			snapshot: () => this.chatLoaded?.controller.snapshot() ?? [],
			handle: async (message) => (await this.loadChat()).controller.handle(message),
		});
		this._register(this.userIds.onDidChange(() => this.composioService?.dropSessions()));
		this._register(this.generations.onDidEnd(() => (this.composioService?.endGeneration(), this.chatLoaded?.chat.cancel())));
		this._register(this.environment.onDidChange(() => void this.chatView.refreshConfig()));
		this._register(this.models.onDidChange(() => void this.chatView.refreshConfig()));

		this.connections = this._register(
			new ConnectionsModel({
				session: () => this.session(),
				keyMissing: async () => (await this.config()).missing === 'composioKey',
				logger: log,
				identities: this.identities,
				authConfigs: () => this.authConfigs(),
			}),
		);
		this.connectionCommands = new ConnectionCommands({
			session: () => this.session(),
			model: this.connections,
			prompts: ui.prompts,
			picker: ui.picker,
			linkOpener: this.linkOpener,
			log,
			multiAccount: () => vscode.workspace.getConfiguration('composio').get<boolean>('multiAccount') === true,
			identities: this.identities,
		});
		this.authConfigCommands = once(async () => {
			const { AuthConfigCommands } = await loadAuthConfigs();
			return new AuthConfigCommands({
				authConfigs: () => this.authConfigs(),
				session: () => this.session(),
				model: this.connections,
				prompts: ui.prompts,
				picker: ui.picker,
				log,
				connect: (toolkit) => this.connectionCommands.connectApp(toolkit, false, { quietFailure: true }),
			});
		});
		this.editorPrompts = new EditorPrompts({
			chatView: this.chatView,
			send: async (text, context) => void (await (await this.loadChat()).controller.send(text, context)),
			prompts: ui.prompts,
			picker: ui.picker,
			log,
		});
		this.mcp = {
			isSandbox: () => this.environment.isSandbox(),
			resolveEnvironment: () => this.resolveEnvironment(),
			session: (env) => this.session(env),
			userId: () => this.userIds.get(),
			secrets: this.secrets,
			prompts: ui.prompts,
			picker: ui.picker,
			log,
		};
		this.connectionsView = this._register(new ConnectionsView(this.connections, { isSandbox: () => this.environment.isSandbox() }));
		// The models on offer change what is missing as much as keys and settings do.
		const onDidChangeEnvironment: Event<void> = (listener) => {
			const subs = [this.environment.onDidChange(listener), this.models.onDidChange(listener)];
			return { dispose: () => subs.forEach((d) => d.dispose()) };
		};
		const deps = { model: this.connections, config: () => this.config(), onDidChangeEnvironment, secrets: this.secrets };
		this.statusBar = this._register(new ComposioStatusBar({ ...deps, lastKnown: new LastKnownConnections(context.workspaceState) }));
		this.contextKeys = this._register(new ContextKeyUpdater(deps));
		this.watchConnections();
	}

	/**
	 * The chat, loading the agent bundle and restoring nothing yet the first time (the view's
	 * `prepare` restores the last conversation). Concurrent callers share one load.
	 */
	readonly loadChat = once(async (): Promise<LoadedChat> => {
		const agent = await loadAgent();
		if (this.isDisposed) {
			throw new Error('The extension was deactivated while the chat loaded.');
		}
		this.chatLoaded = this.createChat(agent);
		return this.chatLoaded;
	});

	/** The chat if it has been loaded, else undefined (nothing is loaded by asking). */
	get loadedChat(): LoadedChat | undefined {
		return this.chatLoaded;
	}

	/** Starts an empty conversation (the current one stays in the history). */
	async newConversation(): Promise<void> {
		await (await this.loadChat()).chat.newConversation();
	}

	private createChat(agent: AgentRuntime): LoadedChat {
		const { context, log } = this;
		// Conversations belong to the workspace; a window without a folder keeps them globally.
		const dir = context.storageUri ? vscode.Uri.joinPath(context.storageUri, 'conversations') : vscode.Uri.joinPath(context.globalStorageUri, 'conversations');
		const chat = this._register(
			new agent.ChatSession({
				store: new agent.ConversationStore(dir.fsPath, { logger: log }),
				setup: (signal) => this.turnSetup(signal),
				logger: log,
				approval: this.approval,
			}),
		);
		const controller = this._register(
			new ChatController({
				chat, log, view: this.chatView, linkOpener: this.linkOpener,
				config: () => this.config(),
				runAction: runHostAction,
				readWorkbenchFile: async (path, signal) => agent.readWorkbenchFile(await this.session(), path, signal),
			}),
		);
		return { chat, controller };
	}

	/**
	 * Keeps the connections current: starts afresh when the user id, keys or settings change, and
	 * loads again at once only when they were in use. Nothing loads here at startup: the
	 * connections load when the Connections view or the chat is first shown, or a command needs them.
	 */
	private watchConnections(): void {
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
	}

	/** The Composio service, loading the Composio bundle the first time. */
	private readonly composio = once(async (): Promise<ComposioService> => {
		const { ComposioService } = await loadComposio();
		if (this.isDisposed) {
			throw new Error('The extension was deactivated while Composio loaded.');
		}
		this.composioService = this._register(
			new ComposioService({ logger: this.log, onAccountActive: (session, account, replaced) => this.identities.accountActive(session, account, replaced) }),
		);
		return this.composioService;
	});

	/** The Composio session for this workspace's user in the current environment. Throws ComposioError. */
	async session(env?: ResolvedEnvironment, generation = this.generations.signal): Promise<ToolSession> {
		const resolved = env ?? (await this.resolveEnvironment());
		const [composio, userId] = await Promise.all([this.composio(), this.userIds.get()]);
		if (generation.aborted) {
			throw new ComposioError('cancelled', vscode.l10n.t('The settings changed; try again.'), { detail: 'settings changed during setup' });
		}
		return composio.getSession(userId, resolved.composio);
	}

	/** The auth configs of the current Composio project (the sandbox's in the sandbox). Throws ComposioError when no key is set. */
	async authConfigs(): Promise<AuthConfigApi> {
		const env = await this.environmentWithKey();
		return (await this.composio()).authConfigs(env.composio);
	}

	/** The session, or a ComposioError with its remedy when no Composio key is set (live mode). */
	async sessionWithKey(): Promise<ToolSession> {
		return this.session(await this.environmentWithKey());
	}

	private async environmentWithKey(): Promise<ResolvedEnvironment> {
		const env = await this.resolveEnvironment();
		if (env.missing === 'composioKey') {
			throw new ComposioError('auth', vscode.l10n.t('Set your Composio API key first (Composio: Set Composio API Key), or turn on the sandbox.'), { action: 'setComposioKey', detail: 'no Composio API key' });
		}
		return env;
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
		const generation = this.generations.signal;
		const env = await this.resolveEnvironment();
		for (const problem of env.problems) {
			this.log.warn(problem);
		}
		if (env.missing === 'composioKey') {
			throw new ComposioError('auth', vscode.l10n.t('Set your Composio API key to start.'), { action: 'setComposioKey', detail: 'no Composio API key' });
		}
		let model: () => Promise<ModelClient>;
		if (chosen) {
			// VS Code's chat picked the model (the `@composio` participant): no OpenAI key needed.
			model = () => this.models.clientForChat(chosen);
		} else {
			this.models.wake();
			const selection = await this.models.selection(env);
			if (selection.missing === 'openAiKey') {
				const { ModelError } = await loadAgent();
				throw new ModelError('auth', vscode.l10n.t('Set your OpenAI API key to start (or point composio.openai.baseUrl at a server that needs none).'), { action: 'setOpenAiKey' });
			}
			const selected = selection.selected;
			if (!selected) {
				const { ModelError } = await loadAgent();
				throw new ModelError('noModel', noModelMessage(), { action: 'chooseModel' });
			}
			model = () => this.models.client(selected, env, generation);
		}
		if (signal.aborted) {
			throw new ComposioError('cancelled', 'Cancelled.');
		}
		const [session, client, localTools] = await Promise.all([this.session(env, generation), model(), this.editorTools.toolbox()]);
		return { model: client, session, maxTurns: env.maxTurns, multiAccount: env.composio.multiAccount, localTools, identities: this.identities, accounts: this.connections, ownApp: this.ownAppPort() };
	}

	/** The own-app card's questions and setup for one turn; their code loads when the card first asks. */
	ownAppPort(): OwnAppPort {
		return lazyOwnAppPort(async () => (await this.authConfigCommands()).ownAppPort());
	}
}
