import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { isRecord } from '../common/isRecord';

/** What went wrong with a model call, coarse enough for the UI to pick a remedy. */
export type ModelErrorKind =
	| 'auth'
	| 'rateLimited'
	| 'server'
	| 'unreachable'
	| 'badRequest'
	| 'notFound'
	| 'streamCut'
	| 'cancelled'
	/** The conversation does not fit the model's input limit. */
	| 'contextTooLong'
	/** The user did not allow this extension to use the model (VS Code's consent prompt). */
	| 'consent'
	/** The model's provider refuses for now: a quota is used up, or the extension is blocked. */
	| 'blocked'
	/** No model to talk to: no key, and no model in VS Code. */
	| 'noModel';

/** The remedy the UI can offer next to the message. */
export type ModelErrorAction = 'setOpenAiKey' | 'retry' | 'openSettings' | 'chooseModel';

/** Extra facts for a `ModelError`; all optional. */
export interface ModelErrorOptions {
	action?: ModelErrorAction;
	/** A plain-text hint from the provider (already redacted), for a "details" line. */
	detail?: string;
	/** The HTTP status, when the provider answered with one. */
	status?: number;
}

/**
 * A failed model call. `message` is a plain sentence meant for the user: no JSON, no stack,
 * never an API key. `kind` says what happened and `action` which remedy fits.
 */
export class ModelError extends Error {
	readonly kind: ModelErrorKind;
	readonly action?: ModelErrorAction;
	readonly detail?: string;
	readonly status?: number;

	constructor(kind: ModelErrorKind, message: string, options: ModelErrorOptions = {}) {
		super(message);
		this.name = 'ModelError';
		this.kind = kind;
		if (options.action !== undefined) {
			this.action = options.action;
		}
		if (options.detail !== undefined) {
			this.detail = options.detail;
		}
		if (options.status !== undefined) {
			this.status = options.status;
		}
	}
}

/** Context that makes messages more specific; never pass secrets here. */
export interface ModelErrorContext {
	/** The model name, named in a 'notFound' message. */
	model?: string;
}

/** The error for a call the user (or the host) aborted. */
export function cancelledModelError(): ModelError {
	return new ModelError('cancelled', 'The request was cancelled.');
}

/** The error for a reply that stopped before the model said it had finished. */
export function streamCutModelError(detail?: string): ModelError {
	return new ModelError('streamCut', "The model's reply was cut off before it finished. Try again.", {
		action: 'retry',
		...(detail ? { detail } : {}),
	});
}

/**
 * Maps anything thrown while calling the model (the openai SDK's errors, fetch and abort
 * errors, or a `ModelError` already) to a `ModelError`. Never throws.
 */
export function toModelError(e: unknown, context: ModelErrorContext = {}): ModelError {
	if (e instanceof ModelError) {
		return e;
	}
	if (e instanceof APIUserAbortError || isAbortError(e)) {
		return cancelledModelError();
	}
	if (e instanceof APIConnectionTimeoutError) {
		return new ModelError('unreachable', 'The model provider did not answer in time. Try again.', { action: 'retry' });
	}
	if (e instanceof APIConnectionError) {
		return new ModelError(
			'unreachable',
			'Could not reach the model provider. Check your network and the base URL in settings, then try again.',
			{ action: 'retry' },
		);
	}
	if (e instanceof APIError) {
		const status: unknown = e.status;
		const body: unknown = e.error;
		const headers: unknown = e.headers;
		return fromStatus(typeof status === 'number' ? status : undefined, providerMessage(body, e.message), retryAfterSeconds(headers), context, providerCode(body, e.code));
	}
	if (e instanceof SyntaxError) {
		return streamCutModelError('The provider sent a malformed event.');
	}
	const detail = e instanceof Error ? redactSecrets(firstLine(e.message)) : undefined;
	return new ModelError('server', 'The model request failed unexpectedly. Try again.', {
		action: 'retry',
		...(detail ? { detail } : {}),
	});
}

