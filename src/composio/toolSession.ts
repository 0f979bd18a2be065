/**
 * The port the agent and the views use for Composio: `ToolSession`, one Composio session for one
 * user with the connection management around it, and the plain shapes it speaks in. The SDK
 * behind it is `ComposioToolSession` (composioToolSession.ts); `ComposioService` hands sessions out.
 */
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ToolRefusalKind } from './composioErrors';

/**
 * Every state a connected account can be in. `UNKNOWN`: a status this version does not know
 * (Composio's docs also name PENDING); the account keeps what Composio sent in `unknownStatus`,
 * is shown with it, and is not used until it reads ACTIVE.
 */
export type ConnectionStatus = 'INITIALIZING' | 'INITIATED' | 'ACTIVE' | 'FAILED' | 'EXPIRED' | 'INACTIVE' | 'REVOKED' | 'UNKNOWN';

/** The statuses Composio sends that this version knows, for checks of what a server sent. */
export const CONNECTION_STATUSES = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED'] as const satisfies readonly ConnectionStatus[];

/** A status as Composio sent it, read: a known one as it is, anything else (a non-empty word) as UNKNOWN with the word kept. */
export function readConnectionStatus(raw: string): { readonly status: ConnectionStatus; readonly unknownStatus?: string } {
	const known = CONNECTION_STATUSES.find((s) => s === raw.toUpperCase());
	return known ? { status: known } : { status: 'UNKNOWN', unknownStatus: raw };
}

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
	/** With status UNKNOWN: the status as Composio sent it (PENDING, …). */
	readonly unknownStatus?: string;
	readonly statusReason?: string;
	readonly disabled: boolean;
	readonly createdAt: string;
	readonly authConfigId?: string;
	/** A non-secret field of the account's own state that says whose it is (a subdomain, a shop, a site name), when it has one. */
	readonly stateHint?: string;
}

/** What a tool execution returned. `error` is the tool's own error text (HTTP 200), not a transport failure. */
export interface ToolExecutionResult {
	readonly data: unknown;
	readonly error: string | null;
	readonly logId?: string;
	/** Set when Composio refused the call itself (an HTTP 400 with its own code); `error` says why in its words. */
	readonly refusal?: ToolRefusalKind;
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
	/** Composio's tags for a tool (e.g. `readOnlyHint`, `destructiveHint`): a listed tool's once `tools()` has resolved, an app tool's once a search or schema result carrying them described it; undefined when unknown (the tool is then judged by its name). */
	toolTags(toolSlug: string): readonly string[] | undefined;
	/** Runs a tool through the session. Transport failures throw ComposioError; the tool's own failure is in `error`. */
	execute(toolSlug: string, args: Record<string, unknown>, options?: { account?: string; signal?: AbortSignal }): Promise<ToolExecutionResult>;
	/** Every toolkit the session can use, all pages, with this user's connection state. Composio's catalog is 1,000+ toolkits, about 50 requests: the extension itself reads `toolkitsNamed` and `toolkitsPage`. */
	toolkits(): Promise<ToolkitStatus[]>;
	/** The auth config this session was told to use for `toolkit` (`authConfigs`), if any; without one Composio uses its managed app's. */
	pinnedAuthConfig?(toolkit: string): string | undefined;
	/** True when the session may use several accounts of a toolkit; without it Composio uses the most recently connected one. */
	readonly multiAccount?: boolean;
	/** The named toolkits of the session (names, logos, connection state): one request for up to 50, the most a page holds. */
	toolkitsNamed(slugs: readonly string[]): Promise<ToolkitStatus[]>;
	/** One page (at most 50) of the session's toolkits, those matching `search` when given: what the Connect App picker shows and searches. */
	toolkitsPage(query: { readonly search?: string; readonly limit?: number }): Promise<ToolkitStatus[]>;
	/** Starts a Connect Link flow for a toolkit. */
	authorize(toolkit: string, options?: { alias?: string; callbackUrl?: string }): Promise<ConnectRequest>;
	/** Polls an account until it is ACTIVE, fails, expires, is revoked, or time runs out. */
	waitForConnection(accountId: string, options: WaitForConnectionOptions): Promise<ConnectionOutcome>;
	/** One check of an account (for when the user says "done"). Aborting `signal` rejects with ComposioError 'cancelled'. */
	connectionStatus(accountId: string, signal?: AbortSignal): Promise<ConnectionCheck>;
	/** The user's connected accounts, all pages, optionally for one toolkit. */
	listAccounts(toolkit?: string): Promise<ConnectedAccount[]>;
	/** Deletes an account for good. */
	disconnect(accountId: string): Promise<void>;
	/** Disables (INACTIVE) or re-enables an account without deleting it. */
	setEnabled(accountId: string, enabled: boolean): Promise<void>;
	/** Gives an account a Composio alias (unique per user and toolkit: a taken alias is refused with ComposioError 'conflict' or 'badRequest'). */
	setAlias(accountId: string, alias: string): Promise<void>;
	/**
	 * A fresh Connect Link to replace an EXPIRED, FAILED, REVOKED or abandoned account; see
	 * reconnect.ts. `credentialRefused`: the account reads ACTIVE, but its provider refused its
	 * token (revoked upstream), so it is replaced all the same.
	 */
	reconnect(accountId: string, options?: { callbackUrl?: string; credentialRefused?: boolean }): Promise<ConnectRequest>;
}
