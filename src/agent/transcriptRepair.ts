/**
 * Repair of a conversation saved in the middle of a turn: the editor closed or crashed while the
 * agent worked, and the file holds what was shown at that moment.
 */
import * as l10n from '@vscode/l10n';
import type { TranscriptItem } from '../protocol/transcript';
import { repairTranscript } from './agentLoop';
import type { Conversation } from './conversationFile';

/**
 * Makes an interrupted conversation whole again, in place: text that was streaming is final,
 * running tools failed, approval cards declined, waiting Connect cards cancelled, a notice says
 * why the answer stops (with Retry), and every tool call in the model transcript has a result.
 * A conversation that was not interrupted is left as it is (apart from the transcript check).
 */
export function recoverInterrupted(conversation: Conversation): void {
	let interrupted = false;
	conversation.items = conversation.items.map((item): TranscriptItem => {
		if (item.kind === 'assistant' && item.streaming) {
			interrupted = true;
			const { streaming: _streaming, ...rest } = item;
			return rest;
		}
		if (item.kind === 'tool' && item.status === 'awaitingApproval') {
			interrupted = true;
			return { ...item, status: 'declined', error: l10n.t('Interrupted before you answered; it did not run.') };
		}
		if (item.kind === 'tool' && item.status === 'running') {
			interrupted = true;
			return { ...item, status: 'failed', error: l10n.t('Interrupted before it finished.') };
		}
		if (item.kind === 'auth' && (item.status === 'waiting' || item.status === 'needsApp' || item.status === 'settingUp')) {
			interrupted = true;
			return { ...item, status: 'cancelled' };
		}
		return item;
	});
	if (interrupted) {
		// Say why the answer stops mid-way, and offer to go on.
		const last = conversation.items[conversation.items.length - 1];
		conversation.items.push({
			kind: 'notice',
			id: `notice-interrupted-${(last?.id ?? 'start').slice(-24)}`,
			at: last?.at ?? conversation.updatedAt,
			level: 'info',
			text: l10n.t('Interrupted: the editor closed before this turn finished.'),
			action: 'retry',
		});
	}
	repairTranscript(conversation.messages);
}
