/**
 * The tool step of the agent loop: the calls of one model reply, run in order. Each call's
 * arguments are parsed and routed to the account the user named, approval is asked where the
 * rules say so (`approvalOf` in `toolCall.ts`, shared with the Language Model Tools), the call
 * runs on the session or in the local toolbox, a call that failed because its account went bad
 * is repaired (`accountRepair.ts`), and the Connect Links in a result are announced and kept
 * for the pause after the model's answer. Every call gets its `tool` message, whatever happens.
 */
import * as l10n from '@vscode/l10n';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isRecord } from '../common/isRecord';
import type { Logger } from '../common/logger';
import type { AccountIdentities } from '../composio/accountIdentities';
import type { AccountsSnapshot } from '../composio/accountsSnapshot';
import { ComposioError } from '../composio/composioErrors';
import { type FailedConnection, failedConnectionsOf } from '../composio/managedAuth';
import { accountChanges, asksForAnotherAccount, MetaTools, multiExecuteEntries, multiExecuteErrors, toolkitOfCall, workbenchFileOf } from '../composio/metaTools';
import type { ToolSession } from '../composio/toolSession';
import { mayBeAccountProblem } from './accountHealth';
import { reconnectInsteadOfLink, repairAccount } from './accountRepair';
import { type AgentEvent, toAgentFailure } from './agentEvents';
import type { AuthWaiter, PendingConnection } from './authWaiter';
import type { LocalToolbox, LocalToolResult } from './localTools';
import type { ModelToolCall } from './modelClient';
import type { RunAccounts } from './runAccounts';
import { approvalOf, readToolResult, runOnSession, type ToolCall } from './toolCall';
import { DECLINED_TOOL_RESULT, type ToolApprovalGate } from './toolApproval';

/** The tool result text given to the model for a call that never ran because the user stopped. */
export const CANCELLED_TOOL_RESULT = JSON.stringify({ error: 'Cancelled by the user before this tool ran.' });

