/**
 * A local emulator of Composio's `/api/v3.1` HTTP API, faithful enough that the real
 * `@composio/core` SDK runs against it unchanged: tool router sessions, session tools and
 * toolkits, Connect Links with a hosted Connect page, session execution (simulated Gmail,
 * GitHub, Slack and Linear plus the Composio meta tools), connected accounts and auth configs,
 * and each session's MCP server at its `mcp.url` (emulatorMcp.ts). Node's `http` only; it
 * listens on loopback addresses. What ships keeps no request log and has no admin routes: the
 * tests' build (test/shared/testComposioEmulator.ts) adds fault injection, a request log and
 * `/_emulator/*` through the protected hooks below.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorApi } from './emulatorApi';
import { renderConnectPage, renderLinkProblemPage, renderResultPage } from './emulatorConnectPage';
import { SessionEngine } from './emulatorExecution';
import { EmulatorMcp, mcpSessionId } from './emulatorMcp';
import { ApiError, decodePathPart, parseJsonBody, readBody, sendError, sendHtml, sendJson } from './emulatorHttp';
import { systemClock, type Clock } from '../../common/clock';
import { EmulatorStore, LinkUnavailableError, type AccountRecord, type LinkProblem } from './emulatorStore';
import { findToolkit, listedCatalog, TOOLKITS } from './emulatorToolkits';

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
	/** When set, state is loaded at start and persisted (tmp file + rename, written asynchronously, coalesced) after changes. */
	stateFile?: string;
	/** Receives one line per request and per notable event. */
	log?: (line: string) => void;
	/** The time Connect Links expire by and records are stamped with; default the system clock. */
	clock?: Clock;
	/**
	 * Toolkits an unrestricted session lists (`GET …/session/{id}/toolkits`), as Composio's 1,000+;
	 * default the 4 simulated ones. The rest are generated and can only be listed.
	 */
	catalogSize?: number;
}

/** One `/api/v3.1` request as the emulator received it, body parsed (the raw text when it is not JSON). */
export interface ApiRequest {
	readonly method: string;
	readonly path: string;
	readonly query: URLSearchParams;
	readonly body: unknown;
}

/** Where the API is served. */
export const API_PREFIX = '/api/v3.1';
const DEFAULT_TTL_MS = 600_000;

function urlHost(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
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
	private readonly host: string;
	private readonly linkHost: string;
	private readonly requestedPort: number;
	private readonly key: string;
	protected readonly log: (line: string) => void;
	protected readonly store: EmulatorStore;
	private readonly engine: SessionEngine;
	private readonly api: EmulatorApi;
	private readonly mcp: EmulatorMcp;
	private servers: Server[] = [];
	private port = 0;

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
		this.api = new EmulatorApi(this.store, this.engine, () => this.baseUrl, listedCatalog(options.catalogSize ?? 0));
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

	/** True between `start()` and `stop()`. */
	get listening(): boolean {
		return this.servers.length > 0;
	}

	/** Loads persisted state and starts listening (on host, and on linkHost at the same port when it differs). */
	async start(): Promise<void> {
		if (this.servers.length > 0) {
			throw new Error('ComposioEmulator is already started');
		}
		await this.store.load();
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

	/** Stops listening, closes open connections and waits for the last state write. Safe to call twice. */
	async stop(): Promise<void> {
		const servers = this.servers;
		this.servers = [];
		await Promise.all(servers.map(closeServer));
		await this.store.flush();
	}

	// ── Request handling ─────────────────────────────────────────────────

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://emulator.local');
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname;
		res.on('finish', () => this.log(`${method} ${path} → ${res.statusCode}`));
		try {
			if (!(await this.route(req, res, method, url))) {
				sendError(res, 404, `Route ${method} ${path} not found`);
			}
		} catch (error) {
			if (res.headersSent || res.destroyed) {
				return;
			}
			if (error instanceof ApiError) {
				sendError(res, error.status, error.message, error.suggestedFix, {}, error.slug, error.code, error.errors);
			} else {
				this.log(`internal error on ${method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
				sendError(res, 500, 'Internal server error');
			}
		}
	}

	/**
	 * Answers a request on one of the emulator's routes (an ApiError thrown becomes Composio's
	 * error body); resolves false when no route matches. The tests' build adds its admin routes here.
	 */
	protected async route(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<boolean> {
		const path = url.pathname;
		const mcpSession = mcpSessionId(path);
		if (mcpSession !== undefined) {
			await this.mcp.handle(req, res, method, decodePathPart(mcpSession));
		} else if (path.startsWith(`${API_PREFIX}/`)) {
			await this.handleApi(req, res, method, path, url.searchParams);
		} else if (path.startsWith('/link/')) {
			await this.handleLinkPage(req, res, method, decodePathPart(path.slice('/link/'.length)));
		} else if (path === '/' && method === 'GET') {
			sendJson(res, 200, { name: 'Composio emulator', api: API_PREFIX, toolkits: TOOLKITS.map((t) => t.slug) });
		} else {
			return false;
		}
		return true;
	}

	/**
	 * Called with every `/api/v3.1` request before it is authenticated and routed; resolves true
	 * when it answered the request itself. Nothing here; the tests' build injects faults and
	 * records requests through it.
	 */
	protected intercept(_request: ApiRequest, _req: IncomingMessage, _res: ServerResponse): Promise<boolean> {
		return Promise.resolve(false);
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
		if (await this.intercept({ method, path, query, body }, req, res)) {
			return;
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
		const config = account ? this.store.authConfigs.find(account.authConfigId) : undefined;
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
		if (decision === 'authorize' && config.authScheme === 'API_KEY' && !apiKey) {
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
		sendHtml(res, 200, renderResultPage(toolkit, completed.account.status === 'ACTIVE' ? 'authorized' : 'denied', completed.account.statusReason ?? undefined));
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
}
