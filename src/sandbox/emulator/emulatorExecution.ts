/**
 * Executing tools in a tool router session: app tools against the simulated data (after the
 * session picks the connected account), and the Composio meta tools (search, schemas, manage
 * connections, multi-execute, wait for connections). HTTP-free; see emulatorSessions.ts.
 */
import type { SessionSearchResponse } from '@composio/client/resources/tool-router/session/session';
import { optString, optStringArray } from './emulatorHttp';
import { isRecord } from '../../common/isRecord';
import { toolkitNotFound, type EmulatorStore, type SessionRecord } from './emulatorStore';
import { executeAppTool, userEmail } from './emulatorAppData';
import { connectionEntries, manageConnections, sessionBlock } from './emulatorConnectionTool';
import { WorkbenchFiles } from './emulatorWorkbench';
import { APP_TOOLS, findAppTool, findToolkit, validateArguments, type ToolDef, type ToolkitDef } from './emulatorToolkits';
import {
	findMetaTool,
	appToolInSession,
	candidateAccounts,
	displayedAccount,
	enabledToolkits,
	metaToolInSession,
	REFUSALS,
	resolveAccount,
	usable,
	WORKBENCH_OFFLOAD_CHARS,
	type ExecutionResult,
} from './emulatorSessions';

// ── Execution ──────────────────────────────────────────────────────────────

/** Runs tools for sessions; the meta tools live here too. */
export class SessionEngine {
	/** The files each session's remote workbench holds. */
	private readonly workbench = new WorkbenchFiles();

	constructor(
		private readonly store: EmulatorStore,
		private readonly pollMs = 250,
	) {}

	/**
	 * Executes a tool (meta or app) in a session. Everything a model can recover from comes back as
	 * `error`; what Composio refuses outright (no such tool, a toolkit the session does not allow,
	 * no active connection) also carries its `refusal`, which a direct execute answers as an HTTP 400.
	 */
	async execute(session: SessionRecord, slug: string, args: Record<string, unknown>, accountArg?: string): Promise<ExecutionResult> {
		const meta = findMetaTool(slug);
		if (meta) {
			if (!metaToolInSession(session.config, meta)) {
				return { data: {}, error: `${meta.slug} is not enabled in this session.` };
			}
			const invalid = validateArguments(meta.inputParameters, args);
			if (invalid) {
				return { data: {}, error: invalid };
			}
			return this.executeMeta(session, meta.slug, args);
		}
		return this.executeApp(session, slug, args, accountArg);
	}

	private executeApp(session: SessionRecord, slug: string, args: Record<string, unknown>, accountArg?: string): ExecutionResult {
		const tool = findAppTool(slug);
		if (!tool) {
			return { data: {}, error: `Tool '${slug}' not found. Use COMPOSIO_SEARCH_TOOLS to find valid tool slugs.`, refusal: REFUSALS.toolNotFound };
		}
		const tk = findToolkit(tool.toolkit);
		if (!tk) {
			throw toolkitNotFound(tool.toolkit);
		}
		if (!appToolInSession(session.config, tool)) {
			return { data: {}, error: `[Session Restriction] Toolkit '${tk.slug}' is not allowed for this session (tool ${tool.slug})`, refusal: REFUSALS.toolkitNotAllowed };
		}
		// A toolkit with no sign-in runs without an account.
		const resolved = tk.authScheme === 'NO_AUTH' ? { account: undefined } : resolveAccount(this.store, session.config, tk, accountArg);
		if (!('account' in resolved)) {
			return resolved;
		}
		const account = resolved.account;
		if (account?.revokedUpstream) {
			// The provider's own refusal in the tool's answer; the account still reads ACTIVE.
			return { data: { http_status: 401 }, error: `${tk.name} API error: invalid_grant (Token has been expired or revoked.)` };
		}
		const result = executeAppTool(tool, args, {
			userId: session.config.userId,
			data: this.store.userData(session.config.userId),
			now: this.store.clock.now(),
			account: {
				id: account?.id ?? '',
				alias: account?.alias ?? null,
				identity: account?.identity ?? userEmail(session.config.userId),
				profileFails: account?.profileFails === true,
			},
			nextSeq: () => this.store.nextSeq(),
		});
		this.store.persist();
		return result;
	}

