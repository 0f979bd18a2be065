/**
 * Every string the chat view shows, as one typed table. The host words it in the display
 * language (src/vscode/chatView/chatStrings.ts, through `vscode.l10n.t`) and hands it to the view in the
 * view's initial state (`ChatInitialState`), so one place translates the view and the view holds
 * no English of its own but this fallback. `{0}`, `{1}` are filled by the view with
 * `formatString`. No `vscode`, no DOM.
 */
import { isRecord } from '../common/isRecord';

/**
 * The English strings: what the view falls back on for anything its initial state lacks (a view
 * loaded outside VS Code, as the browser tests' harness does). The host's table words the same
 * English, which the in-editor tests check.
 */
export const ENGLISH_CHAT_STRINGS = {
	// Toolbar and header.
	chatToolbar: 'Chat',
	newChat: 'New chat',
	history: 'History',
	conversationHistory: 'Conversation history',
	sandbox: 'Sandbox',
	sandboxBadgeTitle: 'Sandbox: simulated apps and model. Click for details.',
	sandboxBadgeLabel: 'Sandbox mode: show details',
	model: 'Model',
	chooseModel: 'Choose model',
	/** {0}: the model, {1}: where it comes from. */
	modelTitle: 'Model: {0} · {1}. Click to choose another.',
	/** {0}: the model, {1}: where it comes from. */
	modelLabel: 'Model: {0}, {1}. Choose the model',
	noModelTitle: 'No model yet. Click to choose one.',
	noModelLabel: 'No model. Choose the model',
	// Banners.
	sandboxBanner: 'Sandbox: simulated apps and model — set your keys to use your own accounts.',
	hideSandboxNote: 'Hide the sandbox note',
	hide: 'Hide',
	noModelBanner: 'No model to talk to yet. Set an OpenAI API key, sign in to a model provider in VS Code (such as GitHub Copilot), or try the sandbox.',
	setComposioKey: 'Set Composio key',
	setOpenAiKey: 'Set OpenAI key',
	getModelsInVsCode: 'Get models in VS Code',
	useTheSandbox: 'Use the sandbox',
	chooseAnotherModel: 'Choose another model',
	composioKeyToStart: 'Set your Composio API key to start.',
	openAiKeyToStart: 'Set your OpenAI API key to start.',
	// Empty state.
	emptyTitle: 'Ask the agent to act on your apps',
	emptyText: 'It works through Composio: Gmail, GitHub, Slack, Linear and more. When an app needs your account, a Connect card appears right here.',
	examplePrompts: 'Example prompts',
	exampleEmails: 'Summarize my emails from today',
	exampleIssue: 'Create a GitHub issue titled "Fix checkout total"',
	exampleSlack: 'Post "deploy finished" to #general on Slack',
	exampleWhatCanYouDo: 'What can you do?',
	// History.
	historyHeading: 'Conversations in this workspace',
	historyEmpty: 'No conversations yet.',
	untitled: 'Untitled',
	justNow: 'just now',
	/** {0}: when it was last changed. */
	historyMetaOne: '{0} · 1 message',
	/** {0}: when it was last changed, {1}: how many messages. */
	historyMetaMany: '{0} · {1} messages',
	/** {0}: the conversation's title. */
	deleteNamed: 'Delete {0}',
	deleteConversation: 'Delete conversation',
	delete: 'Delete',
	// Composer.
	message: 'Message',
	composerPlaceholder: 'Ask the agent to act on your apps…',
	composerPlaceholderWaiting: 'Reply "done" once connected…',
	composerPlaceholderChoosing: 'Choose on the card, or write to do something else…',
	composerNeedsModel: 'Choose a model to start',
	composerNeedsComposioKey: 'Set your Composio API key to start',
	composerNeedsOpenAiKey: 'Set your OpenAI API key to start',
	send: 'Send',
	sendTitle: 'Send (Enter)',
	stop: 'Stop',
	stopTitle: 'Stop (Escape)',
	nextMessageContext: 'Context for the next message',
	hintIdle: 'Enter to send · Shift+Enter for a new line',
	hintRunning: 'The agent is working · Escape to stop',
	hintWaiting: 'Connect the account, or reply "done" · Escape to stop',
	hintChoosing: 'Choose how the app connects on the card · Escape to stop',
	/** {0}: the file or selection. */
	removeContext: 'Remove {0}',
	/** {0}: the file or selection. */
	removedContext: 'Removed {0} from the message.',
	/** {0}: the file or selection. */
	attachedContext: 'Attached {0}.',
	agentWorking: 'The agent is working.',
	agentWaiting: 'Waiting for you to connect an account.',
	agentChoosing: 'Waiting for you to choose how an app connects.',
	agentFinished: 'The agent finished.',
	// Messages.
	conversation: 'Conversation',
	youSaid: 'You said',
	you: 'You',
	attachedContextLabel: 'Attached context',
	composioSaid: 'Composio said',
	composio: 'Composio',
	copy: 'Copy',
	insertAtCursor: 'Insert at Cursor',
	plainText: 'text',
	codeCopied: 'Code copied.',
	// Tool cards.
	tool: 'Tool',
	toolNeedsApproval: 'Needs approval',
	toolRunning: 'Running',
	toolDone: 'Done',
	toolFailed: 'Failed',
	toolDeclined: 'Declined',
	arguments: 'Arguments',
	/** Over the app tools a multi-execute call runs. */
	runsTools: 'Runs',
	/** {0}: the first action a multi-execute call runs, {1}: how many more it runs. */
	toolAndMore: '{0} and {1} more',
	argumentsRow: 'arguments',
	error: 'Error',
	result: 'Result',
	/** {0}: its size in KB. */
	openFullResult: 'Open full result ({0} KB)',
	/** {0}: the file's path in the workbench. */
	workbenchKept: "Composio kept the whole result in its remote workbench ({0}); this is a preview.",
	openWorkbenchResult: 'Open the whole result',
	/** {0}: the app. */
	toolFailedAnnouncement: '{0} tool failed.',
	// Approval.
	allowThisAction: 'Allow this action?',
	/** {0}: how many actions. */
	allowTheseActions: 'Allow these {0} actions?',
	/** {0}: the app, {1}: the action. */
	approvalNeeded: 'Approval needed: {0} {1}',
	/** {0}: the app, {1}: the action, in lower case. */
	approvalNeededAnnouncement: 'Approval needed: {0} wants to {1}.',
	approvalReadSecret: 'The agent wants to read a file that may hold secrets (keys, passwords). Nothing is read until you answer.',
	approvalWorkspace: 'The agent wants to look at your workspace. Nothing runs until you answer.',
	approvalAccount: 'The agent wants to act on your account. Nothing runs until you answer.',
	approvalWorkbench:
		"The agent wants to run code in Composio's remote workbench. That code can act on every account you have connected, with no further question for each action. Read all of it before you allow it; it can only be allowed once.",
	approvalSecrets: 'This would send what looks like a secret. Check before you allow it.',
	approvalRemoveAccount:
		'The agent wants to remove a connected account from Composio. Tools can no longer use it, and using it again means signing in again. It can only be allowed once.',
	removeAccountAction: 'Remove connected account',
	renameAccountAction: 'Rename connected account',
	/** {0}: who the action acts as. */
	actsAs: 'as {0}',
	allowOnce: 'Allow once',
	allowInChat: 'Allow in this chat',
	alwaysAllowTool: 'Always allow this tool',
	deny: 'Deny',
	allowed: 'Allowed.',
	declined: 'Declined.',
	// Connect and Reconnect cards.
	connect: 'Connect',
	reconnect: 'Reconnect',
	/** {0}: the app. */
	connectApp: 'Connect {0}',
	/** {0}: the app. */
	reconnectApp: 'Reconnect {0}',
	/** {0}: the app, {1}: who the account is. */
	reconnectAppAs: 'Reconnect {0} ({1})',
	/** {0}: the link's host. */
	openHostInBrowser: 'Open {0} in your browser',
	openLinkInBrowser: 'Open the Connect Link in your browser',
	/** {0}: the link's host. */
	opensHost: 'Opens {0}',
	connectLink: 'Connect Link',
	copyLink: 'Copy link',
	linkCopied: 'Link copied.',
	newLink: 'New link',
	/** {0}: the app. */
	connectExplain: "The agent needs your {0} account to continue. Connect it in your browser; the chat carries on by itself once it's active.",
	/** {0}: the app. */
	reconnectExplain: 'Your {0} account is no longer connected, so the last step could not run. Sign in again in your browser; that step runs again and the task carries on by itself.',
	/** {0}: the app, {1}: who the account is. */
	reconnectExplainAs: 'Your {0} account {1} is no longer connected, so the last step could not run. Sign in again in your browser; that step runs again and the task carries on by itself.',
	/** {0}: the app. */
	waitingToConnect: 'Waiting for you to connect {0}…',
	/** {0}: the app. */
	waitingToReconnect: 'Waiting for you to reconnect {0}…',
	/** {0}: the app. */
	connectedContinuing: '{0} connected — continuing.',
	/** {0}: the app. */
	reconnectedContinuing: '{0} reconnected — continuing.',
	/** {0}: who the account is. */
	connectedAsContinuing: 'Connected as {0} — continuing.',
	/** {0}: who the account is. */
	reconnectedAsContinuing: 'Reconnected as {0} — continuing.',
	/** {0}: the app, {1}: who the account is. */
	connectedAsAnnouncement: '{0} connected as {1}.',
	linkExpired: 'This link expired. Get a new one to continue.',
	/** {0}: the app. */
	connectingFailed: 'Connecting {0} failed.',
	stoppedWaiting: 'Stopped waiting for this connection.',
	// The own-app card (Composio's app cannot connect the toolkit).
	/** {0}: the app. */
	ownAppTitle: '{0} needs your own app',
	/** {0}: the app. */
	ownAppExplain: 'Set up an OAuth app of yours with {0} (the editor shows the redirect URL to register, then asks for its client ID and secret), and the agent connects through it and carries on by itself.',
	/** {0}: the app. */
	ownAppExplainApiKey: 'Connect {0} with an API key you enter on Composio\'s Connect page, or set up an OAuth app of yours, and the agent carries on by itself.',
	/** {0}: what Composio said. */
	ownAppComposioSaid: 'Composio: {0}',
	authConfigNeeded: 'An auth config of your own',
	setUpOwnApp: 'Set Up Your Own App',
	/** {0}: the app. */
	connectWithApiKey: 'Connect with an API Key',
	notNow: 'Not now',
	/** {0}: the app. */
	choosingHowToConnect: 'Waiting for you to choose how {0} connects…',
	/** {0}: the app. */
	settingUpApp: 'Setting up {0}: answer the questions at the top of the window.',
	// Remedies on notices.
	actionSetComposioKey: 'Set Composio API Key',
	actionSetOpenAiKey: 'Set OpenAI API Key',
	actionOpenLogs: 'Open Logs',
	actionRetry: 'Retry',
	actionOpenSettings: 'Open Settings',
	actionChooseModel: 'Choose Model',
	actionFindModelProviders: 'Get Models',
	actionUseSandbox: 'Use the Sandbox',
} as const;

