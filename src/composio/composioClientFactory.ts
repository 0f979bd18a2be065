/**
 * Builds the Composio SDK client the rest of this layer uses: one per (API key, base URL),
 * constructed so it has no side effects inside the editor's host process (no telemetry, no
 * npm version check, no process handlers, no console output) and so everything the SDK logs
 * lands, redacted, in our Logger.
 *
 * How the logging is wired (the SDK 0.19 config has no `logger` option):
 * - the HTTP client's `logger` and `logLevel` are public, documented properties; each client we
 *   build gets an adapter that writes to our Logger (its per-request lines at debug/trace);
 * - the SDK's own messages go through the `logger` singleton exported by `@composio/core`,
 *   which writes to `console`. Its four methods are replaced, once, by ones that forward to the
 *   loggers registered with `routeSdkLogging` (and drop the line when none is registered).
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import { Composio, logger as sdkLogger } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import type { Disposable } from '../common/disposable';
import { tagRequests } from '../common/requestComponent';
import { endWithGeneration } from '../common/settingsGeneration';
import { COMPOSIO_MESSAGES, ComposioError, toComposioError } from './composioErrors';
import { describeError, RedactingLogger, type Logger } from '../common/logger';

/** The SDK client type this layer uses: Chat Completions tools from the OpenAI provider. */
export type ComposioSdk = Composio<OpenAIProvider>;

/** Options for the client factory. */
export interface ComposioClientFactoryOptions {
	readonly logger: Logger;
	/** Per-request timeout for the HTTP client. Default: the SDK's 60 s. */
	readonly requestTimeoutMs?: number;
	/** Retries of 408/409/429/5xx and connection errors, honouring retry-after. Default: the SDK's 2. */
	readonly maxRetries?: number;
}

type LogFn = (message: string, ...rest: unknown[]) => void;
type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Turns the SDK's log arguments into one line of text: strings as they are, errors with their stack, objects as JSON. */
function formatArgs(args: readonly unknown[]): string {
	return args
		.map((arg) => {
			if (typeof arg === 'string') {
				return arg;
			}
			if (arg instanceof Error) {
				return describeError(arg);
			}
			try {
				const json = JSON.stringify(arg);
				return json === undefined ? String(arg) : json.length > 4000 ? `${json.slice(0, 4000)}…` : json;
			} catch {
				return String(arg);
			}
		})
		.join(' ')
		.replace(ANSI, '');
}

function write(target: Logger, level: Level, text: string): void {
	switch (level) {
		case 'trace':
			target.trace(text);
			break;
		case 'debug':
			target.debug(text);
			break;
		case 'info':
			target.info(text);
			break;
		case 'warn':
			target.warn(text);
			break;
		case 'error':
			target.error(text);
			break;
	}
}

/**
 * The sinks, kept on the global object: every bundle that holds a copy of this module (the
 * extension's lazy bundles, each test file's bundle) routes the one SDK singleton's lines into
 * the same set, however many times it is bridged.
 */
const SINKS = Symbol.for('composio-agent.sdkLogSinks');
const sdkLogSinks: Set<Logger> = ((globalThis as { [SINKS]?: Set<Logger> })[SINKS] ??= new Set<Logger>());
let sdkLoggerBridged = false;

/** Replaces the SDK singleton logger's methods, once, with forwarders to the registered sinks. */
function bridgeSdkLogger(): void {
	if (sdkLoggerBridged) {
		return;
	}
	sdkLoggerBridged = true;
	const forward =
		(level: Level): ((...args: unknown[]) => void) =>
		(...args: unknown[]) => {
			if (sdkLogSinks.size === 0) {
				return;
			}
			const text = `[composio sdk] ${formatArgs(args)}`;
			for (const sink of sdkLogSinks) {
				try {
					write(sink, level, text);
				} catch {
					// A broken sink must not break an SDK call.
				}
			}
		};
	sdkLogger.error = forward('error');
	sdkLogger.warn = forward('warn');
	sdkLogger.info = forward('info');
	sdkLogger.debug = forward('debug');
}

/**
 * Routes what the Composio SDK logs through its singleton logger into `logger` (and silences
 * its console output for good). Dispose to stop routing to this logger.
 */
export function routeSdkLogging(logger: Logger): Disposable {
	bridgeSdkLogger();
	sdkLogSinks.add(logger);
	return { dispose: () => sdkLogSinks.delete(logger) };
}