	private async executeMeta(session: SessionRecord, slug: string, args: Record<string, unknown>): Promise<ExecutionResult> {
		switch (slug) {
			case 'COMPOSIO_SEARCH_TOOLS': {
				const queries = Array.isArray(args.queries)
					? args.queries.map((q) => (isRecord(q) ? (optString(q, 'use_case') ?? '') : typeof q === 'string' ? q : ''))
					: [];
				return { data: { ...this.search(session, queries) }, error: null };
			}
			case 'COMPOSIO_GET_TOOL_SCHEMAS':
				return this.getSchemas(session, optStringArray(args, 'tool_slugs') ?? [], optStringArray(args, 'include'));
			case 'COMPOSIO_MANAGE_CONNECTIONS':
				return manageConnections(this.store, session, connectionEntries(args.toolkits), args.reinitiate_all === true);
			case 'COMPOSIO_MULTI_EXECUTE_TOOL':
				return this.multiExecute(session, Array.isArray(args.tools) ? args.tools : [], args.sync_response_to_workbench === true);
			case 'COMPOSIO_REMOTE_BASH_TOOL': {
				const ran = this.workbench.runBash(session.id, optString(args, 'command') ?? '');
				return ran ? { data: ran, error: ran.exit_code === 0 ? null : ran.stderr } : { data: {}, error: `${slug} runs only file reads (cat, head -c, wc -c) in the sandbox` };
			}
			case 'COMPOSIO_WAIT_FOR_CONNECTIONS':
				return this.waitForConnections(session, optStringArray(args, 'toolkits') ?? [], typeof args.timeout_seconds === 'number' ? args.timeout_seconds : 30);
			default:
				return { data: {}, error: `${slug} is not supported by the sandbox` };
		}
	}

	/** The connection status of a toolkit as search reports it. */
	private connectionStatus(session: SessionRecord, tk: ToolkitDef): SessionSearchResponse.ToolkitConnectionStatus {
		const active = candidateAccounts(this.store, session.config, tk.slug).filter(usable);
		const first = active[0];
		const multi = session.config.multiAccount;
		return {
			toolkit: tk.slug,
			description: tk.description,
			has_active_connection: first !== undefined || tk.authScheme === 'NO_AUTH',
			status_message: tk.authScheme === 'NO_AUTH' ? `${tk.name} needs no connection.` : first
				? `${tk.name} is connected${first.alias ? ` (account '${first.alias}')` : ''}.`
				: session.config.manageConnections.enable
					? `${tk.name} is not connected. Call COMPOSIO_MANAGE_CONNECTIONS with toolkits ["${tk.slug}"] and share the Connect Link with the user.`
					: `${tk.name} is not connected. Ask the user to connect it.`,
			...(first ? { connection_details: { connected_account_id: first.id, auth_config_id: first.authConfigId, ...(first.alias ? { alias: first.alias } : {}) } } : {}),
			// Who the account in use is, as Composio tells the model (the simulated identity the profile tools give too).
			...(first ? { current_user_info: { email: first.identity ?? userEmail(session.config.userId) } } : {}),
			...(multi?.enable && active.length > 0
				? {
						accounts: active.map((a, i) => ({
							id: a.id,
							...(a.alias ? { alias: a.alias } : {}),
							status: 'active',
							is_default: i === 0,
							created_at: a.createdAt,
							user_info: { email: a.identity ?? userEmail(session.config.userId) },
						})),
						...(active.length > 1 && multi.requireExplicitSelection ? { account_selection: 'required' as const } : {}),
					}
				: {}),
		};
	}

