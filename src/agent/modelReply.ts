/**
 * One model reply inside the agent loop: the model's stream turned into the loop's events (text
 * deltas, usage, a trimmed context) and accumulated into the assistant message the transcript
 * keeps, with the tool calls it asks for.
 */
import type { ChatCompletionAssistantMessageParam, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { Logger } from '../common/logger';
import { type AgentEvent, toAgentFailure } from './agentEvents';
import type { ModelClient, ModelRequest, ModelToolCall } from './modelClient';
import { ModelError } from './modelErrors';

/** How a reply ended: with the tool calls it asked for (none: it answered), or the run ended (its last event yielded). */
export type ModelReply = { readonly kind: 'reply'; readonly calls: readonly ModelToolCall[] } | { readonly kind: 'ended' };

/**
 * Streams one reply to `request`, yielding `contextTrimmed`, `text` and `usage` events as they
 * come, and appends the assistant message (its text and tool calls) to `messages`. When the user
 * cancels, a partially streamed answer is kept as the assistant message and `done` 'cancelled'
 * ends the run; when the model fails, nothing is appended and `error` ends it. Never throws.
 */
export async function* streamModelReply(model: ModelClient, request: ModelRequest, messages: ChatCompletionMessageParam[], logger: Logger): AsyncGenerator<AgentEvent, ModelReply, undefined> {
	let text = '';
	let calls: ModelToolCall[] = [];
	try {
		for await (const chunk of model.stream(request)) {
			switch (chunk.type) {
				case 'contextTrimmed':
					yield { type: 'contextTrimmed', leftOut: chunk.leftOut, tokens: chunk.tokens, maxInputTokens: chunk.maxInputTokens };
					break;
				case 'text':
					text += chunk.delta;
					yield { type: 'text', delta: chunk.delta };
					break;
				case 'toolCalls':
					calls = chunk.calls;
					break;
				case 'usage':
					yield { type: 'usage', promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens };
					break;
				case 'done':
					break;
			}
		}
	} catch (e) {
		if (request.signal.aborted || (e instanceof ModelError && e.kind === 'cancelled')) {
			if (text !== '') {
				messages.push({ role: 'assistant', content: text });
			}
			yield { type: 'done', reason: 'cancelled' };
			return { kind: 'ended' };
		}
		const failure = toAgentFailure(e);
		logger.warn(`The model call failed (${failure.kind}): ${e instanceof ModelError ? `${e.message}${e.detail ? ` — ${e.detail}` : ''}` : String(e)}`);
		yield { type: 'error', error: failure };
		return { kind: 'ended' };
	}

	const assistant: ChatCompletionAssistantMessageParam = {
		role: 'assistant',
		content: text === '' && calls.length > 0 ? null : text,
		...(calls.length > 0
			? { tool_calls: calls.map((c): ChatCompletionMessageToolCall => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
			: {}),
	};
	messages.push(assistant);
	return { kind: 'reply', calls };
}
