/**
 * The `/api/v3.1` routes of the Composio emulator and the JSON shapes they answer with:
 * tool router sessions (create, get, delete, tools, toolkits, link, execute, search),
 * connected accounts (list, get, link, patch, status, delete) and auth configs (list, get).
 * Authentication, recording and fault injection happen before `dispatch` in composioEmulator.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthConfigListResponse, AuthConfigRetrieveResponse } from '@composio/client/resources/auth-configs';
import type {
	ConnectedAccountDeleteResponse,
	ConnectedAccountListResponse,
	ConnectedAccountPatchResponse,
	ConnectedAccountRetrieveResponse,
	ConnectedAccountUpdateStatusResponse,
} from '@composio/client/resources/connected-accounts';
import type { LinkCreateResponse } from '@composio/client/resources/link';
import type {
	SessionCreateResponse,
	SessionExecuteMetaResponse,
	SessionExecuteResponse,
	SessionLinkResponse,
	SessionRetrieveResponse,
	SessionSearchResponse,
	SessionToolkitsResponse,
	SessionToolsResponse,
} from '@composio/client/resources/tool-router/session/session';
import type { SessionEngine } from './emulatorExecution';
import { ApiError, decodeCursor, decodePathPart, newId, optString, paginate, parseLimit, queryList, sendError, sendJson } from './emulatorHttp';
import { isRecord } from '../../common/isRecord';
import { assistivePrompt, candidateAccounts, displayedAccount, enabledToolkits, parseSessionConfig, sessionJson, sessionTools, toolJson, usable, type SessionJson } from './emulatorSessions';
import { isAccountStatus, toolkitNotFound, type AccountRecord, type EmulatorStore } from './emulatorStore';
import { authConfigJson, createdAuthConfigJson, toolkitDetailJson, type AuthConfigRecord, type EmulatorAuthConfigs } from './emulatorAuthConfigs';
import { findToolkit, type AuthScheme, type ToolkitDef } from './emulatorToolkits';

type Params = Record<string, string>;
type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface RouteContext {
	readonly req: IncomingMessage;
	readonly res: ServerResponse;
	readonly params: Params;
	readonly query: URLSearchParams;
	readonly body: unknown;
}

interface Route {
	readonly method: string;
	readonly pattern: RegExp;
	readonly names: readonly string[];
	readonly handler: RouteHandler;
}

function compile(path: string): { pattern: RegExp; names: string[] } {
	const names: string[] = [];
	const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
		names.push(name);
		return '([^/]+)';
	});
	return { pattern: new RegExp(`^${source}$`), names };
}

/**
 * The `state` block of a connected account, in the shape Composio's generated type gives for its
 * auth scheme and status. On purpose it is left out where that type has no shape: it knows no
 * API_KEY state for a FAILED, EXPIRED or REVOKED account (though it requires `state`), and the
 * SDK reads `state` as optional.
 */
function accountState(a: AccountRecord, scheme: AuthScheme): ConnectedAccountRetrieveResponse['state'] | undefined {
	if (scheme === 'OAUTH2') {
		const token = { access_token: 'sandbox-access-token-redacted', token_type: 'Bearer', scope: '' };
		switch (a.status) {
			case 'INITIALIZING':
				return { authScheme: scheme, val: { status: a.status } };
			case 'INITIATED':
				return { authScheme: scheme, val: { status: a.status, redirectUrl: a.redirectUrl ?? '' } };
			case 'ACTIVE':
				return { authScheme: scheme, val: { status: a.status, ...token } };
			case 'INACTIVE':
				return { authScheme: scheme, val: { status: a.status, ...token } };
			case 'FAILED':
				return { authScheme: scheme, val: { status: a.status, error: a.statusReason ?? 'failed' } };
			case 'EXPIRED':
				return { authScheme: scheme, val: { status: a.status, expired_at: a.updatedAt } };
			case 'REVOKED':
				return { authScheme: scheme, val: { status: a.status, revoked_at: a.updatedAt } };
		}
	}
	const key = `****${a.apiKeyHint ?? ''}`;
	switch (a.status) {
		case 'INITIALIZING':
		case 'INITIATED':
			return { authScheme: scheme, val: { status: a.status } };
		case 'ACTIVE':
		case 'INACTIVE':
			return { authScheme: scheme, val: { status: a.status, api_key: key } };
		case 'FAILED':
		case 'EXPIRED':
		case 'REVOKED':
			return undefined;
	}
}

