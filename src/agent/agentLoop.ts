/**
 * The agent loop: model → tools → model until the model answers without calling a tool, as a
 * stream of `AgentEvent`s. Pure (no vscode, no storage); everything comes in through options.
 */
import * as l10n from '@vscode/l10n';
import type {
	ChatCompletionAssistantMessageParam,
	ChatCompletionMessageParam,
	ChatCompletionMessageToolCall,
	ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ConnectedAccount, ConnectRequest, ToolSession } from '../composio/toolSession';
import type { AccountIdentities } from '../composio/accountIdentities';
import { deadAccountOf, mayBeAccountProblem, namedAccountIn, whoActs } from './accountHealth';
import { ComposioError } from '../composio/composioErrors';
import { findConnectLinks } from '../composio/connectLinks';
import { nullLogger, type Logger } from '../common/logger';
import type { AgentEvent, AgentFailure } from './agentEvents';
import type { AuthWaiter, PendingConnection } from './authWaiter';
import type { LocalToolbox, LocalToolResult } from './localTools';
import type { ModelClient, ModelToolCall } from './modelClient';
import { ModelError } from './modelErrors';
import { toolkitDisplayName } from '../common/toolkitNames';
import { buildSystemPrompt, type PromptAccount } from './systemPrompt';
import { actionsOf, DECLINED_TOOL_RESULT, type ToolAction, type ToolApprovalGate } from './toolApproval';
import { DEFAULT_TOOL_OUTPUT_BUDGET, prepareToolOutput } from './toolOutput';
import { isRecord } from '../common/isRecord';

/** The tool result text given to the model for a call that never ran because the user stopped. */
export const CANCELLED_TOOL_RESULT = JSON.stringify({ error: 'Cancelled by the user before this tool ran.' });
/** The tool result text for a call whose run was interrupted (crash, reload) before it reported back. */
export const INTERRUPTED_TOOL_RESULT = JSON.stringify({ error: 'This tool call was interrupted before it finished; its outcome is unknown.' });

const META_PREFIX = 'COMPOSIO_';
const MANAGE_CONNECTIONS = 'COMPOSIO_MANAGE_CONNECTIONS';
const MULTI_EXECUTE = 'COMPOSIO_MULTI_EXECUTE_TOOL';

/** Everything one run of the loop needs. */
export interface AgentRunOptions {
	readonly model: ModelClient;
	readonly session: ToolSession;
	/**
	 * The model transcript without a system message. The loop APPENDS to this array in place
	 * (assistant messages, tool results, continuation user messages) and never rewrites earlier
	 * entries, except to add missing tool results for tool calls left dangling by an earlier
	 * crash. The caller pushes the user's message before running. After the run, every
	 * assistant `tool_calls` entry has a matching `tool` message.
	 */
	readonly messages: ChatCompletionMessageParam[];
	/** The tools to offer; default `session.tools()` (cached by the session). */
	readonly tools?: readonly ChatCompletionTool[];
	/** Model calls allowed for one user message (continuations after connecting start a new count). */
	readonly maxTurns: number;
	/** Aborting ends the run promptly with `done` 'cancelled'. */
	readonly signal: AbortSignal;
	/** Characters of one tool result the model gets; default 12 000. */
	readonly toolOutputBudget?: number;
	/** Waits for Connect Links; without one, a turn that needs a connection simply ends after the model's answer. */
	readonly authWaiter?: AuthWaiter;
	/** Multi-account mode: list the user's accounts (aliases) in the system prompt and route named aliases. */
	readonly multiAccount?: boolean;
	/**
	 * Who the user's accounts are. With it, the system prompt names every connected account, the
	 * approval card says whom a call acts as, and a call that fails because its account expired,
	 * was revoked or failed is repaired in place (a Reconnect card, then the call runs again).
	 */
	readonly identities?: AccountIdentities;
	/**
	 * Asks the user before side-effecting calls. Without one every call runs (tests of the loop
	 * itself); the chat session always passes one.
	 */
	readonly approval?: ToolApprovalGate;
	/**
	 * Tools that run in this process (the editor tools), offered beside the session's tools and
	 * run through the same cards and approval gate. A local tool whose name a session tool
	 * already has is left out.
	 */
	readonly localTools?: LocalToolbox;
	/**
	 * Resumes a task that stopped while it waited for connections (the `@composio` participant:
	 * "done" sent as a new message after the earlier response ended). `messages` end where that
	 * run stopped, without a new user message: the loop first waits for `pending`, checking at
	 * once because the user said `userSaid`, then goes on as after any connection (with
	 * `userSaid` as the user's message). Needs `authWaiter`; ignored without one.
	 */
	readonly resume?: { readonly pending: readonly PendingConnection[]; readonly userSaid: string };
	/** Overrides the system prompt (tests). */
	readonly systemPrompt?: string;
	readonly logger?: Logger;
}

