/**
 * The Connect Link pause at the end of a model's answer: when tool results held Connect Links,
 * the loop waits (in the turn's `AuthWaiter`) until the user has connected, then goes on with the
 * task; a link that failed or expired ends the turn with a sentence saying so.
 */
import * as l10n from '@vscode/l10n';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { toolkitDisplayName } from '../common/toolkitNames';
import type { AgentEvent } from './agentEvents';
import type { AuthWaiter, PendingConnection } from './authWaiter';

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
 * Waits for `waiting` to be connected (checking at once when the user said `userSaid`). True:
 * connected, and the user's message saying so is appended to `messages`, so the task goes on.
 * False: the run has ended (its last event yielded: `done` 'cancelled', or the closing text of a
 * link that failed or expired and `done` 'answered').
 */
export async function* waitForConnections(
	waiter: AuthWaiter,
	waiting: readonly PendingConnection[],
	messages: ChatCompletionMessageParam[],
	signal: AbortSignal,
	userSaid?: string,
	/** The closing words for a failed connection, instead of the usual ones (undefined keeps those). */
	failedClosing?: (toolkit: string, reason: string) => Promise<string | undefined>,
): AsyncGenerator<AgentEvent, boolean, undefined> {
	const result = yield* waiter.wait(waiting, signal, userSaid !== undefined ? { userSaid } : {});
	switch (result.kind) {
		case 'connected': {
			const names = result.toolkits.map(toolkitDisplayName).join(' and ');
			messages.push({ role: 'user', content: result.userText ?? `I've connected ${names}. Please continue.` });
			return true;
		}
		case 'cancelled':
			yield { type: 'done', reason: 'cancelled' };
			return false;
		case 'failed':
		case 'expired': {
			const own = result.kind === 'failed' && failedClosing ? await failedClosing(result.toolkit, result.reason).catch(() => undefined) : undefined;
			const closing = own ?? (result.kind === 'failed' ? failedText(result.toolkit, result.reason) : expiredText(result.toolkit));
			yield { type: 'text', delta: closing };
			messages.push({ role: 'assistant', content: closing });
			yield { type: 'done', reason: 'answered' };
			return false;
		}
	}
}
