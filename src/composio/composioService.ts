/**
 * Composio sessions and connections for one user: `composio.create(userId, options)` once per
 * (user, key, base URL, options), then everything through that session (tools, execute,
 * toolkits, authorize) or through the connected-accounts API scoped to the same user.
 * Every failure surfaces as a `ComposioError` (see composioErrors.ts); keys never reach
 * messages or logs.
 */
import { createHash } from 'node:crypto';
import { ToolRouterSession } from '@composio/core';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Disposable } from '../common/disposable';
import { ComposioClientFactory, type ComposioSdk } from './composioClientFactory';
import { COMPOSIO_MESSAGES, ComposioError, toComposioError } from './composioErrors';
import { nullLogger, type Logger } from '../common/logger';
import type { ComposioSettings } from './settings';
import { isRecord } from '../common/isRecord';

/** Every state a connected account can be in. */
export type ConnectionStatus = 'INITIALIZING' | 'INITIATED' | 'ACTIVE' | 'FAILED' | 'EXPIRED' | 'INACTIVE' | 'REVOKED';

const CONNECTION_STATUSES: readonly ConnectionStatus[] = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED'];

/** How waiting for a connection ended. */
export type ConnectionOutcome =
	| { readonly status: 'ACTIVE' }
	| { readonly status: 'FAILED' | 'EXPIRED' | 'REVOKED'; readonly reason?: string }
	| { readonly status: 'TIMEOUT' };

/** A toolkit as the session sees it, with its connection for this user. */
export interface ToolkitStatus {
	readonly slug: string;
	readonly name: string;
	readonly logo?: string;
	readonly isNoAuth: boolean;
	/** True when an ACTIVE account backs the toolkit, or when it needs no auth at all. */
	readonly connected: boolean;
	readonly accountId?: string;
	readonly accountStatus?: ConnectionStatus;
	readonly authConfigId?: string;
	readonly isComposioManaged?: boolean;
}

/** A Connect Link for the user to open, and the account it will create. */
export interface ConnectRequest {
	readonly accountId: string;
	readonly redirectUrl: string;
	readonly toolkit: string;
	/** For a reconnect: the account this one replaces (deleted once the new one is ACTIVE). */
	readonly replacesAccountId?: string;
}

/** One of the user's connected accounts. */
export interface ConnectedAccount {
	readonly id: string;
	readonly toolkit: string;
	readonly alias?: string;
	readonly status: ConnectionStatus;
	readonly statusReason?: string;
	readonly disabled: boolean;
	readonly createdAt: string;
	readonly authConfigId?: string;
}

/** What a tool execution returned. `error` is the tool's own error text (HTTP 200), not a transport failure. */
export interface ToolExecutionResult {
	readonly data: unknown;
	readonly error: string | null;
	readonly logId?: string;
}

/** The MCP endpoint of a session. `headers` may hold the API key: never log or show them. */
export interface McpEndpoint {
	readonly url: string;
	readonly headers: Readonly<Record<string, string>>;
}

/** Options for waiting on a connection. */
export interface WaitForConnectionOptions {
	/** Aborting rejects the wait with a ComposioError of kind 'cancelled', promptly. */
	readonly signal: AbortSignal;
	/** Give up (outcome TIMEOUT) after this long. Default 10 minutes, the life of a Connect Link. */
	readonly timeoutMs?: number;
	/** Time between checks. Default 2 s. */
	readonly intervalMs?: number;
	/** Called with the first status seen and with each change after it. */
	readonly onStatus?: (status: ConnectionStatus) => void;
}

/** The status of one account at one moment. */
export interface ConnectionCheck {
	readonly status: ConnectionStatus;
	readonly reason?: string;
}

