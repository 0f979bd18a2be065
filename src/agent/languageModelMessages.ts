/**
 * The conversation and tools in the shape VS Code's language model API takes, without VS Code:
 * the agent keeps its transcript in Chat Completions form, and `VsCodeModelClient` turns these
 * plain parts into `LanguageModelChatMessage`s, `LanguageModelToolCallPart`s and
 * `LanguageModelToolResultPart`s one to one.
 *
 * VS Code's API has two roles. So: the system prompt becomes a user message of its own at the
 * start (kept apart, so it never reads as part of what the user asked); an assistant message
 * becomes its text and tool calls; tool results become tool result parts of a user message;
 * and other neighbouring messages of one role are merged, as models that insist on alternating
 * roles need (all results of one round of tool calls then travel together, with any user text
 * that follows them).
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ModelToolCall } from './modelClient';
import { isRecord } from '../common/isRecord';

/** One part of a message for VS Code's API. */
export type LmPart =
	| { readonly kind: 'text'; readonly text: string }
	/** `input` is the parsed arguments object the model produced. */
	| { readonly kind: 'toolCall'; readonly callId: string; readonly name: string; readonly input: Record<string, unknown> }
	| { readonly kind: 'toolResult'; readonly callId: string; readonly text: string };

/** One message for VS Code's API. */
export interface LmMessage {
	readonly role: 'user' | 'assistant';
	readonly parts: readonly LmPart[];
}

/** A tool for `LanguageModelChatRequestOptions.tools`. */
export interface LmTool {
	readonly name: string;
	readonly description: string;
	readonly inputSchema?: object;
}

/** Where a tool call's arguments were not a JSON object, the model is shown its text under this key. */
export const UNPARSED_ARGUMENTS_KEY = '_unparsedArguments';

/** The text of a Chat Completions `content` (a string, or text and refusal parts). */
export function contentText(content: unknown): string {
	if (typeof content === 'string') {
		return content;
	}
	if (Array.isArray(content)) {
		return content
			.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : isRecord(p) && typeof p['refusal'] === 'string' ? p['refusal'] : ''))
			.join('');
	}
	return '';
}

/** Parses a tool call's JSON arguments for VS Code, which takes an object. */
export function parseToolInput(args: string): Record<string, unknown> {
	if (args.trim() === '') {
		return {};
	}
	try {
		const value: unknown = JSON.parse(args);
		if (isRecord(value)) {
			return value;
		}
	} catch {
		// fall through: the model is shown what it sent
	}
	return { [UNPARSED_ARGUMENTS_KEY]: args };
}

/**
 * Converts a Chat Completions conversation for VS Code's API. Messages without content (an
 * empty assistant reply) are left out; images and audio are not carried.
 */
export function toLmMessages(messages: readonly ChatCompletionMessageParam[]): LmMessage[] {
	const out: { role: 'user' | 'assistant'; parts: LmPart[]; system: boolean }[] = [];
	const push = (role: 'user' | 'assistant', parts: LmPart[], system = false): void => {
		if (parts.length === 0) {
			return;
		}
		const last = out[out.length - 1];
		if (last && last.role === role && last.system === system) {
			last.parts.push(...parts);
		} else {
			out.push({ role, parts, system });
		}
	};
	const text = (value: string): LmPart[] => (value === '' ? [] : [{ kind: 'text', text: value }]);
	for (const m of messages) {
		switch (m.role) {
			case 'system':
			case 'developer':
				push('user', text(contentText(m.content)), true);
				break;
			case 'user':
				push('user', text(contentText(m.content)));
				break;
			case 'assistant': {
				const parts: LmPart[] = text(contentText(m.content));
				for (const call of m.tool_calls ?? []) {
					if (call.type === 'function') {
						parts.push({ kind: 'toolCall', callId: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
					}
				}
				push('assistant', parts);
				break;
			}
			case 'tool':
				push('user', [{ kind: 'toolResult', callId: m.tool_call_id, text: contentText(m.content) }]);
				break;
			case 'function':
				// The legacy function role is never written by this extension.
				break;
		}
	}
	return out.map(({ role, parts }) => ({ role, parts }));
}

/** Converts the offered tools; only function tools exist in VS Code's API. */
export function toLmTools(tools: readonly ChatCompletionTool[]): LmTool[] {
	const out: LmTool[] = [];
	for (const t of tools) {
		if (t.type !== 'function') {
			continue;
		}
		const schema: unknown = t.function.parameters;
		out.push({ name: t.function.name, description: t.function.description ?? '', ...(isRecord(schema) ? { inputSchema: schema } : {}) });
	}
	return out;
}

/** A tool call from VS Code's response stream as the agent loop takes it (arguments as JSON text). */
export function toolCallFromLm(part: { readonly callId: string; readonly name: string; readonly input: unknown }, index: number): ModelToolCall {
	const input = isRecord(part.input) ? part.input : {};
	const unparsed = input[UNPARSED_ARGUMENTS_KEY];
	return {
		id: part.callId || `call_${index}`,
		name: part.name,
		arguments: typeof unparsed === 'string' && Object.keys(input).length === 1 ? unparsed : JSON.stringify(input),
	};
}

/**
 * The reverse of `toLmMessages`, for a model served through VS Code's API that speaks Chat
 * Completions inside (a provider wrapping an OpenAI-compatible server, or the tests' scripted
 * provider): each user message's tool results become `tool` messages, before its text.
 */
export function fromLmMessages(messages: readonly LmMessage[]): ChatCompletionMessageParam[] {
	const out: ChatCompletionMessageParam[] = [];
	for (const m of messages) {
		const texts = m.parts.filter((p): p is Extract<LmPart, { kind: 'text' }> => p.kind === 'text').map((p) => p.text);
		if (m.role === 'assistant') {
			const calls = m.parts.filter((p): p is Extract<LmPart, { kind: 'toolCall' }> => p.kind === 'toolCall');
			out.push({
				role: 'assistant',
				content: texts.length === 0 && calls.length > 0 ? null : texts.join(''),
				...(calls.length > 0
					? { tool_calls: calls.map((c, i) => ({ id: c.callId, type: 'function' as const, function: { name: c.name, arguments: toolCallFromLm(c, i).arguments } })) }
					: {}),
			});
			continue;
		}
		for (const p of m.parts) {
			if (p.kind === 'toolResult') {
				out.push({ role: 'tool', tool_call_id: p.callId, content: p.text });
			}
		}
		if (texts.length > 0) {
			out.push({ role: 'user', content: texts.join('\n\n') });
		}
	}
	return out;
}
