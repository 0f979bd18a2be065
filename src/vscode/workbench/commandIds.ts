/** Every command id the extension contributes; must match package.json `contributes.commands`. */
export const CommandIds = {
	openChat: 'composio.openChat',
	newChat: 'composio.newChat',
	setComposioApiKey: 'composio.setComposioApiKey',
	setOpenAiApiKey: 'composio.setOpenAiApiKey',
	clearApiKeys: 'composio.clearApiKeys',
	showLogs: 'composio.showLogs',
	showUserId: 'composio.showUserId',
	setUserId: 'composio.setUserId',
	resetUserId: 'composio.resetUserId',
	connectApp: 'composio.connectApp',
	manageConnections: 'composio.manageConnections',
	refreshConnections: 'composio.refreshConnections',
	connectAnotherAccount: 'composio.connectAnotherAccount',
	reconnectAccount: 'composio.reconnectAccount',
	disableAccount: 'composio.disableAccount',
	enableAccount: 'composio.enableAccount',
	disconnectAccount: 'composio.disconnectAccount',
	lookUpIdentity: 'composio.lookUpIdentity',
	useOwnApp: 'composio.useOwnApp',
	chooseAuthConfig: 'composio.chooseAuthConfig',
	showAuthConfigs: 'composio.showAuthConfigs',
	askAboutSelection: 'composio.askAboutSelection',
	runPromptOnSelection: 'composio.runPromptOnSelection',
	askAboutFile: 'composio.askAboutFile',
	runPromptOnFile: 'composio.runPromptOnFile',
	copyMcpConfig: 'composio.copyMcpConfig',
	openWalkthrough: 'composio.openWalkthrough',
	manageAlwaysAllowedTools: 'composio.manageAlwaysAllowedTools',
	applyProposedEdit: 'composio.applyProposedEdit',
	discardProposedEdit: 'composio.discardProposedEdit',
	chooseModel: 'composio.chooseModel',
	getModels: 'composio.getModels',
	useSandbox: 'composio.useSandbox',
} as const;

/** The chat view's id (package.json `contributes.views`). */
export const CHAT_VIEW_ID = 'composio.chat';

/** The connections tree's id (package.json `contributes.views`). */
export const CONNECTIONS_VIEW_ID = 'composio.connections';

/** The walkthrough's id (package.json `contributes.walkthroughs`). */
export const WALKTHROUGH_ID = 'composio.gettingStarted';

/** The MCP server definition provider's id (package.json `contributes.mcpServerDefinitionProviders`). */
export const MCP_PROVIDER_ID = 'composio.mcpServer';

/** Context keys the extension sets for `when` clauses in package.json. */
export const ContextKeys = {
	/** The sandbox stands in for Composio and OpenAI. */
	sandbox: 'composio.sandbox',
	/** Live mode and no Composio API key: nothing Composio-related can work. */
	keyMissing: 'composio.keyMissing',
	/** A key is in secret storage (Clear API Keys has something to clear). */
	hasStoredKey: 'composio.hasStoredKey',
	/** The connections have been loaded at least once. */
	connectionsLoaded: 'composio.connectionsLoaded',
	/** The user has at least one connected account (any status). */
	hasConnections: 'composio.hasConnections',
	/** A Connect Link is open and the extension waits for it. */
	connectionWaiting: 'composio.connectionWaiting',
	/** An edit the agent proposed waits for Apply or Discard. */
	proposalWaiting: 'composio.proposalWaiting',
} as const;

/** The participant's id (package.json `contributes.chatParticipants`); users type `@composio`. */
export const PARTICIPANT_ID = 'composio.agent';

/** Commands behind the response's buttons (registered, not in the command palette). */
export const ParticipantCommandIds = {
	approve: 'composio.participant.approve',
	openConnectLink: 'composio.participant.openConnectLink',
	renewLink: 'composio.participant.renewLink',
	setUpOwnApp: 'composio.participant.setUpOwnApp',
} as const;

/** The tools' names (package.json `contributes.languageModelTools`). */
export const LanguageModelToolNames = {
	findTools: 'composio_find_tools',
	connectApp: 'composio_connect_app',
	runTool: 'composio_run_tool',
	listAccounts: 'composio_list_accounts',
} as const;
