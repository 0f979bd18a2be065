import * as l10n from '@vscode/l10n';
import { fitConversation, messageTokens } from './contextWindow';
import type { LeftOut } from './modelClient';
import type { ModelChunk, ModelClient, ModelRequest } from './modelClient';
import { cancelledModelError, contextTooLongModelError, ModelError } from './modelErrors';

/** A model's input limit and tokenizer, as the fitting needs them. */
export interface ContextLimit {
	/** Tokens a request may take: messages and tool definitions. */
	readonly maxInputTokens: number;
	/** Tokens of `text` for this model (exact, or an estimate that errs high). Rejections end the request as a model error. */
	count(text: string, signal: AbortSignal): Promise<number>;
}

/** Options for `ContextFittingModelClient`. */
export interface ContextFittingOptions {
	/** The model as the user knows it, for messages ("GPT-4.1 (Copilot)"). */
	readonly label: string;
	/** Share of the limit kept free for framing the count does not see; default 0.03. */
	readonly margin?: number;
}

function nothingLeftOut(l: LeftOut): boolean {
	return l.summarizedMessages === 0 && l.shortenedToolResults === 0 && l.shortenedMessages === 0;
}

/**
 * A `ModelClient` that fits every request into the model's input limit before passing it on
 * (see contextWindow.ts for what is left out and in which order), so the agent loop and both
 * backends stay unaware of it.
 *
 * Contract of `stream()`: when something was left out, yields one `contextTrimmed` chunk first,
 * then exactly what the wrapped client yields. When the model itself still answers "context too
 * long" before streaming anything (its count differs from ours), the request is fitted again
 * into 60% of what was sent and tried once more. Throws `ModelError`s only: kind
 * 'contextTooLong' (action 'chooseModel') when even the running task does not fit.
 */
export class ContextFittingModelClient implements ModelClient {
	private toolsKey: string | undefined;
	private toolsTokens = 0;

	constructor(
		private readonly inner: ModelClient,
		private readonly limit: ContextLimit,
		private readonly options: ContextFittingOptions,
	) {}

	get model(): string {
		return this.inner.model;
	}

	async *stream(request: ModelRequest): AsyncGenerator<ModelChunk, void, undefined> {
		const { signal } = request;
		const count = (text: string): Promise<number> => this.limit.count(text, signal);
		let budget: number;
		try {
			budget = Math.floor(this.limit.maxInputTokens * (1 - (this.options.margin ?? 0.03))) - (await this.toolTokens(request, count));
		} catch (e) {
			throw this.fail(e, signal);
		}
		for (let attempt = 0; ; attempt++) {
			let fitted;
			try {
				fitted = await fitConversation({ messages: request.messages, budget, count, ...(request.keepFrom !== undefined ? { keepFrom: request.keepFrom } : {}) });
			} catch (e) {
				throw this.fail(e, signal);
			}
			if (!nothingLeftOut(fitted.leftOut)) {
				yield { type: 'contextTrimmed', leftOut: fitted.leftOut, tokens: fitted.tokens, maxInputTokens: this.limit.maxInputTokens };
			}
			let streamed = false;
			try {
				for await (const chunk of this.inner.stream({ ...request, messages: fitted.messages })) {
					streamed = true;
					yield chunk;
				}
				return;
			} catch (e) {
				if (attempt === 0 && !streamed && e instanceof ModelError && e.kind === 'contextTooLong' && !signal.aborted) {
					let sent = 0;
					try {
						for (const m of fitted.messages) {
							sent += await messageTokens(m, count);
						}
					} catch (counting) {
						throw this.fail(counting, signal);
					}
					budget = Math.floor(Math.min(budget, sent) * 0.6);
					continue;
				}
				throw e;
			}
		}
	}

	/** Tokens of the tool definitions, counted once per distinct set of tools. */
	private async toolTokens(request: ModelRequest, count: (text: string) => Promise<number>): Promise<number> {
		if (request.tools.length === 0) {
			return 0;
		}
		const key = JSON.stringify(request.tools);
		if (key !== this.toolsKey) {
			this.toolsTokens = await count(key);
			this.toolsKey = key;
		}
		return this.toolsTokens;
	}

	private fail(e: unknown, signal: AbortSignal): ModelError {
		if (signal.aborted) {
			return cancelledModelError();
		}
		if (e instanceof ModelError) {
			return e.kind === 'contextTooLong' ? contextTooLongModelError(this.options.label, e.detail) : e;
		}
		return new ModelError('server', l10n.t('Counting tokens for {0} failed. Try again.', this.options.label), { action: 'retry', ...(e instanceof Error ? { detail: e.message.split('\n')[0] ?? '' } : {}) });
	}
}