	/** COMPOSIO_SEARCH_TOOLS and the session search endpoint: matches use cases against the session's tools. */
	search(session: SessionRecord, queries: string[], toolkitFilter?: string[]): SessionSearchResponse {
		const inSession = APP_TOOLS.filter((t) => appToolInSession(session.config, t)).filter((t) => !toolkitFilter || toolkitFilter.includes(t.toolkit));
		const schemas: Record<string, SessionSearchResponse.ToolSchemas> = {};
		const mentioned = new Set<string>();
		const results = queries.map((useCase, i) => {
			const ranked = rankTools(useCase, inSession);
			const best = ranked[0]?.score ?? 0;
			const primary = ranked.filter((r) => r.score >= best * 0.7).slice(0, 3).map((r) => r.tool);
			const primaryToolkits = new Set(primary.map((t) => t.toolkit));
			const related = ranked
				.filter((r) => !primary.includes(r.tool) && primaryToolkits.has(r.tool.toolkit))
				.slice(0, 4)
				.map((r) => r.tool);
			for (const t of primary) {
				schemas[t.slug] = { tool_slug: t.slug, toolkit: t.toolkit, description: t.description, hasFullSchema: true, input_schema: t.inputParameters };
				mentioned.add(t.toolkit);
			}
			for (const t of related) {
				schemas[t.slug] ??= {
					tool_slug: t.slug,
					toolkit: t.toolkit,
					description: t.description,
					hasFullSchema: false,
					schemaRef: { args: { tool_slugs: [t.slug] }, tool: 'COMPOSIO_GET_TOOL_SCHEMAS', message: `Call COMPOSIO_GET_TOOL_SCHEMAS for the full schema of ${t.slug}.` },
				};
			}
			const result: SessionSearchResponse.Result = {
				index: i + 1,
				use_case: useCase,
				primary_tool_slugs: primary.map((t) => t.slug),
				related_tool_slugs: related.map((t) => t.slug),
				toolkits: [...primaryToolkits],
				difficulty: primary.length > 1 ? 'medium - more than one tool may be needed' : 'easy - a single tool call with known parameters',
				recommended_plan_steps: primary.map((t, step) => `${step + 1}. Call ${t.slug} through COMPOSIO_MULTI_EXECUTE_TOOL with arguments matching its input_schema.`),
			};
			if (primary.length === 0) {
				result.execution_guidance = `No tool in this session matches. Available toolkits: ${enabledToolkits(session.config).map((t) => t.slug).join(', ')}.`;
			}
			return result;
		});
		const statuses = [...mentioned].map((slug) => findToolkit(slug)).filter((t): t is ToolkitDef => t !== undefined).map((tk) => this.connectionStatus(session, tk));
		const disconnected = statuses.filter((s) => s.has_active_connection !== true).map((s) => String(s.toolkit));
		const now = new Date(this.store.clock.now());
		const guidance: string[] = [];
		if (disconnected.length > 0) {
			guidance.push(
				session.config.manageConnections.enable
					? `Not connected: ${disconnected.join(', ')}. Call COMPOSIO_MANAGE_CONNECTIONS with these toolkits and share the Connect Link with the user before executing.`
					: `Not connected: ${disconnected.join(', ')}. Ask the user to connect them before executing.`,
			);
		}
		guidance.push('Execute with COMPOSIO_MULTI_EXECUTE_TOOL (or the tool itself when it is in your tool list) using the exact tool_slug and arguments matching input_schema.');
		return {
			success: true,
			error: null,
			results,
			tool_schemas: schemas,
			toolkit_connection_statuses: statuses,
			next_steps_guidance: guidance,
			session: { ...sessionBlock(session), generate_id: false },
			time_info: {
				current_time_utc: now.toISOString(),
				current_time_utc_epoch_seconds: Math.floor(now.getTime() / 1000),
				message: "Times are UTC; convert to the user's timezone when you show them.",
			},
		};
	}

	/** COMPOSIO_GET_TOOL_SCHEMAS: each tool's input schema, and its output schema only when `include` asks for it (Composio's default is `["input_schema"]`). */
	private getSchemas(session: SessionRecord, slugs: string[], include: readonly string[] = ['input_schema']): ExecutionResult {
		const schemas: Record<string, unknown> = {};
		const notFound: string[] = [];
		for (const slug of slugs) {
			const app = findAppTool(slug);
			const meta = findMetaTool(slug);
			if (app && appToolInSession(session.config, app)) {
				schemas[app.slug] = {
					tool_slug: app.slug,
					toolkit: app.toolkit,
					description: app.description,
					hasFullSchema: true,
					input_schema: app.inputParameters,
					...(include.includes('output_schema') ? { output_schema: app.outputParameters } : {}),
				};
			} else if (meta) {
				schemas[meta.slug] = { tool_slug: meta.slug, toolkit: 'composio', description: meta.description, hasFullSchema: true, input_schema: meta.inputParameters };
			} else {
				notFound.push(slug);
			}
		}
		const error = notFound.length > 0 && Object.keys(schemas).length === 0 ? `No tools found for: ${notFound.join(', ')}` : null;
		return { data: { success: error === null, tool_schemas: schemas, not_found: notFound, session: sessionBlock(session) }, error };
	}

	private async multiExecute(session: SessionRecord, items: unknown[], sync: boolean): Promise<ExecutionResult> {
		const results: Array<Record<string, unknown>> = [];
		for (const [index, item] of items.entries()) {
			const record = isRecord(item) ? item : {};
			const slug = optString(record, 'tool_slug') ?? '';
			const args = isRecord(record.arguments) ? record.arguments : {};
			let outcome: ExecutionResult;
			if (findMetaTool(slug)) {
				outcome = { data: {}, error: `${slug} cannot run inside COMPOSIO_MULTI_EXECUTE_TOOL; call it directly.` };
			} else {
				outcome = await this.execute(session, slug, args, optString(record, 'account'));
			}
			results.push({
				tool_slug: slug,
				index,
				response: { successful: outcome.error === null, data: outcome.data, ...(outcome.error ? { error: outcome.error } : {}) },
				...(outcome.error ? { error: outcome.error } : {}),
			});
		}
		const failed = results.filter((r) => r.error !== undefined).length;
		const data = { results, total_count: results.length, success_count: results.length - failed, error_count: failed };
		return {
			data:
				session.config.workbenchEnabled === false
					? data
					: this.workbench.offloadResponse(session.id, data, { sync, threshold: session.config.offloadThreshold ?? WORKBENCH_OFFLOAD_CHARS, nextSeq: () => this.store.nextSeq() }),
			error: failed > 0 ? `${failed} out of ${results.length} tools failed` : null,
		};
	}

