/**
 * The tool router half of the emulator: parsing session configs, the tools and toolkits a
 * session exposes (meta tools included) and which connected account an execution uses.
 * HTTP-free: the server turns the values and ApiErrors here into responses.
 */
import type { SessionRetrieveResponse, SessionToolsResponse } from '@composio/client/resources/tool-router/session/session';

/** The tool hints Composio's API knows; a session's tag filters echo only these. */
type ToolHint = NonNullable<SessionRetrieveResponse.Config.Tags['enabled']>[number];
const TOOL_HINTS: readonly ToolHint[] = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

function isToolHint(tag: string): tag is ToolHint {
	return (TOOL_HINTS as readonly string[]).includes(tag);
}

/** A hints filter, as the API documents the session's `config.tags`. */
interface TagsJson {
	enabled?: ToolHint[];
	disabled?: ToolHint[];
}

/**
 * A session response (`SessionCreateResponse`, `SessionRetrieveResponse`) with `config.tags` as
 * documented. On purpose: the generated `Config` namespace declares two interfaces named `Tags`
 * (the hints filter, and the `{tags}` form of a per-toolkit filter), which TypeScript merges into
 * one that requires both shapes at once, so no real answer meets it; the emulator sends the
 * documented `{enabled, disabled}`.
 */
export type SessionJson<T extends { config: object }> = Omit<T, 'config'> & { config: Omit<T['config'], 'tags'> & { tags?: TagsJson } };
import { ApiError, optString, optStringArray } from './emulatorHttp';
import { isRecord } from '../../common/isRecord';
import { toolkitNotFound, type AccountRecord, type EmulatorStore, type SessionConfig, type SessionRecord, type TagFilter, type ToolFilter } from './emulatorStore';
import {
	APP_TOOLS,
	COMPOSIO_TOOLKIT,
	TOOL_VERSION,
	TOOLKITS,
	findAppTool,
	findToolkit,
	objectSchema,
	toolTags,
	type JsonSchema,
	type MetaToolDef,
	type ToolDef,
	type ToolkitDef,
} from './emulatorToolkits';
import { isWorkbenchTool, WORKBENCH_TOOLS } from './emulatorWorkbench';

/** The result of executing a tool: Composio's `{data, error}` (the route adds `log_id`). */
export interface ExecutionResult {
	data: Record<string, unknown>;
	error: string | null;
	/**
	 * Set where Composio refuses the call itself rather than the tool failing: a direct execute
	 * answers HTTP 400 with this code and slug (a multi-execute reports the error for that tool).
	 */
	refusal?: ExecutionRefusal;
}

/** Composio's codes for an execute it refuses (its CLI's error overrides; seen live). */
export const REFUSALS = {
	noActiveConnection: { code: 4302, slug: 'ToolRouterV2_NoActiveConnection' },
	toolkitNotAllowed: { code: 4324, slug: 'ToolRouterV2_ToolkitNotAllowed' },
	toolNotFound: { code: 4301, slug: 'ToolRouterV2_ToolNotFound' },
} as const;

export type ExecutionRefusal = (typeof REFUSALS)[keyof typeof REFUSALS];

const str = (description: string): JsonSchema => ({ type: 'string', description });
const strings = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });
const anyObject = (description: string): JsonSchema => ({ type: 'object', description, additionalProperties: true });

