/**
 * The pause in a turn when Composio's managed app cannot connect a toolkit (`managedAuth.ts`
 * reads that from a connection check's result). The card says why; the user picks a way (their
 * own app, or an API key on the Connect page where the toolkit takes one) and the front door
 * carries it out (the auth config commands: the config is made and becomes this workspace's).
 * Then the turn moves to a session made with that config, asks it for a Connect Link, and waits
 * for the connection as after any Connect Link, so the task goes on by itself.
 *
 * The front door gives an `OwnAppPort`; the card's buttons answer through `OwnAppRequests`, as
 * approval cards answer through the approval gate.
 */
import * as l10n from '@vscode/l10n';
import { toolkitDisplayName } from '../common/toolkitNames';
import { ComposioError } from '../composio/composioErrors';
import type { OwnAppCause, OwnAppNeed } from '../composio/managedAuth';
import type { ToolSession } from '../composio/toolSession';
import type { AgentEvent } from './agentEvents';
import type { PendingConnection } from './authWaiter';

/** How the user chose to connect a toolkit that Composio's app cannot: their own app, or an API key entered on the Connect page. */
export type OwnAppWay = 'ownApp' | 'apiKey';

/** What a front door does for the pause. */
export interface OwnAppPort {
	/** True when the toolkit can connect with an API key entered on its Connect page (no app to register). Never throws. */
	takesApiKey(toolkit: string): Promise<boolean>;
	/** True when Composio's details of the toolkit name no managed scheme, though it needs a sign-in. */
	lacksManagedApp(toolkit: string): Promise<boolean>;
	/** Makes the auth config for `way` this workspace's for `toolkit` (asking what it needs). False when the user backed out or it failed (already told). */
	setUp(toolkit: string, way: OwnAppWay): Promise<boolean>;
	/** A session made after the setting changed: it connects through the new auth config. Throws ComposioError. */
	session(): Promise<ToolSession>;
	/**
	 * Connecting through the new config failed with `reason`. When the provider refused the app
	 * (a wrong client ID or secret), the config and the setting are undone and the words to close
	 * the turn with are returned; undefined leaves the usual words.
	 */
	connectFailed(toolkit: string, reason: string): Promise<string | undefined>;
}

/** The card's answer: a way, or no (the user stopped, or wrote something else). */
export type OwnAppAnswer = OwnAppWay | 'declined';

/** Where the card's buttons answer a waiting turn. One per turn. */
export class OwnAppRequests {
	private waiting: { readonly toolkit: string; readonly resolve: (answer: OwnAppAnswer) => void } | undefined;

	/** The toolkit a card waits for, if one does. */
	get waitingFor(): string | undefined {
		return this.waiting?.toolkit;
	}

	/** Waits for the card of `toolkit` to be answered; 'declined' when `signal` aborts. */
	ask(toolkit: string, signal: AbortSignal): Promise<OwnAppAnswer> {
		if (signal.aborted) {
			return Promise.resolve('declined');
		}
		return new Promise<OwnAppAnswer>((resolve) => {
			const onAbort = (): void => {
				this.answer(toolkit, 'declined');
			};
			signal.addEventListener('abort', onAbort, { once: true });
			this.waiting = {
				toolkit,
				resolve: (answer) => {
					signal.removeEventListener('abort', onAbort);
					this.waiting = undefined;
					resolve(answer);
				},
			};
		});
	}

	/** Answers the card of `toolkit`. False when nothing waits for it. */
	answer(toolkit: string, answer: OwnAppAnswer): boolean {
		if (this.waiting?.toolkit !== toolkit.toLowerCase()) {
			return false;
		}
		this.waiting.resolve(answer);
		return true;
	}
}

/** `work`'s result, or false as soon as `signal` aborts. */
function untilAborted(work: Promise<boolean>, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) {
		return Promise.resolve(false);
	}
	return new Promise<boolean>((resolve) => {
		const onAbort = (): void => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
		void work.then((value) => {
			signal.removeEventListener('abort', onAbort);
			resolve(value);
		});
	});
}

/** The card's words for why Composio's app cannot connect the toolkit. */
export function ownAppReason(cause: OwnAppCause, toolkit: string): string {
	const name = toolkitDisplayName(toolkit);
	return cause === 'managedAppGone'
		? l10n.t("Composio's app for {0} is not available any more, so {0} accounts connect through an app of your own.", name)
		: l10n.t('Composio has no app of its own for {0}, so {0} accounts connect through an app of your own.', name);
}

/** What the turn needs to carry on once the toolkit is set up. */
export interface OwnAppContext {
	readonly port: OwnAppPort;
	readonly requests: OwnAppRequests;
	readonly signal: AbortSignal;
	/** Moves the rest of the turn to `session` (its tools, its waits). */
	useSession(session: ToolSession): Promise<void>;
}

/**
 * Shows the card for `need` and waits for the user. Returns the connection to wait for once the
 * toolkit connects through the new config, or how the turn ends: 'declined' (the user said no or
 * wrote something else), 'cancelled' (Stop), or a failure to tell.
 */
export async function* setUpOwnApp(
	context: OwnAppContext,
	need: OwnAppNeed,
): AsyncGenerator<AgentEvent, { readonly kind: 'connect'; readonly pending: PendingConnection } | { readonly kind: 'declined' | 'cancelled' } | { readonly kind: 'failed'; readonly error: unknown }, undefined> {
	const { port, requests, signal } = context;
	const toolkit = need.toolkit;
	const apiKey = await port.takesApiKey(toolkit).catch(() => false);
	yield { type: 'ownAppRequired', toolkit, reason: ownAppReason(need.cause, toolkit), detail: need.detail, apiKey };
	for (;;) {
		const answer = await requests.ask(toolkit, signal);
		if (signal.aborted) {
			return { kind: 'cancelled' };
		}
		if (answer === 'declined') {
			return { kind: 'declined' };
		}
		yield { type: 'ownAppStatus', toolkit, status: 'settingUp' };
		// Stop ends the turn at once; questions still open finish on their own (what was made stays, as from the command).
		const ready = await untilAborted(port.setUp(toolkit, answer).catch(() => false), signal);
		if (signal.aborted) {
			return { kind: 'cancelled' };
		}
		if (!ready) {
			// Backed out, or refused (the command said why): the card asks again.
			yield { type: 'ownAppStatus', toolkit, status: 'needed' };
			continue;
		}
		try {
			const session = await port.session();
			await context.useSession(session);
			const request = await session.authorize(toolkit);
			yield { type: 'authRequired', toolkit, url: request.redirectUrl, accountId: request.accountId };
			return { kind: 'connect', pending: { toolkit, url: request.redirectUrl, accountId: request.accountId } };
		} catch (e) {
			if (signal.aborted || (e instanceof ComposioError && e.kind === 'cancelled')) {
				return { kind: 'cancelled' };
			}
			return { kind: 'failed', error: e };
		}
	}
}

/** The closing words when the user left the toolkit unset. */
export function declinedText(toolkit: string): string {
	return l10n.t("I've left {0} for now. When you want it, run Composio: Use Your Own App for a Toolkit… (or ask me again and choose Set Up Your Own App).", toolkitDisplayName(toolkit));
}
