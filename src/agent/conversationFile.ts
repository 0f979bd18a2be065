/**
 * A conversation and the file it is saved as: `<id>.json` holding the version, the title, the
 * times, the transcript items and the model messages. Reading a file checks its shape and drops
 * what is malformed; the summary the history list shows is made from the same data.
 */
import { join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isRecord } from '../common/isRecord';
import { type ConversationSummary, type TranscriptItem, UNTITLED } from '../protocol/transcript';

/** A conversation: what the user sees (`items`) and what the model sees (`messages`, no system message). */
export interface Conversation {
	readonly id: string;
	/** From the first user message, at most 60 characters; "New chat" until then. */
	title: string;
	readonly createdAt: number;
	updatedAt: number;
	items: TranscriptItem[];
	messages: ChatCompletionMessageParam[];
}

export { UNTITLED } from '../protocol/transcript';
const MAX_TITLE = 60;
/** The version written in conversation files and in the index. */
export const FILE_VERSION = 1;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
const CONVERSATION_FILE = /^([A-Za-z0-9_-]{1,100})\.json$/;

/** Whether `id` is a plain name (letters, digits, `_`, `-`; at most 100), the only ids a file may have, so no path leaves the folder. */
export function isConversationId(id: string): boolean {
	return ID_PATTERN.test(id);
}

/** The path of a conversation's file in `dir`. */
export function conversationPath(dir: string, id: string): string {
	return join(dir, `${id}.json`);
}

/** The conversation id a file name in the folder stands for (`<id>.json`), or undefined. */
export function conversationIdOf(fileName: string): string | undefined {
	return CONVERSATION_FILE.exec(fileName)?.[1];
}

/** A title from a user message: one line, at most 60 characters, cut at a word when possible. */
export function titleFrom(text: string): string {
	const flat = text.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/\s+/g, ' ').trim();
	if (flat === '') {
		return UNTITLED;
	}
	if (flat.length <= MAX_TITLE) {
		return flat;
	}
	let cut = flat.slice(0, MAX_TITLE - 1);
	if (/[\uD800-\uDBFF]$/.test(cut)) {
		// Never end on half of a character made of two UTF-16 units (an emoji).
		cut = cut.slice(0, -1);
	}
	const space = cut.lastIndexOf(' ');
	return `${(space >= 30 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

/** The file text of a conversation. */
export function fileText(conversation: Conversation): string {
	return JSON.stringify({
		version: FILE_VERSION,
		id: conversation.id,
		title: conversation.title,
		createdAt: conversation.createdAt,
		updatedAt: conversation.updatedAt,
		items: conversation.items,
		messages: conversation.messages,
	});
}

/** The number of user and assistant items, the "messages" of the summary. */
function messageCount(items: readonly TranscriptItem[]): number {
	let n = 0;
	for (const item of items) {
		if (item.kind === 'user' || item.kind === 'assistant') {
			n++;
		}
	}
	return n;
}

/** The summary the history list shows. */
export function summarize(conversation: Conversation): ConversationSummary {
	return { id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt, messageCount: messageCount(conversation.items) };
}

/** Checks a parsed conversation file; returns undefined when it is not one. */
export function readConversation(value: unknown, id: string): Conversation | undefined {
	if (!isRecord(value) || value['id'] !== id || typeof value['title'] !== 'string' || typeof value['createdAt'] !== 'number' || typeof value['updatedAt'] !== 'number') {
		return undefined;
	}
	const items = value['items'];
	const messages = value['messages'];
	if (!Array.isArray(items) || !Array.isArray(messages)) {
		return undefined;
	}
	// Shallow checks: enough to render and to send; anything malformed is dropped, not fatal.
	const goodItems = items.filter((i): i is TranscriptItem => isRecord(i) && typeof i['id'] === 'string' && typeof i['kind'] === 'string' && typeof i['at'] === 'number');
	const goodMessages = messages.filter((m): m is ChatCompletionMessageParam => isRecord(m) && typeof m['role'] === 'string');
	return { id, title: value['title'], createdAt: value['createdAt'], updatedAt: value['updatedAt'], items: goodItems, messages: goodMessages };
}

/** Checks a summary read from the index; returns undefined when it is not one. */
export function readSummary(value: unknown): ConversationSummary | undefined {
	if (!isRecord(value) || typeof value['id'] !== 'string' || !ID_PATTERN.test(value['id']) || typeof value['title'] !== 'string' || typeof value['updatedAt'] !== 'number') {
		return undefined;
	}
	const count = value['messageCount'];
	return { id: value['id'], title: value['title'], updatedAt: value['updatedAt'], messageCount: typeof count === 'number' ? count : 0 };
}
