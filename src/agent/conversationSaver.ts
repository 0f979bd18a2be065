/**
 * When a conversation reaches the disk: at once when an item completes, at most every
 * `streamIntervalMs` while text streams, and synchronously when the host shuts down (it exits
 * as soon as deactivation returns, so an asynchronous write would be lost).
 */
import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import type { Logger } from '../common/logger';
import type { Conversation } from './conversationFile';
import type { ConversationStore } from './conversationStore';

/** Options for `ConversationSaver`. */
export interface ConversationSaverOptions {
	readonly clock: Clock;
	readonly logger: Logger;
	/** Longest time streamed text goes unsaved. */
	readonly streamIntervalMs: number;
}

/** Schedules a conversation's saves through its store. Failures are logged, never thrown. */
export class ConversationSaver implements Disposable {
	/** The stream save waiting for its interval, if any. */
	private pending: { readonly conversation: Conversation; readonly cancel: AbortController } | undefined;

	constructor(
		private readonly store: ConversationStore,
		private readonly options: ConversationSaverOptions,
	) {}

	/** Saves now (the store coalesces writes), and drops a stream save of it still waiting. Conversations without items are not written. */
	saveNow(conversation: Conversation): void {
		if (this.pending?.conversation === conversation) {
			this.cancelPending();
		}
		if (conversation.items.length === 0) {
			return;
		}
		this.store.save(conversation).catch((e: unknown) => {
			this.options.logger.error(`Could not save the conversation: ${e instanceof Error ? e.message : String(e)}`);
		});
	}

	/** Saves within `streamIntervalMs` (streamed text); does nothing while a stream save already waits. */
	saveSoon(conversation: Conversation): void {
		if (this.pending) {
			return;
		}
		const cancel = new AbortController();
		this.pending = { conversation, cancel };
		this.options.clock.sleep(this.options.streamIntervalMs, cancel.signal).then(
			() => {
				if (this.pending?.cancel === cancel) {
					this.pending = undefined;
					this.saveNow(conversation);
				}
			},
			() => undefined, // cancelled
		);
	}

	/**
	 * The host is shutting down: writes `conversation` synchronously, as it is, when anything of
	 * it may not have reached the disk (a turn was running, a stream save was waiting, or a write
	 * is in flight). Nothing is written when everything has been saved already, so a window that
	 * only looked at a conversation never overwrites it.
	 */
	saveOnShutdown(conversation: Conversation, turnWasRunning: boolean): void {
		const waiting = this.pending !== undefined;
		this.cancelPending();
		if (conversation.items.length > 0 && (turnWasRunning || waiting || this.store.isWriting(conversation.id))) {
			try {
				this.store.saveSync(conversation);
			} catch (e) {
				this.options.logger.error(`Could not save the conversation on shutdown: ${e instanceof Error ? e.message : String(e)}`);
			}
		}
	}

	dispose(): void {
		this.cancelPending();
	}

	private cancelPending(): void {
		this.pending?.cancel.abort();
		this.pending = undefined;
	}
}