/** The Composio meta tools the emulator implements. */
export const META_TOOLS: readonly MetaToolDef[] = [
	{
		slug: 'COMPOSIO_SEARCH_TOOLS',
		name: 'Search tools',
		description:
			'Discover the tools that can do a task. Describe each task as a use case; the answer lists matching tool slugs with ' +
			'their input schemas, whether each toolkit is connected for this user, and what to do next. Call it before using an app tool ' +
			'you have not used in this conversation.',
		inputParameters: objectSchema(
			{
				queries: {
					type: 'array',
					description: 'One entry per task.',
					minItems: 1,
					items: objectSchema(
						{
							use_case: str('What the user wants done, in plain words, e.g. "summarize my unread email from today".'),
							known_fields: str('Values already known, e.g. "repo: acme/webapp".'),
						},
						['use_case'],
					),
				},
				session: objectSchema({ generate_id: { type: 'boolean', description: 'Start a new search session.' }, id: str('Search session id from an earlier call.') }),
			},
			['queries'],
		),
		outputParameters: objectSchema({ results: { type: 'array', items: anyObject('One result per query') }, tool_schemas: anyObject('Schemas by tool slug'), toolkit_connection_statuses: { type: 'array', items: anyObject('Connection status') } }),
		readOnly: true,
	},
	{
		slug: 'COMPOSIO_GET_TOOL_SCHEMAS',
		name: 'Get tool schemas',
		description: 'Returns the full input schemas of tools by slug (for tools whose schema the search did not include).',
		inputParameters: objectSchema(
			{
				tool_slugs: { ...strings('Tool slugs, e.g. ["GMAIL_SEND_EMAIL"].'), minItems: 1 },
				include: { type: 'array', items: { type: 'string', enum: ['input_schema', 'output_schema'] }, description: 'What to return for each tool.', default: ['input_schema'] },
				session_id: str('Search session id, if any.'),
			},
			['tool_slugs'],
		),
		outputParameters: objectSchema({ success: { type: 'boolean' }, tool_schemas: anyObject('Schemas by tool slug'), not_found: strings('Unknown slugs'), session: anyObject('The search session') }),
		readOnly: true,
	},
	{
		slug: 'COMPOSIO_MANAGE_CONNECTIONS',
		name: 'Manage connections',
		description:
			"Checks the user's connections to toolkits and starts new ones. For each toolkit: 'active' with its accounts when connected; " +
			"otherwise 'initiated' with a redirect_url (a Connect Link). Share the link with the user, wait until they say they are done, then retry the task. " +
			'An entry may also be {name, action} with action add (a new account beside the connected ones, on multi-account sessions), list, ' +
			'rename (account_id, alias) or remove (account_id).',
		inputParameters: objectSchema(
			{
				toolkits: {
					type: 'array',
					description: 'Toolkit slugs, e.g. ["gmail"], or entries {name, action, account_id, alias}.',
					items: {
						anyOf: [
							{ type: 'string' },
							objectSchema(
								{
									name: str('Toolkit slug.'),
									action: { type: 'string', enum: ['add', 'list', 'rename', 'remove'], default: 'add' },
									account_id: str('The account to rename or remove (id or alias).'),
									alias: str('The new alias, for rename.'),
								},
								['name'],
							),
						],
					},
				},
				reinitiate_all: { type: 'boolean', description: 'Start new connections even for toolkits that are already connected.', default: false },
				session_id: str('Search session id, if any.'),
			},
			['toolkits'],
		),
		outputParameters: objectSchema({ results: anyObject('Per-toolkit status keyed by toolkit slug'), message: str('Summary') }),
		readOnly: false,
	},
	{
		slug: 'COMPOSIO_MULTI_EXECUTE_TOOL',
		name: 'Multi execute tool',
		description:
			'Executes up to 50 logically independent app tools in parallel by slug with their arguments, and returns each result in order. ' +
			'Set sync_response_to_workbench to true when a response may be large or is needed for later scripting: the whole response is saved to the remote workbench and an inline preview comes back.',
		inputParameters: objectSchema(
			{
				tools: {
					type: 'array',
					description: 'The tool calls to run.',
					minItems: 1,
					maxItems: 50,
					items: objectSchema(
						{
							tool_slug: str('Tool slug, e.g. GMAIL_FETCH_EMAILS.'),
							arguments: anyObject('Arguments matching the tool input schema.'),
							account: str('Connected account id or alias to use, when several are connected.'),
						},
						['tool_slug', 'arguments'],
					),
				},
				thought: str('Why these calls, in one sentence.'),
				sync_response_to_workbench: {
					type: 'boolean',
					description: 'Save the whole response to the remote workbench and return an inline preview; keep false for small responses.',
					default: false,
				},
				current_step: str('A short name for the current step, e.g. FETCHING_EMAILS.'),
				current_step_metric: str('Progress of the current step, e.g. "10/100 emails".'),
				session_id: str('Search session id, if any.'),
			},
			['tools', 'sync_response_to_workbench'],
		),
		outputParameters: objectSchema({ results: { type: 'array', items: anyObject('Result of one call') }, total_count: { type: 'integer' }, success_count: { type: 'integer' }, error_count: { type: 'integer' } }),
		readOnly: false,
	},
	{
		slug: 'COMPOSIO_WAIT_FOR_CONNECTIONS',
		name: 'Wait for connections',
		description: 'Waits until the user has finished connecting the given toolkits (or the timeout passes) and reports each status.',
		inputParameters: objectSchema({ toolkits: strings('Toolkit slugs to wait for.'), timeout_seconds: { type: 'integer', description: 'Longest wait, at most 45 seconds.', default: 30, minimum: 1, maximum: 45 } }, ['toolkits']),
		outputParameters: objectSchema({ results: anyObject('Per-toolkit status'), all_active: { type: 'boolean' } }),
		readOnly: true,
	},
	...WORKBENCH_TOOLS,
];