/** `T` with `state` optional: the emulator leaves it out where Composio's type has no shape for it (see `accountState`). */
type StateOptional<T extends { state: unknown }> = Omit<T, 'state'> & Partial<Pick<T, 'state'>>;

/** A connected account as `GET /connected_accounts/{id}` answers it (`ConnectedAccountRetrieveResponse`). */
export function accountJson(a: AccountRecord, configs: EmulatorAuthConfigs): StateOptional<ConnectedAccountRetrieveResponse> {
	// The single-account answer carries the deprecated `params` as well; list items do not.
	return { ...accountListItem(a, configs.find(a.authConfigId)), params: { status: a.status } };
}

/** A connected account as an item of `GET /connected_accounts` (`ConnectedAccountListResponse.Item`). */
function accountListItem(a: AccountRecord, config: AuthConfigRecord | undefined): StateOptional<ConnectedAccountListResponse.Item> {
	const scheme = config?.authScheme ?? 'OAUTH2';
	const state = accountState(a, scheme);
	return {
		id: a.id,
		alias: a.alias,
		word_id: a.wordId,
		user_id: a.userId,
		status: a.status,
		status_reason: a.statusReason,
		is_disabled: a.isDisabled,
		toolkit: { slug: a.toolkit },
		auth_config: { id: a.authConfigId, auth_scheme: scheme, is_composio_managed: config?.isComposioManaged ?? true, is_disabled: config?.status === 'DISABLED' },
		...(state ? { state } : {}),
		// Composio repeats the status in the deprecated `data` (and `params`) of the account.
		data: { status: a.status },
		test_request_endpoint: '',
		created_at: a.createdAt,
		updated_at: a.updatedAt,
	};
}

/** Routes `/api/v3.1` requests (already authenticated) to their handlers. */
export class EmulatorApi {
	private readonly routes: Route[] = [];

	constructor(
		private readonly store: EmulatorStore,
		private readonly engine: SessionEngine,
		private readonly getBaseUrl: () => string,
		/** What an unrestricted session lists as its toolkits (see `ComposioEmulatorOptions.catalogSize`). */
		private readonly catalog: readonly ToolkitDef[],
	) {
		this.registerRoutes();
	}

	private get baseUrl(): string {
		return this.getBaseUrl();
	}

	/**
	 * Answers one request; `rel` is the path below `/api/v3.1`. Throws ApiError for failures the
	 * caller turns into Composio's error body; answers 404/405 for unknown routes.
	 */
	async dispatch(req: IncomingMessage, res: ServerResponse, method: string, path: string, rel: string, query: URLSearchParams, body: unknown): Promise<void> {
		let pathMatched = false;
		for (const route of this.routes) {
			const m = route.pattern.exec(rel);
			if (!m) {
				continue;
			}
			pathMatched = true;
			if (route.method !== method) {
				continue;
			}
			const params: Params = {};
			route.names.forEach((name, i) => {
				params[name] = decodePathPart(m[i + 1] ?? '');
			});
			await route.handler({ req, res, params, query, body });
			return;
		}
		sendError(res, pathMatched ? 405 : 404, pathMatched ? `Method ${method} not allowed on ${path}` : `Route ${method} ${path} not found`);
	}

	private route(method: string, path: string, handler: RouteHandler): void {
		const { pattern, names } = compile(path);
		this.routes.push({ method, pattern, names, handler });
	}

