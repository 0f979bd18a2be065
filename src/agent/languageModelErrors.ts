/**
 * Maps what VS Code's language model API throws (`vscode.LanguageModelError` and the errors a
 * provider raises through it) to `ModelError`s with a plain sentence and a way out. Pure: it
 * reads the error's `name`, `code`, `message` and `cause` by shape, so it runs without VS Code.
 */
import * as l10n from '@vscode/l10n';
import { cancelledModelError, contextTooLongModelError, isContextTooLong, ModelError, redactSecrets } from './modelErrors';

/** Names the error in messages: the model as the user sees it in the picker. */
export interface LanguageModelErrorContext {
	/** e.g. "GPT-4.1 (Copilot)". */
	readonly model: string;
}

const RATE_LIMITED = /rate.?limit|too many requests|\b429\b|throttl/i;
const QUOTA = /quota|usage limit|(premium|monthly) requests|exceeded your|out of (credits|requests)|billing/i;
const UNAVAILABLE = /language model unavailable|model is not available|not ready/i;

/**
 * Turns anything thrown by `LanguageModelChat.sendRequest` or its response stream into a
 * `ModelError`. Never throws.
 *
 * - `NoPermissions` (the user declined VS Code's consent prompt, or it could not be shown):
 *   kind 'consent', action 'retry' (sending again asks again).
 * - `Blocked` (quota used up, extension blocked): kind 'blocked', action 'chooseModel'.
 * - `NotFound` (the model went away): kind 'notFound', action 'chooseModel'.
 * - Anything else is read by its message (and its cause's): a context window overflow, a rate
 *   limit or a quota, cancellation; otherwise a generic provider error with the first line of
 *   the provider's message as the detail.
 */
export function toLanguageModelError(e: unknown, context: LanguageModelErrorContext): ModelError {
	if (e instanceof ModelError) {
		return e;
	}
	const model = context.model;
	const code = stringField(e, 'code');
	const name = stringField(e, 'name');
	const message = [stringField(e, 'message'), stringField(field(e, 'cause'), 'message'), typeof field(e, 'cause') === 'string' ? String(field(e, 'cause')) : undefined]
		.filter((m): m is string => m !== undefined && m.trim() !== '')
		.join(' — ');
	const detail = message ? redactSecrets(firstLine(message)).trim() || undefined : undefined;
	const extra = detail ? { detail } : {};

	if (name === 'Canceled' || name === 'AbortError' || code === 'Canceled' || /^canceled$/i.test(message.trim())) {
		return cancelledModelError();
	}
	if (code === 'NoPermissions') {
		return new ModelError('consent', l10n.t('Composio Agent is not allowed to use {0}: VS Code asked, and permission was not given. Send your message again and choose Allow, or choose another model.', model), {
			action: 'retry',
			...extra,
		});
	}
	if (code === 'Blocked') {
		return new ModelError('blocked', l10n.t('{0} is not available to Composio Agent right now, usually because a quota or rate limit was reached. Try again later, or choose another model.', model), {
			action: 'chooseModel',
			...extra,
		});
	}
	if (code === 'NotFound') {
		return new ModelError('notFound', l10n.t('{0} is no longer available in VS Code. Choose another model.', model), { action: 'chooseModel', ...extra });
	}
	if (isContextTooLong(message)) {
		return contextTooLongModelError(model, detail);
	}
	if (QUOTA.test(message)) {
		return new ModelError('blocked', l10n.t('You have used up your quota for {0}. Try again later, or choose another model.', model), { action: 'chooseModel', ...extra });
	}
	if (RATE_LIMITED.test(message)) {
		return new ModelError('rateLimited', l10n.t('{0} is limiting requests right now. Wait a moment and try again.', model), { action: 'retry', ...extra });
	}
	if (UNAVAILABLE.test(message)) {
		return new ModelError('unreachable', l10n.t('{0} is not ready yet. Try again in a moment.', model), { action: 'retry', ...extra });
	}
	return new ModelError('server', l10n.t('{0} reported an error while answering. Try again, or choose another model.', model), { action: 'retry', ...extra });
}

function field(value: unknown, key: string): unknown {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
	const v = field(value, key);
	return typeof v === 'string' ? v : undefined;
}

function firstLine(text: string): string {
	return text.split('\n', 1)[0] ?? '';
}
