/**
 * What the agent loop reports while it works: a discriminated union the host turns into the
 * transcript and the view. Never carries a key.
 */

import * as l10n from '@vscode/l10n';
import { ComposioError } from '../composio/composioErrors';
import type { NoticeAction } from '../protocol/transcript';
import type { LeftOut } from './modelClient';
import { ModelError } from './modelErrors';
import type { ApprovalDecision, ToolAction } from './toolApproval';

/** A user-facing error with its remedy. */
export interface AgentFailure {
	readonly kind: string;
	readonly message: string;
	readonly action?: NoticeAction;
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

export type AgentEvent =
	/** A piece of the assistant's reply text (markdown), in order. */
	| { readonly type: 'text'; readonly delta: string }
	/** The model asked for a tool; it is about to run. `note`: a line for the card while it runs (a local tool waiting for the user). */
	| { readonly type: 'toolStarted'; readonly callId: string; readonly name: string; readonly toolkit?: string; readonly args: unknown; readonly note?: string }
	/** A tool finished. `result` is the full output as JSON text; the model may have been given a shortened one. `declined`: the user said no, it never ran. */
	| {
			readonly type: 'toolFinished';
			readonly callId: string;
			readonly ok: boolean;
			readonly result: string;
			readonly error?: string;
			readonly truncatedForModel: boolean;
			readonly declined?: boolean;
			/** Composio kept the whole response in the remote workbench, at this path; `result` holds its preview. */
			readonly workbenchFile?: string;
	  }
	/** The call has side effects: it waits for the user's consent. `actions` are what needs consent (each call of a multi-execute on its own). */
	| { readonly type: 'approvalRequired'; readonly callId: string; readonly actions: readonly ToolAction[] }
	/** The user answered (or the turn stopped, which counts as 'deny'). */
	| { readonly type: 'approvalDecided'; readonly callId: string; readonly decision: ApprovalDecision }
	/** A tool's output holds a Connect Link: the user must connect an account before the task can go on. */
	| { readonly type: 'authRequired'; readonly toolkit: string; readonly url: string; readonly accountId?: string }
	/**
	 * Tool call `callId` failed because the account it ran as is expired, revoked or failed: a
	 * fresh Connect Link (`url`, creating `accountId`) replaces `replacesAccountId`; the call runs
	 * again once the account is active. `name`: who the account is, when known.
	 */
	| {
			readonly type: 'reconnectRequired';
			readonly callId: string;
			readonly toolkit: string;
			readonly url: string;
			readonly accountId: string;
			readonly replacesAccountId: string;
			readonly name?: string;
			readonly reason: string;
	  }
	/** How waiting for a connection went (each change while waiting, and the end). */
	| {
			readonly type: 'authStatus';
			readonly toolkit: string;
			readonly accountId?: string;
			readonly status: 'waiting' | 'connected' | 'expired' | 'failed' | 'cancelled';
			readonly reason?: string;
			/** A fresh link, when the old one expired and a new one was made. */
			readonly url?: string;
			/** Who the account turned out to be (with 'connected'), when the lookup answered in time. */
			readonly identity?: string;
	  }
	/**
	 * Composio's managed app cannot connect `toolkit` (none, or gone): the card says why (`reason`;
	 * `detail` is Composio's own words) and offers the user's own app, or an API key on the
	 * Connect page when `apiKey`. The turn waits for the card's answer.
	 */
	| { readonly type: 'ownAppRequired'; readonly toolkit: string; readonly reason: string; readonly detail: string; readonly apiKey: boolean }
	/** The own-app card's progress: the config is being set up, or it is needed again (the user backed out of the setup). */
	| { readonly type: 'ownAppStatus'; readonly toolkit: string; readonly status: 'settingUp' | 'needed' }
	/** Informational line for the transcript ("Connected Gmail — continuing"). */
	| { readonly type: 'notice'; readonly text: string }
	| { readonly type: 'usage'; readonly promptTokens: number; readonly completionTokens: number }
	/** Earlier parts of the conversation were left out of a request to fit the model's context window (the transcript keeps them). */
	| { readonly type: 'contextTrimmed'; readonly leftOut: LeftOut; readonly tokens: number; readonly maxInputTokens: number }
	/** The turn ended: answered, stopped at the turn cap, or cancelled. */
	| { readonly type: 'done'; readonly reason: 'answered' | 'maxTurns' | 'cancelled' }
	/** The turn failed; the conversation so far stays intact. */
	| { readonly type: 'error'; readonly error: AgentFailure };
