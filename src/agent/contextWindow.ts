/**
 * Fitting a conversation into a model's input limit, before each request. Pure: tokens are
 * counted through a function the caller gives (VS Code's `countTokens` for VS Code models, a
 * deliberately high estimate for OpenAI-compatible ones).
 *
 * What is left out, in this order, until the request fits:
 * 1. Tool results of earlier tasks are shortened (oldest first) to their first few hundred
 *    characters and a note.
 * 2. The oldest earlier turns are dropped (oldest first) and replaced by a short summary of
 *    what they were about, appended to the system prompt: each request, the tools used, how
 *    the answer began. Nothing is asked of a model to make it.
 * 3. Tool results of the running task are shortened (oldest first), all but the newest.
 * 4. The running task's own long messages (the newest tool result, a message with a large
 *    file attached) are cut to what fits.
 * Only the request changes: the transcript the caller keeps, and the one on screen, stay whole.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { contentText } from './languageModelMessages';
import type { LeftOut } from './modelClient';
import { contextTooLongModelError } from './modelErrors';

/** Tokens a message costs beyond its text (role, framing), as Chat Completions counts them. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** What a shortened tool result keeps of the original. */
export const SHORTENED_RESULT_CHARS = 400;
/** A tool result shorter than this is never shortened (it would not get shorter). */
const SHORTEN_THRESHOLD_CHARS = 700;
/** Longest line of the summary for one request or answer. */
const SUMMARY_SNIPPET_CHARS = 160;

/**
 * Context windows (input and output together, in tokens) of models commonly used through
 * OpenAI-compatible endpoints, matched by the longest prefix of the model name (after any
 * `provider/` prefix). `composio.openai.contextWindow` overrides this table.
 */
export const OPENAI_CONTEXT_WINDOWS: Readonly<Record<string, number>> = {
	'gpt-5': 400_000,
	'gpt-4.1': 1_047_576,
	'gpt-4o': 128_000,
	'chatgpt-4o': 128_000,
	'gpt-4-turbo': 128_000,
	'gpt-4-32k': 32_768,
	'gpt-4': 8_192,
	'gpt-3.5-turbo': 16_385,
	o1: 200_000,
	'o1-mini': 128_000,
	o3: 200_000,
	'o4-mini': 200_000,
	// The sandbox's scripted model reads any length.
	'sandbox-scripted': 128_000,
};

/** The window assumed for a model the table does not know: small, so local models are safe. */
export const DEFAULT_CONTEXT_WINDOW = 8_192;

/** A model's input limit as the fitting uses it. */
export interface InputLimit {
	/** Tokens the request (messages and tool definitions) may take. */
	readonly maxInputTokens: number;
	/** The whole window it was derived from, for messages. */
	readonly contextWindow: number;
	/** False when it is the default for an unknown model. */
	readonly known: boolean;
}

/**
 * The input limit of an OpenAI-compatible model: `override` (from settings) when it is a
 * positive number, else the table, else `DEFAULT_CONTEXT_WINDOW`. Room for the answer is kept
 * free: a quarter of the window, at most 16 384 tokens.
 */
export function openAiInputLimit(model: string, override?: unknown): InputLimit {
	let window: number | undefined;
	let known = true;
	if (typeof override === 'number' && Number.isFinite(override) && override >= 1024) {
		window = Math.floor(override);
	} else {
		const name = (model.split('/').pop() ?? model).trim().toLowerCase();
		let best = '';
		for (const prefix of Object.keys(OPENAI_CONTEXT_WINDOWS)) {
			if ((name === prefix || name.startsWith(`${prefix}-`) || name.startsWith(`${prefix}:`) || name.startsWith(`${prefix}.`)) && prefix.length > best.length) {
				best = prefix;
			}
		}
		window = best ? OPENAI_CONTEXT_WINDOWS[best] : undefined;
		if (window === undefined) {
			window = DEFAULT_CONTEXT_WINDOW;
			known = false;
		}
	}
	return { maxInputTokens: window - Math.min(16_384, Math.floor(window / 4)), contextWindow: window, known };
}