/** A Composio session for one user, and the connection management around it. */
export interface ToolSession {
	readonly sessionId: string;
	readonly userId: string;
	readonly mcp: McpEndpoint;
	/** The session's tools in Chat Completions form. Fetched once per session; concurrent calls share the request. */
	tools(): Promise<ChatCompletionTool[]>;
	/** Composio's tags for a tool of the session (e.g. `readOnlyHint`, `destructiveHint`), once `tools()` has resolved; undefined when unknown. */
	toolTags(toolSlug: string): readonly string[] | undefined;
	/** Runs a tool through the session. Transport failures throw ComposioError; the tool's own failure is in `error`. */
	execute(toolSlug: string, args: Record<string, unknown>, options?: { account?: string; signal?: AbortSignal }): Promise<ToolExecutionResult>;
	/** Every toolkit the session can use, all pages, with this user's connection state. */
	toolkits(): Promise<ToolkitStatus[]>;
	/** Starts a Connect Link flow for a toolkit. */
	authorize(toolkit: string, options?: { alias?: string; callbackUrl?: string }): Promise<ConnectRequest>;
	/** Polls an account until it is ACTIVE, fails, expires, is revoked, or time runs out. */
	waitForConnection(accountId: string, options: WaitForConnectionOptions): Promise<ConnectionOutcome>;
	/** One check of an account (for when the user says "done"). */
	connectionStatus(accountId: string): Promise<ConnectionCheck>;
	/** The user's connected accounts, all pages, optionally for one toolkit. */
	listAccounts(toolkit?: string): Promise<ConnectedAccount[]>;
	/** Deletes an account for good. */
	disconnect(accountId: string): Promise<void>;
	/** Disables (INACTIVE) or re-enables an account without deleting it. */
	setEnabled(accountId: string, enabled: boolean): Promise<void>;
	/** A fresh Connect Link to replace an EXPIRED, FAILED, REVOKED or abandoned account; see the class doc. */
	reconnect(accountId: string, options?: { callbackUrl?: string }): Promise<ConnectRequest>;
}

/** Options for ComposioService. */
export interface ComposioServiceOptions {
	/** Where to log when no clientFactory is given (a given factory brings its own logger). */
	readonly logger?: Logger;
	/** Shared client factory; one is made (and disposed with the service) when omitted. */
	readonly clientFactory?: ComposioClientFactory;
	/** Default poll interval for waitForConnection. */
	readonly pollIntervalMs?: number;
	/** Page size asked for when listing toolkits and accounts. Default: the server's. */
	readonly pageSize?: number;
}

const DEFAULT_WAIT_MS = 10 * 60 * 1000;
const DEFAULT_POLL_MS = 2000;
/** Consecutive transient failures tolerated while waiting before giving up. */
const MAX_POLL_FAILURES = 5;
const MAX_PAGES = 100;

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function toStatus(value: unknown): ConnectionStatus | undefined {
	return CONNECTION_STATUSES.find((s) => s === value);
}

/** Rejects at once when the signal aborts; otherwise settles like `promise`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, message: string = COMPOSIO_MESSAGES.cancelled): Promise<T> {
	if (!signal) {
		return promise;
	}
	if (signal.aborted) {
		promise.catch(() => undefined);
		return Promise.reject(cancelledError(message));
	}
	return new Promise<T>((resolve, reject) => {
		const onAbort = (): void => {
			promise.catch(() => undefined);
			reject(cancelledError(message));
		};
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(v) => {
				signal.removeEventListener('abort', onAbort);
				resolve(v);
			},
			(e: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(e instanceof Error ? e : new Error(String(e)));
			},
		);
	});
}

const WAIT_CANCELLED = 'Waiting for the connection was cancelled.';

function cancelledError(message: string): ComposioError {
	return new ComposioError('cancelled', message, { detail: 'cancelled by the caller' });
}

/**
 * Runs `fn` with a child of `signal` that lives only for this call. The SDK's HTTP client
 * adds an abort listener to the signal of every request and never removes it, so handing it a
 * long-lived signal (a 10-minute wait polling every 2 s, or a chat turn) would pile them up.
 */
