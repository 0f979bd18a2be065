/**
 * The conversation as the scripted model reads it: OpenAI Chat Completions messages checked and
 * normalized, which user message is the task, the tool calls after it paired with their results,
 * and what COMPOSIO_MANAGE_CONNECTIONS and the system prompt say about connections. Pure.
 */
import { isRecord } from '../../common/isRecord';
import { findUrl } from './payloads';
import type { CodeBlock, ToolResult, Toolkit } from './script';

/** The meta tool that checks and starts connections. */
export const MANAGE_CONNECTIONS = 'COMPOSIO_MANAGE_CONNECTIONS';
/** The meta tool that runs app tools when they are not offered directly. */
export const MULTI_EXECUTE = 'COMPOSIO_MULTI_EXECUTE_TOOL';

interface ToolCallInfo {
	id: string;
	name: string;
	args: Record<string, unknown>;
}

/** One message, normalized: `developer` reads as `system`, content parts as their text. */
export type Message =
	| { role: 'system'; text: string }
	| { role: 'user'; text: string }
	| { role: 'assistant'; text: string; toolCalls: ToolCallInfo[] }
	| { role: 'tool'; toolCallId: string; text: string };

/** The messages, the index of the task among them (-1: none) and the tools offered. */
export interface Conversation {
	messages: Message[];
	taskIndex: number;
	tools: ReadonlySet<string>;
}

/** A tool call after the task together with its result, if one came back. */
export interface ToolRun {
	/** The tool's name; for COMPOSIO_MULTI_EXECUTE_TOOL calls, the slug it ran. */
	name: string;
	args: Record<string, unknown>;
	result?: ToolResult;
}

/** Text of a message `content`, which may be a string or an array of parts. */
function contentText(content: unknown): string {
	if (typeof content === 'string') {
		return content;
	}
	if (Array.isArray(content)) {
		return content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
	}
	return '';
}

function parseJsonObject(text: string): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(text);
		return isRecord(value) ? value : {};
	} catch {
		return {};
	}
}

/** Checks raw request messages and keeps what the scripts read; anything malformed is skipped. */
export function normalizeMessages(raw: unknown[]): Message[] {
	const out: Message[] = [];
	for (const m of raw) {
		if (!isRecord(m)) {
			continue;
		}
		const text = contentText(m['content']);
		switch (m['role']) {
			case 'system':
			case 'developer':
				out.push({ role: 'system', text });
				break;
			case 'user':
				out.push({ role: 'user', text });
				break;
			case 'assistant': {
				const toolCalls: ToolCallInfo[] = [];
				const calls = m['tool_calls'];
				if (Array.isArray(calls)) {
					for (const c of calls) {
						if (!isRecord(c) || !isRecord(c['function'])) {
							continue;
						}
						const fn = c['function'];
						toolCalls.push({
							id: typeof c['id'] === 'string' ? c['id'] : '',
							name: typeof fn['name'] === 'string' ? fn['name'] : '',
							args: typeof fn['arguments'] === 'string' ? parseJsonObject(fn['arguments']) : {},
						});
					}
				}
				out.push({ role: 'assistant', text, toolCalls });
				break;
			}
			case 'tool':
				out.push({ role: 'tool', toolCallId: typeof m['tool_call_id'] === 'string' ? m['tool_call_id'] : '', text });
				break;
			default:
				break;
		}
	}
	return out;
}

const CODE_BLOCK = /```([\w+#.-]*)[^\n]*\n([\s\S]*?)```/g;

/** The fenced code blocks of a message. */
export function codeBlocks(text: string): CodeBlock[] {
	return [...text.matchAll(CODE_BLOCK)].map((m) => ({ lang: m[1] ?? '', code: (m[2] ?? '').replace(/\n$/, '') }));
}

/** A message without its code blocks, whitespace collapsed. */
export function withoutCode(text: string): string {
	return text.replace(CODE_BLOCK, ' ').replace(/\s+/g, ' ').trim();
}

