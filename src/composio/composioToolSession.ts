/**
 * The `ToolSession` over a Composio SDK session: every call goes through the real SDK, every
 * response is read by sdkResponses.ts, and every failure leaves as a `ComposioError` (with the
 * operation logged, redacted). Reconnects are in reconnect.ts, the connection poller in
 * connectionPoller.ts, the paging loop in pagination.ts.
 */
import { ToolRouterSession } from '@composio/core';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { ComposioSdk } from './composioClientFactory';
import { type ComposioError, toComposioError, toolRefusal } from './composioErrors';
import { pollConnection } from './connectionPoller';
import { type Page, readAllPages } from './pagination';
import type { Reconnections } from './reconnect';
import { toolTagsInResult } from './metaTools';
import { parseAccount, parseConnectRequest, parseExecution, parsePage, parseToolkit } from './sdkResponses';
import type {
	ConnectedAccount,
	ConnectionCheck,
	ConnectionOutcome,
	ConnectRequest,
	McpEndpoint,
	ToolExecutionResult,
	ToolkitStatus,
	ToolSession,
	WaitForConnectionOptions,
} from './toolSession';
import type { ComposioSettings } from './settings';

/** A wait for a connection lasts at most this long by default: the life of a Connect Link. */
const DEFAULT_WAIT_MS = 10 * 60 * 1000;

/** Creates the SDK session for these settings (`composio.create`). */
export function createSdkSession(composio: ComposioSdk, userId: string, settings: ComposioSettings) {
	return composio.create(userId, {
		...(settings.toolkits.length > 0 ? { toolkits: [...settings.toolkits] } : {}),
		...(Object.keys(settings.authConfigs).length > 0 ? { authConfigs: { ...settings.authConfigs } } : {}),
		...(settings.multiAccount ? { multiAccount: { enable: true } } : {}),
		manageConnections: true,
		// The remote workbench runs code that can act on every connected account with one approval:
		// off unless the user turned it on (composio.workbench.enabled). The SDK sends it as `workbench`.
		sandbox: { enable: settings.workbench === true },
		// Types `session.mcp` (present on every session); sends nothing extra.
		mcp: true,
	});
}

/** The SDK's session object. */
export type SdkSession = Awaited<ReturnType<typeof createSdkSession>>;

/** What a session shares with the service that made it. */
export interface SessionDeps {
	readonly logger: Logger;
	/** The API key, to redact from whatever is logged or shown. */
	readonly secrets: readonly string[];
	readonly reconnections: Reconnections;
	readonly clock: Clock;
	/** Aborts when the settings this session was made under are over: its waits end then ('cancelled'). */
	readonly generation?: AbortSignal;
	/** Default time between checks in `waitForConnection`. */
	readonly pollIntervalMs: number;
	/** The auth configs the session was created with, by toolkit. */
	readonly authConfigs?: Readonly<Record<string, string>>;
	/** The session was created with multi-account on. */
	readonly multiAccount?: boolean;
	/** Page size asked for when listing; the server's when absent. */
	readonly pageSize?: number;
	/** The server no longer knows this session: the service drops it, so the next one is new. */
	readonly onSessionLost: (session: ComposioToolSession) => void;
	/**
	 * A check found `account` ACTIVE (called on every such check; the listener dedupes).
	 * `replaced`: the account it replaces, when this check completed a reconnect.
	 */
	readonly onAccountActive?: (session: ComposioToolSession, account: ConnectedAccount, replaced?: string) => void;
}

/**
 * A per-call child of `signal`. The SDK's HTTP client adds an abort listener to the signal of
 * every request and never removes it, so handing it a long-lived signal (a 10-minute wait
 * polling every 2 s, or a chat turn) would pile them up; `AbortSignal.any` follows the parent
 * without adding a listener to it.
 */
function requestSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
	return signal ? AbortSignal.any([signal]) : undefined;
}