/** An adapter from the HTTP client's logger shape to ours; its chatty per-request lines go one level down. */
function httpClientLogger(logger: Logger): { error: LogFn; warn: LogFn; info: LogFn; debug: LogFn } {
	const at =
		(level: Level): LogFn =>
		(message, ...rest) => {
			try {
				write(logger, level, `[composio http] ${formatArgs([message, ...rest])}`);
			} catch {
				// Logging must never fail a request.
			}
		};
	return { error: at('error'), warn: at('warn'), info: at('debug'), debug: at('trace') };
}

/** Clients kept at once; a key or base URL change leaves the old client unused, so keep only a few. */
const MAX_CLIENTS = 4;

function clientKey(apiKey: string, baseUrl: string): string {
	return `${baseUrl}\n${createHash('sha256').update(apiKey).digest('hex')}`;
}

/**
 * Hands out one Composio SDK client per (API key, base URL), built with
 * `allowTracking: false, disableVersionCheck: true` and the Chat Completions OpenAI provider,
 * its logging routed into the Logger with the key redacted. `get` throws a ComposioError
 * (kind `auth` for a missing key, `badRequest` for a base URL the SDK rejects).
 */
export class ComposioClientFactory implements Disposable {
	private readonly clients = new Map<string, ComposioSdk>();
	/** Each client's generation: aborted by `clear`, which ends every request the client has made or will make. */
	private readonly generations = new WeakMap<ComposioSdk, AbortController>();
	private readonly logger: RedactingLogger;
	private readonly routing: Disposable;

	constructor(private readonly options: ComposioClientFactoryOptions) {
		this.logger = new RedactingLogger(options.logger);
		this.routing = routeSdkLogging(this.logger);
	}

	/** The logger this factory writes to: the given one, redacting every key the factory has seen. */
	get redactingLogger(): RedactingLogger {
		return this.logger;
	}

	/** The client for this key and base URL, built on first use. */
	get(apiKey: string, baseUrl: string): ComposioSdk {
		if (!apiKey) {
			throw new ComposioError('auth', COMPOSIO_MESSAGES.noKey, { action: 'setComposioKey', detail: 'No Composio API key is set.' });
		}
		const key = clientKey(apiKey, baseUrl);
		const existing = this.clients.get(key);
		if (existing) {
			// Most recently used last, so the oldest is evicted first.
			this.clients.delete(key);
			this.clients.set(key, existing);
			return existing;
		}
		this.logger.addSecret(apiKey);
		let composio: ComposioSdk;
		try {
			composio = new Composio({
				apiKey,
				baseURL: baseUrl,
				provider: new OpenAIProvider(),
				allowTracking: false,
				disableVersionCheck: true,
			});
		} catch (e) {
			const err = toComposioError(e, { secrets: [apiKey] });
			this.logger.error(`Could not set up the Composio client for ${baseUrl}: ${err.detail}`);
			throw new ComposioError('badRequest', l10n.t('The Composio client could not be set up; check the Composio base URL.'), { action: 'openLogs', detail: err.detail });
		}
		const http = composio.getClient();
		const generation = new AbortController();
		endWithGeneration(http, generation.signal);
		tagRequests(http);
		this.generations.set(composio, generation);
		http.logger = httpClientLogger(this.logger);
		http.logLevel = 'debug';
		if (this.options.requestTimeoutMs !== undefined) {
			http.timeout = this.options.requestTimeoutMs;
		}
		if (this.options.maxRetries !== undefined) {
			http.maxRetries = this.options.maxRetries;
		}
		this.clients.set(key, composio);
		for (const oldest of this.clients.keys()) {
			if (this.clients.size <= MAX_CLIENTS) {
				break;
			}
			this.clients.delete(oldest);
		}
		this.logger.debug(`Composio client ready for ${baseUrl}.`);
		return composio;
	}

	/**
	 * The signal that aborts when `composio`'s settings are over (`clear`): waits and polls made
	 * with that client end with it. Never aborts for a client this factory did not build.
	 */
	signalOf(composio: ComposioSdk): AbortSignal {
		return this.generations.get(composio)?.signal ?? new AbortController().signal;
	}

	/**
	 * Forgets every client and ends its generation (after a key, endpoint, user or mode change):
	 * each request one of them has in flight is aborted, and none of them sends another, retries
	 * included. The next `get` builds afresh.
	 */
	clear(): void {
		for (const composio of this.clients.values()) {
			this.generations.get(composio)?.abort(new Error('The Composio settings changed.'));
		}
		this.clients.clear();
	}

	dispose(): void {
		this.clear();
		this.routing.dispose();
	}
}
