/**
 * One error type for everything that goes wrong talking to Composio. The SDK throws a mix of
 * HTTP client errors (with `.status` and the parsed body), its own `ComposioError`s (with
 * `.code`), fetch and JSON errors; `toComposioError` turns any of them into a `ComposioError`
 * whose message is short plain text safe to show, whose `action` tells the UI what to offer,
 * and whose `detail` is the redacted story for the log.
 */
import * as l10n from '@vscode/l10n';
import { redact } from '../common/logger';
import { isRecord } from '../common/isRecord';

/** What went wrong, coarsely enough for the UI to pick a response. */
export type ComposioErrorKind =
	| 'auth'
	| 'forbidden'
	| 'unknownToolkit'
	| 'notFound'
	| 'rateLimited'
	| 'unreachable'
	| 'server'
	| 'badRequest'
	| 'conflict'
	| 'cancelled'
	| 'timeout';

/** What the UI can offer the user next. */
export type ComposioErrorAction = 'setComposioKey' | 'retry' | 'openLogs';

/** Options for constructing a ComposioError. */
export interface ComposioErrorOptions {
	readonly action?: ComposioErrorAction;
	/** For the log: status, codes, request id, the underlying messages. Redacted. */
	readonly detail?: string;
	/** The HTTP status, when there was one. */
	readonly status?: number;
}

/** Marks every ComposioError, whichever copy of this module made it (see `Symbol.hasInstance` below). */
const COMPOSIO_ERROR = Symbol.for('composio-agent.ComposioError');

/**
 * A failure talking to Composio. `message` is plain text for the user (never JSON, a stack or a
 * key); `detail` is for the log; `action` is what to offer (set the key, retry, open the logs).
 */
export class ComposioError extends Error {
	/**
	 * The extension runs as several bundles (activation, Composio, agent; see esbuild.mjs), each
	 * with its own copy of this class: one made in the Composio bundle must still be a
	 * ComposioError to the views in the activation bundle, so `instanceof` checks a shared mark.
	 */
	static override [Symbol.hasInstance](value: unknown): value is ComposioError {
		return typeof value === 'object' && value !== null && (value as { [COMPOSIO_ERROR]?: unknown })[COMPOSIO_ERROR] === true;
	}

	override readonly name = 'ComposioError';
	readonly kind: ComposioErrorKind;
	readonly action?: ComposioErrorAction;
	readonly detail: string;
	readonly status?: number;

	constructor(kind: ComposioErrorKind, message: string, options: ComposioErrorOptions = {}) {
		super(message);
		Object.defineProperty(this, COMPOSIO_ERROR, { value: true });
		this.kind = kind;
		this.action = options.action;
		this.detail = options.detail ?? message;
		this.status = options.status;
	}
}

/** Context that sharpens a message: the toolkit the call was about, and secrets to redact. */
export interface ComposioErrorContext {
	readonly toolkit?: string;
	/** Values (API keys) that must not appear in the message or the detail. */
	readonly secrets?: readonly string[];
}

/** The user-facing message for each kind that has a fixed one (worded when read, in the display language). */
export const COMPOSIO_MESSAGES = {
	get auth(): string {
		return l10n.t('Composio rejected the API key.');
	},
	get noKey(): string {
		return l10n.t('No Composio API key is set.');
	},
	get rateLimited(): string {
		return l10n.t('Composio is rate-limiting requests; try again in a moment.');
	},
	get unreachable(): string {
		return l10n.t('Composio is unreachable.');
	},
	get cancelled(): string {
		return l10n.t('The request to Composio was cancelled.');
	},
	get unexpected(): string {
		return l10n.t('Something went wrong talking to Composio.');
	},
};

const MAX_SHOWN_TEXT = 300;