const TASK_WORDS = /\b(summari[sz]e|create|open|file|raise|post|send|list|show|write|explain|fetch|read|check|draft|what|which|how|tell|find|get|review|refactor|help)\b/i;
const CONTINUATION = /^(?:ok(?:ay)?|done|yes|yep|yeah|sure|continue|go ahead|go on|proceed|finished|all set|ready|retry|try again|connected|thanks|thank you|great|perfect)\b|^i(?:'ve|’ve| have)?\s+(?:now\s+|just\s+)?(?:connected|authori[sz]ed|linked|finished|done|logged in|signed in|completed)\b/i;

/** True for replies that carry on the previous task instead of asking something new. */
export function isContinuation(text: string): boolean {
	const plain = text.trim();
	if (plain.length === 0 || plain.length > 160 || codeBlocks(plain).length > 0) {
		return false;
	}
	if (CONTINUATION.test(plain) && !TASK_WORDS.test(plain.replace(CONTINUATION, ''))) {
		return true;
	}
	return /\b(continue|carry on|go ahead|try again)\b/i.test(plain) && !TASK_WORDS.test(plain);
}

/** The index of the task: the last user message that is not a continuation; -1 when there is none. */
export function taskIndexOf(messages: readonly Message[]): number {
	for (let i = messages.length - 1; i >= 0; i--) {
		const m = messages[i];
		if (m?.role === 'user' && !isContinuation(m.text)) {
			return i;
		}
	}
	return -1;
}

/** Every system message's text, one after the other. */
export function systemText(messages: readonly Message[]): string {
	return messages
		.filter((m) => m.role === 'system')
		.map((m) => m.text)
		.join('\n');
}

/** What the user said from the task on. */
export function userTextSinceTask(conv: Conversation): string {
	return conv.messages
		.slice(conv.taskIndex)
		.filter((m) => m.role === 'user')
		.map((m) => m.text)
		.join('\n');
}

/** Tool calls made after the task, paired with their results, in order. */
export function toolRunsAfter(conv: Conversation): ToolRun[] {
	const runs: ToolRun[] = [];
	const byId = new Map<string, ToolRun>();
	for (const m of conv.messages.slice(conv.taskIndex + 1)) {
		if (m.role === 'assistant') {
			for (const call of m.toolCalls) {
				const run = effectiveRun(call);
				runs.push(run);
				byId.set(call.id, run);
			}
		} else if (m.role === 'tool') {
			const run = byId.get(m.toolCallId);
			if (run) {
				run.result = parseToolResult(m.text);
			}
		}
	}
	return runs;
}

function effectiveRun(call: ToolCallInfo): ToolRun {
	if (call.name === MULTI_EXECUTE) {
		const list = call.args['tools'];
		const first: unknown = Array.isArray(list) ? list[0] : undefined;
		if (isRecord(first) && typeof first['tool_slug'] === 'string') {
			return { name: first['tool_slug'], args: isRecord(first['arguments']) ? first['arguments'] : {} };
		}
	}
	return { name: call.name, args: call.args };
}

/** An error that says the app has no connected account. */
export const NOT_CONNECTED = /not connected|no (?:active )?(?:connected )?(?:account|connection)|COMPOSIO_MANAGE_CONNECTIONS|connect (?:it|the toolkit|your account) first/i;

/** Reads a tool message: `{data, error}` JSON (the Composio shape), other JSON, or plain text. */
function parseToolResult(text: string): ToolResult {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		const trimmed = text.trim();
		if (/^(error|failed|tool error)\b/i.test(trimmed) || NOT_CONNECTED.test(trimmed)) {
			return { ok: false, payload: undefined, error: trimmed.replace(/^error:\s*/i, '') };
		}
		return { ok: true, payload: trimmed };
	}
	return resultOf(value, 0);
}

