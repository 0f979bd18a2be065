/**
 * The one module every front door starts through. A whole agent turn (`startAgentTurn`) is
 * started the same way by the sidebar chat's `ChatSession` and the `@composio` participant: the
 * `AuthWaiter` that pauses it for Connect Links and the loop itself, given everything the turn's
 * setup provides. A single tool call, as the Language Model Tools run one for VS Code's agent,
 * goes by the same rules as a call inside the loop: what needs approval (`approvalOf`), running
 * it on the session (`runOnSession`), and its output for a budget with the Connect Links in it
 * (`readToolResult`), re-exported here from `toolCall.ts`, where the loop's tool step uses them
 * too. A front door only translates the events and results; what a turn or a call can do
 * (Reconnect included, which needs the identities) is decided in the core, once.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { AccountIdentities } from '../composio/accountIdentities';
import type { AccountsSnapshot } from '../composio/accountsSnapshot';
import type { ToolSession } from '../composio/toolSession';
import type { AgentEvent } from './agentEvents';
import { type AgentRunOptions, runAgent } from './agentLoop';
import { AuthWaiter } from './authWaiter';
import type { LocalToolbox } from './localTools';
import type { ModelClient } from './modelClient';
import { type OwnAppPort, OwnAppRequests } from './ownAppSetup';
import type { ToolApprovalGate } from './toolApproval';

export { approvalOf, readToolResult, runOnSession, type ToolCall, type ToolCallApproval, type ToolCallOutput, type ToolCallValue } from './toolCall';

/** What one turn needs, made fresh for each turn by the front door's setup (the settings may have changed). */
export interface TurnSetup {
	readonly model: ModelClient;
	readonly session: ToolSession;
	readonly maxTurns: number;
	readonly multiAccount?: boolean;
	/** Characters of one tool result the model gets; default 12 000. */
	readonly toolOutputBudget?: number;
	/** How long to wait for a Connect Link; default 10 minutes. */
	readonly authTimeoutMs?: number;
	/** Time between connection checks while waiting; default 2 s. */
	readonly authPollIntervalMs?: number;
	/** Tools that run in this process beside the session's (the editor tools). */
	readonly localTools?: LocalToolbox;
	/** Who the user's accounts are: named on cards and in the prompt; a call whose account went bad is reconnected in place. */
	readonly identities?: AccountIdentities;
	/** The extension's one snapshot of the user's accounts (accountsSnapshot.ts); without one the loop lists them through the session. */
	readonly accounts?: AccountsSnapshot;
	/** Setting up the user's own app when Composio's cannot connect a toolkit (ownAppSetup.ts); without it the model's answer ends the turn. */
	readonly ownApp?: OwnAppPort;
}

/** What a front door gives besides the setup. */
export interface AgentTurnOptions {
	readonly setup: TurnSetup;
	/** The model transcript; the loop appends to it in place (see `AgentRunOptions.messages`). */
	readonly messages: ChatCompletionMessageParam[];
	/** Aborting stops the loop and any wait at once. */
	readonly signal: AbortSignal;
	readonly logger: Logger;
	/** What waits are measured with; default the system clock. */
	readonly clock?: Clock;
	/** The approval gate; without one every tool runs unasked (tests of other behaviour). */
	readonly approval?: ToolApprovalGate;
	/** Resume a turn that stopped while waiting for a connection ("done"). */
	readonly resume?: AgentRunOptions['resume'];
}

/** A started turn: its events (the loop does not throw; failures arrive as an `error` event), its waiter, for "New link" and "done", and where the own-app card answers. */
export interface AgentTurn {
	readonly waiter: AuthWaiter;
	readonly ownApp: OwnAppRequests;
	readonly events: AsyncGenerator<AgentEvent, void, undefined>;
}

/** Starts a turn. Nothing runs until `events` is iterated. */
export function startAgentTurn(options: AgentTurnOptions): AgentTurn {
	const { setup, logger } = options;
	const waiter = new AuthWaiter(setup.session, {
		logger,
		...(options.clock ? { clock: options.clock } : {}),
		...(setup.authTimeoutMs !== undefined ? { timeoutMs: setup.authTimeoutMs } : {}),
		...(setup.authPollIntervalMs !== undefined ? { intervalMs: setup.authPollIntervalMs } : {}),
		...(setup.identities ? { identities: setup.identities } : {}),
	});
	const ownApp = new OwnAppRequests();
	const events = runAgent({
		model: setup.model,
		session: setup.session,
		messages: options.messages,
		maxTurns: setup.maxTurns,
		signal: options.signal,
		authWaiter: waiter,
		logger,
		...(options.approval ? { approval: options.approval } : {}),
		...(setup.multiAccount ? { multiAccount: true } : {}),
		...(setup.toolOutputBudget !== undefined ? { toolOutputBudget: setup.toolOutputBudget } : {}),
		...(setup.localTools ? { localTools: setup.localTools } : {}),
		...(setup.identities ? { identities: setup.identities } : {}),
		...(setup.accounts ? { accounts: setup.accounts } : {}),
		...(options.resume ? { resume: options.resume } : {}),
		...(setup.ownApp ? { ownApp: { port: setup.ownApp, requests: ownApp } } : {}),
	});
	return { waiter, ownApp, events };
}