/** One Composio session for one user, and the connected-accounts API scoped to the same user. */
/** The most toolkits one page of `session.toolkits()` holds. */
const TOOLKIT_PAGE_MAX = 50;

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

	get multiAccount(): boolean {
		return this.deps.multiAccount === true;
	}

	pinnedAuthConfig(toolkit: string): string | undefined {
		return this.deps.authConfigs?.[toolkit];
	}

	/** Maps a failure of `operation` to the ComposioError to throw, logging it (cancellations are not logged), and drops the session when the server no longer knows it. */
	private asComposioError(operation: string, e: unknown, toolkit?: string): ComposioError {
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
					throw this.asComposioError('listing tools', e);
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
		let result: ToolExecutionResult;
		try {
			const executeOptions = options.account ? { account: options.account } : undefined;
			const sdk = this.session;
			const signal = requestSignal(options.signal);
			// The session object is a ToolRouterSession, whose execute takes a per-request signal
			// (the Session interface it is typed as does not say so).
			result = parseExecution(await (sdk instanceof ToolRouterSession && signal ? sdk.execute(toolSlug, args, executeOptions, { signal }) : sdk.execute(toolSlug, args, executeOptions)));
		} catch (e) {
			// Composio answers a call it refuses (not connected, toolkit not allowed, no such tool) with
			// an HTTP 400: that is the tool's answer, which the model can act on, not a failed request.
			const refused = toolRefusal(e, this.deps.secrets);
			if (refused === undefined) {
				throw this.asComposioError(`executing ${toolSlug}`, e);
			}
			this.deps.logger.debug(`Composio refused ${toolSlug} (${refused.kind}): ${refused.message}`);
			return { data: {}, error: refused.message, refusal: refused.kind };
		}
		if (result.error) {
			this.deps.logger.debug(`${toolSlug} reported an error${result.logId ? ` (log ${result.logId})` : ''}: ${result.error}`);
		}
		// App tools are not listed in the session: their tags come with the search or schema results that describe them.
		for (const [slug, tags] of toolTagsInResult(toolSlug, result.data)) {
			this.tags.set(slug, tags);
		}
		return result;
	}

	async toolkits(): Promise<ToolkitStatus[]> {
		try {
			return await readAllPages((cursor) => this.toolkitPage({ ...(cursor ? { cursor } : {}), ...(this.deps.pageSize ? { limit: this.deps.pageSize } : {}) }), (t) => t.slug);
		} catch (e) {
			throw this.asComposioError('listing toolkits', e);
		}
	}

	async toolkitsNamed(slugs: readonly string[]): Promise<ToolkitStatus[]> {
		const wanted = [...new Set(slugs)];
		const found: ToolkitStatus[] = [];
		try {
			for (let i = 0; i < wanted.length; i += TOOLKIT_PAGE_MAX) {
				found.push(...(await this.toolkitPage({ toolkits: wanted.slice(i, i + TOOLKIT_PAGE_MAX), limit: TOOLKIT_PAGE_MAX })).items);
			}
		} catch (e) {
			throw this.asComposioError('listing toolkits', e);
		}
		return found;
	}

	async toolkitsPage(query: { readonly search?: string; readonly limit?: number }): Promise<ToolkitStatus[]> {
		const search = query.search?.trim();
		try {
			return [...(await this.toolkitPage({ ...(search ? { search } : {}), limit: Math.min(query.limit ?? TOOLKIT_PAGE_MAX, TOOLKIT_PAGE_MAX) })).items];
		} catch (e) {
			throw this.asComposioError('listing toolkits', e);
		}
	}

	/** One page of `session.toolkits()`, read. */
	private async toolkitPage(query: { toolkits?: string[]; search?: string; limit?: number; cursor?: string }): Promise<Page<ToolkitStatus>> {
		const page = parsePage(await this.session.toolkits(query), 'cursor');
		return { items: page.items.flatMap((item) => parseToolkit(item) ?? []), next: page.next };
	}

	async authorize(toolkit: string, options: { alias?: string; callbackUrl?: string } = {}): Promise<ConnectRequest> {
		this.deps.logger.info(`Starting a Connect Link for ${toolkit}${options.alias ? ` (${options.alias})` : ''}.`);
		try {
			const request = await this.session.authorize(toolkit, {
				...(options.alias ? { alias: options.alias } : {}),
				...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
			});
			return parseConnectRequest(request, toolkit);
		} catch (e) {
			throw this.asComposioError(`authorizing ${toolkit}`, e, toolkit);
		}
	}

	private async getAccount(accountId: string, signal?: AbortSignal): Promise<ConnectedAccount> {
		const child = requestSignal(signal);
		return parseAccount(await this.composio.connectedAccounts.get(accountId, child ? { signal: child } : undefined));
	}

	async waitForConnection(accountId: string, options: WaitForConnectionOptions): Promise<ConnectionOutcome> {
		const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
		if (!options.signal.aborted) {
			this.deps.logger.debug(`Waiting for ${accountId} to connect.`);
		}
		const outcome = await pollConnection((signal) => this.connectionStatus(accountId, signal), {
			signal: this.deps.generation ? AbortSignal.any([options.signal, this.deps.generation]) : options.signal,
			clock: this.deps.clock,
			timeoutMs,
			intervalMs: Math.max(10, options.intervalMs ?? this.deps.pollIntervalMs),
			onStatus: (status) => {
				this.deps.logger.debug(`${accountId} is ${status}.`);
				try {
					options.onStatus?.(status);
				} catch (e) {
					this.deps.logger.warn(`A connection status listener threw: ${e instanceof Error ? e.message : String(e)}`);
				}
			},
		});
		if (outcome.status === 'TIMEOUT') {
			this.deps.logger.info(`Stopped waiting for ${accountId} after ${timeoutMs} ms.`);
		}
		return outcome;
	}

	async connectionStatus(accountId: string, signal?: AbortSignal): Promise<ConnectionCheck> {
		let account: ConnectedAccount;
		try {
			account = await this.getAccount(accountId, signal);
		} catch (e) {
			throw this.asComposioError(`checking ${accountId}`, e);
		}
		const replaced = await this.deps.reconnections.statusSeen(accountId, account.status, this.composio, this.deps.secrets);
		if (account.status === 'ACTIVE' && !account.disabled) {
			try {
				this.deps.onAccountActive?.(this, account, replaced);
			} catch (e) {
				this.deps.logger.warn(`An account listener threw: ${e instanceof Error ? e.message : String(e)}`);
			}
		}
		return { status: account.status, ...(account.statusReason ? { reason: account.statusReason } : {}) };
	}

	async listAccounts(toolkit?: string): Promise<ConnectedAccount[]> {
		try {
			return await readAllPages(
				async (cursor) => {
					const result = await this.composio.connectedAccounts.list({
						userIds: [this.userId],
						...(toolkit ? { toolkitSlugs: [toolkit] } : {}),
						...(cursor ? { cursor } : {}),
						...(this.deps.pageSize ? { limit: this.deps.pageSize } : {}),
					});
					const page = parsePage(result, 'nextCursor');
					return { items: page.items.map(parseAccount), next: page.next };
				},
				(a) => a.id,
			);
		} catch (e) {
			throw this.asComposioError('listing connected accounts', e, toolkit);
		}
	}

	async disconnect(accountId: string): Promise<void> {
		this.deps.logger.info(`Deleting connected account ${accountId}.`);
		try {
			await this.composio.connectedAccounts.delete(accountId);
		} catch (e) {
			throw this.asComposioError(`deleting ${accountId}`, e);
		}
		this.deps.reconnections.forget(accountId);
	}

	async setEnabled(accountId: string, enabled: boolean): Promise<void> {
		this.deps.logger.info(`${enabled ? 'Enabling' : 'Disabling'} connected account ${accountId}.`);
		try {
			await this.composio.connectedAccounts.updateStatus(accountId, { enabled });
		} catch (e) {
			throw this.asComposioError(`${enabled ? 'enabling' : 'disabling'} ${accountId}`, e);
		}
	}

	async setAlias(accountId: string, alias: string): Promise<void> {
		this.deps.logger.info(`Naming connected account ${accountId} "${alias}".`);
		try {
			await this.composio.getClient().connectedAccounts.patch(accountId, { alias });
		} catch (e) {
			throw this.asComposioError(`naming ${accountId}`, e);
		}
	}

	async reconnect(accountId: string, options: { callbackUrl?: string; credentialRefused?: boolean } = {}): Promise<ConnectRequest> {
		let old: ConnectedAccount;
		try {
			old = await this.getAccount(accountId);
		} catch (e) {
			throw this.asComposioError(`checking ${accountId}`, e);
		}
		return this.deps.reconnections.start(old, (authorizeOptions) => this.authorize(old.toolkit, authorizeOptions), options.callbackUrl, options.credentialRefused === true);
	}
}
