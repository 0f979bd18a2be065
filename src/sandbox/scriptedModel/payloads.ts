/**
 * Reading tool payloads and writing them into answers: the helpers the scripts' named functions
 * and the interpreter share. Pure.
 */
import { isRecord } from '../../common/isRecord';

const LIST_KEYS = ['messages', 'emails', 'items', 'issues', 'channels', 'nodes', 'results', 'data'];

/** The list of records in a payload: the payload itself, a well-known key, or the first array of objects. */
export function findRecords(payload: unknown, depth = 0): Record<string, unknown>[] {
	if (Array.isArray(payload)) {
		return payload.filter(isRecord);
	}
	if (!isRecord(payload) || depth > 3) {
		return [];
	}
	for (const key of LIST_KEYS) {
		const value = payload[key];
		if (Array.isArray(value) || isRecord(value)) {
			const found = findRecords(value, depth + 1);
			if (found.length > 0 || Array.isArray(value)) {
				return found;
			}
		}
	}
	for (const value of Object.values(payload)) {
		if (Array.isArray(value) && value.some(isRecord)) {
			return value.filter(isRecord);
		}
	}
	return [];
}

/** The first non-empty string among the given fields (dotted paths allowed). */
export function pick(record: Record<string, unknown>, ...paths: string[]): string | undefined {
	for (const path of paths) {
		let value: unknown = record;
		for (const key of path.split('.')) {
			value = isRecord(value) ? value[key] : undefined;
		}
		if (typeof value === 'string' && value.trim().length > 0) {
			return value.trim();
		}
		if (typeof value === 'number') {
			return String(value);
		}
		if (isRecord(value)) {
			const named = pick(value, 'name', 'email', 'login', 'title');
			if (named) {
				return named;
			}
		}
	}
	return undefined;
}

/** The first http(s) URL in a value, looking a few levels deep. */
export function findUrl(value: unknown, depth = 0): string | undefined {
	if (typeof value === 'string') {
		return /^https?:\/\/\S+$/.test(value) ? value : undefined;
	}
	if (depth > 3) {
		return undefined;
	}
	const children = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
	for (const child of children) {
		const url = findUrl(child, depth + 1);
		if (url) {
			return url;
		}
	}
	return undefined;
}

/** A one-line gist: the first sentence, cut to a readable length. */
export function gist(text: string | undefined): string | undefined {
	if (!text) {
		return undefined;
	}
	// Skip a greeting such as "Hi," or "Hello team," so the gist starts with the point.
	const flat = text.replace(/\s+/g, ' ').trim().replace(/^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,.!:]{0,30}[,!:]\s*/i, '');
	const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
	return sentence.length > 120 ? `${sentence.slice(0, 117).trimEnd()}…` : sentence;
}

/** Plain text for markdown contexts: no newlines, no stray emphasis markers. */
export function inline(text: string): string {
	return text.replace(/\s+/g, ' ').replace(/[*_`]/g, '').trim();
}

/** "I couldn't <what>: <error>", the answer when an editor tool fails. */
export function couldNot(what: string, error: string | undefined): string {
	return `I couldn't ${what}: ${inline(error ?? 'the editor reported an error')}`;
}