/** Looks a meta tool up by slug (case-insensitive). */
export function findMetaTool(slug: string): MetaToolDef | undefined {
	const s = slug.toUpperCase();
	return META_TOOLS.find((t) => t.slug === s);
}

/** A tool in Composio's tool-list JSON shape. */
export function toolJson(tool: ToolDef | MetaToolDef): SessionToolsResponse.Item {
	const isMeta = !('toolkit' in tool);
	const tk: ToolkitDef = isMeta ? COMPOSIO_TOOLKIT : (findToolkit(tool.toolkit) ?? COMPOSIO_TOOLKIT);
	return {
		slug: tool.slug,
		name: tool.name,
		description: tool.description,
		human_description: tool.description,
		toolkit: { slug: tk.slug, name: tk.name, logo: tk.logo },
		input_parameters: tool.inputParameters,
		output_parameters: tool.outputParameters,
		no_auth: isMeta,
		version: TOOL_VERSION,
		available_versions: [TOOL_VERSION],
		deprecated: { available_versions: [TOOL_VERSION], displayName: tool.name, is_deprecated: false, toolkit: { logo: tk.logo }, version: TOOL_VERSION },
		is_deprecated: false,
		tags: toolTags(tool),
		scopes: isMeta ? [] : [...tool.scopes],
		scope_requirements: null,
	};
}

// ── Session config parsing ─────────────────────────────────────────────────

function parseTags(value: unknown, what: string): TagFilter | null {
	if (value === undefined || value === null) {
		return null;
	}
	if (Array.isArray(value)) {
		return { enable: value.filter((v): v is string => typeof v === 'string'), disable: [] };
	}
	if (isRecord(value)) {
		return { enable: optStringArray(value, 'enable') ?? [], disable: optStringArray(value, 'disable') ?? [] };
	}
	throw new ApiError(400, `'${what}' must be an array of tags or {enable, disable}`);
}

function requireKnownToolkit(slug: string): ToolkitDef {
	const tk = findToolkit(slug);
	if (!tk) {
		throw toolkitNotFound(slug);
	}
	return tk;
}

/**
 * Parses and validates a session-create body into a SessionConfig. Throws ApiError: 400 for a
 * malformed field, 404 for an unknown toolkit, auth config or connected account.
 */
