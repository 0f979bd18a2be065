/**
 * The agent loop: model → tools → model until the model answers without calling a tool, as a
 * stream of `AgentEvent`s. Pure (no vscode, no storage); everything comes in through options.
 * Its steps live beside it: one model reply (`modelReply.ts`), the tool calls of a reply
 * (`toolCallRunner.ts`, with `accountRepair.ts` for an account that went bad), the user's
 * accounts during the run (`runAccounts.ts`) and the Connect Link pause (`connectionWait.ts`).
 */
import * as l10n from '@vscode/l10n';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { isRecord } from '../common/isRecord';
import { nullLogger, type Logger } from '../common/logger';
import type { AccountIdentities } from '../composio/accountIdentities';
import { type AccountsSnapshot, listingEachTime } from '../composio/accountsSnapshot';
import { ComposioError } from '../composio/composioErrors';
import type { ToolSession } from '../composio/toolSession';
import type { FailedConnection, OwnAppNeed } from '../composio/managedAuth';
import { type AgentEvent, toAgentFailure } from './agentEvents';
import type { AuthWaiter, PendingConnection } from './authWaiter';
import { waitForConnections } from './connectionWait';
import type { LocalToolbox } from './localTools';
import type { ModelClient } from './modelClient';
import { streamModelReply } from './modelReply';
import { declinedText, type OwnAppPort, type OwnAppRequests, setUpOwnApp } from './ownAppSetup';
import { RunAccounts } from './runAccounts';
import { buildSystemPrompt } from './systemPrompt';
import { runToolCalls, type ToolStepContext } from './toolCallRunner';
import type { ToolApprovalGate } from './toolApproval';
import { DEFAULT_TOOL_OUTPUT_BUDGET } from './toolOutput';

/** The tool result text for a call whose run was interrupted (crash, reload) before it reported back. */
export const INTERRUPTED_TOOL_RESULT = JSON.stringify({ error: 'This tool call was interrupted before it finished; its outcome is unknown.' });

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
	/** The extension's one snapshot of the user's accounts; without one every read lists them through the session (tests of the loop itself). */
	readonly accounts?: AccountsSnapshot;
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
	/**
	 * When Composio's managed app cannot connect a toolkit: the front door's way to set up the
	 * user's own app (`port`) and the card's answers (`requests`). Without it the model's answer
	 * (which has Composio's words for why) ends the turn.
	 */
	readonly ownApp?: { readonly port: OwnAppPort; readonly requests: OwnAppRequests };
	/** Overrides the system prompt (tests). */
	readonly systemPrompt?: string;
	readonly logger?: Logger;
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

/**
 * The first failed connection whose cause is Composio's managed app, taken out of `failed`: one
 * whose words say so, or, where they do not, one whose toolkit has no managed scheme at all (asked
 * of Composio once per toolkit). Undefined when none is.
 */
