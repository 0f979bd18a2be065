/**
 * What a conversation looks like to the user: an ordered list of items. Shared by the host
 * (which builds and persists it) and the webview (which renders it). No `vscode`, no DOM.
 */

/** Editor context attached to a message: a selection or a whole file. */
export interface EditorContext {
	/** Workspace-relative path (or file name when outside the workspace). */
	readonly path: string;
	readonly languageId: string;
	/** 1-based inclusive line range; absent for a whole file. */
	readonly startLine?: number;
	readonly endLine?: number;
	readonly text: string;
}

/** A remedy a notice or error offers, carried out by the host. */
export type NoticeAction =
	| 'setComposioKey'
	| 'setOpenAiKey'
	| 'openLogs'
	| 'retry'
	| 'openSettings'
	/** Open the model picker. */
	| 'chooseModel'
	/** Offer ways to get models into VS Code (sign in to Copilot, find provider extensions). */
	| 'findModelProviders'
	/** Turn the sandbox on. */
	| 'useSandbox';

/** Every notice action, for checks at the boundary. */
export const NOTICE_ACTIONS: readonly NoticeAction[] = ['setComposioKey', 'setOpenAiKey', 'openLogs', 'retry', 'openSettings', 'chooseModel', 'findModelProviders', 'useSandbox'];

export type ToolCallStatus = 'awaitingApproval' | 'running' | 'done' | 'failed' | 'declined';

/** How the user let a call run: this once, for the rest of the chat, or for good. */
export type ApprovalAnswer = 'once' | 'chat' | 'always' | 'deny';

/** One side-effecting action an approval card asks about. */
export interface ApprovalRequestAction {
	/** The tool slug, e.g. GMAIL_SEND_EMAIL. */
	readonly tool: string;
	readonly toolkit?: string;
	/** The account (id or alias) it acts as, when named. */
	readonly account?: string;
	/** Who it acts as (an email, a login, a workspace), when the host knows: the card says "as …". */
	readonly as?: string;
	/** The arguments as pretty JSON text. */
	readonly args: string;
	/** Secrets found in what it would send, each worded by the host ("Looks like an OpenAI API key in body."). */
	readonly warnings?: readonly string[];
	/** It runs code in the remote workbench: the card says so and offers only "Allow once". */
	readonly runsCode?: boolean;
	/** It renames or removes a connected account: the card says which and offers only "Allow once". */
	readonly changesAccount?: 'rename' | 'remove';
}
/** A Connect card's state. `needsApp`: Composio's app cannot connect the toolkit and the card asks how (`ownApp`); `settingUp`: the user is making the auth config. */
export type AuthCardStatus = 'waiting' | 'connected' | 'expired' | 'failed' | 'cancelled' | 'needsApp' | 'settingUp';

/** One item of a conversation, as shown. `id` is unique within the conversation. */
export type TranscriptItem =
	| { readonly kind: 'user'; readonly id: string; readonly at: number; readonly text: string; readonly context?: readonly EditorContext[] }
	| { readonly kind: 'assistant'; readonly id: string; readonly at: number; readonly text: string; readonly streaming?: boolean }
	| {
			readonly kind: 'tool';
			readonly id: string;
			readonly at: number;
			/** The tool slug, e.g. GMAIL_FETCH_EMAILS. */
			readonly name: string;
			/** The toolkit slug, e.g. gmail, when known. */
			readonly toolkit?: string;
			/** For Composio's multi-execute tool: the app tools it runs, in order (the card is titled by them). */
			readonly runs?: readonly string[];
			/** The arguments as pretty JSON text. */
			readonly args: string;
			readonly status: ToolCallStatus;
			/** The full result as pretty JSON text (the model may have seen a shortened one). */
			readonly result?: string;
			/** Composio kept the whole response in its remote workbench at this path; `result` is its preview. */
			readonly workbenchFile?: string;
			readonly error?: string;
			/** While (and after) the call waited for consent: what it asked about. */
			readonly approval?: readonly ApprovalRequestAction[];
			/** How the user allowed it, when they did. */
			readonly approvedAs?: Exclude<ApprovalAnswer, 'deny'>;
			/** A line shown while it runs, e.g. that a proposed edit waits for Apply or Discard in the editor. */
			readonly note?: string;
	  }
	| {
			readonly kind: 'auth';
			readonly id: string;
			readonly at: number;
			readonly toolkit: string;
			readonly toolkitName: string;
			readonly logo?: string;
			readonly url: string;
			readonly accountId?: string;
			readonly status: AuthCardStatus;
			readonly reason?: string;
			/** Who the account turned out to be, once connected and known ("Connected as …"). */
			readonly identity?: string;
			/** A Reconnect card: the expired, revoked or failed account the link replaces, and who it is. */
			readonly reconnect?: { readonly accountId: string; readonly name?: string };
			/**
			 * Composio's app cannot connect the toolkit: why, in Composio's words (`detail`; the
			 * card's `reason` says it plainly), and whether an API key on the Connect page is a way.
			 * `url` stays empty until the new auth config gives a Connect Link.
			 */
			readonly ownApp?: { readonly detail: string; readonly apiKey: boolean };
	  }
	| { readonly kind: 'notice'; readonly id: string; readonly at: number; readonly level: 'info' | 'error'; readonly text: string; readonly action?: NoticeAction };

/**
 * The title a conversation has until its first message names it. Stored as it is (in English)
 * whatever the display language; the views show their own words for it.
 */
export const UNTITLED = 'New chat';

/** A conversation's summary, for the history list. */
export interface ConversationSummary {
	readonly id: string;
	readonly title: string;
	readonly updatedAt: number;
	readonly messageCount: number;
}