	private registerRoutes(): void {
		this.route('POST', '/tool_router/session', ({ res, body }) => {
			const session = this.store.addSession(parseSessionConfig(body, this.store));
			sendJson(res, 201, { ...sessionJson(session, this.baseUrl), experimental: { assistive_prompt: assistivePrompt(session.config) } } satisfies SessionJson<SessionCreateResponse>);
		});
		this.route('GET', '/tool_router/session/{id}', ({ res, params }) => {
			sendJson(res, 200, sessionJson(this.store.requireSession(params.id ?? ''), this.baseUrl) satisfies SessionJson<SessionRetrieveResponse>);
		});
		this.route('DELETE', '/tool_router/session/{id}', ({ res, params }) => {
			this.store.deleteSession(params.id ?? '');
			sendJson(res, 200, { session_id: params.id, deleted: true });
		});
		this.route('GET', '/tool_router/session/{id}/tools', ({ res, params, query }) => {
			const session = this.store.requireSession(params.id ?? '');
			const tools = sessionTools(session.config).map(toolJson);
			sendJson(res, 200, paginate(tools, decodeCursor(query.get('cursor') ?? undefined), parseLimit(query.get('limit') ?? undefined, 20, 500)) satisfies SessionToolsResponse);
		});
		this.route('GET', '/tool_router/session/{id}/toolkits', ({ res, params, query }) => this.sessionToolkits(res, params.id ?? '', query));
		this.route('POST', '/tool_router/session/{id}/link', ({ res, params, body }) => this.sessionLink(res, params.id ?? '', body));
		this.route('POST', '/tool_router/session/{id}/execute', ({ res, params, body }) => this.sessionExecute(res, params.id ?? '', body, 'tool_slug'));
		this.route('POST', '/tool_router/session/{id}/execute_meta', ({ res, params, body }) => this.sessionExecute(res, params.id ?? '', body, 'slug'));
		this.route('POST', '/tool_router/session/{id}/search', ({ res, params, body }) => {
			const session = this.store.requireSession(params.id ?? '');
			const record = isRecord(body) ? body : {};
			const queries = Array.isArray(record.queries) ? record.queries.map((q) => (isRecord(q) ? (optString(q, 'use_case') ?? '') : '')) : [];
			if (queries.length === 0 || queries.some((q) => !q.trim())) {
				throw new ApiError(400, "'queries' must be a non-empty array of {use_case}");
			}
			const toolkits = Array.isArray(record.toolkits) ? record.toolkits.filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase()) : undefined;
			sendJson(res, 200, this.engine.search(session, queries, toolkits) satisfies SessionSearchResponse);
		});

		this.route('GET', '/connected_accounts', ({ res, query }) => this.listAccounts(res, query));
		this.route('POST', '/connected_accounts/link', ({ res, body }) => {
			if (!isRecord(body)) {
				throw new ApiError(400, 'Request body must be a JSON object');
			}
			const authConfigId = optString(body, 'auth_config_id');
			const userId = optString(body, 'user_id')?.trim();
			if (!authConfigId || !userId) {
				throw new ApiError(400, "'auth_config_id' and 'user_id' are required");
			}
			const config = this.store.authConfigs.require(authConfigId);
			const { account, link, redirectUrl } = this.store.initiate({
				userId,
				toolkit: config.toolkit,
				authConfigId: config.id,
				alias: optString(body, 'alias') ?? null,
				callbackUrl: optString(body, 'callback_url') ?? null,
			});
			sendJson(res, 201, { link_token: link.token, redirect_url: redirectUrl, expires_at: link.expiresAt, connected_account_id: account.id } satisfies LinkCreateResponse);
		});
		this.route('GET', '/connected_accounts/{id}', ({ res, params }) => {
			const account = this.store.requireAccount(params.id ?? '');
			sendJson(res, 200, accountJson(account, this.store.authConfigs));
		});
		this.route('DELETE', '/connected_accounts/{id}', ({ res, params }) => {
			this.store.deleteAccount(params.id ?? '');
			sendJson(res, 200, { success: true } satisfies ConnectedAccountDeleteResponse);
		});
		this.route('PATCH', '/connected_accounts/{id}', ({ res, params, body }) => {
			const alias = isRecord(body) ? body.alias : undefined;
			let account = this.store.requireAccount(params.id ?? '');
			if (alias !== undefined) {
				if (typeof alias !== 'string') {
					throw new ApiError(400, "'alias' must be a string");
				}
				account = this.store.setAlias(account.id, alias);
			}
			sendJson(res, 200, { id: account.id, status: account.status, success: true } satisfies ConnectedAccountPatchResponse);
		});
		this.route('PATCH', '/connected_accounts/{id}/status', ({ res, params, body }) => {
			if (!isRecord(body) || typeof body.enabled !== 'boolean') {
				throw new ApiError(400, "'enabled' (boolean) is required");
			}
			this.store.setEnabled(params.id ?? '', body.enabled);
			sendJson(res, 200, { success: true } satisfies ConnectedAccountUpdateStatusResponse);
		});

