/**
 * A local emulator of Composio's `/api/v3.1` HTTP API, faithful enough that the real
 * `@composio/core` SDK runs against it unchanged: tool router sessions, session tools and
 * toolkits, Connect Links with a hosted Connect page, session execution (simulated Gmail,
 * GitHub, Slack and Linear plus the Composio meta tools), connected accounts and auth configs,
 * and each session's MCP server at its `mcp.url` (emulatorMcp.ts). Tests can inject faults and
 * drive links directly, in process or over `/_emulator/` HTTP.
 * Node's `http` only; it listens on loopback addresses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountJson, EmulatorApi } from './emulatorApi';
import { seedInbox, type SeedEmail } from './emulatorAppData';
import { renderConnectPage, renderLinkProblemPage, renderResultPage } from './emulatorConnectPage';
import { SessionEngine } from './emulatorExecution';
import { EmulatorMcp, mcpSessionId } from './emulatorMcp';
import { ApiError, decodePathPart, optString, parseJsonBody, readBody, sendError, sendHtml, sendJson } from './emulatorHttp';
import { systemClock, type Clock } from '../common/clock';
import { isRecord } from '../common/isRecord';
import { EmulatorStore, LinkUnavailableError, isAccountStatus, type AccountRecord, type LinkProblem } from './emulatorStore';
import { findAuthConfig, findToolkit, TOOLKITS } from './emulatorToolkits';

/** How to run the emulator. */
export interface ComposioEmulatorOptions {
	/** Address to listen on; default '127.0.0.1'. */
	host?: string;
	/** Port; default 0 (a random free port). */
	port?: number;
	/** The `x-api-key` it accepts; default 'sandbox'. */
	apiKey?: string;
	/**
	 * Host put into Connect Link URLs; default = host. When it differs from host the emulator
	 * also listens on it, at the same port (e.g. '127.0.0.2', which a browser-hosted VS Code
	 * does not rewrite the way it rewrites 127.0.0.1 links).
	 */
	linkHost?: string;
	/** Connect Link life; default 600 000 (10 minutes). An INITIATED account whose link is older becomes EXPIRED. */
	linkTtlMs?: number;
	/** When set, state is loaded at start and persisted (tmp file + rename) after each change. */
	stateFile?: string;
	/** Receives one line per request and per notable event. */
	log?: (line: string) => void;
	/** The time Connect Links expire by and records are stamped with; default the system clock. */
	clock?: Clock;
}

/**
 * A fault applied to the next `count` `/api/v3.1` requests that match `pathIncludes` and
 * `method`: wait `delayMs`, then drop the socket, answer `status` (with Composio's error body,
 * and `retry-after` when `retryAfterSeconds`), or answer 200 with a non-JSON body (`malformed`).
 * With only `delayMs`, the request is answered normally after the delay.
 */
export interface EmulatorFault {
	status?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	drop?: boolean;
	malformed?: boolean;
	pathIncludes?: string;
	method?: string;
	/** How many matching requests the fault applies to; default 1; Infinity allowed. */
	count?: number;
}

/** One `/api/v3.1` request as the emulator received it. */
export interface EmulatorRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body: unknown;
	at: number;
}

/** What `completeLink` does with a link. */
export interface LinkAction {
	decision: 'authorize' | 'deny';
	/** The key typed on the page for API-key toolkits (a placeholder is used when absent). */
	apiKey?: string;
	/** Status reason for a denial; default 'User denied access'. */
	reason?: string;
	/** Who signs in (what the profile tools answer with); default the account's simulated identity. */
	identity?: string;
	/** Make the account's profile tools fail. */
	profileFails?: boolean;
}

const API_PREFIX = '/api/v3.1';
const DEFAULT_TTL_MS = 600_000;