/** What the tool step needs from the run; made once per run. */
export interface ToolStepContext {
	/** The turn's session (a new one once the user set up their own app for a toolkit). */
	session: ToolSession;
	/** The transcript: every call's `tool` message is appended here. */
	readonly messages: ChatCompletionMessageParam[];
	readonly signal: AbortSignal;
	readonly logger: Logger;
	/** Characters of one tool result the model gets. */
	readonly budget: number;
	readonly local?: LocalToolbox;
	/** True for a call to one of the local tools. */
	readonly isLocal: (name: string) => boolean;
	/** Each tool's parameter properties by name (which argument names a call may carry). */
	toolParams: ReadonlyMap<string, Record<string, unknown> | undefined>;
	readonly approval?: ToolApprovalGate;
	readonly accounts: RunAccounts;
	readonly authWaiter?: AuthWaiter;
	readonly identities?: AccountIdentities;
	/** Links already announced this run, by url and account id. */
	readonly announced: Set<string>;
	/** Connections to wait for when the model has finished answering, by toolkit (newest link wins). */
	readonly pending: Map<string, PendingConnection>;
	/** Toolkits a connection check could not connect, by toolkit: where Composio's managed app is why, the own-app card follows the model's answer. */
	readonly ownAppNeeds: Map<string, FailedConnection>;
	/** After an account was reconnected: list the accounts again and rebuild the prompt. */
	readonly accountsChanged: () => Promise<void>;
	/** The accounts snapshot the run reads (a failed call lists them again through it). */
	readonly snapshot: AccountsSnapshot;
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

/** The failure event of a call that never ran, with the same text the model reads. */
function refused(callId: string, error: string): AgentEvent {
	return { type: 'toolFinished', callId, ok: false, result: JSON.stringify({ error }, null, 2), error, truncatedForModel: false };
}

/**
 * Runs the calls of one model reply in order, yielding each call's events. True: every call has
 * its result and the loop asks the model again. False: the run has ended (its last event, `done`
 * or `error`, yielded), and every call still has a `tool` message.
 */
export async function* runToolCalls(context: ToolStepContext, calls: readonly ModelToolCall[]): AsyncGenerator<AgentEvent, boolean, undefined> {
	const { messages, signal } = context;
	/** Gives every call from `from` on a "cancelled" result, so no call is left without one. */
	const answerUnrun = (from: number): void => {
		for (const rest of calls.slice(from)) {
			messages.push({ role: 'tool', tool_call_id: rest.id, content: CANCELLED_TOOL_RESULT });
		}
	};
	for (let index = 0; index < calls.length; index++) {
		if (signal.aborted) {
			answerUnrun(index);
			yield { type: 'done', reason: 'cancelled' };
			return false;
		}
		const goesOn = yield* runToolCall(context, calls[index]!, (withThis) => answerUnrun(withThis ? index : index + 1));
		if (!goesOn) {
			return false;
		}
	}
	return true;
}

/**
 * One call. True: it has its `tool` message and the next call may run. False: the run has ended
 * (its last event yielded), after `answerRest` gave the calls left a "cancelled" result (this one
 * too, `withThis`, when it has none).
 */
async function* runToolCall(context: ToolStepContext, call: ModelToolCall, answerRest: (withThis: boolean) => void): AsyncGenerator<AgentEvent, boolean, undefined> {
	const { session, messages, signal, logger, local } = context;
	const parsed = parseArguments(call.arguments);
	const shownArgs: unknown = parsed.ok ? parsed.args : call.arguments;
	const toolkit = toolkitOfCall(call.name, shownArgs);
	const localCall = context.isLocal(call.name);
	const note = localCall && parsed.ok ? local?.noteFor?.(call.name, parsed.args) : undefined;
	yield { type: 'toolStarted', callId: call.id, name: call.name, ...(toolkit ? { toolkit } : {}), args: shownArgs, ...(note ? { note } : {}) };

	if (!parsed.ok) {
		messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error: parsed.error }) });
		yield refused(call.id, parsed.error);
		return true;
	}

	const ownParams = context.toolParams.get(call.name);
	const routed = context.accounts.route({ name: call.name, args: parsed.args, ...(toolkit ? { toolkit } : {}), local: localCall, ...(ownParams ? { ownParams } : {}) }, messages);
	let toRun: ToolCall = { name: call.name, args: routed.args, ...(routed.account ? { account: routed.account } : {}) };

	// Local tools run in this process: the session's multi-execute tool cannot run them.
	const smuggled = [...new Set((multiExecuteEntries(call.name, toRun.args) ?? []).flatMap((e) => (e.slug !== undefined && context.isLocal(e.slug) ? [e.slug] : [])))];
	if (smuggled.length > 0) {
		const message = `${smuggled.join(', ')} run${smuggled.length === 1 ? 's' : ''} in the editor, not in Composio: call ${smuggled.length === 1 ? 'it' : 'them'} directly, not through ${MetaTools.multiExecute}. Nothing in this call ran.`;
		messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error: message }) });
		yield refused(call.id, message);
		return true;
	}

	if (context.approval) {
		const asking = context.accounts.withWho(approvalOf(toRun, context.approval, localCall ? local : undefined).asking);
		if (asking.length > 0) {
			yield { type: 'approvalRequired', callId: call.id, actions: asking };
			const decision = await context.approval.ask(call.id, asking, signal);
			if (signal.aborted) {
				answerRest(true);
				yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error: 'Stopped before it ran.' }, null, 2), error: l10n.t('Stopped before it ran.'), truncatedForModel: false, declined: true };
				yield { type: 'done', reason: 'cancelled' };
				return false;
			}
			yield { type: 'approvalDecided', callId: call.id, decision };
			if (decision === 'deny') {
				messages.push({ role: 'tool', tool_call_id: call.id, content: DECLINED_TOOL_RESULT });
				yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ declined: true }, null, 2), error: l10n.t('You declined this action; it did not run.'), truncatedForModel: false, declined: true };
				return true;
			}
		}
	}

	let value: unknown;
	let ok = false;
	/** What failed: the call's error, or for a multi-execute (whose error only counts them) the errors of the tools it ran. */
	let error: string | undefined;
	let declined = false;
	/** Set when the call stopped the turn (cancelled, key rejected): the event to end with. */
	let stopWith: AgentEvent | undefined;
	const run = async (runCall: ToolCall): Promise<void> => {
		declined = false;
		try {
			const result: LocalToolResult =
				localCall && local ? await local.run(runCall.name, runCall.args, { signal, gated: context.approval !== undefined }) : await runOnSession(session, runCall, signal);
			value = { data: result.data, error: result.error };
			ok = result.error === null;
			error = result.error === null ? undefined : multiExecuteErrors(runCall.name, result.data).join('\n') || result.error;
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
	await run(toRun);

	// ── An account that went bad: reconnect it, then run the call again ──
	const { authWaiter, identities } = context;
	if (!stopWith && !ok && !localCall && !declined && error !== undefined && authWaiter && identities && mayBeAccountProblem(error)) {
		const repair = yield* repairAccount({ session, snapshot: context.snapshot, identities, authWaiter, signal, logger, accountsChanged: context.accountsChanged }, call.id, toRun, toolkit, error);
		if (repair.kind === 'reconnected') {
			toRun = repair.call;
			await run(toRun);
		} else if (repair.kind === 'cancelled') {
			stopWith = { type: 'done', reason: 'cancelled' };
		} else if (repair.kind === 'gaveUp') {
			messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error }) });
			answerRest(false);
			yield refused(call.id, error);
			yield { type: 'text', delta: repair.closing };
			messages.push({ role: 'assistant', content: repair.closing });
			yield { type: 'done', reason: 'answered' };
			return false;
		}
	}
	if (stopWith) {
		if (stopWith.type === 'done') {
			answerRest(true);
			yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error: 'Cancelled by the user.' }, null, 2), error: l10n.t('Cancelled by the user.'), truncatedForModel: false };
		} else {
			messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error }) });
			answerRest(false);
			yield { type: 'toolFinished', callId: call.id, ok: false, result: JSON.stringify({ error }, null, 2), ...(error !== undefined ? { error } : {}), truncatedForModel: false };
		}
		yield stopWith;
		return false;
	}

	const { output, links } = readToolResult(value, context.budget, localCall ? 'local' : 'composio');
	const data = isRecord(value) ? value['data'] : undefined;
	if (!localCall && accountChanges(toRun.name, toRun.args).length > 0) {
		// A rename or removal through the connection tool: every view of the accounts lists them again
		// (also after a failure, which may have changed some of them).
		await context.accountsChanged();
	}
	if (ok && toRun.name === MetaTools.searchTools && identities) {
		// A search names who the accounts are (`current_user_info`): no profile lookup needed for those.
		await identities.fromSearch(data);
	}
	if (!localCall) {
		for (const need of failedConnectionsOf(toRun.name, toRun.args, value)) {
			context.ownAppNeeds.set(need.toolkit, need);
		}
	}
	messages.push({ role: 'tool', tool_call_id: call.id, content: output.forModel });
	const kept = localCall ? undefined : workbenchFileOf(toRun.name, data);
	yield {
		type: 'toolFinished',
		callId: call.id,
		ok,
		result: output.full,
		...(error !== undefined ? { error } : {}),
		truncatedForModel: output.truncated,
		...(declined ? { declined } : {}),
		...(kept ? { workbenchFile: kept } : {}),
	};
	if (signal.aborted) {
		answerRest(false);
		yield { type: 'done', reason: 'cancelled' };
		return false;
	}
	for (const link of links) {
		const linkToolkit = link.toolkit ?? toolkit;
		if (!linkToolkit || context.announced.has(link.url) || (link.accountId && context.announced.has(link.accountId))) {
			continue;
		}
		context.announced.add(link.url);
		if (link.accountId) {
			context.announced.add(link.accountId);
		}
		if (identities && !localCall && !asksForAnotherAccount(toRun.args, linkToolkit)) {
			const reconnect = yield* reconnectInsteadOfLink({ session, identities, logger, accountsChanged: context.accountsChanged, known: () => context.accounts.known }, call.id, linkToolkit);
			if (reconnect) {
				context.announced.add(reconnect.url);
				context.pending.set(linkToolkit, reconnect);
				// The model is told the Reconnect link, so a link it writes is the card's.
				const told = messages.at(-1);
				if (told?.role === 'tool' && told.tool_call_id === call.id && typeof told.content === 'string') {
					told.content = told.content.split(link.url).join(reconnect.url);
				}
				// The account Composio started for the link nobody will open: left, it would show as a pending second account.
				if (link.accountId) {
					await session.disconnect(link.accountId).catch((e: unknown) => logger.warn(`Could not delete the unused connection ${link.accountId}: ${e instanceof ComposioError ? e.detail : String(e)}`));
				}
				continue;
			}
		}
		context.pending.set(linkToolkit, { toolkit: linkToolkit, url: link.url, ...(link.accountId ? { accountId: link.accountId } : {}) });
		yield { type: 'authRequired', toolkit: linkToolkit, url: link.url, ...(link.accountId ? { accountId: link.accountId } : {}) };
	}
	return true;
}