export function parseSessionConfig(body: unknown, store: EmulatorStore): SessionConfig {
	if (!isRecord(body)) {
		throw new ApiError(400, 'Request body must be a JSON object');
	}
	const userId = optString(body, 'user_id')?.trim();
	if (!userId) {
		throw new ApiError(400, "'user_id' is required", 'Pass the id of the end user the session acts for.');
	}

	let toolkits: SessionConfig['toolkits'] = null;
	if (isRecord(body.toolkits) && Object.keys(body.toolkits).some((k) => k !== 'enable' && k !== 'disable')) {
		// As Composio answers `toolkits: {enabled: [...]}` (seen live).
		throw new ApiError(400, 'Validation error while processing request', '', undefined, undefined, ['Error in payload.toolkits: Invalid input']);
	}
	if (isRecord(body.toolkits)) {
		const enable = optStringArray(body.toolkits, 'enable');
		const disable = optStringArray(body.toolkits, 'disable');
		if (enable && disable) {
			throw new ApiError(400, "'toolkits' takes either enable or disable, not both");
		}
		const list = (enable ?? disable ?? []).map((s) => requireKnownToolkit(s).slug);
		toolkits = enable ? { enable: list } : disable ? { disable: list } : null;
	} else if (body.toolkits !== undefined && body.toolkits !== null) {
		throw new ApiError(400, "'toolkits' must be {enable: [...]} or {disable: [...]}");
	}

	const tools: Record<string, ToolFilter> = {};
	if (isRecord(body.tools)) {
		for (const [slug, filter] of Object.entries(body.tools)) {
			const tk = requireKnownToolkit(slug);
			if (!isRecord(filter)) {
				throw new ApiError(400, `'tools.${slug}' must be {enable}, {disable} or {tags}`);
			}
			const listed = optStringArray(filter, 'enable') ?? optStringArray(filter, 'disable');
			if (listed) {
				const invalid = listed.filter((t) => findAppTool(t)?.toolkit !== tk.slug);
				if (invalid.length > 0) {
					throw new ApiError(400, `Invalid tool slugs for toolkit '${tk.slug}': ${invalid.join(', ')}`, `Valid: ${APP_TOOLS.filter((t) => t.toolkit === tk.slug).map((t) => t.slug).join(', ')}`);
				}
				tools[tk.slug] = 'enable' in filter ? { enable: listed.map((t) => t.toUpperCase()) } : { disable: listed.map((t) => t.toUpperCase()) };
			} else {
				tools[tk.slug] = { tags: parseTags(filter.tags, `tools.${slug}.tags`) ?? { enable: [], disable: [] } };
			}
		}
	}

	const authConfigs: Record<string, string> = {};
	if (isRecord(body.auth_configs)) {
		for (const [slug, id] of Object.entries(body.auth_configs)) {
			const tk = requireKnownToolkit(slug);
			const config = store.authConfigs.require(typeof id === 'string' ? id : String(id));
			if (config.toolkit !== tk.slug) {
				throw new ApiError(400, `Auth config '${config.id}' belongs to toolkit '${config.toolkit}', not '${tk.slug}'`);
			}
			authConfigs[tk.slug] = config.id;
		}
	}

	let multiAccount: SessionConfig['multiAccount'] = null;
	if (isRecord(body.multi_account)) {
		const max = body.multi_account.max_accounts_per_toolkit;
		if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 2 || max > 10)) {
			throw new ApiError(400, "'multi_account.max_accounts_per_toolkit' must be an integer between 2 and 10");
		}
		const enable = body.multi_account.enable === true;
		multiAccount = {
			enable,
			maxAccountsPerToolkit: typeof max === 'number' ? max : 5,
			requireExplicitSelection: typeof body.multi_account.require_explicit_selection === 'boolean' ? body.multi_account.require_explicit_selection : false,
		};
	}

	const connectedAccounts: Record<string, string[]> = {};
	if (isRecord(body.connected_accounts)) {
		for (const [slug, ids] of Object.entries(body.connected_accounts)) {
			const tk = requireKnownToolkit(slug);
			const list = typeof ids === 'string' ? [ids] : Array.isArray(ids) && ids.every((i) => typeof i === 'string') ? ids : undefined;
			if (!list) {
				throw new ApiError(400, `'connected_accounts.${slug}' must be an array of connected account ids`);
			}
			if (list.length > 1 && !multiAccount?.enable) {
				throw new ApiError(400, `Only one connected account can be pinned for '${tk.slug}' unless multi_account is enabled`);
			}
			for (const id of list) {
				const account = store.requireAccount(id);
				if (account.userId !== userId || account.toolkit !== tk.slug) {
					throw new ApiError(400, `Connected account '${id}' does not belong to user '${userId}' and toolkit '${tk.slug}'`);
				}
			}
			connectedAccounts[tk.slug] = list;
		}
	}

	const manage = body.manage_connections;
	const manageConnections = {
		enable: isRecord(manage) ? manage.enable !== false : manage !== false,
		callbackUrl: isRecord(manage) ? (optString(manage, 'callback_url') ?? null) : null,
		waitForConnections: isRecord(manage) && manage.enable_wait_for_connections === true,
		// The connection tool's `remove` action: on unless the session turns it off (the generated type's default).
		removal: !(isRecord(manage) && manage.enable_connection_removal === false),
	};

	const tags = parseTags(body.tags, 'tags');
	// Without a preload the session lists its meta tools only, as on the real service; `'all'` needs a
	// positive allowlist (toolkits, tools or tags enabled) and is refused without one.
	let preloadTools: SessionConfig['preloadTools'] = null;
	if (isRecord(body.preload)) {
		const p = body.preload.tools;
		if (p === 'all') {
			const allowlist =
				(toolkits !== null && 'enable' in toolkits) ||
				Object.values(tools).some((f) => 'enable' in f || ('tags' in f && f.tags.enable.length > 0)) ||
				(tags !== null && tags.enable.length > 0);
			if (!allowlist) {
				throw new ApiError(400, 'preload.tools "all" is not supported without a positive allowlist (toolkits, tools or tags enabled)');
			}
			preloadTools = 'all';
		} else if (Array.isArray(p)) {
			const slugs = p.filter((x): x is string => typeof x === 'string').map((x) => x.toUpperCase());
			const invalid = slugs.filter((s) => !findAppTool(s));
			if (invalid.length > 0) {
				throw new ApiError(400, `Unknown tool slugs in preload: ${invalid.join(', ')}`);
			}
			preloadTools = slugs;
		}
	}

	return {
		userId,
		toolkits,
		tools,
		tags,
		authConfigs,
		connectedAccounts,
		manageConnections,
		multiAccount,
		searchEnabled: !(isRecord(body.search) && body.search.enable === false),
		multiExecuteEnabled: !(isRecord(body.execute) && body.execute.enable_multi_execute === false),
		preloadTools,
		// The SDK sends its `sandbox` option as `workbench`; unset means on.
		workbenchEnabled: !(isRecord(body.workbench) && body.workbench.enable === false),
		...(isRecord(body.workbench) && typeof body.workbench.auto_offload_threshold === 'number' && body.workbench.auto_offload_threshold > 0
			? { offloadThreshold: Math.floor(body.workbench.auto_offload_threshold) }
			: {}),
	};
}