/** The toolkit a tool call acts on: from the slug prefix (GMAIL_… → gmail), or from a meta tool's arguments. */
export function toolkitOf(name: string, args: unknown): string | undefined {
	if (name.startsWith(META_PREFIX)) {
		if (!isRecord(args)) {
			return undefined;
		}
		if (name === MANAGE_CONNECTIONS) {
			const list = args['toolkits'];
			const first: unknown = Array.isArray(list) ? list[0] : args['toolkit'];
			return typeof first === 'string' && first.trim() !== '' ? first.trim().toLowerCase() : undefined;
		}
		if (name === MULTI_EXECUTE) {
			const list = args['tools'];
			const first: unknown = Array.isArray(list) ? list[0] : undefined;
			const slug = isRecord(first) ? first['tool_slug'] : undefined;
			return typeof slug === 'string' && !slug.startsWith(META_PREFIX) ? toolkitOf(slug, undefined) : undefined;
		}
		return undefined;
	}
	const prefix = /^([A-Za-z0-9]+)_/.exec(name)?.[1];
	return prefix ? prefix.toLowerCase() : undefined;
}

/** Turns anything thrown into the failure shown to the user. */
export function toAgentFailure(e: unknown): AgentFailure {
	if (e instanceof ModelError) {
		return { kind: `model.${e.kind}`, message: e.message, ...(e.action ? { action: e.action } : {}) };
	}
	if (e instanceof ComposioError) {
		return { kind: `composio.${e.kind}`, message: e.message, ...(e.action ? { action: e.action } : {}) };
	}
	return { kind: 'unexpected', message: l10n.t('Something went wrong while running the agent. The details are in the log.'), action: 'openLogs' };
}

/**
 * Makes a transcript consistent: every assistant tool call gets a `tool` message (an
 * "interrupted" one where it is missing), placed right after the calls it answers. Returns the
 * number of results added. Safe to call on any transcript; changes it in place.
 */
export function repairTranscript(messages: ChatCompletionMessageParam[]): number {
	let added = 0;
	for (let i = 0; i < messages.length; i++) {
		const m = messages[i];
		if (m?.role !== 'assistant' || !m.tool_calls || m.tool_calls.length === 0) {
			continue;
		}
		// The tool messages following this assistant message.
		let j = i + 1;
		const answered = new Set<string>();
		while (j < messages.length && messages[j]?.role === 'tool') {
			const t = messages[j];
			if (t?.role === 'tool') {
				answered.add(t.tool_call_id);
			}
			j++;
		}
		const missing = m.tool_calls.filter((c) => !answered.has(c.id));
		if (missing.length > 0) {
			messages.splice(j, 0, ...missing.map((c): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: c.id, content: INTERRUPTED_TOOL_RESULT })));
			added += missing.length;
			i = j + missing.length - 1;
		}
	}
	return added;
}

