import { APIError, OpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ModelChunk, ModelClient, ModelRequest, ModelToolCall } from './modelClient';
import { cancelledModelError, ModelError, redactSecrets, streamCutModelError } from './modelErrors';
import { toModelError } from './openAiErrors';
import { fetchUntil } from '../common/settingsGeneration';

/** OpenAI's public endpoint, used when no base URL is configured. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * What the SDK sends as the key when none is configured. OpenAI-compatible servers that need
 * no key (local models, the sandbox) ignore it; OpenAI itself answers 401, which becomes an
 * 'auth' error asking for a key.
 */
const NO_KEY_PLACEHOLDER = 'no-key-configured';

/** Settings for `OpenAiModelClient`. */
export interface OpenAiModelClientOptions {
	/** The API key; omit for servers that need none. Never logged or put in errors. */
	apiKey?: string;
	/** An OpenAI-compatible base URL such as `http://127.0.0.1:8080/v1`; defaults to OpenAI's. */
	baseUrl?: string;
	model: string;
	/** Retries of failed connections, 408/409/429 and 5xx answers before streaming starts; default 2. */
	maxRetries?: number;
	/** Per-attempt timeout in milliseconds; default 120 000. */
	timeoutMs?: number;
	/**
	 * Aborts when the settings this client was made for (key, endpoint, mode) are over: a request
	 * in flight is aborted ('cancelled') and none is sent after, retries included.
	 */
	generation?: AbortSignal;
}

interface PartialToolCall {
	id: string;
	name: string;
	arguments: string;
}

/**
 * `ModelClient` over the official `openai` SDK's streaming Chat Completions.
 *
 * Contract of `stream()`: yields text deltas as they arrive, then (if the model called tools)
 * one `toolCalls` chunk assembled from the streamed deltas by index, then `usage` (when the
 * server reports it), then `done`. Every failure is thrown as a `ModelError`; aborting the
 * request's signal throws a `ModelError` of kind 'cancelled' (never a silent return), so a
 * caller can tell a finished reply from an interrupted one. A stream that ends without a
 * finish reason, or breaks mid-way, throws kind 'streamCut'.
 */
export class OpenAiModelClient implements ModelClient {
	readonly model: string;
	private readonly client: OpenAI;
	private readonly secrets: string[];
	private readonly generation: AbortSignal | undefined;

	constructor(options: OpenAiModelClientOptions) {
		this.generation = options.generation;
		this.model = options.model;
		const apiKey = options.apiKey && options.apiKey.trim().length > 0 ? options.apiKey.trim() : undefined;
		this.secrets = apiKey ? [apiKey] : [];
		// Every option is explicit so OPENAI_* environment variables never change behaviour.
		this.client = new OpenAI({
			apiKey: apiKey ?? NO_KEY_PLACEHOLDER,
			baseURL: options.baseUrl && options.baseUrl.trim().length > 0 ? options.baseUrl.trim() : OPENAI_DEFAULT_BASE_URL,
			organization: null,
			project: null,
			adminAPIKey: null,
			maxRetries: options.maxRetries ?? 2,
			timeout: options.timeoutMs ?? 120_000,
			logLevel: 'off',
			...(options.generation ? { fetch: fetchUntil(options.generation) } : {}),
		});
	}

	async *stream(request: ModelRequest): AsyncGenerator<ModelChunk, void, undefined> {
		const signal = this.generation ? AbortSignal.any([request.signal, this.generation]) : request.signal;
		if (signal.aborted) {
			throw cancelledModelError();
		}
		const params: ChatCompletionCreateParamsStreaming = {
			model: this.model,
			messages: request.messages,
			stream: true,
			stream_options: { include_usage: true },
			...(request.tools.length > 0 ? { tools: request.tools } : {}),
		};

		let chunks: AsyncIterable<ChatCompletionChunk>;
		try {
			chunks = await this.client.chat.completions.create(params, { signal });
		} catch (e) {
			throw this.asModelError(e, signal);
		}

		const calls = new Map<number, PartialToolCall>();
		let finishReason: string | undefined;
		let usage: { promptTokens: number; completionTokens: number } | undefined;
		try {
			for await (const chunk of chunks) {
				if (chunk.usage) {
					usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
				}
				for (const choice of chunk.choices) {
					if (choice.index !== 0) {
						continue;
					}
					const delta = choice.delta;
					if (typeof delta.content === 'string' && delta.content.length > 0) {
						yield { type: 'text', delta: delta.content };
					}
					for (const part of delta.tool_calls ?? []) {
						const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
						if (part.id) {
							call.id = part.id;
						}
						if (part.function?.name) {
							call.name += part.function.name;
						}
						if (part.function?.arguments) {
							call.arguments += part.function.arguments;
						}
						calls.set(part.index, call);
					}
					if (choice.finish_reason) {
						finishReason = choice.finish_reason;
					}
				}
			}
		} catch (e) {
			if (signal.aborted) {
				throw cancelledModelError();
			}
			// A status means the provider answered with an error; anything else broke the stream.
			if (e instanceof APIError && e.status !== undefined) {
				throw this.asModelError(e, signal);
			}
			const mapped = this.asModelError(e, signal);
			throw mapped.kind === 'cancelled' ? mapped : streamCutModelError(mapped.detail);
		}
		// The SDK ends the iteration quietly when the request is aborted.
		if (signal.aborted) {
			throw cancelledModelError();
		}
		if (finishReason === undefined) {
			throw streamCutModelError();
		}
		if (calls.size > 0) {
			const assembled: ModelToolCall[] = [...calls.entries()]
				.sort(([a], [b]) => a - b)
				.map(([index, call]) => ({ id: call.id || `call_${index}`, name: call.name, arguments: call.arguments }));
			yield { type: 'toolCalls', calls: assembled };
		}
		if (usage) {
			yield { type: 'usage', ...usage };
		}
		yield { type: 'done', finishReason };
	}

	/** Maps an error, preferring 'cancelled' once the signal fired, and scrubs the key. */
	private asModelError(e: unknown, signal: AbortSignal): ModelError {
		if (signal.aborted) {
			return cancelledModelError();
		}
		const error = toModelError(e, { model: this.model });
		if (this.secrets.length === 0) {
			return error;
		}
		const message = redactSecrets(error.message, this.secrets);
		const detail = error.detail === undefined ? undefined : redactSecrets(error.detail, this.secrets);
		if (message === error.message && detail === error.detail) {
			return error;
		}
		return new ModelError(error.kind, message, {
			...(error.action ? { action: error.action } : {}),
			...(detail !== undefined ? { detail } : {}),
			...(error.status !== undefined ? { status: error.status } : {}),
		});
	}
}