function stringField(record: Record<string, unknown>, key: string): string | undefined {
	const v = record[key];
	return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/**
 * Makes server-supplied text fit to show: one line, no control characters, bounded, redacted;
 * nothing at all if it looks like JSON or a stack trace.
 */
export function plainText(text: string | undefined, secrets: readonly string[] = []): string | undefined {
	if (!text) {
		return undefined;
	}
	// eslint-disable-next-line no-control-regex
	let t = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
	if (!t || /^[[{]/.test(t) || /\bat\s+\S+\s+\(.*:\d+:\d+\)/.test(t)) {
		return undefined;
	}
	t = redact(t, secrets);
	if (t.length > MAX_SHOWN_TEXT) {
		t = `${t.slice(0, MAX_SHOWN_TEXT - 1)}…`;
	}
	return t;
}

/** The fields of Composio's wire error body `{error: {message, code, slug, status, request_id, suggested_fix}}`. */
interface WireError {
	readonly message?: string;
	readonly code?: string;
	readonly slug?: string;
	readonly requestId?: string;
	readonly suggestedFix?: string;
}

function readWireError(body: unknown): WireError {
	if (!isRecord(body)) {
		return {};
	}
	const inner = isRecord(body.error) ? body.error : body;
	const code = inner.code;
	return {
		message: stringField(inner, 'message'),
		code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
		slug: stringField(inner, 'slug'),
		requestId: stringField(inner, 'request_id'),
		suggestedFix: stringField(inner, 'suggested_fix'),
	};
}

/** What we could learn from an error and its causes. */
interface Facts {
	status?: number;
	wire: WireError;
	sdkCode?: string;
	names: string[];
	messages: string[];
	connectionLevel: boolean;
	timedOut: boolean;
	aborted: boolean;
	malformed: boolean;
	validation: boolean;
	/** Seconds the server asked to wait (`retry-after-ms` / `retry-after` on an HTTP error). */
	retryAfterSeconds?: number;
}

/** The wait a `retry-after-ms` or `retry-after` (seconds) header asks for, from a fetch `Headers` or a plain record. */
function retryAfterFrom(headers: unknown): number | undefined {
	const read = (name: string): string | undefined => {
		if (typeof headers !== 'object' || headers === null) {
			return undefined;
		}
		const get = (headers as { get?: unknown }).get;
		if (typeof get === 'function') {
			const v: unknown = get.call(headers, name);
			return typeof v === 'string' ? v : undefined;
		}
		const v = (headers as Record<string, unknown>)[name];
		return typeof v === 'string' ? v : undefined;
	};
	const ms = Number(read('retry-after-ms'));
	if (read('retry-after-ms') !== undefined && Number.isFinite(ms) && ms > 0) {
		return Math.ceil(ms / 1000);
	}
	const seconds = Number(read('retry-after'));
	return read('retry-after') !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function gatherFacts(e: unknown): Facts {
	const facts: Facts = {
		wire: {},
		names: [],
		messages: [],
		connectionLevel: false,
		timedOut: false,
		aborted: false,
		malformed: false,
		validation: false,
	};
	let current: unknown = e;
	for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
		if (typeof current !== 'object') {
			facts.messages.push(typeof current === 'string' ? current : JSON.stringify(current) ?? typeof current);
			break;
		}
		const rec = current as Record<string, unknown>;
		// Class names survive in development builds; minified builds fall back on messages and fields.
		const ctor = (current as { constructor?: unknown }).constructor;
		const ctorName = typeof ctor === 'function' ? ctor.name : '';
		const name = typeof rec.name === 'string' ? rec.name : '';
		const message = typeof rec.message === 'string' ? rec.message : '';
		facts.names.push(name, ctorName);
		if (message) {
			facts.messages.push(message);
		}
		// The HTTP client's APIError: numeric status, the parsed body in `.error`, headers.
		if (facts.status === undefined && typeof rec.status === 'number') {
			facts.status = rec.status;
			facts.wire = readWireError(rec.error);
			facts.retryAfterSeconds = retryAfterFrom(rec.headers);
		}
		// The SDK's own ComposioError: `.code` like 'TS-SDK::REQUEST_CANCELLED', maybe `.statusCode`.
		if (facts.sdkCode === undefined && typeof rec.code === 'string' && rec.code.startsWith('TS-SDK::')) {
			facts.sdkCode = rec.code.slice('TS-SDK::'.length);
		}
		if (facts.status === undefined && typeof rec.statusCode === 'number') {
			facts.status = rec.statusCode;
		}
		// The HTTP client's connection-level errors have neither status nor headers.
		if (
			ctorName === 'APIConnectionError' ||
			ctorName === 'APIConnectionTimeoutError' ||
			(('status' in rec || 'headers' in rec) && rec.status === undefined && rec.headers === undefined && /^(Connection error\.|Request timed out\.)$/.test(message))
		) {
			facts.connectionLevel = true;
		}
		if (ctorName === 'APIConnectionTimeoutError' || name === 'TimeoutError' || message === 'Request timed out.' || (typeof rec.code === 'string' && TIMEOUT_CODES.has(rec.code))) {
			facts.timedOut = true;
		}
		if (ctorName === 'APIUserAbortError' || name === 'AbortError' || name === 'APIUserAbortError' || message === 'Request was aborted.') {
			facts.aborted = true;
		}
		if (name === 'SyntaxError' || name === 'ZodError' || ctorName === 'ZodError') {
			facts.malformed = true;
		}
		if (name === 'ValidationError') {
			facts.validation = true;
		}
		if (typeof rec.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(rec.code)) {
			facts.connectionLevel = true;
		}
		current = rec.cause;
	}
	return facts;
}

function describeFacts(facts: Facts, secrets: readonly string[]): string {
	const parts: string[] = [];
	if (facts.status !== undefined) {
		parts.push(`HTTP ${facts.status}`);
	}
	if (facts.sdkCode) {
		parts.push(`sdk code ${facts.sdkCode}`);
	}
	if (facts.wire.code || facts.wire.slug) {
		parts.push(`code ${[facts.wire.code, facts.wire.slug].filter(Boolean).join('/')}`);
	}
	if (facts.wire.requestId) {
		parts.push(`request ${facts.wire.requestId}`);
	}
	const msgs = [...new Set(facts.messages)].map((m) => m.replace(/\s+/g, ' ').slice(0, 1000));
	if (msgs.length > 0) {
		parts.push(msgs.join(' <- '));
	}
	return redact(parts.join('; '), secrets);
}

const TOOLKIT_NOT_FOUND = /toolkit[s]?\b.*\b(not found|unknown|does not exist|doesn't exist|invalid|not supported)|\b(unknown|invalid) toolkit|toolkit_?not_?found/i;

/** Pulls a quoted or slug-like toolkit name out of a server message such as "Toolkit 'foo' not found". */
function toolkitFromMessage(message: string | undefined): string | undefined {
	if (!message) {
		return undefined;
	}
	const quoted = /toolkits?\s*[:=]?\s*["'`‘“]([A-Za-z0-9_-]+)["'`’”]/i.exec(message) ?? /["'`‘“]([A-Za-z0-9_-]+)["'`’”]/.exec(message);
	if (quoted?.[1]) {
		return quoted[1];
	}
	const bare = /toolkits?\s*[:=]?\s*([a-z0-9_-]+)\b/i.exec(message);
	const word = bare?.[1];
	return word && !/^(not|is|was|does|unknown|invalid|found)$/i.test(word) ? word : undefined;
}

function withServerText(base: string, wire: WireError, secrets: readonly string[]): string {
	const extra = [plainText(wire.message, secrets), plainText(wire.suggestedFix, secrets)].filter(
		(t): t is string => t !== undefined && t !== base,
	);
	return extra.length > 0 ? `${base} ${extra.map((t) => (/[.!?…]$/.test(t) ? t : `${t}.`)).join(' ')}` : base;
}

/** Why Composio refused an execute: no such tool (its code 4301), no active connection (4302), a toolkit the session does not allow (4324). */
export type ToolRefusalKind = 'toolNotFound' | 'notConnected' | 'toolkitNotAllowed';
const TOOL_REFUSALS: ReadonlyMap<string, ToolRefusalKind> = new Map([['4301', 'toolNotFound'], ['4302', 'notConnected'], ['4324', 'toolkitNotAllowed'], ['ToolRouterV2_ToolNotFound', 'toolNotFound'], ['ToolRouterV2_NoActiveConnection', 'notConnected'], ['ToolRouterV2_ToolkitNotAllowed', 'toolkitNotAllowed']]);

/**
 * An execute Composio refused with HTTP 400 for a reason the model can act on: why, and its
 * message, redacted; undefined for any other failure. Such a refusal is the tool's answer.
 */
export function toolRefusal(e: unknown, secrets: readonly string[] = []): { readonly kind: ToolRefusalKind; readonly message: string } | undefined {
	const { status, wire } = e instanceof ComposioError ? { status: undefined, wire: {} as WireError } : gatherFacts(e);
	const kind = status === 400 ? (TOOL_REFUSALS.get(wire.code ?? '') ?? TOOL_REFUSALS.get(wire.slug ?? '')) : undefined;
	return kind ? { kind, message: plainText(wire.message, secrets) ?? kind } : undefined;
}

/**
 * Turns anything thrown while talking to Composio into a `ComposioError`. Already-converted
 * errors pass through unchanged. Never throws. The message is safe to show; the detail is for
 * the log; both are redacted against `context.secrets` and credential-looking fields.
 */
export function toComposioError(e: unknown, context: ComposioErrorContext = {}): ComposioError {
	if (e instanceof ComposioError) {
		return e;
	}
	const secrets = context.secrets ?? [];
	const facts = gatherFacts(e);
	const detail = describeFacts(facts, secrets);
	const { status, wire } = facts;
	const sdkCode = facts.sdkCode;
	const serverText = [wire.message, wire.slug, wire.code].filter(Boolean).join(' ');

	if (sdkCode === 'REQUEST_CANCELLED' || facts.aborted) {
		return new ComposioError('cancelled', COMPOSIO_MESSAGES.cancelled, { detail });
	}
	if (sdkCode === 'NO_API_KEY_PROVIDED') {
		return new ComposioError('auth', COMPOSIO_MESSAGES.noKey, { action: 'setComposioKey', detail, status: 401 });
	}
	if (sdkCode === 'TOOLKIT_NOT_FOUND' || (status !== undefined && (status === 404 || status === 400 || status === 422) && TOOLKIT_NOT_FOUND.test(serverText))) {
		const name = toolkitFromMessage(wire.message) ?? context.toolkit;
		const message = name ? l10n.t('Composio doesn\'t know the toolkit "{0}".', plainText(name, secrets) ?? name) : l10n.t("Composio doesn't know that toolkit.");
		return new ComposioError('unknownToolkit', message, { detail, status });
	}
	if (status !== undefined) {
		if (status === 401) {
			return new ComposioError('auth', COMPOSIO_MESSAGES.auth, { action: 'setComposioKey', detail, status });
		}
		if (status === 403) {
			return new ComposioError('forbidden', COMPOSIO_MESSAGES.auth, { action: 'setComposioKey', detail, status });
		}
		if (status === 429) {
			const wait = facts.retryAfterSeconds;
			// The SDK has already waited and retried; say how long Composio asked for, when it did.
			const message =
				wait === undefined
					? COMPOSIO_MESSAGES.rateLimited
					: wait === 1
						? l10n.t('Composio is rate-limiting requests; try again in 1 second.')
						: l10n.t('Composio is rate-limiting requests; try again in {0} seconds.', wait);
			return new ComposioError('rateLimited', message, { action: 'retry', detail, status });
		}
		if (status >= 500) {
			return new ComposioError('server', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail, status });
		}
		if (status === 404) {
			return new ComposioError('notFound', withServerText(l10n.t('Composio could not find that.'), wire, secrets), { detail, status });
		}
		if (status === 409) {
			return new ComposioError('conflict', withServerText(l10n.t('Composio reported a conflict.'), wire, secrets), { detail, status });
		}
		if (status === 408) {
			return new ComposioError('timeout', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail, status });
		}
		if (status >= 400) {
			return new ComposioError('badRequest', withServerText(l10n.t('Composio did not accept the request.'), wire, secrets), { action: 'openLogs', detail, status });
		}
	}
	if (sdkCode === 'CONNECTED_ACCOUNT_NOT_FOUND') {
		return new ComposioError('notFound', l10n.t('Composio could not find that connected account.'), { detail, status: 404 });
	}
	if (facts.timedOut) {
		return new ComposioError('timeout', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail });
	}
	if (facts.connectionLevel) {
		return new ComposioError('unreachable', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail });
	}
	if (facts.malformed) {
		// The server answered, but not with anything we could read.
		return new ComposioError('server', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail });
	}
	if (facts.validation) {
		return new ComposioError('badRequest', l10n.t('Composio did not accept the request.'), { action: 'openLogs', detail });
	}
	if (facts.names.includes('TypeError') && facts.messages.some((m) => /fetch failed|network|socket/i.test(m))) {
		return new ComposioError('unreachable', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail });
	}
	return new ComposioError('server', COMPOSIO_MESSAGES.unexpected, { action: 'openLogs', detail });
}