/** The chat view's strings, by name (see `ENGLISH_CHAT_STRINGS` for each one's English and placeholders). */
export type ChatStrings = { readonly [K in keyof typeof ENGLISH_CHAT_STRINGS]: string };

/** What the host gives the chat view before its script runs (in the view's document; see chatHtml.ts). */
export interface ChatInitialState {
	/** The view's strings in the display language. */
	readonly strings: ChatStrings;
	/** VS Code's display language (`vscode.env.language`), for dates, times and numbers. */
	readonly language: string;
}

/** The placeholders a template holds, sorted ("{0}", "{1}"). */
export function placeholders(template: string): string[] {
	return [...new Set(template.match(/\{\d+\}/g) ?? [])].sort();
}

/**
 * Reads the initial state the host put into the view's document. Every string that is missing,
 * not a string or without the placeholders its English has falls back to English, so the view
 * always has words for everything.
 */
export function parseChatInitialState(value: unknown): ChatInitialState {
	const raw = isRecord(value) && isRecord(value.strings) ? value.strings : {};
	const strings: Record<string, string> = {};
	for (const [key, english] of Object.entries(ENGLISH_CHAT_STRINGS)) {
		const given = raw[key];
		strings[key] = typeof given === 'string' && given !== '' && placeholders(given).join() === placeholders(english).join() ? given : english;
	}
	const language = isRecord(value) && typeof value.language === 'string' && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value.language) ? value.language : 'en';
	return { strings: strings as ChatStrings, language };
}

/** Fills a template's `{0}`, `{1}` … with `args`; a placeholder without an argument stays as it is. */
export function formatString(template: string, ...args: readonly (string | number)[]): string {
	return template.replace(/\{(\d+)\}/g, (match, index: string) => {
		const arg = args[Number(index)];
		return arg === undefined ? match : String(arg);
	});
}