/** Bytes of `text` in UTF-8, without allocating. */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) {
			bytes += 1;
		} else if (c < 0x800) {
			bytes += 2;
		} else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
			// A surrogate pair: one 4-byte character.
			bytes += 4;
			i++;
		} else {
			bytes += 3;
		}
	}
	return bytes;
}

/**
 * A deliberately high token estimate for models whose tokenizer is not at hand: one token per
 * three bytes of UTF-8 (English prose averages about four characters a token, code and JSON
 * about three).
 */
export function estimateTokens(text: string): number {
	return Math.ceil(utf8Length(text) / 3);
}

/**
 * A bound no byte-level tokenizer exceeds (each token covers at least one byte), used to skip
 * exact counting when a request is clearly small enough.
 */
export function tokenUpperBound(text: string): number {
	return utf8Length(text);
}

/** What `fitConversation` needs. */
export interface FitInput {
	/** The request's messages, the system prompt first (when there is one). */
	readonly messages: readonly ChatCompletionMessageParam[];
	/**
	 * Index in `messages` where the running task begins (its user message): those messages are
	 * shortened last and never dropped. Out of range means "from the last user message".
	 */
	readonly keepFrom?: number;
	/** Tokens the messages may take (the input limit less the tool definitions). */
	readonly budget: number;
	/** Tokens of a text for this model. */
	count(text: string): Promise<number>;
}

/** The messages to send, their tokens, and what was left out (all zero when nothing was). */
export interface FitResult {
	readonly messages: ChatCompletionMessageParam[];
	/** Tokens of `messages`: counted when anything had to be counted, else an upper bound. */
	readonly tokens: number;
	readonly leftOut: LeftOut;
}

/** The text of a message as counted: its content, and each tool call's name and arguments. */
export function messageText(m: ChatCompletionMessageParam): string {
	let text = 'content' in m ? contentText(m.content) : '';
	if (m.role === 'assistant') {
		for (const call of m.tool_calls ?? []) {
			if (call.type === 'function') {
				text += `\n${call.function.name} ${call.function.arguments}`;
			}
		}
	}
	return text;
}

function callCount(m: ChatCompletionMessageParam): number {
	return m.role === 'assistant' ? (m.tool_calls?.length ?? 0) : 0;
}

/** The tokens of one message: its text plus framing per message and per tool call. */
export async function messageTokens(m: ChatCompletionMessageParam, count: (text: string) => Promise<number>): Promise<number> {
	const text = messageText(m);
	return (text === '' ? 0 : await count(text)) + MESSAGE_OVERHEAD_TOKENS * (1 + callCount(m));
}

function upperBound(m: ChatCompletionMessageParam): number {
	return tokenUpperBound(messageText(m)) + MESSAGE_OVERHEAD_TOKENS * (1 + callCount(m));
}

/** A tool result cut to its start, with a note saying so (valid JSON, like the results themselves). */
export function shortenedToolResult(content: string): string {
	return JSON.stringify({
		note: `Shortened to fit the context window; the full result (${content.length.toLocaleString('en-US')} characters) was read earlier.`,
		start: content.slice(0, SHORTENED_RESULT_CHARS),
	});
}

function oneLine(text: string, max: number): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One line per dropped turn: the request, the tools used, how the answer began. */
function summaryLine(turn: readonly ChatCompletionMessageParam[]): string {
	const first = turn[0];
	const asked = first && first.role === 'user' ? oneLine(contentText(first.content), SUMMARY_SNIPPET_CHARS) : '';
	const tools = [...new Set(turn.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [c.function.name] : [])) : [])))];
	const answer = [...turn].reverse().find((m) => m.role === 'assistant' && contentText(m.content).trim() !== '');
	const parts = [asked ? `The user said: "${asked}"` : 'The conversation went on'];
	if (tools.length > 0) {
		parts.push(`tools used: ${tools.slice(0, 5).join(', ')}${tools.length > 5 ? ', …' : ''}`);
	}
	if (answer && 'content' in answer) {
		parts.push(`the answer began: "${oneLine(contentText(answer.content), SUMMARY_SNIPPET_CHARS)}"`);
	}
	return `- ${parts.join('; ')}.`;
}

