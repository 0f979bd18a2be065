/**
 * Tool output for two readers: the user (the full result, pretty JSON) and the model (compact
 * JSON within a character budget, so one large result cannot crowd out the conversation).
 */

/** The default number of characters of one tool result the model is given. */
export const DEFAULT_TOOL_OUTPUT_BUDGET = 12_000;

/** The smallest budget accepted; smaller values are raised to it. */
const MIN_BUDGET = 200;

/** A tool result prepared for the transcript and for the model. */
export interface PreparedToolOutput {
	/** The whole result as pretty JSON text, for the UI. */
	readonly full: string;
	/** What the model is given: compact JSON, shortened to the budget when needed. */
	readonly forModel: string;
	/** True when `forModel` is a shortened version of the result. */
	readonly truncated: boolean;
}

/** JSON text for any value; never throws (cycles and BigInts become a short description). */
function safeStringify(value: unknown, indent?: number): string {
	try {
		const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
		return text ?? 'null';
	} catch (e) {
		return JSON.stringify({ error: `The tool output could not be serialised: ${e instanceof Error ? e.message : String(e)}` });
	}
}

/** The note appended to a shortened output. */
export function shortenedNote(from: number, to: number): string {
	return `[output shortened from ${from} to ${to} characters]`;
}

/** A copy of `value` with strings cut to `maxString` characters and arrays to `maxItems` items, marked where cut. */
function shrink(value: unknown, maxString: number, maxItems: number, depth: number): unknown {
	if (typeof value === 'string') {
		return value.length > maxString ? `${value.slice(0, maxString)}… (${value.length - maxString} more characters)` : value;
	}
	if (depth > 40 || value === null || typeof value !== 'object') {
		return value;
	}
	if (Array.isArray(value)) {
		const kept = value.slice(0, maxItems).map((v) => shrink(v, maxString, maxItems, depth + 1));
		if (value.length > maxItems) {
			kept.push(`… ${value.length - maxItems} more item${value.length - maxItems === 1 ? '' : 's'}`);
		}
		return kept;
	}
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) {
		out[k] = shrink(v, maxString, maxItems, depth + 1);
	}
	return out;
}

/** Cuts text to at most `max` characters at the last line break, comma or space in its final fifth. */
function cutAtBoundary(text: string, max: number): string {
	if (text.length <= max) {
		return text;
	}
	const head = text.slice(0, max);
	const floor = Math.floor(max * 0.8);
	for (const boundary of ['\n', ',', ' ']) {
		const at = head.lastIndexOf(boundary);
		if (at >= floor) {
			return head.slice(0, at + (boundary === ',' ? 1 : 0));
		}
	}
	return head;
}

/**
 * Shortens compact JSON `text` (of `value`) to fit `budget` characters including the note.
 * First shrinks long strings and arrays, which keeps the JSON valid; if that is not enough,
 * cuts the text on a line, comma or space boundary. The note says how much was kept.
 */
export function shortenForModel(value: unknown, text: string, budget: number = DEFAULT_TOOL_OUTPUT_BUDGET): { text: string; truncated: boolean } {
	const limit = Math.max(MIN_BUDGET, Math.floor(budget));
	if (text.length <= limit) {
		return { text, truncated: false };
	}
	// Room for "\n" + the note with generous digit counts.
	const room = limit - (shortenedNote(text.length, limit).length + 1);
	let body: string | undefined;
	if (value !== null && typeof value === 'object') {
		for (const [maxString, maxItems] of [
			[2000, 50],
			[1000, 25],
			[500, 15],
			[250, 10],
			[120, 5],
			[60, 3],
		] as const) {
			const candidate = safeStringify(shrink(value, maxString, maxItems, 0));
			if (candidate.length <= room) {
				body = candidate;
				break;
			}
		}
	}
	body ??= cutAtBoundary(text, room);
	return { text: `${body}\n${shortenedNote(text.length, body.length)}`, truncated: true };
}

/** Prepares a tool result (any JSON-able value) for the UI and the model. */
export function prepareToolOutput(value: unknown, budget: number = DEFAULT_TOOL_OUTPUT_BUDGET): PreparedToolOutput {
	const compact = safeStringify(value);
	const shortened = shortenForModel(value, compact, budget);
	return { full: safeStringify(value, 2), forModel: shortened.text, truncated: shortened.truncated };
}
