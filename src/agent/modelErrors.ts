/** What went wrong with a model call, coarse enough for the UI to pick a remedy. */
import * as l10n from '@vscode/l10n';
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

/** Marks every ModelError, whichever copy of this module made it (see `Symbol.hasInstance` below). */
const MODEL_ERROR = Symbol.for('composio-agent.ModelError');

/**
 * A failed model call. `message` is a plain sentence meant for the user: no JSON, no stack,
 * never an API key. `kind` says what happened and `action` which remedy fits.
 */
export class ModelError extends Error {
	/**
	 * The extension runs as several bundles (see esbuild.mjs): one made by the OpenAI client's
	 * bundle must still be a ModelError to the agent loop's, so `instanceof` checks a shared mark.
	 */
	static override [Symbol.hasInstance](value: unknown): value is ModelError {
		return typeof value === 'object' && value !== null && (value as { [MODEL_ERROR]?: unknown })[MODEL_ERROR] === true;
	}

	readonly kind: ModelErrorKind;
	readonly action?: ModelErrorAction;
	readonly detail?: string;
	readonly status?: number;

	constructor(kind: ModelErrorKind, message: string, options: ModelErrorOptions = {}) {
		super(message);
		Object.defineProperty(this, MODEL_ERROR, { value: true });
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

/** The error for a call the user (or the host) aborted. */
export function cancelledModelError(): ModelError {
	return new ModelError('cancelled', l10n.t('The request was cancelled.'));
}

/** The error for a reply that stopped before the model said it had finished. */
export function streamCutModelError(detail?: string): ModelError {
	return new ModelError('streamCut', l10n.t("The model's reply was cut off before it finished. Try again."), {
		action: 'retry',
		...(detail ? { detail } : {}),
	});
}

const CONTEXT_TOO_LONG = /context.?(length|window)|maximum context|too many tokens|prompt (is )?too long|input (is )?too (long|large)|request too large|exceeds? (the )?(model'?s? )?(token|context|input)|tokens? (limit|count).{0,40}exceed|reduce the length/i;

/** True when a provider's message or code says the request did not fit the model's context window. */
export function isContextTooLong(message: string | undefined, code?: string): boolean {
	return code === 'context_length_exceeded' || code === 'string_above_max_length' || (message !== undefined && CONTEXT_TOO_LONG.test(message));
}

/** The error for a conversation that does not fit the model's input limit, even after leaving out earlier parts. */
export function contextTooLongModelError(model?: string, detail?: string): ModelError {
	const message = model
		? l10n.t("This conversation is too long for {0}'s context window, even with earlier parts left out. Start a new chat, shorten your message, or choose a model with a larger window.", model)
		: l10n.t("This conversation is too long for the model's context window, even with earlier parts left out. Start a new chat, shorten your message, or choose a model with a larger window.");
	return new ModelError('contextTooLong', message, {
		action: 'chooseModel',
		...(detail ? { detail } : {}),
	});
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