/** The note added to the system prompt for dropped turns (`lines`, oldest first), listing the newest `maxLines`. */
function summaryText(lines: readonly string[], maxLines: number): string {
	const shown = maxLines > 0 ? lines.slice(Math.max(0, lines.length - maxLines)) : [];
	const hidden = lines.length - shown.length;
	return [
		'Earlier parts of this conversation were left out to fit the context window. What they covered, oldest first:',
		...(hidden > 0 ? [`- (${hidden} earlier exchange${hidden === 1 ? '' : 's'} not listed)`] : []),
		...shown,
		'If the user refers to something from then that you no longer see, say so and ask them to repeat it.',
	].join('\n');
}

/**
 * Fits `messages` into `budget` tokens (see the module comment for the order). Returns the
 * messages unchanged (a copy of the array) when they fit. Throws a `ModelError` of kind
 * 'contextTooLong' when even the system prompt and the running task cut down do not fit.
 */
export async function fitConversation(input: FitInput): Promise<FitResult> {
	const budget = input.budget;
	const count = (text: string): Promise<number> => input.count(text);
	const all = [...input.messages];
	const none: LeftOut = { summarizedMessages: 0, shortenedToolResults: 0, shortenedMessages: 0 };

	// Clearly small enough: no counting at all.
	const bound = all.reduce((sum, m) => sum + upperBound(m), 0);
	if (bound <= budget) {
		return { messages: all, tokens: bound, leftOut: none };
	}
	const tokens = await Promise.all(all.map((m) => messageTokens(m, count)));
	let total = tokens.reduce((a, b) => a + b, 0);
	if (total <= budget) {
		return { messages: all, tokens: total, leftOut: none };
	}

	const hasSystem = all[0]?.role === 'system';
	const start = hasSystem ? 1 : 0;
	let keepFrom = input.keepFrom ?? -1;
	if (keepFrom < start || keepFrom >= all.length) {
		keepFrom = start;
		for (let i = all.length - 1; i >= start; i--) {
			if (all[i]?.role === 'user') {
				keepFrom = i;
				break;
			}
		}
	}

	let shortenedToolResults = 0;
	let shortenedMessages = 0;
	const shorten = async (i: number): Promise<void> => {
		const m = all[i];
		if (m?.role !== 'tool') {
			return;
		}
		const content = contentText(m.content);
		if (content.length < SHORTEN_THRESHOLD_CHARS) {
			return;
		}
		const next: ChatCompletionMessageParam = { ...m, content: shortenedToolResult(content) };
		const t = await messageTokens(next, count);
		total += t - (tokens[i] ?? 0);
		all[i] = next;
		tokens[i] = t;
		shortenedToolResults++;
	};

	// 1. Earlier tasks' tool results, oldest first.
	for (let i = start; i < keepFrom && total > budget; i++) {
		await shorten(i);
	}

	// 2. Drop the oldest earlier turns behind a summary in the system prompt.
	let summarizedMessages = 0;
	if (total > budget && keepFrom > start) {
		const turns: ChatCompletionMessageParam[][] = [];
		const turnTokens: number[] = [];
		for (let i = start; i < keepFrom; i++) {
			const m = all[i]!;
			if (m.role === 'user' || turns.length === 0) {
				turns.push([]);
				turnTokens.push(0);
			}
			turns[turns.length - 1]!.push(m);
			turnTokens[turnTokens.length - 1]! += tokens[i] ?? 0;
		}
		const system = hasSystem ? all[0] : undefined;
		const systemText = system ? contentText(system.content) : '';
		const systemTokens = hasSystem ? (tokens[0] ?? 0) : 0;
		const current = all.slice(keepFrom);
		const currentTokens = tokens.slice(keepFrom).reduce((a, b) => a + b, 0);
		// How many turns to drop is found from the tokens of each summary line (stable from one
		// request to the next, so a caching counter counts each once); the summary is then
		// counted as a whole, and one more turn goes in the rare case that differs.
		const lines = turns.map(summaryLine);
		const lineTokens = await Promise.all(lines.map(async (l) => (await count(l)) + 1));
		const frameTokens = (await count(summaryText(['- (99999 earlier exchanges not listed)'], 0))) + 2 + MESSAGE_OVERHEAD_TOKENS;
		// A summary may take an eighth of the budget; older lines beyond that are counted, not listed.
		const summaryBudget = Math.max(64, Math.floor(budget / 8));
		const listed = (dropped: number): { lines: number; tokens: number } => {
			let used = frameTokens;
			let n = 0;
			for (let i = dropped - 1; i >= 0 && used + (lineTokens[i] ?? 0) <= summaryBudget; i--) {
				used += lineTokens[i] ?? 0;
				n++;
			}
			return { lines: n, tokens: used };
		};
		let dropped = 0;
		let keptTokens = turnTokens.reduce((a, b) => a + b, 0);
		let head: ChatCompletionMessageParam | undefined = system;
		let headTokens = systemTokens;
		for (;;) {
			while (dropped < turns.length && (dropped === 0 ? systemTokens : systemTokens + listed(dropped).tokens) + keptTokens + currentTokens > budget) {
				keptTokens -= turnTokens[dropped] ?? 0;
				dropped++;
			}
			if (dropped === 0) {
				break;
			}
			const note = summaryText(lines.slice(0, dropped), listed(dropped).lines);
			head = hasSystem ? { role: 'system', content: `${systemText}\n\n${note}` } : { role: 'user', content: note };
			headTokens = await messageTokens(head, count);
			if (headTokens + keptTokens + currentTokens <= budget || dropped === turns.length) {
				break;
			}
			keptTokens -= turnTokens[dropped] ?? 0;
			dropped++;
		}
		summarizedMessages = turns.slice(0, dropped).reduce((n, t) => n + t.length, 0);
		const kept = turns.slice(dropped).flat();
		const keptIndexTokens = tokens.slice(start + summarizedMessages, keepFrom);
		all.splice(0, all.length, ...(head ? [head] : []), ...kept, ...current);
		tokens.splice(0, tokens.length, ...(head ? [headTokens] : []), ...keptIndexTokens, ...tokens.slice(keepFrom));
		total = headTokens + keptTokens + currentTokens;
		keepFrom = (head ? 1 : 0) + kept.length;
	}

	// 3. The running task's tool results but the newest, oldest first (the newest is what the model is about to read).
	const newestResult = all.map((m) => m.role).lastIndexOf('tool');
	for (let i = keepFrom; i < all.length && total > budget; i++) {
		if (i !== newestResult) {
			await shorten(i);
		}
	}

	// 4. The running task's long messages (the newest result, attached files), longest first.
	if (total > budget) {
		const order = all
			.map((m, i) => ({ i, t: tokens[i] ?? 0, m }))
			.filter(({ i, m }) => i >= keepFrom && (m.role === 'user' || m.role === 'tool'))
			.sort((a, b) => b.t - a.t);
		for (const { i, m, t } of order) {
			if (total <= budget) {
				break;
			}
			const text = contentText('content' in m ? m.content : '');
			const over = total - budget;
			// Keep the share of the text that fits, less a margin for the note.
			const keep = Math.floor(text.length * Math.max(0, (t - over - 64) / Math.max(1, t)));
			if (keep < 200) {
				continue;
			}
			const cut = `${text.slice(0, keep)}\n\n[… ${(text.length - keep).toLocaleString('en-US')} more characters left out to fit the context window]`;
			const next: ChatCompletionMessageParam = m.role === 'tool' ? { ...m, content: cut } : { role: 'user', content: cut };
			const nt = await messageTokens(next, count);
			total += nt - t;
			all[i] = next;
			tokens[i] = nt;
			shortenedMessages++;
		}
	}

	if (total > budget) {
		throw contextTooLongModelError(undefined, `${total} tokens needed, ${budget} available`);
	}
	return { messages: all, tokens: total, leftOut: { summarizedMessages, shortenedToolResults, shortenedMessages } };
}