async function withChildSignal<T>(signal: AbortSignal | undefined, fn: (child: AbortSignal | undefined) => Promise<T>): Promise<T> {
	if (!signal) {
		return fn(undefined);
	}
	const child = new AbortController();
	const onAbort = (): void => child.abort(signal.reason);
	if (signal.aborted) {
		child.abort(signal.reason);
	} else {
		signal.addEventListener('abort', onAbort, { once: true });
	}
	try {
		return await fn(child.signal);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Waits `ms`, or rejects with `cancelled` as soon as the signal aborts. Leaves no listener behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
	if (signal.aborted) {
		return Promise.reject(cancelledError(WAIT_CANCELLED));
	}
	return new Promise<void>((resolve, reject) => {
		const onAbort = (): void => {
			clearTimeout(timer);
			reject(cancelledError(WAIT_CANCELLED));
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/** Reads a connected account as returned (camelCased) by the SDK; the SDK passes malformed items through, so check everything. */
function readAccount(value: unknown): ConnectedAccount {
	if (!isRecord(value)) {
		throw new ComposioError('server', 'Composio is unreachable.', { action: 'retry', detail: 'a connected account in the response was not an object' });
	}
	const id = str(value.id);
	const status = toStatus(value.status);
	if (!id || !status) {
		throw new ComposioError('server', 'Composio is unreachable.', {
			action: 'retry',
			detail: `a connected account in the response lacked an id or a known status (${String(value.status)})`,
		});
	}
	const toolkit = isRecord(value.toolkit) ? str(value.toolkit.slug) : str(value.toolkit);
	const authConfig = isRecord(value.authConfig) ? value.authConfig : isRecord(value.auth_config) ? value.auth_config : undefined;
	const alias = str(value.alias);
	const reason = str(value.statusReason) ?? str(value.status_reason);
	const authConfigId = authConfig ? str(authConfig.id) : undefined;
	const disabled = value.isDisabled ?? value.is_disabled;
	return {
		id,
		toolkit: toolkit ?? 'unknown',
		...(alias ? { alias } : {}),
		status,
		...(reason ? { statusReason: reason } : {}),
		disabled: disabled === true,
		createdAt: str(value.createdAt) ?? str(value.created_at) ?? '',
		...(authConfigId ? { authConfigId } : {}),
	};
}

function readToolkit(value: unknown): ToolkitStatus | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const slug = str(value.slug);
	if (!slug) {
		return undefined;
	}
	const isNoAuth = value.isNoAuth === true;
	const connection = isRecord(value.connection) ? value.connection : undefined;
	const account = connection && isRecord(connection.connectedAccount) ? connection.connectedAccount : undefined;
	const authConfig = connection && isRecord(connection.authConfig) ? connection.authConfig : undefined;
	const accountId = account ? str(account.id) : undefined;
	const accountStatus = account ? toStatus(account.status) : undefined;
	const authConfigId = authConfig ? str(authConfig.id) : undefined;
	const logo = str(value.logo);
	return {
		slug,
		name: str(value.name) ?? slug,
		...(logo ? { logo } : {}),
		isNoAuth,
		connected: isNoAuth || connection?.isActive === true,
		...(accountId ? { accountId } : {}),
		...(accountStatus ? { accountStatus } : {}),
		...(authConfigId ? { authConfigId } : {}),
		...(authConfig && typeof authConfig.isComposioManaged === 'boolean' ? { isComposioManaged: authConfig.isComposioManaged } : {}),
	};
}

function createSdkSession(composio: ComposioSdk, userId: string, settings: ComposioSettings) {
	return composio.create(userId, {
		...(settings.toolkits.length > 0 ? { toolkits: [...settings.toolkits] } : {}),
		...(Object.keys(settings.authConfigs).length > 0 ? { authConfigs: { ...settings.authConfigs } } : {}),
		...(settings.multiAccount ? { multiAccount: { enable: true } } : {}),
		manageConnections: true,
		// Types `session.mcp` (present on every session); sends nothing extra.
		mcp: true,
	});
}

type SdkSession = Awaited<ReturnType<typeof createSdkSession>>;

/** A pending reconnect: the account being replaced, and the alias to move onto the new one if it could not be set up front. */
interface Replacement {
	readonly oldAccountId: string;
	readonly aliasToRestore?: string;
}

/**
 * Holds the current Composio session and hands it out. `getSession` creates
 * `composio.create(userId, {toolkits, authConfigs, multiAccount, manageConnections: true})` once
 * per (user id, API key, base URL, options) and returns the same ToolSession for every call
 * until one of those changes; concurrent callers share one in-flight creation; a failed
 * creation is not kept, so the next call tries again.
 */
export class ComposioService implements Disposable {
	private current: { key: string; promise: Promise<ComposioToolSession>; session?: ComposioToolSession } | undefined;
	private readonly logger: Logger;
	private readonly factory: ComposioClientFactory;
	private readonly ownsFactory: boolean;
	/** New account id → the reconnect it completes. Account ids are global, so this outlives sessions. */
	private readonly replacements = new Map<string, Replacement>();

	constructor(private readonly options: ComposioServiceOptions = {}) {
		this.ownsFactory = options.clientFactory === undefined;
		this.factory = options.clientFactory ?? new ComposioClientFactory({ logger: options.logger ?? nullLogger });
		// Everything logged here is redacted against every key the factory has seen.
		this.logger = this.factory.redactingLogger;
	}

	/**
	 * The session for this user and settings. Throws ComposioError: `auth` when no key is set,
	 * `badRequest` for an empty user id, or whatever creating the session failed with.
	 */
	getSession(userId: string, settings: ComposioSettings): Promise<ToolSession> {
		if (!settings.apiKey) {
			return Promise.reject(new ComposioError('auth', 'No Composio API key is set.', { action: 'setComposioKey', detail: 'No Composio API key is set.' }));
		}
		if (!userId) {
			return Promise.reject(new ComposioError('badRequest', 'No user id is set for Composio.', { action: 'openLogs', detail: 'empty user id' }));
		}
		const key = sessionKey(userId, settings);
		if (this.current?.key === key) {
			return this.current.promise;
		}
		const promise = this.createSession(userId, settings);
		const entry: { key: string; promise: Promise<ComposioToolSession>; session?: ComposioToolSession } = { key, promise };
		this.current = entry;
		promise.then(
			(session) => {
				entry.session = session;
			},
			() => {
				if (this.current === entry) {
					this.current = undefined;
				}
			},
		);
		return promise;
	}

	/** Forgets the current session (user id or key changed, or the user asked); the next getSession creates one. */
	dropSessions(): void {
		if (this.current) {
			this.logger.debug('Dropping the Composio session.');
		}
		this.current = undefined;
	}

	dispose(): void {
		this.current = undefined;
		if (this.ownsFactory) {
			this.factory.dispose();
		}
	}

	private async createSession(userId: string, settings: ComposioSettings): Promise<ComposioToolSession> {
		const secrets = [settings.apiKey];
		let composio: ComposioSdk;
		try {
			composio = this.factory.get(settings.apiKey, settings.baseUrl);
		} catch (e) {
			throw toComposioError(e, { secrets });
		}
		const scope = settings.toolkits.length > 0 ? settings.toolkits.join(', ') : 'all toolkits';
		this.logger.debug(`Creating a Composio session (${scope}${settings.multiAccount ? ', multi-account' : ''}).`);
		let sdkSession: SdkSession;
		try {
			sdkSession = await createSdkSession(composio, userId, settings);
		} catch (e) {
			const err = toComposioError(e, { secrets });
			this.logger.warn(`Creating the Composio session failed: ${err.detail}`);
			throw err;
		}
		this.logger.info(`Composio session ${sdkSession.sessionId} created.`);
		return new ComposioToolSession(composio, sdkSession, userId, {
			logger: this.logger,
			secrets,
			replacements: this.replacements,
			pollIntervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_MS,
			...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
			onSessionLost: (lost) => this.forget(lost),
		});
	}

	/** Drops the current session if it is `lost`. */
	private forget(lost: ComposioToolSession): void {
		if (this.current?.session === lost) {
			this.logger.info(`Composio session ${lost.sessionId} is gone; a new one will be created.`);
			this.current = undefined;
		}
	}
}

function sessionKey(userId: string, settings: ComposioSettings): string {
	const options = {
		toolkits: [...settings.toolkits].sort(),
		authConfigs: Object.entries(settings.authConfigs).sort(([a], [b]) => a.localeCompare(b)),
		multiAccount: settings.multiAccount,
	};
	const keyHash = createHash('sha256').update(settings.apiKey).digest('hex');
	return JSON.stringify([userId, keyHash, settings.baseUrl, options]);
}

interface SessionDeps {
	readonly logger: Logger;
	readonly secrets: readonly string[];
	readonly replacements: Map<string, Replacement>;
	readonly pollIntervalMs: number;
	readonly pageSize?: number;
	readonly onSessionLost: (session: ComposioToolSession) => void;
}

/**
 * The ToolSession over an SDK session. Reconnect: Composio documents no endpoint to re-run
 * an account's auth (the old `/connected_accounts/{id}/refresh` is deprecated in favour of a
 * new link), so `reconnect` authorizes the toolkit again through the session with the old
 * account's alias, and deletes the old account only once the new one is seen ACTIVE (by
 * `waitForConnection` or `connectionStatus`). Aliases are unique per user and toolkit, so
 * if the server refuses the alias while the old account holds it, the link is made without
 * one and the alias is moved over (PATCH) after the old account is gone.
 */
export class ComposioToolSession implements ToolSession {
	readonly sessionId: string;
	readonly mcp: McpEndpoint;
	private toolsPromise: Promise<ChatCompletionTool[]> | undefined;
	private readonly tags = new Map<string, readonly string[]>();

	constructor(
		private readonly composio: ComposioSdk,
		private readonly session: SdkSession,
		readonly userId: string,
		private readonly deps: SessionDeps,
	) {
		this.sessionId = session.sessionId;
		this.mcp = { url: session.mcp.url, headers: { ...session.mcp.headers } };
	}

	private fail(operation: string, e: unknown, toolkit?: string): ComposioError {
		const err = toComposioError(e, { secrets: this.deps.secrets, ...(toolkit ? { toolkit } : {}) });
		if (err.kind !== 'cancelled') {
			this.deps.logger.warn(`Composio ${operation} failed (${err.kind}): ${err.detail}`);
		}
		if (err.kind === 'notFound' && /session/i.test(err.detail) && !/connected.?account/i.test(err.detail)) {
			// The server no longer knows this session (expired or deleted): the next getSession makes a new one.
			this.deps.onSessionLost(this);
		}
		return err;
	}

	tools(): Promise<ChatCompletionTool[]> {
		if (!this.toolsPromise) {
			const promise = (async () => {
				try {
					// The schema hook sees each raw tool as listed (no extra request): keep its tags for tool approval.
					const tools = await this.session.tools({
						modifySchema: ({ toolSlug, schema }) => {
							if (Array.isArray(schema.tags)) {
								this.tags.set(toolSlug.toUpperCase(), schema.tags.filter((t): t is string => typeof t === 'string'));
							}
							return schema;
						},
					});
					this.deps.logger.debug(`Composio session ${this.sessionId} has ${tools.length} tools.`);
					return tools;
				} catch (e) {
					throw this.fail('listing tools', e);
				}
			})();
			this.toolsPromise = promise;
			promise.catch(() => {
				if (this.toolsPromise === promise) {
					this.toolsPromise = undefined;
				}
			});
		}
		return this.toolsPromise;
	}

	toolTags(toolSlug: string): readonly string[] | undefined {
		return this.tags.get(toolSlug.toUpperCase());
	}

	async execute(toolSlug: string, args: Record<string, unknown>, options: { account?: string; signal?: AbortSignal } = {}): Promise<ToolExecutionResult> {
		this.deps.logger.debug(`Executing ${toolSlug}${options.account ? ` as ${options.account}` : ''}.`);
		try {
			const executeOptions = options.account ? { account: options.account } : undefined;
			const sdk = this.session;
			const result = await withChildSignal(options.signal, (signal) =>
				abortable(
					// The session object is a ToolRouterSession, whose execute takes a per-request
					// signal (the Session interface it is typed as does not say so).
					sdk instanceof ToolRouterSession && signal ? sdk.execute(toolSlug, args, executeOptions, { signal }) : sdk.execute(toolSlug, args, executeOptions),
					signal,
				),
			);
			const error = typeof result.error === 'string' && result.error !== '' ? result.error : null;
			const logId = str(result.logId);
			if (error) {
				this.deps.logger.debug(`${toolSlug} reported an error${logId ? ` (log ${logId})` : ''}: ${error}`);
			}
			return { data: result.data, error, ...(logId ? { logId } : {}) };
		} catch (e) {
			throw this.fail(`executing ${toolSlug}`, e);
		}
	}

	async toolkits(): Promise<ToolkitStatus[]> {
		const out: ToolkitStatus[] = [];
		const seen = new Set<string>();
		let cursor: string | undefined;
		try {
			for (let page = 0; page < MAX_PAGES; page++) {
				const result = await this.session.toolkits({
					...(cursor ? { cursor } : {}),
					...(this.deps.pageSize ? { limit: this.deps.pageSize } : {}),
				});
				for (const item of Array.isArray(result.items) ? (result.items as unknown[]) : []) {
					const t = readToolkit(item);
					if (t && !seen.has(t.slug)) {
						seen.add(t.slug);
						out.push(t);
					}
				}
				const next = str(result.cursor);
				if (!next || next === cursor) {
					break;
				}
				cursor = next;
			}
		} catch (e) {
			throw this.fail('listing toolkits', e);
		}
		return out;
	}

	async authorize(toolkit: string, options: { alias?: string; callbackUrl?: string } = {}): Promise<ConnectRequest> {
		this.deps.logger.info(`Starting a Connect Link for ${toolkit}${options.alias ? ` (${options.alias})` : ''}.`);
		try {
			const request = await this.session.authorize(toolkit, {
				...(options.alias ? { alias: options.alias } : {}),
				...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
			});
			const redirectUrl = str(request.redirectUrl);
			if (!redirectUrl) {
				throw new ComposioError('server', 'Composio did not return a Connect Link.', { action: 'retry', detail: `no redirect_url for ${toolkit} (account ${request.id})` });
			}
			return { accountId: request.id, redirectUrl, toolkit };
		} catch (e) {
			throw this.fail(`authorizing ${toolkit}`, e, toolkit);
		}
	}

	private async getAccount(accountId: string, signal?: AbortSignal): Promise<ConnectedAccount> {
		const raw: unknown = await this.composio.connectedAccounts.get(accountId, signal ? { signal } : undefined);
		return readAccount(raw);
	}

	/** After a reconnect's new account is ACTIVE: delete the old one and move the alias over if needed. Best effort. */
	private async completeReplacement(newAccountId: string): Promise<void> {
		const replacement = this.deps.replacements.get(newAccountId);
		if (!replacement) {
			return;
		}
		this.deps.replacements.delete(newAccountId);
		try {
			await this.composio.connectedAccounts.delete(replacement.oldAccountId);
			this.deps.logger.info(`Reconnected: ${newAccountId} replaces ${replacement.oldAccountId}, which was deleted.`);
		} catch (e) {
			const err = toComposioError(e, { secrets: this.deps.secrets });
			if (err.kind !== 'notFound') {
				this.deps.logger.warn(`Could not delete the replaced account ${replacement.oldAccountId}: ${err.detail}`);
				return;
			}
		}
		if (replacement.aliasToRestore) {
			try {
				await this.composio.getClient().connectedAccounts.patch(newAccountId, { alias: replacement.aliasToRestore });
			} catch (e) {
				this.deps.logger.warn(`Could not move the alias "${replacement.aliasToRestore}" to ${newAccountId}: ${toComposioError(e, { secrets: this.deps.secrets }).detail}`);
			}
		}
	}

	private settle(accountId: string, status: ConnectionStatus): void {
		if (status === 'FAILED' || status === 'EXPIRED' || status === 'REVOKED') {
			// The replacement failed; keep the old account.
			this.deps.replacements.delete(accountId);
		}
	}

	async waitForConnection(accountId: string, options: WaitForConnectionOptions): Promise<ConnectionOutcome> {
		const { signal } = options;
		const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
		const intervalMs = Math.max(10, options.intervalMs ?? this.deps.pollIntervalMs);
		const deadline = Date.now() + timeoutMs;
		let last: ConnectionStatus | undefined;
		let failures = 0;
		if (signal.aborted) {
			throw cancelledError(WAIT_CANCELLED);
		}
		this.deps.logger.debug(`Waiting for ${accountId} to connect.`);
		for (;;) {
			let account: ConnectedAccount | undefined;
			try {
				account = await withChildSignal(signal, (child) => abortable(this.getAccount(accountId, child), child, WAIT_CANCELLED));
				failures = 0;
			} catch (e) {
				if (signal.aborted) {
					throw cancelledError(WAIT_CANCELLED);
				}
				const err = this.fail(`checking ${accountId}`, e);
				const transient = err.kind === 'unreachable' || err.kind === 'server' || err.kind === 'timeout' || err.kind === 'rateLimited';
				if (!transient || ++failures >= MAX_POLL_FAILURES) {
					throw err;
				}
			}
			if (account) {
				if (account.status !== last) {
					last = account.status;
					this.deps.logger.debug(`${accountId} is ${account.status}.`);
					try {
						options.onStatus?.(account.status);
					} catch (e) {
						this.deps.logger.warn(`A connection status listener threw: ${e instanceof Error ? e.message : String(e)}`);
					}
				}
				switch (account.status) {
					case 'ACTIVE':
						await this.completeReplacement(accountId);
						return { status: 'ACTIVE' };
					case 'FAILED':
					case 'EXPIRED':
					case 'REVOKED':
						this.settle(accountId, account.status);
						return { status: account.status, ...(account.statusReason ? { reason: account.statusReason } : {}) };
					case 'INACTIVE':
						return { status: 'FAILED', reason: account.statusReason ?? 'The account is disabled.' };
					default:
						break;
				}
			}
			const left = deadline - Date.now();
			if (left <= 0) {
				this.deps.logger.info(`Stopped waiting for ${accountId} after ${timeoutMs} ms.`);
				return { status: 'TIMEOUT' };
			}
			await sleep(Math.min(intervalMs, left), signal);
		}
	}

	async connectionStatus(accountId: string): Promise<ConnectionCheck> {
		let account: ConnectedAccount;
		try {
			account = await this.getAccount(accountId);
		} catch (e) {
			throw this.fail(`checking ${accountId}`, e);
		}
		if (account.status === 'ACTIVE') {
			await this.completeReplacement(accountId);
		} else {
			this.settle(accountId, account.status);
		}
		return { status: account.status, ...(account.statusReason ? { reason: account.statusReason } : {}) };
	}

	async listAccounts(toolkit?: string): Promise<ConnectedAccount[]> {
		const out: ConnectedAccount[] = [];
		const seen = new Set<string>();
		let cursor: string | undefined;
		try {
			for (let page = 0; page < MAX_PAGES; page++) {
				const result = await this.composio.connectedAccounts.list({
					userIds: [this.userId],
					...(toolkit ? { toolkitSlugs: [toolkit] } : {}),
					...(cursor ? { cursor } : {}),
					...(this.deps.pageSize ? { limit: this.deps.pageSize } : {}),
				});
				for (const item of Array.isArray(result.items) ? (result.items as unknown[]) : []) {
					const account = readAccount(item);
					if (!seen.has(account.id)) {
						seen.add(account.id);
						out.push(account);
					}
				}
				const next = str(result.nextCursor);
				if (!next || next === cursor) {
					break;
				}
				cursor = next;
			}
		} catch (e) {
			throw this.fail('listing connected accounts', e, toolkit);
		}
		return out;
	}

	async disconnect(accountId: string): Promise<void> {
		this.deps.logger.info(`Deleting connected account ${accountId}.`);
		try {
			await this.composio.connectedAccounts.delete(accountId);
		} catch (e) {
			throw this.fail(`deleting ${accountId}`, e);
		}
		this.deps.replacements.delete(accountId);
	}

	async setEnabled(accountId: string, enabled: boolean): Promise<void> {
		this.deps.logger.info(`${enabled ? 'Enabling' : 'Disabling'} connected account ${accountId}.`);
		try {
			await this.composio.connectedAccounts.updateStatus(accountId, { enabled });
		} catch (e) {
			throw this.fail(`${enabled ? 'enabling' : 'disabling'} ${accountId}`, e);
		}
	}

	async reconnect(accountId: string, options: { callbackUrl?: string } = {}): Promise<ConnectRequest> {
		let old: ConnectedAccount;
		try {
			old = await this.getAccount(accountId);
		} catch (e) {
			throw this.fail(`checking ${accountId}`, e);
		}
		if (old.status === 'ACTIVE') {
			throw new ComposioError('conflict', 'That account is already connected.', { detail: `reconnect of ACTIVE account ${accountId}` });
		}
		if (old.status === 'INACTIVE') {
			throw new ComposioError('conflict', 'That account is disabled; enable it instead of reconnecting.', { detail: `reconnect of INACTIVE account ${accountId}` });
		}
		const base = options.callbackUrl ? { callbackUrl: options.callbackUrl } : {};
		let request: ConnectRequest | undefined;
		let aliasToRestore: string | undefined;
		// A dead (FAILED/EXPIRED/REVOKED) account may have given its alias up; an abandoned
		// INITIATED one certainly holds it, so do not ask (a 409 is retried by the SDK, slowly).
		const aliasMayBeFree = old.status === 'FAILED' || old.status === 'EXPIRED' || old.status === 'REVOKED';
		if (old.alias && aliasMayBeFree) {
			try {
				request = await this.authorize(old.toolkit, { ...base, alias: old.alias });
			} catch (e) {
				const err = toComposioError(e);
				if (err.kind !== 'conflict' && err.kind !== 'badRequest') {
					throw err;
				}
			}
		}
		if (!request) {
			if (old.alias) {
				this.deps.logger.info(`The alias "${old.alias}" is still held by ${accountId}; it moves to the new account once that is connected.`);
				aliasToRestore = old.alias;
			}
			request = await this.authorize(old.toolkit, base);
		}
		this.deps.replacements.set(request.accountId, { oldAccountId: accountId, ...(aliasToRestore ? { aliasToRestore } : {}) });
		return { ...request, replacesAccountId: accountId };
	}
}