	private async waitForConnections(session: SessionRecord, toolkits: string[], timeoutSeconds: number): Promise<ExecutionResult> {
		const deadline = this.store.clock.now() + Math.min(45, Math.max(1, timeoutSeconds)) * 1000;
		const slugs = toolkits.map((t) => t.trim().toLowerCase());
		const snapshot = (): Record<string, Record<string, unknown>> =>
			Object.fromEntries(
				slugs.map((slug) => {
					const shown = findToolkit(slug) ? displayedAccount(this.store, session.config, slug) : undefined;
					const status = !findToolkit(slug) ? 'not_found' : !shown ? 'not_connected' : shown.isDisabled ? 'disabled' : shown.status.toLowerCase();
					return [slug, { toolkit: slug, status, ...(shown ? { connected_account_id: shown.id } : {}) }];
				}),
			);
		const settled = (s: Record<string, Record<string, unknown>>): boolean => Object.values(s).every((v) => v.status !== 'initiated');
		let current = snapshot();
		while (!settled(current) && this.store.clock.now() < deadline) {
			await this.store.clock.sleep(this.pollMs);
			current = snapshot();
		}
		const allActive = Object.values(current).every((v) => v.status === 'active');
		return { data: { results: current, all_active: allActive, timed_out: !settled(current) }, error: null };
	}
}

// ── Search ranking ─────────────────────────────────────────────────────────

const TOOLKIT_WORDS: Record<string, string[]> = {
	gmail: ['gmail', 'email', 'emails', 'mail', 'mails', 'inbox', 'unread', 'sender', 'e-mail'],
	github: ['github', 'repo', 'repos', 'repository', 'repositories', 'bug', 'bugs', 'pr', 'prs', 'pull'],
	slack: ['slack', 'channel', 'channels', 'chat', 'workspace', 'dm'],
	linear: ['linear', 'ticket', 'tickets', 'task', 'tasks', 'sprint', 'backlog'],
	hackernews: ['hackernews', 'hacker', 'news', 'hn', 'stories', 'story', 'top'],
	posthog: ['posthog', 'analytics', 'projects', 'project', 'events'],
	shopify: ['shopify', 'store', 'products', 'product', 'shop', 'inventory'],
};
const SHARED_WORDS: Record<string, string[]> = {
	issue: ['github', 'linear'],
	issues: ['github', 'linear'],
	message: ['slack', 'gmail'],
	messages: ['slack', 'gmail'],
	post: ['slack'],
};
const WRITE_WORDS = ['send', 'create', 'post', 'write', 'reply', 'new', 'add', 'draft', 'notify', 'tell', 'file', 'report', 'compose'];
const READ_WORDS = ['list', 'fetch', 'read', 'get', 'show', 'find', 'search', 'summarize', 'summarise', 'summary', 'check', 'what', 'which', 'recent', 'latest', 'today', 'unread', 'any'];
const STOP_WORDS = new Set(['the', 'a', 'an', 'my', 'me', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'from', 'with', 'all', 'is', 'are', 'i', 'it', 'this', 'that', 'about', 'please']);

function words(text: string): string[] {
	return (text.toLowerCase().match(/[a-z0-9-]+/g) ?? []).filter((w) => !STOP_WORDS.has(w));
}

/** Scores the tools against a use case; only tools with a positive score, best first. */
function rankTools(useCase: string, tools: readonly ToolDef[]): Array<{ tool: ToolDef; score: number }> {
	const w = words(useCase);
	const wantsWrite = w.some((x) => WRITE_WORDS.includes(x));
	const wantsRead = w.some((x) => READ_WORDS.includes(x));
	const ranked = tools.map((tool) => {
		let toolkitScore = 0;
		for (const x of w) {
			if (TOOLKIT_WORDS[tool.toolkit]?.includes(x)) {
				toolkitScore += x === tool.toolkit ? 6 : 3;
			}
			if (SHARED_WORDS[x]?.includes(tool.toolkit)) {
				toolkitScore += 2;
			}
		}
		const toolWords = new Set(words(`${tool.slug.replace(/_/g, ' ')} ${tool.name} ${tool.description}`));
		const overlap = w.filter((x) => toolWords.has(x)).length;
		let score = toolkitScore + overlap;
		if (toolkitScore === 0 && overlap < 2) {
			score = 0;
		} else if (wantsWrite) {
			score += tool.readOnly ? -2 : 4;
		} else if (wantsRead) {
			score += tool.readOnly ? 3 : -1;
		}
		return { tool, score };
	});
	return ranked.filter((r) => r.score > 0).sort((a, b) => b.score - a.score);
}
