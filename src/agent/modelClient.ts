import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

/** What one request left out to fit the model's context window (see contextWindow.ts). */
export interface LeftOut {
	/** Earlier messages replaced by the summary. */
	readonly summarizedMessages: number;
	/** Tool results sent shortened. */
	readonly shortenedToolResults: number;
	/** Messages of the running task that were cut. */
	readonly shortenedMessages: number;
}

/** One call to the model: the conversation so far, the tools it may call, and a way to stop it. */
export interface ModelRequest {
	messages: ChatCompletionMessageParam[];
	/** Tools offered to the model; an empty list means plain chat. */
	tools: ChatCompletionTool[];
	/** Aborting ends the stream promptly with a `ModelError` of kind 'cancelled'. */
	signal: AbortSignal;
	/**
	 * Index in `messages` where the task being worked on begins (its user message). When the
	 * conversation must be fitted into the model's context window, what comes before it is left
	 * out first. Absent: from the last user message.
	 */
	keepFrom?: number;
}

/** A function call the model asked for, with its arguments still as the model's JSON text. */
export interface ModelToolCall {
	id: string;
	name: string;
	/** JSON text exactly as streamed; the caller validates it. */
	arguments: string;
}

/**
 * One piece of a streamed model reply. A stream yields at most one `contextTrimmed` first, then
 * any number of `text` deltas as they arrive, then at most one `toolCalls` (fully assembled), at
 * most one `usage`, and exactly one `done`, in that order.
 */
export type ModelChunk =
	/** Earlier parts of the conversation were left out of this request to fit the model's context window. */
	| { type: 'contextTrimmed'; leftOut: LeftOut; tokens: number; maxInputTokens: number }
	| { type: 'text'; delta: string }
	| { type: 'toolCalls'; calls: ModelToolCall[] }
	| { type: 'usage'; promptTokens: number; completionTokens: number }
	| { type: 'done'; finishReason: string };

/**
 * A chat model that streams replies. Implementations throw `ModelError` (from modelErrors.ts)
 * for every failure, including cancellation, so callers need only one catch.
 */
export interface ModelClient {
	stream(request: ModelRequest): AsyncIterable<ModelChunk>;
	/** The model name requests are sent with. */
	readonly model: string;
}