function fromStatus(
	status: number | undefined,
	detail: string | undefined,
	retryAfter: number | undefined,
	context: ModelErrorContext,
	code: string | undefined,
): ModelError {
	const extra = (action: ModelErrorAction | undefined): ModelErrorOptions => ({
		...(action ? { action } : {}),
		...(detail ? { detail } : {}),
		...(status !== undefined ? { status } : {}),
	});
	if (status === 401 || status === 403) {
		return new ModelError('auth', 'The model provider rejected the API key. Set a valid OpenAI API key and try again.', extra('setOpenAiKey'));
	}
	if (status === 404) {
		const model = context.model ? `"${context.model}"` : 'the configured model';
		return new ModelError('notFound', `The model provider does not know ${model}. Check the model name and base URL in settings.`, extra('openSettings'));
	}
	if (status === 429) {
		const wait = retryAfter !== undefined && retryAfter > 0 ? ` Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.` : ' Wait a moment and try again.';
		return new ModelError('rateLimited', `The model provider is limiting requests right now.${wait}`, extra('retry'));
	}
	if (status === 413 || ((status === 400 || status === 422) && isContextTooLong(detail, code))) {
		return contextTooLongModelError(context.model, detail);
	}
	if (status === 400 || status === 422) {
		return new ModelError('badRequest', 'The model provider could not accept this request.', extra('openSettings'));
	}
	if (status !== undefined && status >= 500) {
		return new ModelError('server', `The model provider had a server error (HTTP ${status}). Try again.`, extra('retry'));
	}
	if (status === undefined) {
		// An error event inside an otherwise healthy stream.
		return new ModelError('server', 'The model provider reported an error while answering. Try again.', extra('retry'));
	}
	return new ModelError('server', `The model provider answered with HTTP ${status}. Try again.`, extra('retry'));
}

/** OpenAI's machine-readable error code (`error.code`, e.g. `context_length_exceeded`). */
function providerCode(body: unknown, sdkCode: unknown): string | undefined {
	if (typeof sdkCode === 'string') {
		return sdkCode;
	}
	return isRecord(body) && typeof body['code'] === 'string' ? body['code'] : undefined;
}

const CONTEXT_TOO_LONG = /context.?(length|window)|maximum context|too many tokens|prompt (is )?too long|input (is )?too (long|large)|request too large|exceeds? (the )?(model'?s? )?(token|context|input)|tokens? (limit|count).{0,40}exceed|reduce the length/i;

/** True when a provider's message or code says the request did not fit the model's context window. */
export function isContextTooLong(message: string | undefined, code?: string): boolean {
	return code === 'context_length_exceeded' || code === 'string_above_max_length' || (message !== undefined && CONTEXT_TOO_LONG.test(message));
}

/** The error for a conversation that does not fit the model's input limit, even after leaving out earlier parts. */
export function contextTooLongModelError(model?: string, detail?: string): ModelError {
	const which = model ? `${model}'s` : "the model's";
	return new ModelError('contextTooLong', `This conversation is too long for ${which} context window, even with earlier parts left out. Start a new chat, shorten your message, or choose a model with a larger window.`, {
		action: 'chooseModel',
		...(detail ? { detail } : {}),
	});
}

/** The provider's own one-line explanation (`error.message` in OpenAI's error body), redacted. */
function providerMessage(body: unknown, fallback: string): string | undefined {
	let text: string | undefined;
	if (isRecord(body) && typeof body['message'] === 'string') {
		text = body['message'];
	} else if (typeof body === 'string') {
		text = body;
	} else if (fallback && !fallback.includes('{')) {
		text = fallback;
	}
	if (!text) {
		return undefined;
	}
	const line = redactSecrets(firstLine(text)).trim();
	return line.length > 0 ? line : undefined;
}

function retryAfterSeconds(headers: unknown): number | undefined {
	if (!(headers instanceof Headers)) {
		return undefined;
	}
	const ms = Number(headers.get('retry-after-ms'));
	if (headers.get('retry-after-ms') !== null && Number.isFinite(ms)) {
		return Math.ceil(ms / 1000);
	}
	const raw = headers.get('retry-after');
	const seconds = raw === null ? Number.NaN : Number(raw);
	return Number.isFinite(seconds) ? Math.ceil(seconds) : undefined;
}

/** Masks things that look like API keys (`sk-…`, long opaque tokens) and any `secrets` given. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length >= 4) {
			out = out.split(secret).join('[redacted]');
		}
	}
	return out
		.replace(/\b(sk|pk|rk)-[A-Za-z0-9_*.-]{4,}/g, '[redacted]')
		.replace(/\b[A-Za-z0-9_-]{40,}\b/g, '[redacted]')
		.slice(0, 300);
}

function firstLine(text: string): string {
	const line = text.split('\n', 1)[0] ?? '';
	return line;
}

function isAbortError(e: unknown): boolean {
	return isRecord(e) && e['name'] === 'AbortError';
}