// ── What a session exposes ─────────────────────────────────────────────────

/** The toolkits enabled in a session. */
export function enabledToolkits(config: SessionConfig): ToolkitDef[] {
	const t = config.toolkits;
	if (t && 'enable' in t) {
		return TOOLKITS.filter((tk) => t.enable.includes(tk.slug));
	}
	if (t && 'disable' in t) {
		return TOOLKITS.filter((tk) => !t.disable.includes(tk.slug));
	}
	return [...TOOLKITS];
}

function passesTags(tags: string[], filter: TagFilter | null): boolean {
	if (!filter) {
		return true;
	}
	if (filter.enable.length > 0 && !filter.enable.some((t) => tags.includes(t))) {
		return false;
	}
	return !filter.disable.some((t) => tags.includes(t));
}

/** True when an app tool is usable in the session (toolkit enabled, filters pass). */
export function appToolInSession(config: SessionConfig, tool: ToolDef): boolean {
	if (!enabledToolkits(config).some((tk) => tk.slug === tool.toolkit)) {
		return false;
	}
	const filter = config.tools[tool.toolkit];
	const tags = toolTags(tool);
	if (filter) {
		if ('enable' in filter) {
			return filter.enable.includes(tool.slug);
		}
		if ('disable' in filter) {
			return !filter.disable.includes(tool.slug);
		}
		return passesTags(tags, filter.tags);
	}
	return passesTags(tags, config.tags);
}

/** True when a meta tool is available in the session (its feature is on). */
export function metaToolInSession(config: SessionConfig, tool: MetaToolDef): boolean {
	switch (tool.slug) {
		case 'COMPOSIO_SEARCH_TOOLS':
			return config.searchEnabled;
		case 'COMPOSIO_MANAGE_CONNECTIONS':
			return config.manageConnections.enable;
		case 'COMPOSIO_MULTI_EXECUTE_TOOL':
			return config.multiExecuteEnabled;
		case 'COMPOSIO_WAIT_FOR_CONNECTIONS':
			return config.manageConnections.enable && config.manageConnections.waitForConnections;
		default:
			// On unless the session turned it off, as on the real service.
			return isWorkbenchTool(tool.slug) ? config.workbenchEnabled !== false : true;
	}
}

