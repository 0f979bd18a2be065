/**
 * The chat view's message protocol, shared by the extension host and the webview.
 * Both directions are discriminated unions; the host checks everything it receives with
 * `parseWebviewMessage` before acting on it. No `vscode`, no DOM here.
 */
import { type ApprovalAnswer, type ConversationSummary, type EditorContext, NOTICE_ACTIONS, type NoticeAction, type TranscriptItem } from './transcript';
import { isRecord } from '../common/isRecord';

/** What the webview needs to know about the configuration. Never holds a key, only whether one is set. */
export interface ChatConfigState {
	/** True when the local emulator and scripted model stand in for Composio and OpenAI. */
	readonly sandbox: boolean;
	readonly hasComposioKey: boolean;
	readonly hasOpenAiKey: boolean;
	/**
	 * What the chat cannot start without: a Composio key, an OpenAI key (the OpenAI model is
	 * picked), or any model at all (no key and no VS Code model). The composer is disabled until
	 * it is there.
	 */
	readonly missing?: 'composioKey' | 'openAiKey' | 'model';
	/** The model the next message goes to, for the header's model button. */
	readonly model?: { readonly label: string; readonly detail: string };
}

/** Host actions the webview may ask for by name; the host maps each to a command. */
export type HostAction = NoticeAction;

/** Whether a turn is running, and whether it waits for the user to connect an account. */
/** `waitingForChoice`: a card waits for the user's choice (how a toolkit Composio's app cannot connect should connect); writing instead leaves it. */
export type TurnState = 'idle' | 'running' | 'waitingForAuth' | 'waitingForChoice';

/** Messages from the webview to the host. */
export type WebviewToHost =
	| { readonly type: 'ready' }
	| { readonly type: 'send'; readonly text: string; readonly context: readonly EditorContext[] }
	| { readonly type: 'cancel' }
	| { readonly type: 'newChat' }
	| { readonly type: 'listHistory' }
	| { readonly type: 'openConversation'; readonly id: string }
	| { readonly type: 'deleteConversation'; readonly id: string }
	/** A link clicked in rendered text; the host applies its link policy. */
	| { readonly type: 'openLink'; readonly url: string }
	/** The Connect button of an auth card: the host opens that card's link (it never takes a URL from the view for this). */
	| { readonly type: 'connect'; readonly itemId: string }
	| { readonly type: 'copyLink'; readonly itemId: string }
	| { readonly type: 'renewLink'; readonly itemId: string }
	| { readonly type: 'copyText'; readonly text: string }
	| { readonly type: 'insertCode'; readonly code: string; readonly language: string }
	| { readonly type: 'openToolResult'; readonly itemId: string }
	| { readonly type: 'runAction'; readonly action: HostAction }
	/** The user's answer on a tool call's approval card. */
	| { readonly type: 'approve'; readonly itemId: string; readonly decision: ApprovalAnswer }
	/** The own-app card's answer: set up the user's own app, connect with an API key, or not now. */
	| { readonly type: 'setUpOwnApp'; readonly itemId: string; readonly way: OwnAppChoice };

/** The own-app card's answers. */
export type OwnAppChoice = 'ownApp' | 'apiKey' | 'declined';
const OWN_APP_CHOICES: readonly OwnAppChoice[] = ['ownApp', 'apiKey', 'declined'];

/** Messages from the host to the webview. */
export type HostToWebview =
	| { readonly type: 'config'; readonly config: ChatConfigState }
	/**
	 * The current conversation (on ready, open, new chat): its newest `items`, and how many
	 * `earlier` ones follow in `earlierItems` messages (none when left out). See `conversationMessages`.
	 */
	| { readonly type: 'conversation'; readonly id: string; readonly title: string; readonly items: readonly TranscriptItem[]; readonly state: TurnState; readonly earlier?: number }
	/** The items just before the earliest the view has of the conversation, oldest first; `remaining` more come before them, in later messages. */
	| { readonly type: 'earlierItems'; readonly conversationId: string; readonly items: readonly TranscriptItem[]; readonly remaining: number }
	| { readonly type: 'itemAdded'; readonly conversationId: string; readonly item: TranscriptItem }
	| { readonly type: 'itemUpdated'; readonly conversationId: string; readonly item: TranscriptItem }
	| { readonly type: 'textDelta'; readonly conversationId: string; readonly itemId: string; readonly delta: string }
	| { readonly type: 'turnState'; readonly conversationId: string; readonly state: TurnState }
	/** The host did not take the view's last `send` (a turn was running, or it failed to start): the view puts the text back. */
	| { readonly type: 'sendRefused' }
	| { readonly type: 'history'; readonly conversations: readonly ConversationSummary[]; readonly currentId: string }
	/** Attach editor context to the next message (Ask About Selection). */
	| { readonly type: 'addContext'; readonly context: EditorContext }
	/** Put text in the composer and optionally send it at once (prompt templates). */
	| { readonly type: 'prefill'; readonly text: string; readonly send: boolean }
	| { readonly type: 'focusComposer' }
	/** The current conversation got its title (from its first message). */
	| { readonly type: 'title'; readonly conversationId: string; readonly title: string };

/**
 * What one `postMessage` to the webview carries: a message, or the messages the host posted in
 * one task, in order. Each crossing costs a trip through the workbench and a task in the view;
 * the messages of one moment (an answer's end: its text, the item done, the turn idle) make one,
 * and the view handles them in one task, with no frame rendered between them.
 */
