/**
 * Logging for the editor-agnostic core (agent/, composio/). `Logger` is the subset of VS Code's
 * `LogOutputChannel` the core uses, so the host passes its output channel straight in; tests
 * pass a recorder. What the Composio layer logs goes through `redact` first (see
 * `RedactingLogger`), so API keys never reach a log line.
 */

/** Where the core writes its log lines. A structural subset of `vscode.LogOutputChannel`. */
export interface Logger {
	trace(message: string): void;
	debug(message: string): void;
	info(message: string): void;
	warn(message: string): void;
	error(message: string | Error): void;
}

/** The text that stands in for a redacted secret. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not searched for: replacing one or two characters everywhere would shred the text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Header and field names whose values are credentials. A value after one of these is redacted
 * even when the secret itself is unknown here (e.g. a key echoed back by a server).
 */
const CREDENTIAL_NAMES = String.raw`x-api-key|api[_-]?key|apikey|authorization|bearer|access[_-]?token|refresh[_-]?token|client[_-]?secret|password|secret`;

/** `name: value`, `name=value`, `"name": "value"`, `'name': 'value'`, `Authorization: Bearer value`. */
const CREDENTIAL_PAIR = new RegExp(
	String.raw`((?:["']?)(?:${CREDENTIAL_NAMES})(?:["']?)\s*[:=]\s*(?:["']?)(?:Bearer\s+)?)([^\s"',;}&]+)`,
	'gi',
);

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every occurrence of each secret in `text` with `[REDACTED]`, and the value of any
 * credential-named field (`x-api-key: …`, `"api_key": "…"`, `Authorization: Bearer …`).
 * Longer secrets are replaced first so one secret containing another is still fully hidden.
 */
export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	const usable = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort(
		(a, b) => b.length - a.length,
	);
	for (const secret of usable) {
		out = out.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
		// A key may also appear URL-encoded (in a query string or a logged URL).
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) {
			out = out.replace(new RegExp(escapeRegExp(encoded), 'g'), REDACTED);
		}
	}
	return out.replace(CREDENTIAL_PAIR, (_match, prefix: string, value: string) => (value === REDACTED ? `${prefix}${value}` : `${prefix}${REDACTED}`));
}

/** A logger that drops everything; for callers that do not care. */
export const nullLogger: Logger = {
	trace: () => undefined,
	debug: () => undefined,
	info: () => undefined,
	warn: () => undefined,
	error: () => undefined,
};

/** Formats an Error for a log line: name, message and stack, without repeating the message. */
export function describeError(error: Error): string {
	const head = `${error.name}: ${error.message}`;
	const stack = error.stack ?? '';
	return stack.startsWith(head) ? stack : stack ? `${head}\n${stack}` : head;
}

/**
 * Wraps a logger so every line is redacted against a changing set of secrets before it is
 * written. Errors are logged as redacted text (message and stack), never as objects.
 */
export class RedactingLogger implements Logger {
	private readonly secrets = new Set<string>();

	constructor(private readonly inner: Logger) {}

	/** Adds a secret to hide from now on. Returns a function that stops hiding it. */
	addSecret(secret: string): () => void {
		if (!secret) {
			return () => undefined;
		}
		this.secrets.add(secret);
		return () => this.secrets.delete(secret);
	}

	private clean(message: string): string {
		return redact(message, [...this.secrets]);
	}

	trace(message: string): void {
		this.inner.trace(this.clean(message));
	}

	debug(message: string): void {
		this.inner.debug(this.clean(message));
	}

	info(message: string): void {
		this.inner.info(this.clean(message));
	}

	warn(message: string): void {
		this.inner.warn(this.clean(message));
	}

	error(message: string | Error): void {
		this.inner.error(this.clean(typeof message === 'string' ? message : describeError(message)));
	}
}