/**
 * The tools a session lists: its meta tools, then the app tools it preloads (all those its filters
 * allow for `'all'`, the named ones for a list, none without a preload). App tools that are not
 * listed still run through COMPOSIO_MULTI_EXECUTE_TOOL and are found with COMPOSIO_SEARCH_TOOLS.
 */
export function sessionTools(config: SessionConfig): Array<ToolDef | MetaToolDef> {
	const meta = META_TOOLS.filter((t) => metaToolInSession(config, t));
	const preload = config.preloadTools;
	if (preload === null) {
		return meta;
	}
	const apps = APP_TOOLS.filter((t) => appToolInSession(config, t)).filter((t) => preload === 'all' || preload.includes(t.slug));
	return [...meta, ...apps];
}

/** Characters of a tool's answer after which Composio saves it to a workbench file instead (its default, 20k). */
export const WORKBENCH_OFFLOAD_CHARS = 20_000;

/** The session JSON returned by create and retrieve. */
export function sessionJson(session: SessionRecord, baseUrl: string): SessionJson<SessionRetrieveResponse> {
	const c = session.config;
	const tags = (filter: TagFilter): TagsJson => ({ enabled: filter.enable.filter(isToolHint), disabled: filter.disable.filter(isToolHint) });
	const config: SessionJson<SessionRetrieveResponse>['config'] = {
		user_id: c.userId,
		execute: { enable_multi_execute: c.multiExecuteEnabled },
		search: { enable: c.searchEnabled },
		preload: { tools: c.preloadTools ?? [] },
		manage_connections: {
			enabled: c.manageConnections.enable,
			...(c.manageConnections.callbackUrl ? { callback_url: c.manageConnections.callbackUrl } : {}),
			enable_wait_for_connections: c.manageConnections.waitForConnections,
			enable_connection_removal: c.manageConnections.removal !== false,
		},
		workbench: { enable: c.workbenchEnabled !== false, proxy_execution_enabled: false, auto_offload_threshold: c.offloadThreshold ?? WORKBENCH_OFFLOAD_CHARS },
		...(c.toolkits ? { toolkits: 'enable' in c.toolkits ? { enabled: c.toolkits.enable } : { disabled: c.toolkits.disable } } : {}),
		auth_configs: c.authConfigs,
		connected_accounts: c.connectedAccounts,
		...(c.tags ? { tags: tags(c.tags) } : {}),
		tools: Object.fromEntries(Object.entries(c.tools).map(([k, f]) => [k, 'enable' in f ? { enabled: f.enable } : 'disable' in f ? { disabled: f.disable } : { tags: tags(f.tags) }])),
		...(c.multiAccount
			? { multi_account: { enable: c.multiAccount.enable, max_accounts_per_toolkit: c.multiAccount.maxAccountsPerToolkit, require_explicit_selection: c.multiAccount.requireExplicitSelection } }
			: {}),
	};
	return {
		session_id: session.id,
		mcp: { type: 'http', url: `${baseUrl}/tool_router/${session.id}/mcp` },
		tool_router_tools: sessionTools(c).map((t) => t.slug),
		config,
		config_version: 1,
		warnings: [],
	};
}

/** The assistive system prompt returned on session creation. */
export function assistivePrompt(config: SessionConfig): string {
	const names = enabledToolkits(config).map((t) => t.name).join(', ');
	return (
		`You can act in the user's apps (${names}) through Composio tools. ` +
		'Use COMPOSIO_SEARCH_TOOLS to find the right tool, call app tools with arguments matching their schema' +
		(config.manageConnections.enable ? ', and when a toolkit is not connected call COMPOSIO_MANAGE_CONNECTIONS and share the Connect Link with the user.' : '.')
	);
}

// ── Accounts in a session ──────────────────────────────────────────────────

