/**
 * The openai SDK's failures as ModelErrors: a status becomes a kind, a remedy and a plain
 * sentence; the provider's own explanation is kept, redacted, as the detail.
 */
import * as l10n from '@vscode/l10n';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { isRecord } from '../common/isRecord';
import { cancelledModelError, contextTooLongModelError, isContextTooLong, ModelError, type ModelErrorAction, type ModelErrorOptions, redactSecrets, streamCutModelError } from './modelErrors';

/** Context that makes messages more specific; never pass secrets here. */
export interface ModelErrorContext {
	/** The model name, named in a 'notFound' message. */
	model?: string;
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
		return new ModelError('unreachable', l10n.t('The model provider did not answer in time. Try again.'), { action: 'retry' });
	}
	if (e instanceof APIConnectionError) {
		return new ModelError(
			'unreachable',
			l10n.t('Could not reach the model provider. Check your network and the base URL in settings, then try again.'),
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
	return new ModelError('server', l10n.t('The model request failed unexpectedly. Try again.'), {
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
		return new ModelError('auth', l10n.t('The model provider rejected the API key. Set a valid OpenAI API key and try again.'), extra('setOpenAiKey'));
	}
	if (status === 404) {
		const message = context.model
			? l10n.t('The model provider does not know "{0}". Check the model name and base URL in settings.', context.model)
			: l10n.t('The model provider does not know the configured model. Check the model name and base URL in settings.');
		return new ModelError('notFound', message, extra('openSettings'));
	}
	if (status === 429) {
		const wait =
			retryAfter !== undefined && retryAfter > 0
				? retryAfter === 1
					? l10n.t('Try again in 1 second.')
					: l10n.t('Try again in {0} seconds.', retryAfter)
				: l10n.t('Wait a moment and try again.');
		return new ModelError('rateLimited', `${l10n.t('The model provider is limiting requests right now.')} ${wait}`, extra('retry'));
	}
	if (status === 413 || ((status === 400 || status === 422) && isContextTooLong(detail, code))) {
		return contextTooLongModelError(context.model, detail);
	}
	if (status === 400 || status === 422) {
		return new ModelError('badRequest', l10n.t('The model provider could not accept this request.'), extra('openSettings'));
	}
	if (status !== undefined && status >= 500) {
		return new ModelError('server', l10n.t('The model provider had a server error (HTTP {0}). Try again.', status), extra('retry'));
	}
	if (status === undefined) {
		// An error event inside an otherwise healthy stream.
		return new ModelError('server', l10n.t('The model provider reported an error while answering. Try again.'), extra('retry'));
	}
	return new ModelError('server', l10n.t('The model provider answered with HTTP {0}. Try again.', status), extra('retry'));
}

/** OpenAI's machine-readable error code (`error.code`, e.g. `context_length_exceeded`). */
function providerCode(body: unknown, sdkCode: unknown): string | undefined {
	if (typeof sdkCode === 'string') {
		return sdkCode;
	}
	return isRecord(body) && typeof body['code'] === 'string' ? body['code'] : undefined;
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

function firstLine(text: string): string {
	const line = text.split('\n', 1)[0] ?? '';
	return line;
}

function isAbortError(e: unknown): boolean {
	return isRecord(e) && e['name'] === 'AbortError';
}

