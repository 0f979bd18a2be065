/**
 * One Composio tool call, by the rules every front door shares: which of its actions need the
 * user's consent, running it on the session, and reading what it returned (the output prepared
 * for a model's budget, the Connect Links the user still has to open). The agent loop's tool
 * step (`toolCallRunner.ts`) and the Language Model Tools both go through these, so a rule
 * changes here once; `agentTurn.ts` re-exports them for the front doors. How a front door asks
 * (an approval card, VS Code's confirmation) and what it does with a link stays its own.
 */
import { connectLinksToOpen } from '../composio/metaTools';
import type { FoundConnectLink } from '../composio/connectLinks';
import type { ToolSession } from '../composio/toolSession';
import type { LocalToolbox } from './localTools';
import { actionsOf, type ToolAction, type ToolApprovalGate } from './toolApproval';
import { type PreparedToolOutput, prepareToolOutput } from './toolOutput';

/** A tool call as the host will run it: the tool, its arguments, and the account it runs as (an id or alias), if one was named. */
export interface ToolCall {
	readonly name: string;
	readonly args: Record<string, unknown>;
	readonly account?: string;
}

/** What a finished call gave back: the tool's data and its own failure text (null when it worked). */
export interface ToolCallValue {
	readonly data: unknown;
	readonly error: string | null;
}

/** A call's actions as approval judges them, and those of them the user must allow first. */
export interface ToolCallApproval {
	/** What the call does: a local tool's own actions, else the Composio call (each tool of a multi-execute on its own). */
	readonly actions: ToolAction[];
	/** The actions that need the user's consent before the call runs (empty: it may run now). */
	readonly asking: ToolAction[];
}

/** Judges a call with `gate` (the user's approval mode, tool tags and earlier answers). `local`: the toolbox that owns the call, for a local tool. */
export function approvalOf(call: ToolCall, gate: Pick<ToolApprovalGate, 'check'>, local?: LocalToolbox): ToolCallApproval {
	const actions = local ? local.actionsOf(call.name, call.args) : actionsOf(call.name, call.args, call.account);
	return { actions, asking: gate.check(actions) };
}

/**
 * Runs a Composio call on the session. Resolves with the tool's data and its own failure;
 * rejects with ComposioError for a transport failure, a rejected key, or the signal aborting.
 */
export async function runOnSession(session: ToolSession, call: ToolCall, signal: AbortSignal): Promise<ToolCallValue> {
	const result = await session.execute(call.name, call.args, { signal, ...(call.account ? { account: call.account } : {}) });
	return { data: result.data, error: result.error };
}

/** A finished call's result, read for the front doors. */
export interface ToolCallOutput {
	/** The result for the user (whole) and for a model (within the budget). */
	readonly output: PreparedToolOutput;
	/** Connect Links of connections the user still has to make. */
	readonly links: FoundConnectLink[];
}

/**
 * Reads what a call gave back: the output prepared for a model with `budget` characters, and the
 * Connect Links in it whose connections are not active yet. A local tool's result carries no
 * links (a file the editor tools read may hold any URL; only Composio's results carry Connect Links).
 */
export function readToolResult(value: unknown, budget: number, from: 'composio' | 'local'): ToolCallOutput {
	return { output: prepareToolOutput(value, budget), links: from === 'composio' ? connectLinksToOpen(value) : [] };
}