/** True for an account executions can use: ACTIVE and not disabled. */
export function usable(a: AccountRecord): boolean {
	return a.status === 'ACTIVE' && !a.isDisabled;
}

function label(a: AccountRecord): string {
	return a.alias ? `'${a.alias}' (${a.id})` : a.id;
}

/** The accounts a session may use for a toolkit, newest first (pins and auth-config overrides applied). */
export function candidateAccounts(store: EmulatorStore, config: SessionConfig, toolkit: string): AccountRecord[] {
	const all = store.accountsFor(config.userId, toolkit);
	const pinned = config.connectedAccounts[toolkit];
	if (pinned) {
		return all.filter((a) => pinned.includes(a.id));
	}
	// Composio's precedence (docs "Users and sessions"): the session's auth config for the toolkit,
	// else the one Tool Router made (the managed one); accounts under any other config are not used.
	const authConfig = config.authConfigs[toolkit] ?? store.authConfigs.managedOf(toolkit)?.id;
	return authConfig ? all.filter((a) => a.authConfigId === authConfig) : [];
}

/** The account a session shows for a toolkit: the one it would use, else the newest of any status. */
export function displayedAccount(store: EmulatorStore, config: SessionConfig, toolkit: string): AccountRecord | undefined {
	const candidates = candidateAccounts(store, config, toolkit);
	return candidates.find(usable) ?? candidates[0];
}

type Resolution = { account: AccountRecord } | ExecutionResult;

function notConnected(store: EmulatorStore, config: SessionConfig, tk: ToolkitDef): ExecutionResult {
	const newest = candidateAccounts(store, config, tk.slug)[0];
	const state = newest ? ` The most recent ${tk.name} connection (${newest.id}) is ${newest.isDisabled ? 'disabled' : newest.status}.` : '';
	const next = config.manageConnections.enable
		? ` Call COMPOSIO_MANAGE_CONNECTIONS with {"toolkits": ["${tk.slug}"]} to get a Connect Link, share it with the user, and retry once they have connected.`
		: ` Ask the user to connect their ${tk.name} account, then retry.`;
	return { data: {}, error: `No active connection found for toolkit '${tk.slug}': the user has not connected ${tk.name}.${state}${next}`, refusal: REFUSALS.noActiveConnection };
}

/** Picks the account an execution uses, or explains (as a tool error) why none can be used. */
export function resolveAccount(store: EmulatorStore, config: SessionConfig, tk: ToolkitDef, accountArg: string | undefined): Resolution {
	const candidates = candidateAccounts(store, config, tk.slug);
	const active = candidates.filter(usable);
	const choices = active.map((a) => ({ id: a.id, alias: a.alias }));
	if (accountArg) {
		const match = candidates.find((a) => a.id === accountArg || a.alias === accountArg);
		if (!match) {
			return {
				data: { available_accounts: choices },
				error: `No connected ${tk.name} account matches '${accountArg}'. ${active.length > 0 ? `Available: ${active.map(label).join(', ')}.` : 'No account is connected.'}`,
			};
		}
		if (!usable(match)) {
			return notConnected(store, { ...config, connectedAccounts: { ...config.connectedAccounts, [tk.slug]: [match.id] } }, tk);
		}
		// Without multi-account a session has one connection per toolkit, the one it uses: `account`
		// must name that one (the SDK's `execute` doc: "it must match one of the session's active connections").
		if (!config.multiAccount?.enable && match !== active[0]) {
			return {
				data: { available_accounts: choices.slice(0, 1) },
				error: `Account '${accountArg}' is not this session's ${tk.name} connection: without multi-account the session uses ${active[0] ? label(active[0]) : 'none'}.`,
			};
		}
		return { account: match };
	}
	const first = active[0];
	if (!first) {
		return notConnected(store, config, tk);
	}
	if (active.length > 1 && config.multiAccount?.enable && config.multiAccount.requireExplicitSelection) {
		return {
			data: { available_accounts: choices },
			error: `Multiple ${tk.name} accounts are connected: ${active.map(label).join(', ')}. Choose one and pass its alias or id as \`account\`.`,
		};
	}
	return { account: first };
}