export type HostPacket = HostToWebview | { readonly type: 'batch'; readonly messages: readonly HostToWebview[] };

/** Items the `conversation` message carries: more than fill a tall view twice. */
export const CONVERSATION_NEWEST_ITEMS = 100;
/** Items per `earlierItems` message: the view reads (deserializes) one in a few milliseconds. */
export const EARLIER_ITEMS_PER_MESSAGE = 500;

/**
 * The messages that open a conversation in the view: the newest items, then the earlier ones in
 * chunks, newest chunk first. The view reads each message whole before it can handle it, and
 * 10,000 items take it a tenth of a second; this way it paints the newest at once and reads the
 * rest in tasks of a few milliseconds each, while staying responsive.
 */
export function conversationMessages(c: { readonly id: string; readonly title: string; readonly items: readonly TranscriptItem[]; readonly state: TurnState }): HostToWebview[] {
	const first = Math.max(0, c.items.length - CONVERSATION_NEWEST_ITEMS);
	const messages: HostToWebview[] = [{ type: 'conversation', id: c.id, title: c.title, items: c.items.slice(first), state: c.state, earlier: first }];
	for (let end = first; end > 0; end -= EARLIER_ITEMS_PER_MESSAGE) {
		const start = Math.max(0, end - EARLIER_ITEMS_PER_MESSAGE);
		messages.push({ type: 'earlierItems', conversationId: c.id, items: c.items.slice(start, end), remaining: start });
	}
	return messages;
}

/** Longest message the webview may send; anything longer is refused by the host. */
export const MAX_MESSAGE_LENGTH = 100_000;
/** Most context attachments one message may carry, and the most text each may hold. */
export const MAX_CONTEXTS = 10;
export const MAX_CONTEXT_TEXT = 200_000;
/** Longest URL the host will consider. */
export const MAX_URL_LENGTH = 4096;

const HOST_ACTIONS: readonly HostAction[] = NOTICE_ACTIONS;
const APPROVAL_ANSWERS: readonly ApprovalAnswer[] = ['once', 'chat', 'always', 'deny'];

function shortString(value: unknown, max: number): value is string {
	return typeof value === 'string' && value.length <= max;
}

function optionalLine(value: unknown): number | undefined | false {
	if (value === undefined) {
		return undefined;
	}
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : false;
}

/** Checks one editor context attachment from the webview. */
export function parseEditorContext(value: unknown): EditorContext | undefined {
	if (!isRecord(value) || !shortString(value.path, 1024) || !shortString(value.languageId, 64) || !shortString(value.text, MAX_CONTEXT_TEXT)) {
		return undefined;
	}
	const startLine = optionalLine(value.startLine);
	const endLine = optionalLine(value.endLine);
	if (startLine === false || endLine === false) {
		return undefined;
	}
	return { path: value.path, languageId: value.languageId, text: value.text, ...(startLine !== undefined ? { startLine } : {}), ...(endLine !== undefined ? { endLine } : {}) };
}

/**
 * Checks a value received from the webview. Returns the typed message, or undefined when it is
 * not a well-formed message (unknown type, wrong field types, text over its limit).
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
	if (!isRecord(value) || typeof value.type !== 'string') {
		return undefined;
	}
	switch (value.type) {
		case 'ready':
		case 'cancel':
		case 'newChat':
		case 'listHistory':
			return { type: value.type };
		case 'send': {
			if (!shortString(value.text, MAX_MESSAGE_LENGTH)) {
				return undefined;
			}
			const raw = value.context === undefined ? [] : value.context;
			if (!Array.isArray(raw) || raw.length > MAX_CONTEXTS) {
				return undefined;
			}
			const context = raw.map(parseEditorContext);
			if (context.some((c) => c === undefined)) {
				return undefined;
			}
			return { type: 'send', text: value.text, context: context.filter((c): c is EditorContext => c !== undefined) };
		}
		case 'openConversation':
		case 'deleteConversation':
			return shortString(value.id, 200) ? { type: value.type, id: value.id } : undefined;
		case 'connect':
		case 'copyLink':
		case 'renewLink':
		case 'openToolResult':
			return shortString(value.itemId, 200) ? { type: value.type, itemId: value.itemId } : undefined;
		case 'openLink':
			return shortString(value.url, MAX_URL_LENGTH) ? { type: 'openLink', url: value.url } : undefined;
		case 'copyText':
			return shortString(value.text, MAX_CONTEXT_TEXT) ? { type: 'copyText', text: value.text } : undefined;
		case 'insertCode':
			return shortString(value.code, MAX_CONTEXT_TEXT) && shortString(value.language, 64) ? { type: 'insertCode', code: value.code, language: value.language } : undefined;
		case 'approve': {
			const decision = APPROVAL_ANSWERS.find((a) => a === value.decision);
			return decision && shortString(value.itemId, 200) ? { type: 'approve', itemId: value.itemId, decision } : undefined;
		}
		case 'runAction': {
			const action = HOST_ACTIONS.find((a) => a === value.action);
			return action ? { type: 'runAction', action } : undefined;
		}
		case 'setUpOwnApp': {
			const way = OWN_APP_CHOICES.find((w) => w === value.way);
			return way && shortString(value.itemId, 200) ? { type: 'setUpOwnApp', itemId: value.itemId, way } : undefined;
		}
		default:
			return undefined;
	}
}
