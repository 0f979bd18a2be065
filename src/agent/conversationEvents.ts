/**
 * A conversation's changes as events: every item added, replaced or streamed into, and the turn
 * state, applied to the conversation and reported in the same step, so what a listener sees is
 * always what the conversation holds. `ChatSession` owns one and exposes its events.
 */
import type { Clock } from '../common/clock';
import { DisposableBase } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { TurnState } from '../protocol/chatProtocol';
import type { TranscriptItem } from '../protocol/transcript';
import type { Conversation } from './conversationFile';
import type { TranscriptChange } from './transcriptReducer';

/** An item added to or changed in a conversation. */
export interface ItemChange {
	readonly conversationId: string;
	readonly item: TranscriptItem;
}

/** Text appended to a streaming assistant item. */
export interface TextDelta {
	readonly conversationId: string;
	readonly itemId: string;
	readonly delta: string;
}

/** The turn state of a conversation changed. */
export interface TurnStateChange {
	readonly conversationId: string;
	readonly state: TurnState;
}

/** Applies changes to conversations and reports each one. */
export class ConversationEvents extends DisposableBase {
	private turnState: TurnState = 'idle';

	private readonly _onDidAddItem = this._register(new Emitter<ItemChange>());
	readonly onDidAddItem: Event<ItemChange> = this._onDidAddItem.event;
	private readonly _onDidUpdateItem = this._register(new Emitter<ItemChange>());
	readonly onDidUpdateItem: Event<ItemChange> = this._onDidUpdateItem.event;
	private readonly _onDidAppendText = this._register(new Emitter<TextDelta>());
	/** Streamed text for an assistant item; the item itself is not re-sent per delta. */
	readonly onDidAppendText: Event<TextDelta> = this._onDidAppendText.event;
	private readonly _onDidChangeTurnState = this._register(new Emitter<TurnStateChange>());
	readonly onDidChangeTurnState: Event<TurnStateChange> = this._onDidChangeTurnState.event;

	/** `clock` dates the conversation's `updatedAt` on each change. */
	constructor(private readonly clock: Clock) {
		super();
	}

	/** The turn state last reported. */
	get state(): TurnState {
		return this.turnState;
	}

	/** Applies a reducer step's item changes, in order, each reported. */
	apply(conversation: Conversation, changes: readonly TranscriptChange[]): void {
		for (const change of changes) {
			switch (change.type) {
				case 'add':
					this.add(conversation, change.item);
					break;
				case 'replace':
					this.replace(conversation, change.index, change.item);
					break;
				case 'appendText':
					conversation.items[change.index] = change.item;
					conversation.updatedAt = this.clock.now();
					this._onDidAppendText.fire({ conversationId: conversation.id, itemId: change.item.id, delta: change.delta });
					break;
			}
		}
	}

	add(conversation: Conversation, item: TranscriptItem): void {
		conversation.items.push(item);
		conversation.updatedAt = this.clock.now();
		this._onDidAddItem.fire({ conversationId: conversation.id, item });
	}

	replace(conversation: Conversation, index: number, item: TranscriptItem): void {
		conversation.items[index] = item;
		conversation.updatedAt = this.clock.now();
		this._onDidUpdateItem.fire({ conversationId: conversation.id, item });
	}

	/** Reports a new turn state; the same state again is not reported. */
	setState(conversation: Conversation, state: TurnState): void {
		if (this.turnState === state) {
			return;
		}
		this.turnState = state;
		this._onDidChangeTurnState.fire({ conversationId: conversation.id, state });
	}
}