function urlHost(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

function isLoopback(address: string | undefined): boolean {
	return !!address && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

function listen(server: Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error): void => reject(error);
		server.once('error', onError);
		server.listen(port, host, () => {
			server.off('error', onError);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

/** The Composio API emulator; see the file comment. */
export class ComposioEmulator {
	/** Every `/api/v3.1` request received, in order. */
	readonly requests: EmulatorRequest[] = [];

	private readonly host: string;
	private readonly linkHost: string;
	private readonly requestedPort: number;
	private readonly key: string;
	private readonly log: (line: string) => void;
	private readonly store: EmulatorStore;
	private readonly engine: SessionEngine;
	private readonly api: EmulatorApi;
	private readonly mcp: EmulatorMcp;
	private faults: Array<EmulatorFault & { remaining: number }> = [];
	private servers: Server[] = [];
	private port = 0;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(options: ComposioEmulatorOptions = {}) {
		this.host = options.host ?? '127.0.0.1';
		this.linkHost = options.linkHost ?? this.host;
		this.requestedPort = options.port ?? 0;
		this.key = options.apiKey ?? 'sandbox';
		this.log = options.log ?? (() => undefined);
		this.store = new EmulatorStore({
			clock: options.clock ?? systemClock,
			linkTtlMs: options.linkTtlMs ?? DEFAULT_TTL_MS,
			stateFile: options.stateFile,
			log: this.log,
			linkUrl: (token) => `http://${urlHost(this.linkHost)}:${this.port}/link/${token}`,
		});
		this.engine = new SessionEngine(this.store);
		this.api = new EmulatorApi(this.store, this.engine, () => this.baseUrl);
		this.mcp = new EmulatorMcp({ store: this.store, engine: this.engine, apiKey: () => this.key });
	}

	/** The URL to pass as the SDK's `baseURL`, e.g. 'http://127.0.0.1:PORT'. Throws before `start()`. */
	get baseUrl(): string {
		if (this.servers.length === 0) {
			throw new Error('ComposioEmulator is not started');
		}
		return `http://${urlHost(this.host)}:${this.port}`;
	}

	/** The API key the emulator accepts. */
	get apiKey(): string {
		return this.key;
	}

	/** Loads persisted state and starts listening (on host, and on linkHost at the same port when it differs). */
	async start(): Promise<void> {
		if (this.servers.length > 0) {
			throw new Error('ComposioEmulator is already started');
		}
		this.store.load();
		const attempts = this.requestedPort === 0 ? 5 : 1;
		for (let attempt = 1; ; attempt++) {
			const primary = createServer((req, res) => void this.handle(req, res));
			const port = await listen(primary, this.requestedPort, this.host);
			if (this.linkHost === this.host) {
				this.servers = [primary];
				this.port = port;
				break;
			}
			const secondary = createServer((req, res) => void this.handle(req, res));
			try {
				await listen(secondary, port, this.linkHost);
				this.servers = [primary, secondary];
				this.port = port;
				break;
			} catch (error) {
				await closeServer(primary);
				const code = (error as NodeJS.ErrnoException).code;
				if (attempt >= attempts || code !== 'EADDRINUSE') {
					throw error;
				}
			}
		}
		this.log(`Composio emulator listening on ${this.baseUrl}${this.linkHost !== this.host ? ` (Connect Links on http://${urlHost(this.linkHost)}:${this.port})` : ''}`);
	}

	/** Stops listening and closes open connections. Safe to call twice. */
	async stop(): Promise<void> {
		for (const timer of this.timers) {
			clearTimeout(timer);
		}
		this.timers.clear();
		const servers = this.servers;
		this.servers = [];
		await Promise.all(servers.map(closeServer));
	}

	/** Adds a fault for the next matching `/api/v3.1` requests. */
	injectFault(fault: EmulatorFault): void {
		const count = fault.count ?? 1;
		if (!(count > 0)) {
			throw new Error('fault count must be positive');
		}
		this.faults.push({ ...fault, remaining: count });
	}

	/** Removes every pending fault. */
	clearFaults(): void {
		this.faults = [];
	}

	/**
	 * Completes a Connect Link as the hosted page would. Takes the token ('ln_…') or the full
	 * redirect URL. Throws when the link is unknown, expired or already used.
	 */
	completeLink(linkTokenOrUrl: string, action: LinkAction): void {
		const token = /\/link\/([^/?#]+)/.exec(linkTokenOrUrl)?.[1] ?? linkTokenOrUrl.trim();
		const link = this.store.findLink(token);
		const account = link ? this.store.getAccount(link.accountId) : undefined;
		const needsKey = account ? findToolkit(account.toolkit)?.authScheme === 'API_KEY' : false;
		this.store.completeLink(token, {
			decision: action.decision,
			apiKey: action.apiKey ?? (needsKey ? 'sandbox-api-key' : undefined),
			reason: action.reason,
			...(action.identity ? { identity: action.identity } : {}),
			...(action.profileFails ? { profileFails: true } : {}),
		});
	}

	/** Forces an account's status (e.g. 'EXPIRED', 'REVOKED', 'FAILED') with an optional reason. */
	setAccountStatus(accountId: string, status: string, reason?: string): void {
		if (!isAccountStatus(status)) {
			throw new Error(`Unknown connected account status '${status}'`);
		}
		this.store.setStatus(accountId, status, reason);
	}

	/** Changes who an account is (what its profile tools answer) or makes its profile tools fail or work again. */
	setAccountProfile(accountId: string, profile: { identity?: string; fails?: boolean }): void {
		this.store.setProfile(accountId, profile);
	}

	/** Who an account signs in as (what its profile tools answer). */
	accountIdentity(accountId: string): string | undefined {
		return this.store.getAccount(accountId)?.identity;
	}

	/** Creates an ACTIVE account directly (test setup) and returns its id. */
	seedAccount(userId: string, toolkit: string, alias?: string): string {
		return this.store.seedAccount(userId, toolkit, alias).id;
	}

	/**
	 * Test setup: puts messages at the top of a user's simulated Gmail inbox (the first is the
	 * newest), replacing the inbox when `replace`. Senders, subjects and bodies are stored as given,
	 * so tests can feed hostile text through GMAIL_FETCH_EMAILS. Returns the new message ids.
	 */
	seedEmails(userId: string, emails: readonly SeedEmail[], options: { replace?: boolean } = {}): string[] {
		const ids = seedInbox(this.store.userData(userId), userId, emails, options.replace === true);
		this.store.persist();
		return ids;
	}

	/** Forgets all state, recorded requests and faults. */
	reset(): void {
		this.store.reset();
		this.requests.length = 0;
		this.faults = [];
	}

	// ── Request handling ─────────────────────────────────────────────────

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://emulator.local');
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname;
		res.on('finish', () => this.log(`${method} ${path} → ${res.statusCode}`));
		const mcpSession = mcpSessionId(path);
		try {
			if (mcpSession !== undefined) {
				await this.mcp.handle(req, res, method, decodePathPart(mcpSession));
			} else if (path.startsWith(`${API_PREFIX}/`)) {
				await this.handleApi(req, res, method, path, url.searchParams);
			} else if (path.startsWith('/link/')) {
				await this.handleLinkPage(req, res, method, decodePathPart(path.slice('/link/'.length)));
			} else if (path.startsWith('/_emulator/')) {
				await this.handleAdmin(req, res, method, path.slice('/_emulator'.length), url.searchParams);
			} else if (path === '/' && method === 'GET') {
				sendJson(res, 200, { name: 'Composio emulator', api: API_PREFIX, toolkits: TOOLKITS.map((t) => t.slug) });
			} else {
				sendError(res, 404, `Route ${method} ${path} not found`);
			}
		} catch (error) {
			if (res.headersSent || res.destroyed) {
				return;
			}
			if (error instanceof ApiError) {
				sendError(res, error.status, error.message, error.suggestedFix, {}, error.slug);
			} else {
				this.log(`internal error on ${method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
				sendError(res, 500, 'Internal server error');
			}
		}
	}

	private takeFault(method: string, path: string): EmulatorFault | undefined {
		const index = this.faults.findIndex((f) => (!f.method || f.method.toUpperCase() === method) && (!f.pathIncludes || path.includes(f.pathIncludes)));
		const fault = this.faults[index];
		if (!fault) {
			return undefined;
		}
		fault.remaining -= 1;
		if (fault.remaining <= 0) {
			this.faults.splice(index, 1);
		}
		return fault;
	}

	private delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	private async handleApi(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
		const text = await readBody(req);
		let body: unknown;
		let bodyError: ApiError | undefined;
		try {
			body = parseJsonBody(text);
		} catch (error) {
			bodyError = error instanceof ApiError ? error : new ApiError(400, 'Invalid body');
			body = text;
		}
		this.requests.push({ method, path, query: Object.fromEntries(query), body, at: Date.now() });

		const fault = this.takeFault(method, path);
		if (fault) {
			if (fault.delayMs) {
				await this.delay(fault.delayMs);
				if (this.servers.length === 0) {
					return;
				}
			}
			if (fault.drop) {
				req.socket.destroy();
				return;
			}
			if (fault.status) {
				const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
				const message = fault.status === 429 ? 'Rate limit exceeded, please retry later' : fault.status >= 500 ? 'Internal server error' : `Request failed with status ${fault.status}`;
				sendError(res, fault.status, message, fault.status === 429 ? 'Wait for the time in the retry-after header, then retry.' : '', headers);
				return;
			}
			if (fault.malformed) {
				res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
				res.end('<html><body>502 Bad Gateway</body></html>');
				return;
			}
		}

		if (req.headers['x-api-key'] !== this.key) {
			sendError(res, 401, req.headers['x-api-key'] ? 'Invalid API key' : 'Missing API key', 'Pass a valid project API key in the x-api-key header.');
			return;
		}
		if (bodyError) {
			throw bodyError;
		}
		await this.api.dispatch(req, res, method, path, path.slice(API_PREFIX.length), query, body);
	}


	private async handleLinkPage(req: IncomingMessage, res: ServerResponse, method: string, token: string): Promise<void> {
		if (method !== 'GET' && method !== 'POST') {
			sendHtml(res, 405, renderLinkProblemPage('unknown'));
			return;
		}
		if (this.store.expireStale()) {
			this.store.persist();
		}
		const link = this.store.findLink(token);
		const account = link ? this.store.getAccount(link.accountId) : undefined;
		const toolkit = account ? findToolkit(account.toolkit) : undefined;
		const config = account ? findAuthConfig(account.authConfigId) : undefined;
		const problem: LinkProblem | undefined = !link || !account || !toolkit || !config ? 'unknown' : this.store.linkProblem(link);
		if (problem || !link || !account || !toolkit || !config) {
			const status = problem === 'expired' ? 410 : problem === 'used' ? 409 : 404;
			sendHtml(res, status, renderLinkProblemPage(problem ?? 'unknown', toolkit));
			return;
		}
		const model = { toolkit, authConfig: config, userId: account.userId, alias: account.alias, expiresAt: link.expiresAt, now: this.store.clock.now(), ...(account.identity ? { identity: account.identity } : {}) };
		if (method === 'GET') {
			sendHtml(res, 200, renderConnectPage(model));
			return;
		}
		const form = new URLSearchParams(await readBody(req));
		const decision = form.get('decision');
		if (decision !== 'authorize' && decision !== 'deny') {
			sendHtml(res, 400, renderConnectPage({ ...model, error: 'Choose Authorize or Deny.' }));
			return;
		}
		const apiKey = form.get('api_key')?.trim() ?? '';
		const identity = form.get('identity')?.trim() ?? '';
		if (decision === 'authorize' && toolkit.authScheme === 'API_KEY' && !apiKey) {
			sendHtml(res, 400, renderConnectPage({ ...model, error: `Enter your ${toolkit.name} API key to authorize.` }));
			return;
		}
		let completed: { account: AccountRecord };
		try {
			completed = this.store.completeLink(token, { decision, apiKey: apiKey || undefined, ...(identity ? { identity } : {}) });
		} catch (error) {
			if (error instanceof LinkUnavailableError) {
				sendHtml(res, error.problem === 'expired' ? 410 : error.problem === 'used' ? 409 : 404, renderLinkProblemPage(error.problem, toolkit));
				return;
			}
			throw error;
		}
		const callback = link.callbackUrl ? this.callbackTarget(link.callbackUrl, completed.account) : undefined;
		if (callback) {
			res.writeHead(303, { location: callback, 'cache-control': 'no-store' });
			res.end();
			return;
		}
		sendHtml(res, 200, renderResultPage(toolkit, decision === 'authorize' ? 'authorized' : 'denied', completed.account.statusReason ?? undefined));
	}

	/** The callback URL with `status` and `connected_account_id` added, or undefined unless it is http(s). */
	private callbackTarget(callbackUrl: string, account: AccountRecord): string | undefined {
		let url: URL;
		try {
			url = new URL(callbackUrl);
		} catch {
			return undefined;
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			return undefined;
		}
		url.searchParams.set('status', account.status === 'ACTIVE' ? 'success' : 'failed');
		url.searchParams.set('connected_account_id', account.id);
		return url.toString();
	}

	// ── Admin surface ────────────────────────────────────────────────────

	private async handleAdmin(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
		if (!isLoopback(req.socket.remoteAddress)) {
			sendError(res, 403, 'The emulator admin API is only available from this machine');
			return;
		}
		const body = method === 'POST' ? parseJsonBody(await readBody(req)) : undefined;
		const record = isRecord(body) ? body : {};
		if (path === '/faults' && method === 'POST') {
			const count = record.count === 'Infinity' || record.count === null ? Infinity : record.count;
			const fault: EmulatorFault = {
				...(typeof record.status === 'number' ? { status: record.status } : {}),
				...(typeof record.retryAfterSeconds === 'number' ? { retryAfterSeconds: record.retryAfterSeconds } : {}),
				...(typeof record.delayMs === 'number' ? { delayMs: record.delayMs } : {}),
				...(record.drop === true ? { drop: true } : {}),
				...(record.malformed === true ? { malformed: true } : {}),
				...(typeof record.pathIncludes === 'string' ? { pathIncludes: record.pathIncludes } : {}),
				...(typeof record.method === 'string' ? { method: record.method } : {}),
				...(typeof count === 'number' ? { count } : {}),
			};
			try {
				this.injectFault(fault);
			} catch (error) {
				throw new ApiError(400, error instanceof Error ? error.message : String(error));
			}
			sendJson(res, 201, { ok: true, pending: this.faults.length });
		} else if (path === '/faults' && method === 'DELETE') {
			this.clearFaults();
			sendJson(res, 200, { ok: true });
		} else if (path === '/requests' && method === 'GET') {
			sendJson(res, 200, { requests: this.requests });
		} else if (path === '/reset' && method === 'POST') {
			this.reset();
			sendJson(res, 200, { ok: true });
		} else if (path.startsWith('/links/') && method === 'POST') {
			const token = decodePathPart(path.slice('/links/'.length));
			const decision = record.decision;
			if (decision !== 'authorize' && decision !== 'deny') {
				throw new ApiError(400, "'decision' must be 'authorize' or 'deny'");
			}
			try {
				this.completeLink(token, {
					decision,
					apiKey: optString(record, 'apiKey'),
					reason: optString(record, 'reason'),
					...(optString(record, 'identity') ? { identity: optString(record, 'identity') } : {}),
					...(record.profileFails === true ? { profileFails: true } : {}),
				});
			} catch (error) {
				if (error instanceof LinkUnavailableError) {
					throw new ApiError(error.problem === 'expired' ? 410 : error.problem === 'used' ? 409 : 404, error.message);
				}
				throw error;
			}
			const link = this.store.findLink(token);
			sendJson(res, 200, { account: link ? accountJson(this.store.requireAccount(link.accountId)) : null });
		} else if (/^\/accounts\/[^/]+\/status$/.test(path) && method === 'POST') {
			const id = decodePathPart(path.split('/')[2] ?? '');
			const status = record.status;
			if (!isAccountStatus(status)) {
				throw new ApiError(400, `Unknown status '${String(status)}'`);
			}
			this.store.setStatus(id, status, optString(record, 'reason'));
			sendJson(res, 200, { account: accountJson(this.store.requireAccount(id)) });
		} else if (/^\/accounts\/[^/]+\/profile$/.test(path) && method === 'POST') {
			const id = decodePathPart(path.split('/')[2] ?? '');
			this.store.setProfile(id, { ...(optString(record, 'identity') ? { identity: optString(record, 'identity') } : {}), ...(typeof record.fails === 'boolean' ? { fails: record.fails } : {}) });
			sendJson(res, 200, { account: accountJson(this.store.requireAccount(id)) });
		} else if (path === '/accounts' && method === 'POST') {
			const userId = optString(record, 'userId');
			const toolkit = optString(record, 'toolkit');
			if (!userId || !toolkit) {
				throw new ApiError(400, "'userId' and 'toolkit' are required");
			}
			const id = this.seedAccount(userId, toolkit, optString(record, 'alias'));
			sendJson(res, 201, { id, account: accountJson(this.store.requireAccount(id)) });
		} else if (/^\/users\/[^/]+\/emails$/.test(path) && method === 'POST') {
			const userId = decodePathPart(path.split('/')[2] ?? '');
			const list = Array.isArray(record.emails) ? (record.emails as unknown[]) : undefined;
			const emails = list?.map((e): SeedEmail | undefined => {
				if (!isRecord(e) || typeof e.from !== 'string' || typeof e.subject !== 'string') {
					return undefined;
				}
				return { from: e.from, subject: e.subject, ...(typeof e.body === 'string' ? { body: e.body } : {}), ...(typeof e.to === 'string' ? { to: e.to } : {}), ...(e.unread === false ? { unread: false } : {}) };
			});
			if (!emails || emails.some((e) => e === undefined)) {
				throw new ApiError(400, "'emails' must be a list of {from, subject, body?, to?, unread?}");
			}
			const ids = this.seedEmails(userId, emails.filter((e): e is SeedEmail => e !== undefined), { replace: record.replace === true });
			sendJson(res, 201, { ids });
		} else if (path === '/accounts' && method === 'GET') {
			const userId = query.get('user_id');
			sendJson(res, 200, { accounts: this.store.accounts().filter((a) => !userId || a.userId === userId).map(accountJson) });
		} else {
			sendError(res, 404, `Admin route ${method} /_emulator${path} not found`);
		}
	}
}