async function ownAppNeedAmong(failed: Map<string, FailedConnection>, port: OwnAppPort): Promise<OwnAppNeed | undefined> {
	for (const [toolkit, f] of failed) {
		failed.delete(toolkit);
		if (f.cause) {
			return { toolkit, cause: f.cause, detail: f.detail };
		}
		if (await port.lacksManagedApp(toolkit).catch(() => false)) {
			return { toolkit, cause: 'noManagedApp', detail: f.detail };
		}
	}
	return undefined;
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
	const { model, messages, signal } = options;
	let session = options.session;
	const logger = options.logger ?? nullLogger;
	const maxTurns = Math.max(1, Math.floor(options.maxTurns));

	const repaired = repairTranscript(messages);
	if (repaired > 0) {
		logger.info(`Added ${repaired} missing tool result(s) to the transcript before running.`);
	}
	if (signal.aborted) {
		yield { type: 'done', reason: 'cancelled' };
		return;
	}

	// ── The tools: the session's, and the local ones whose names it does not have ──
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
	let sessionNames = new Set<string>();
	/** The session's tools and the local ones whose names it does not have. */
	const offer = (sessionTools: readonly ChatCompletionTool[]): ChatCompletionTool[] => {
		sessionNames = new Set(sessionTools.flatMap((t) => (t.type === 'function' ? [t.function.name] : [])));
		const added = (local?.definitions() ?? []).filter((t) => {
			if (t.type !== 'function') {
				return false;
			}
			if (sessionNames.has(t.function.name)) {
				logger.warn(`The session already has a tool named ${t.function.name}; the local one is left out.`);
				return false;
			}
			return true;
		});
		return [...sessionTools, ...added];
	};
	tools = offer(tools);
	/** True for a call to one of the local tools (offered this run, or switched off since: the toolbox refuses those). */
	const isLocal = (name: string): boolean => local !== undefined && local.owns(name) && !sessionNames.has(name);

	// ── The accounts and the system prompt naming them ──
	const identities = options.identities;
	const snapshot = options.accounts ?? listingEachTime(session);
	const accounts = new RunAccounts(snapshot, { ...(options.multiAccount ? { multiAccount: true } : {}), ...(identities ? { identities } : {}) }, logger);
	// As the snapshot has them: nothing is listed unless nothing is loaded yet. An account that went
	// bad on Composio's side since is found by what tells of it (a call failing on its account, a
	// Connect Link for a toolkit the snapshot says is connected), which lists them again.
	await accounts.load();
	let localSection: string | undefined;
	try {
		localSection = local?.promptSection();
	} catch (e) {
		logger.warn(`Describing the editor for the prompt failed: ${e instanceof Error ? e.message : String(e)}`);
	}
	const promptFor = (): string =>
		options.systemPrompt ?? buildSystemPrompt({ accounts: accounts.forPrompt, ...(identities ? { identities: true } : {}), ...(localSection ? { sections: [localSection] } : {}) });
	let systemPrompt = promptFor();
	/** Where this task begins in the request (after the system prompt): fitting a long conversation leaves out what comes before first. */
	const keepFrom = messages.map((m) => m.role).lastIndexOf('user') + 1;

	/** Connections to wait for when the model has finished answering, by toolkit (newest link wins). */
	const pending = new Map<string, PendingConnection>();
	const toolStep: ToolStepContext = {
		session,
		messages,
		signal,
		logger,
		budget: options.toolOutputBudget ?? DEFAULT_TOOL_OUTPUT_BUDGET,
		...(local ? { local } : {}),
		isLocal,
		toolParams: parameterProperties(tools),
		...(options.approval ? { approval: options.approval } : {}),
		accounts,
		...(options.authWaiter ? { authWaiter: options.authWaiter } : {}),
		...(identities ? { identities } : {}),
		announced: new Set<string>(),
		pending,
		ownAppNeeds: new Map<string, FailedConnection>(),
		snapshot,
		accountsChanged: async (): Promise<void> => {
			await accounts.load(true);
			systemPrompt = promptFor();
		},
	};
	let turnsLeft = maxTurns;

	const authWaiter = options.authWaiter;
	/** Waits for `waiting`; once connected, the task goes on with a fresh count of turns. False: the run has ended. */
	async function* pauseForConnections(
		waiter: AuthWaiter,
		waiting: readonly PendingConnection[],
		userSaid?: string,
		failedClosing?: (toolkit: string, reason: string) => Promise<string | undefined>,
	): AsyncGenerator<AgentEvent, boolean, undefined> {
		if (!(yield* waitForConnections(waiter, waiting, messages, signal, userSaid, failedClosing))) {
			return false;
		}
		turnsLeft = maxTurns;
		await toolStep.accountsChanged();
		return true;
	}

	if (options.resume && authWaiter && options.resume.pending.length > 0) {
		if (!(yield* pauseForConnections(authWaiter, options.resume.pending, options.resume.userSaid))) {
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

		// ── The model ──
		const request = { messages: [{ role: 'system' as const, content: systemPrompt }, ...messages], tools: [...tools], signal, ...(keepFrom > 0 ? { keepFrom } : {}) };
		const reply = yield* streamModelReply(model, request, messages, logger);
		if (reply.kind === 'ended') {
			return;
		}

		// ── An answer: maybe wait for connections, else the turn is over ──
		if (reply.calls.length === 0) {
			const needsOwnApp = pending.size === 0 && authWaiter && options.ownApp ? await ownAppNeedAmong(toolStep.ownAppNeeds, options.ownApp.port) : undefined;
			if (needsOwnApp && authWaiter && options.ownApp) {
				const waiter = authWaiter;
				const setUp = yield* setUpOwnApp(
					{
						...options.ownApp,
						signal,
						useSession: async (next) => {
							tools = offer(await next.tools());
							session = next;
							toolStep.session = next;
							toolStep.toolParams = parameterProperties(tools);
							waiter.useSession(next);
						},
					},
					needsOwnApp,
				);
				if (setUp.kind === 'connect') {
					const port = options.ownApp.port;
					if (yield* pauseForConnections(waiter, [setUp.pending], undefined, (toolkit, reason) => port.connectFailed(toolkit, reason))) {
						continue;
					}
					return;
				}
				if (setUp.kind === 'failed') {
					logger.warn(`Connecting ${needsOwnApp.toolkit} through the new auth config failed: ${setUp.error instanceof ComposioError ? setUp.error.detail : String(setUp.error)}`);
					yield { type: 'authStatus', toolkit: needsOwnApp.toolkit, status: 'failed', reason: toAgentFailure(setUp.error).message };
					yield { type: 'error', error: toAgentFailure(setUp.error) };
					return;
				}
				yield { type: 'authStatus', toolkit: needsOwnApp.toolkit, status: 'cancelled' };
				if (setUp.kind === 'cancelled') {
					yield { type: 'done', reason: 'cancelled' };
					return;
				}
				const closing = declinedText(needsOwnApp.toolkit);
				yield { type: 'text', delta: closing };
				messages.push({ role: 'assistant', content: closing });
				yield { type: 'done', reason: 'answered' };
				return;
			}
			if (pending.size === 0 || !authWaiter) {
				yield { type: 'done', reason: 'answered' };
				return;
			}
			const waiting = [...pending.values()];
			pending.clear();
			if (yield* pauseForConnections(authWaiter, waiting)) {
				continue;
			}
			return;
		}

		// ── The tools ──
		if (!(yield* runToolCalls(toolStep, reply.calls))) {
			return;
		}
	}
}