/** Each tool's parameter properties by tool name (undefined when the schema has none): which argument names a call may carry. */
function parameterProperties(tools: readonly ChatCompletionTool[]): Map<string, Record<string, unknown> | undefined> {
	const out = new Map<string, Record<string, unknown> | undefined>();
	for (const t of tools) {
		if (t.type === 'function') {
			const params: unknown = t.function.parameters;
			out.set(t.function.name, isRecord(params) && isRecord(params['properties']) ? params['properties'] : undefined);
		}
	}
	return out;
}

/** The slugs in a multi-execute `tools` list that name local tools. */
function localSlugsIn(list: readonly unknown[], isLocal: (name: string) => boolean): string[] {
	const slugs = list.flatMap((item) => (isRecord(item) && typeof item['tool_slug'] === 'string' && isLocal(item['tool_slug']) ? [item['tool_slug']] : []));
	return [...new Set(slugs)];
}

/** Parses the model's argument text. Empty text means no arguments. */
function parseArguments(text: string): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
	if (text.trim() === '') {
		return { ok: true, args: {} };
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		return { ok: false, error: `The arguments were not valid JSON (${e instanceof Error ? e.message : 'parse error'}). Call the tool again with a JSON object.` };
	}
	if (!isRecord(value)) {
		return { ok: false, error: 'The arguments must be a JSON object. Call the tool again with a JSON object.' };
	}
	return { ok: true, args: value };
}