function resultOf(value: unknown, depth: number): ToolResult {
	if (!isRecord(value)) {
		return { ok: true, payload: value };
	}
	// COMPOSIO_MULTI_EXECUTE_TOOL wraps each run as {data: {results: [{response: {data, error}}]}, error: "1 out of 1 tools failed"};
	// the inner response says what really happened.
	const inner = value['data'];
	if (depth < 2 && isRecord(inner) && Array.isArray(inner['results']) && inner['results'].length === 1) {
		const only: unknown = inner['results'][0];
		if (isRecord(only) && isRecord(only['response'])) {
			return resultOf(only['response'], depth + 1);
		}
	}
	const error = errorText(value['error']);
	if (error) {
		return { ok: false, payload: value['data'], error };
	}
	if (value['successful'] === false || value['success'] === false) {
		return { ok: false, payload: value['data'], error: 'The tool reported a failure without details.' };
	}
	return { ok: true, payload: 'data' in value ? value['data'] : value };
}

function errorText(error: unknown): string | undefined {
	if (typeof error === 'string') {
		return error.trim().length > 0 ? error.trim() : undefined;
	}
	if (isRecord(error)) {
		const message = error['message'];
		return typeof message === 'string' && message.length > 0 ? message : 'The tool reported an error.';
	}
	return undefined;
}

/** One toolkit's entry in COMPOSIO_MANAGE_CONNECTIONS output. */
export interface ConnectionState {
	status: string;
	link?: string;
	aliases: string[];
}

/** Reads COMPOSIO_MANAGE_CONNECTIONS output for one toolkit: `{results: {<toolkit>: {status, redirect_url, accounts}}}`. */
export function connectionState(payload: unknown, toolkit: Toolkit): ConnectionState | undefined {
	if (!isRecord(payload)) {
		return undefined;
	}
	let entry: unknown = payload;
	const results = payload['results'];
	if (isRecord(results)) {
		const key = Object.keys(results).find((k) => k.toLowerCase() === toolkit);
		entry = key === undefined ? undefined : results[key];
	} else if (Array.isArray(results)) {
		entry = results.find((r) => isRecord(r) && typeof r['toolkit'] === 'string' && r['toolkit'].toLowerCase() === toolkit);
	}
	if (!isRecord(entry)) {
		return undefined;
	}
	const status = typeof entry['status'] === 'string' ? entry['status'].toLowerCase() : '';
	const direct = entry['redirect_url'] ?? entry['redirectUrl'];
	const link = typeof direct === 'string' ? direct : findUrl(entry);
	const aliases: string[] = [];
	if (Array.isArray(entry['accounts'])) {
		for (const a of entry['accounts']) {
			if (isRecord(a) && typeof a['alias'] === 'string' && a['alias'].length > 0) {
				aliases.push(a['alias']);
			}
		}
	}
	return { status, aliases, ...(link ? { link } : {}) };
}

/** One connected account as the system prompt lists it. */
export interface ListedAccount {
	alias?: string;
	name?: string;
	id?: string;
	/** The prompt says it went bad (expired, revoked, failed) and its tools should be called anyway. */
	needsReconnect?: boolean;
}

/** The accounts of a toolkit the system prompt lists (`- Gmail (gmail): "work" = a@b.c, x@y.z (id ca_1, no alias)`). */
export function listedAccounts(conv: Conversation, toolkit: Toolkit): ListedAccount[] {
	const line = systemText(conv.messages)
		.split('\n')
		.find((l) => l.startsWith('- ') && l.includes(`(${toolkit}): `));
	if (!line) {
		return [];
	}
	return line
		.slice(line.indexOf(`(${toolkit}): `) + toolkit.length + 4)
		.split(/, (?=["A-Za-z0-9_])/)
		.map((entry): ListedAccount => {
			const alias = /^"([^"]+)"/.exec(entry)?.[1];
			const named = / = (.+)$/.exec(entry)?.[1] ?? /^([^"(\s][^(]*?) \(id /.exec(entry)?.[1];
			const id = /\b(ca_[\w-]+)/.exec(entry)?.[1];
			const needsReconnect = /\((?:expired|revoked|failed):/.test(entry);
			const clean = named?.replace(/ \((?:expired|revoked|failed):.*$/, '').trim();
			return { ...(alias ? { alias } : {}), ...(clean ? { name: clean } : {}), ...(id ? { id } : {}), ...(needsReconnect ? { needsReconnect } : {}) };
		});
}