		this.route('GET', '/auth_configs', ({ res, query }) => {
			const managed = query.get('is_composio_managed');
			const items = this.store.authConfigs
				.list({
					toolkit: query.get('toolkit_slug')?.toLowerCase() || undefined,
					managed: managed === 'true' ? true : managed === 'false' ? false : undefined,
					search: query.get('search') ?? undefined,
					showDisabled: query.get('show_disabled') === 'true',
				})
				.map((c) => this.authConfigJson(c));
			sendJson(res, 200, paginate(items, decodeCursor(query.get('cursor') ?? undefined), parseLimit(query.get('limit') ?? undefined, 50, 1000)) satisfies AuthConfigListResponse);
		});
		this.route('POST', '/auth_configs', ({ res, body }) => {
			const config = this.store.authConfigs.create(body);
			sendJson(res, 201, createdAuthConfigJson(config));
		});
		this.route('GET', '/auth_configs/{id}', ({ res, params }) => {
			sendJson(res, 200, this.authConfigJson(this.store.authConfigs.require(params.id ?? '')) satisfies AuthConfigRetrieveResponse);
		});
		this.route('PATCH', '/auth_configs/{id}', ({ res, params, body }) => {
			sendJson(res, 200, this.authConfigJson(this.store.authConfigs.update(params.id ?? '', body)));
		});
		this.route('DELETE', '/auth_configs/{id}', ({ res, params }) => {
			this.store.authConfigs.delete(params.id ?? '');
			sendJson(res, 200, {});
		});
		this.route('PATCH', '/auth_configs/{id}/{status}', ({ res, params }) => {
			const status = params.status;
			if (status !== 'ENABLED' && status !== 'DISABLED') {
				throw new ApiError(400, `Status must be ENABLED or DISABLED, not '${status ?? ''}'`);
			}
			sendJson(res, 200, this.authConfigJson(this.store.authConfigs.setStatus(params.id ?? '', status)));
		});
		this.route('GET', '/toolkits/{slug}', ({ res, params }) => {
			const tk = findToolkit(params.slug ?? '');
			if (!tk) {
				throw toolkitNotFound(params.slug ?? '');
			}
			sendJson(res, 200, toolkitDetailJson(tk));
		});
	}

	private authConfigJson(c: AuthConfigRecord): ReturnType<typeof authConfigJson> {
		return authConfigJson(c, this.store.accounts().filter((a) => a.authConfigId === c.id).length);
	}

	/** A session's toolkits: those it enables, or the whole catalog when it names none. */
	private enabled(config: Parameters<typeof enabledToolkits>[0]): readonly ToolkitDef[] {
		return config.toolkits ? enabledToolkits(config) : this.catalog;
	}

	private sessionToolkits(res: ServerResponse, sessionId: string, query: URLSearchParams): void {
		const session = this.store.requireSession(sessionId);
		const wanted = queryList(query.get('toolkits') ?? undefined);
		let toolkits: readonly ToolkitDef[] = wanted
			? wanted.map((slug) => {
					const tk = findToolkit(slug) ?? this.catalog.find((t) => t.slug === slug);
					if (!tk) {
						throw toolkitNotFound(slug);
					}
					return tk;
				})
			: this.enabled(session.config);
		const search = query.get('search')?.trim().toLowerCase();
		if (search) {
			toolkits = toolkits.filter((t) => `${t.slug} ${t.name} ${t.description}`.toLowerCase().includes(search));
		}
		const enabled = this.enabled(session.config);
		const items = toolkits.map((tk): SessionToolkitsResponse.Item => {
			const account = displayedAccount(this.store, session.config, tk.slug);
			const config = account ? this.store.authConfigs.find(account.authConfigId) : undefined;
			return {
				slug: tk.slug,
				name: tk.name,
				enabled: enabled.includes(tk),
				is_no_auth: tk.authScheme === 'NO_AUTH',
				composio_managed_auth_schemes: tk.authScheme === 'NO_AUTH' || tk.managedAuth === 'none' ? [] : [tk.authScheme],
				meta: { logo: tk.logo, description: tk.description },
				connected_account: account
					? {
							id: account.id,
							user_id: account.userId,
							status: account.status,
							created_at: account.createdAt,
							auth_config: { id: account.authConfigId, auth_scheme: config?.authScheme ?? tk.authScheme, is_composio_managed: config?.isComposioManaged ?? true },
						}
					: null,
			};
		});
		const connectedFilter = query.get('is_connected');
		const filtered =
			connectedFilter === 'true' || connectedFilter === 'false'
				? items.filter((i) => (i.connected_account?.status === 'ACTIVE') === (connectedFilter === 'true'))
				: items;
		sendJson(res, 200, paginate(filtered, decodeCursor(query.get('cursor') ?? undefined), parseLimit(query.get('limit') ?? undefined, 20, 50)) satisfies SessionToolkitsResponse);
	}

	private sessionLink(res: ServerResponse, sessionId: string, body: unknown): void {
		const session = this.store.requireSession(sessionId);
		if (!isRecord(body)) {
			throw new ApiError(400, 'Request body must be a JSON object');
		}
		const slug = optString(body, 'toolkit')?.trim();
		if (!slug) {
			throw new ApiError(400, "'toolkit' is required");
		}
		const tk = findToolkit(slug);
		if (!tk) {
			throw toolkitNotFound(slug);
		}
		const multi = session.config.multiAccount;
		if (multi?.enable) {
			const active = candidateAccounts(this.store, session.config, tk.slug).filter(usable).length;
			if (active >= multi.maxAccountsPerToolkit) {
				throw new ApiError(400, `User already has ${active} connected ${tk.name} accounts, the maximum for this session`, 'Delete an account or raise multi_account.max_accounts_per_toolkit.');
			}
		}
		const { account, link, redirectUrl } = this.store.initiate({
			userId: session.config.userId,
			toolkit: tk.slug,
			authConfigId: session.config.authConfigs[tk.slug],
			alias: optString(body, 'alias') ?? null,
			callbackUrl: optString(body, 'callback_url') ?? session.config.manageConnections.callbackUrl,
		});
		sendJson(res, 201, { link_token: link.token, redirect_url: redirectUrl, connected_account_id: account.id } satisfies SessionLinkResponse);
	}

	private async sessionExecute(res: ServerResponse, sessionId: string, body: unknown, slugField: string): Promise<void> {
		const session = this.store.requireSession(sessionId);
		if (!isRecord(body)) {
			throw new ApiError(400, 'Request body must be a JSON object');
		}
		const slug = optString(body, slugField)?.trim();
		if (!slug) {
			throw new ApiError(400, `'${slugField}' is required`);
		}
		if (body.arguments !== undefined && body.arguments !== null && !isRecord(body.arguments)) {
			throw new ApiError(400, "'arguments' must be an object");
		}
		const args = isRecord(body.arguments) ? body.arguments : {};
		const result = await this.engine.execute(session, slug, args, optString(body, 'account'));
		if (result.refusal && result.error !== null) {
			// As on Composio: a call it refuses (not connected, toolkit not allowed, no such tool) is an HTTP 400 with its own code.
			throw new ApiError(400, result.error, '', result.refusal.slug, result.refusal.code);
		}
		const answer: SessionExecuteResponse & SessionExecuteMetaResponse = { data: result.data, error: result.error, log_id: newId('log', 16) };
		// Newer Composio answers say how the call ended; newer SDKs require it (SDK test inputRequiredExecution.test.ts).
		sendJson(res, 200, { ...answer, result_type: result.error === null ? 'completed' : 'failed' });
	}

	private listAccounts(res: ServerResponse, query: URLSearchParams): void {
		const userIds = queryList(query.get('user_ids') ?? undefined);
		const toolkits = queryList(query.get('toolkit_slugs') ?? undefined)?.map((t) => t.toLowerCase());
		const statuses = queryList(query.get('statuses') ?? undefined);
		const bad = statuses?.find((s) => !isAccountStatus(s));
		if (bad) {
			throw new ApiError(400, `Invalid status '${bad}'`, 'Use INITIALIZING, INITIATED, ACTIVE, FAILED, EXPIRED, INACTIVE or REVOKED.');
		}
		const configs = queryList(query.get('auth_config_ids') ?? undefined);
		const ids = queryList(query.get('connected_account_ids') ?? undefined);
		const orderBy = query.get('order_by') === 'updated_at' ? 'updatedAt' : 'createdAt';
		const ascending = query.get('order_direction') === 'asc';
		const items = this.store
			.accounts()
			.filter((a) => !userIds || userIds.includes(a.userId))
			.filter((a) => !toolkits || toolkits.includes(a.toolkit))
			.filter((a) => !statuses || statuses.includes(a.status))
			.filter((a) => !configs || configs.includes(a.authConfigId))
			.filter((a) => !ids || ids.includes(a.id))
			.sort((a, b) => {
				const diff = Date.parse(a[orderBy]) - Date.parse(b[orderBy]) || a.seq - b.seq;
				return ascending ? diff : -diff;
			})
			.map((a) => accountListItem(a, this.store.authConfigs.find(a.authConfigId)));
		sendJson(res, 200, paginate(items, decodeCursor(query.get('cursor') ?? undefined), parseLimit(query.get('limit') ?? undefined, 20, 1000)) satisfies Omit<ConnectedAccountListResponse, 'items'> & { items: Array<StateOptional<ConnectedAccountListResponse.Item>> });
	}

	// ── Connect page ─────────────────────────────────────────────────────
}