/** The alias the user named for a toolkit in `text`, when exactly one of its aliases appears as a word. */
function namedAlias(text: string, accounts: readonly PromptAccount[], toolkit: string): string | undefined {
	const aliases = [...new Set(accounts.filter((a) => a.toolkit === toolkit && a.alias).map((a) => a.alias as string))];
	if (aliases.length < 2) {
		return undefined;
	}
	const lower = text.toLowerCase();
	const hits = aliases.filter((alias) => new RegExp(`(^|[^\\w-])${alias.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(lower));
	return hits.length === 1 ? hits[0] : undefined;
}

function contentText(content: unknown): string {
	if (typeof content === 'string') {
		return content;
	}
	if (Array.isArray(content)) {
		return content.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('');
	}
	return '';
}

/** True when the object holding `url` in a tool result says its connection is already active. */
function linkIsActive(result: unknown, url: string, depth = 0): boolean {
	if (depth > 12 || result === null || typeof result !== 'object') {
		return false;
	}
	const values = Array.isArray(result) ? result : Object.values(result);
	if (isRecord(result) && values.includes(url)) {
		const status = result['status'];
		return typeof status === 'string' && status.toLowerCase() === 'active';
	}
	return values.some((v) => linkIsActive(v, url, depth + 1));
}

/** Explanation written when connecting failed, as the assistant's closing text. */
function failedText(toolkit: string, reason: string): string {
	const name = toolkitDisplayName(toolkit);
	const why = reason.trim().replace(/[.!]?$/, '.');
	return l10n.t("Connecting {0} failed: {1} I can't continue without access to {0}. Ask me again whenever you want to retry, and I'll send a new link.", name, why);
}

function expiredText(toolkit: string): string {
	const name = toolkitDisplayName(toolkit);
	return l10n.t("The {0} link expired before the connection was finished, so I stopped here. Ask again when you're ready and I'll send a new link.", name);
}

/**
 * Runs the agent for the user message already at the end of `options.messages`.
 *
 * Yields, in order: `text` deltas as the model streams them; `usage`; for each tool call
 * `toolStarted` then `toolFinished` (and `authRequired` once per new Connect Link found in a
 * result); while waiting for a connection, `authStatus`/`notice`; and ends with exactly one
 * `done` or `error` as the last event. Never throws: model failures end the run with `error`
 * (action included), tool failures become tool results the model reads, and aborting the
 * signal ends the run at once with `done` 'cancelled'. In every ending, each assistant
 * `tool_calls` entry in `messages` has a matching `tool` message; a partially streamed answer
 * is kept as the assistant message when the user cancels, and dropped from `messages` (not from
 * what was shown) when the model fails mid-answer.
 */
export async function* runAgent(options: AgentRunOptions): AsyncGenerator<AgentEvent, void, undefined> {
	const { model, session, messages, signal } = options;
	const logger = options.logger ?? nullLogger;
	const budget = options.toolOutputBudget ?? DEFAULT_TOOL_OUTPUT_BUDGET;
	const maxTurns = Math.max(1, Math.floor(options.maxTurns));

	const repaired = repairTranscript(messages);
	if (repaired > 0) {
		logger.info(`Added ${repaired} missing tool result(s) to the transcript before running.`);
	}
	if (signal.aborted) {
		yield { type: 'done', reason: 'cancelled' };
		return;
	}

	let tools: readonly ChatCompletionTool[];
	try {
		tools = options.tools ?? (await session.tools());
	} catch (e) {
		if (signal.aborted) {
			yield { type: 'done', reason: 'cancelled' };
			return;
		}
		logger.warn(`Listing the session's tools failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
		yield { type: 'error', error: toAgentFailure(e) };
		return;
	}
	const local = options.localTools;
	/** Names of the session's own tools: on a clash they win, and the local tool is left out. */
	const sessionNames = new Set(tools.flatMap((t) => (t.type === 'function' ? [t.function.name] : [])));
	if (local) {
		const added = local.definitions().filter((t) => {
			if (t.type !== 'function') {
				return false;
			}
			if (sessionNames.has(t.function.name)) {
				logger.warn(`The session already has a tool named ${t.function.name}; the local one is left out.`);
				return false;
			}
			return true;
		});
		tools = [...tools, ...added];
	}
	const toolParams = parameterProperties(tools);
	/** True for a call to one of the local tools (offered this run, or switched off since: the toolbox refuses those). */
	const isLocal = (name: string): boolean => local !== undefined && local.owns(name) && !sessionNames.has(name);

	const identities = options.identities;
	/** Every account of the user, any status (for the approval card's "as …" and for telling a dead account). */
	let allAccounts: ConnectedAccount[] = [];
	let accounts: PromptAccount[] = [];
	/** Lists the accounts again (at the start, and after an account was connected or reconnected). */
	const loadAccounts = async (): Promise<void> => {
		if (!options.multiAccount && !identities) {
			return;
		}
		try {
			allAccounts = await session.listAccounts();
			const usable = allAccounts.filter((a) => a.status === 'ACTIVE' && !a.disabled);
			// Accounts that went bad are listed too (identities mode), marked, so the model still calls their tools and the editor reconnects them.
			const dead = identities ? allAccounts.filter((a) => (a.status === 'EXPIRED' || a.status === 'REVOKED' || a.status === 'FAILED') && !a.disabled) : [];
			accounts = [...usable, ...dead].map((a) => {
				const name = identities?.nameOf(a.id);
				return {
					toolkit: a.toolkit,
					id: a.id,
					...(a.alias ? { alias: a.alias } : {}),
					...(name ? { name } : {}),
					...(a.status !== 'ACTIVE' ? { attention: a.status.toLowerCase() } : {}),
				};
			});
		} catch (e) {
			// The prompt just lacks the accounts; the tools still work with the default account.
			logger.warn(`Listing connected accounts for the prompt failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
		}
	};
	await loadAccounts();
	let localSection: string | undefined;
	try {
		localSection = local?.promptSection();
	} catch (e) {
		logger.warn(`Describing the editor for the prompt failed: ${e instanceof Error ? e.message : String(e)}`);
	}
	const promptFor = (): string =>
		options.systemPrompt ?? buildSystemPrompt({ accounts, ...(identities ? { identities: true } : {}), ...(localSection ? { sections: [localSection] } : {}) });
	let systemPrompt = promptFor();
	/** Who an action acts as, for the approval card. */
	const withWho = (actions: ToolAction[]): ToolAction[] =>
		identities
			? actions.map((a) => {
					const as = a.toolkit ? whoActs(allAccounts, a.toolkit, a.account, (id) => identities.nameOf(id)) : undefined;
					return as ? { ...a, as } : a;
				})
			: actions;
	/** Where this task begins in the request (after the system prompt): fitting a long conversation leaves out what comes before first. */
	const keepFrom = messages.map((m) => m.role).lastIndexOf('user') + 1;

	/** Links already announced, by account id and url. */
	const announced = new Set<string>();
	/** Connections to wait for when the model has finished answering, by toolkit (newest link wins). */
	const pending = new Map<string, PendingConnection>();
	let turnsLeft = maxTurns;

	/** User text since the task began, for alias routing. */
	const userTextSince = (): string => {
		const parts: string[] = [];
		for (let i = messages.length - 1; i >= 0; i--) {
			const m = messages[i];
			if (m?.role === 'user') {
				parts.push(contentText(m.content));
				if (parts.length >= 3) {
					break;
				}
			}
		}
		return parts.join('\n');
	};

	const authWaiter = options.authWaiter;
	/**
	 * Waits for `waiting` to be connected. True: connected, the task goes on (the user's message
	 * is added). False: the run has ended (its last event yielded).
	 */
	async function* waitForConnections(waiter: AuthWaiter, waiting: readonly PendingConnection[], userSaid?: string): AsyncGenerator<AgentEvent, boolean, undefined> {
		const result = yield* waiter.wait(waiting, signal, userSaid !== undefined ? { userSaid } : {});
		switch (result.kind) {
			case 'connected': {
				const names = result.toolkits.map(toolkitDisplayName).join(' and ');
				messages.push({ role: 'user', content: result.userText ?? `I've connected ${names}. Please continue.` });
				turnsLeft = maxTurns;
				await loadAccounts();
				systemPrompt = promptFor();
				return true;
			}
			case 'cancelled':
				yield { type: 'done', reason: 'cancelled' };
				return false;
			case 'failed':
			case 'expired': {
				const closing = result.kind === 'failed' ? failedText(result.toolkit, result.reason) : expiredText(result.toolkit);
				yield { type: 'text', delta: closing };
				messages.push({ role: 'assistant', content: closing });
				yield { type: 'done', reason: 'answered' };
				return false;
			}
		}
	}

	if (options.resume && authWaiter && options.resume.pending.length > 0) {
		if (!(yield* waitForConnections(authWaiter, options.resume.pending, options.resume.userSaid))) {
			return;
		}
	}

	for (;;) {
		if (turnsLeft <= 0) {
			yield {
				type: 'notice',
				text:
					maxTurns === 1
						? l10n.t('Stopped after 1 step without a final answer. Say "continue" to let the agent go on, or raise composio.agent.maxTurns.')
						: l10n.t('Stopped after {0} steps without a final answer. Say "continue" to let the agent go on, or raise composio.agent.maxTurns.', maxTurns),
			};
			yield { type: 'done', reason: 'maxTurns' };
			return;
		}
		turnsLeft--;

		// ── The model ──────────────────────────────────────────────────────────
		let text = '';
		let calls: ModelToolCall[] = [];
		try {
			for await (const chunk of model.stream({ messages: [{ role: 'system', content: systemPrompt }, ...messages], tools: [...tools], signal, ...(keepFrom > 0 ? { keepFrom } : {}) })) {
				switch (chunk.type) {
					case 'contextTrimmed':
						yield { type: 'contextTrimmed', leftOut: chunk.leftOut, tokens: chunk.tokens, maxInputTokens: chunk.maxInputTokens };
						break;
					case 'text':
						text += chunk.delta;
						yield { type: 'text', delta: chunk.delta };
						break;
					case 'toolCalls':
						calls = chunk.calls;
						break;
					case 'usage':
						yield { type: 'usage', promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens };
						break;
					case 'done':
						break;
				}
			}
		} catch (e) {
			if (signal.aborted || (e instanceof ModelError && e.kind === 'cancelled')) {
				if (text !== '') {
					messages.push({ role: 'assistant', content: text });
				}
				yield { type: 'done', reason: 'cancelled' };
				return;
			}
			const failure = toAgentFailure(e);
			logger.warn(`The model call failed (${failure.kind}): ${e instanceof ModelError ? `${e.message}${e.detail ? ` — ${e.detail}` : ''}` : String(e)}`);
			yield { type: 'error', error: failure };
			return;
		}

		const assistant: ChatCompletionAssistantMessageParam = {
			role: 'assistant',
			content: text === '' && calls.length > 0 ? null : text,
			...(calls.length > 0
				? { tool_calls: calls.map((c): ChatCompletionMessageToolCall => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
				: {}),
		};
		messages.push(assistant);

		// ── An answer: maybe wait for connections, else the turn is over ──────
		if (calls.length === 0) {
			if (pending.size === 0 || !authWaiter) {
				yield { type: 'done', reason: 'answered' };
				return;
			}
			const waiting = [...pending.values()];
			pending.clear();
			if (yield* waitForConnections(authWaiter, waiting)) {
				continue;
			}
			return;
		}

		// ── The tools ──────────────────────────────────────────────────────────
		/** Gives every call from `from` on a "cancelled" result, so no call is left without one. */
		const answerUnrun = (from: number): void => {
			for (const rest of calls.slice(from)) {
				messages.push({ role: 'tool', tool_call_id: rest.id, content: CANCELLED_TOOL_RESULT });
			}
		};
		for (let index = 0; index < calls.length; index++) {
			const call = calls[index]!;
			if (signal.aborted) {
				answerUnrun(index);
				yield { type: 'done', reason: 'cancelled' };
				return;
			}
			const parsed = parseArguments(call.arguments);
			const shownArgs: unknown = parsed.ok ? parsed.args : call.arguments;
			const toolkit = toolkitOf(call.name, shownArgs);
			const localCall = isLocal(call.name);
			const note = localCall && parsed.ok ? local?.noteFor?.(call.name, parsed.args) : undefined;
			yield { type: 'toolStarted', callId: call.id, name: call.name, ...(toolkit ? { toolkit } : {}), args: shownArgs, ...(note ? { note } : {}) };

			if (!parsed.ok) {
				const content = JSON.stringify({ error: parsed.error });
				messages.push({ role: 'tool', tool_call_id: call.id, content });
				yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error: parsed.error }, null, 2), error: parsed.error, truncatedForModel: false };
				continue;
			}

			let args = parsed.args;
			let account: string | undefined;
			// The model may name an account with `account` when the tool has no such parameter of its own.
			const ownParams = toolParams.get(call.name);
			if (!localCall && typeof args['account'] === 'string' && !(ownParams && 'account' in ownParams) && !call.name.startsWith(META_PREFIX)) {
				account = args['account'];
				const { account: _dropped, ...rest } = args;
				args = rest;
			}
			if (options.multiAccount && accounts.length > 0 && !localCall) {
				const said = userTextSince();
				if (call.name === MULTI_EXECUTE && Array.isArray(args['tools'])) {
					args = {
						...args,
						tools: args['tools'].map((item: unknown) => {
							if (!isRecord(item) || typeof item['tool_slug'] !== 'string' || typeof item['account'] === 'string') {
								return item;
							}
							const alias = namedAlias(said, accounts, toolkitOf(item['tool_slug'], undefined) ?? '');
							return alias ? { ...item, account: alias } : item;
						}),
					};
				} else if (!account && toolkit && !call.name.startsWith(META_PREFIX)) {
					account = namedAlias(said, accounts, toolkit);
				}
			}

			// Local tools run in this process: the session's multi-execute tool cannot run them.
			const smuggled = call.name === MULTI_EXECUTE && Array.isArray(args['tools']) ? localSlugsIn(args['tools'], isLocal) : [];
			if (smuggled.length > 0) {
				const message = `${smuggled.join(', ')} run${smuggled.length === 1 ? 's' : ''} in the editor, not in Composio: call ${smuggled.length === 1 ? 'it' : 'them'} directly, not through ${MULTI_EXECUTE}. Nothing in this call ran.`;
				messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error: message }) });
				yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error: message }, null, 2), error: message, truncatedForModel: false };
				continue;
			}

			if (options.approval) {
				const asking = withWho(options.approval.check(localCall && local ? local.actionsOf(call.name, args) : actionsOf(call.name, args, account)));
				if (asking.length > 0) {
					yield { type: 'approvalRequired', callId: call.id, actions: asking };
					const decision = await options.approval.ask(call.id, asking, signal);
					if (signal.aborted) {
						answerUnrun(index);
						yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error: 'Stopped before it ran.' }, null, 2), error: l10n.t('Stopped before it ran.'), truncatedForModel: false, declined: true };
						yield { type: 'done', reason: 'cancelled' };
						return;
					}
					yield { type: 'approvalDecided', callId: call.id, decision };
					if (decision === 'deny') {
						messages.push({ role: 'tool', tool_call_id: call.id, content: DECLINED_TOOL_RESULT });
						yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ declined: true }, null, 2), error: l10n.t('You declined this action; it did not run.'), truncatedForModel: false, declined: true };
						continue;
					}
				}
			}

			let value: unknown;
			let ok = false;
			let error: string | undefined;
			let declined = false;
			/** Set when the call stopped the turn (cancelled, key rejected): the events to end with. */
			let stopWith: AgentEvent | undefined;
			const run = async (runArgs: Record<string, unknown>, runAccount: string | undefined): Promise<void> => {
				declined = false;
				try {
					const result: LocalToolResult =
						localCall && local
							? await local.run(call.name, runArgs, { signal, gated: options.approval !== undefined })
							: await session.execute(call.name, runArgs, { signal, ...(runAccount ? { account: runAccount } : {}) });
					value = { data: result.data, error: result.error };
					ok = result.error === null;
					error = result.error ?? undefined;
					declined = result.declined === true;
				} catch (e) {
					if (signal.aborted || (e instanceof ComposioError && e.kind === 'cancelled')) {
						stopWith = { type: 'done', reason: 'cancelled' };
						return;
					}
					const message = e instanceof ComposioError ? e.message : e instanceof Error ? e.message : String(e);
					logger.warn(`${call.name} failed: ${e instanceof ComposioError ? e.detail : message}`);
					if (e instanceof ComposioError && (e.kind === 'auth' || e.kind === 'forbidden')) {
						// A rejected key fails every call after this one too: stop, and offer to set it.
						stopWith = { type: 'error', error: toAgentFailure(e) };
						error = message;
						return;
					}
					value = { error: message };
					ok = false;
					error = message;
				}
			};
			await run(args, account);

			// ── An account that went bad: reconnect it, then run the call again ──
			if (!stopWith && !ok && !localCall && !declined && error !== undefined && options.authWaiter && identities && mayBeAccountProblem(error)) {
				const target = namedAccountIn(call.name, args, account, toolkit);
				let dead: ConnectedAccount | undefined;
				if (target) {
					try {
						dead = deadAccountOf(await session.listAccounts(target.toolkit), target.toolkit, target.account, (id) => identities.nameOf(id));
					} catch (e) {
						logger.warn(`Checking the ${target.toolkit} accounts after a failed call failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
					}
				}
				if (target && dead) {
					const name = identities.nameOf(dead.id) ?? dead.alias;
					const label = `${toolkitDisplayName(target.toolkit)}${name ? ` (${name})` : ''}`;
					logger.info(`${call.name} failed because ${dead.id} is ${dead.status}; offering to reconnect it.`);
					let request: ConnectRequest | undefined;
					try {
						request = await session.reconnect(dead.id);
					} catch (e) {
						logger.warn(`Could not start reconnecting ${dead.id}: ${e instanceof ComposioError ? e.detail : String(e)}`);
					}
					if (request) {
						const why = dead.statusReason ?? l10n.t('The account is {0}.', dead.status.toLowerCase());
						yield {
							type: 'reconnectRequired',
							callId: call.id,
							toolkit: target.toolkit,
							url: request.redirectUrl,
							accountId: request.accountId,
							replacesAccountId: dead.id,
							...(name ? { name } : {}),
							reason: why,
						};
						const waited = yield* options.authWaiter.wait([{ toolkit: target.toolkit, url: request.redirectUrl, accountId: request.accountId, replacesAccountId: dead.id }], signal);
						if (waited.kind === 'connected') {
							await loadAccounts();
							systemPrompt = promptFor();
							// The call named the old account by id: the new one takes its place (an alias moved over with the reconnect).
							const swap = (named: unknown): unknown => (named === dead.id ? request.accountId : named);
							const rerunArgs = target.inner
								? { ...args, tools: (args['tools'] as unknown[]).map((item) => (isRecord(item) ? { ...item, ...(item['account'] !== undefined ? { account: swap(item['account']) } : {}) } : item)) }
								: args;
							await run(rerunArgs, account === dead.id ? request.accountId : account);
						} else if (waited.kind === 'cancelled') {
							stopWith = { type: 'done', reason: 'cancelled' };
						} else {
							const closing =
								waited.kind === 'failed'
									? l10n.t(
											"Reconnecting {0} failed: {1} I stopped here, because {2} needs that account. Reconnect it from the Connections view, or ask me again and I'll send a new link.",
											label,
											waited.reason.trim().replace(/[.!]?$/, '.'),
											call.name,
										)
									: l10n.t("The link to reconnect {0} expired before it was used, so I stopped here. Ask me again when you're ready and I'll send a new one.", label);
							const content = JSON.stringify({ error });
							messages.push({ role: 'tool', tool_call_id: call.id, content });
							answerUnrun(index + 1);
							yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error }, null, 2), error, truncatedForModel: false };
							yield { type: 'text', delta: closing };
							messages.push({ role: 'assistant', content: closing });
							yield { type: 'done', reason: 'answered' };
							return;
						}
					}
				}
			}
			if (stopWith) {
				if (stopWith.type === 'done') {
					answerUnrun(index);
					yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error: 'Cancelled by the user.' }, null, 2), error: l10n.t('Cancelled by the user.'), truncatedForModel: false };
				} else {
					messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error }) });
					answerUnrun(index + 1);
					yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error }, null, 2), ...(error !== undefined ? { error } : {}), truncatedForModel: false };
				}
				yield stopWith;
				return;
			}

			const output = prepareToolOutput(value, budget);
			messages.push({ role: 'tool', tool_call_id: call.id, content: output.forModel });
			yield { type: 'toolFinished', callId: call.id, ok, result: output.full, ...(error !== undefined ? { error } : {}), truncatedForModel: output.truncated, ...(declined ? { declined } : {}) };
			if (signal.aborted) {
				answerUnrun(index + 1);
				yield { type: 'done', reason: 'cancelled' };
				return;
			}

			// A file the editor tools read may hold any URL; only Composio's results carry Connect Links.
			for (const link of localCall ? [] : findConnectLinks(value)) {
				const linkToolkit = link.toolkit ?? toolkit;
				if (!linkToolkit || linkIsActive(value, link.url) || announced.has(link.url) || (link.accountId && announced.has(link.accountId))) {
					continue;
				}
				announced.add(link.url);
				if (link.accountId) {
					announced.add(link.accountId);
				}
				pending.set(linkToolkit, { toolkit: linkToolkit, url: link.url, ...(link.accountId ? { accountId: link.accountId } : {}) });
				yield { type: 'authRequired', toolkit: linkToolkit, url: link.url, ...(link.accountId ? { accountId: link.accountId } : {}) };
			}
		}
	}
}
