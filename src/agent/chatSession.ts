/**
 * The chat session: the editor-agnostic core of the chat. It owns the current conversation
 * (open, new, delete, history), runs one turn at a time (`ChatTurn`, chatTurn.ts: the agent turn
 * and what each of its events does to the transcript), has it saved (`conversationSaver.ts`), and
 * reports every change as an event (`ConversationEvents`). No vscode: everything arrives
 * through the constructor. The VS Code side that carries these events to the chat webview and
 * the webview's requests back is `ChatController` (src/vscode/chatView/chatController.ts).
 */
import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { DisposableBase } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { nullLogger, type Logger } from '../common/logger';
import type { TurnState } from '../protocol/chatProtocol';
import type { ConversationSummary, EditorContext, TranscriptItem } from '../protocol/transcript';
import { ChatTurn, type TurnSetupFactory } from './chatTurn';
import { ConversationSaver } from './conversationSaver';
import { ConversationEvents, type ItemChange, type TextDelta, type TurnStateChange } from './conversationEvents';
import { type Conversation, titleFrom, UNTITLED } from './conversationFile';
import type { ConversationStore } from './conversationStore';
import { userMessageContent } from './systemPrompt';
import type { OwnAppAnswer } from './ownAppSetup';
import { type AlwaysAllowedStore, type ApprovalDecision, type ApprovalMode, ToolApprovalGate } from './toolApproval';
import { type ItemFactory, type SaveHint, userItem } from './transcriptReducer';
import { ToolkitLogos } from './toolkitLogos';
import { recoverInterrupted } from './transcriptRepair';

/** Options for `ChatSession`. */
export interface ChatSessionOptions {
	readonly store: ConversationStore;
	readonly setup: TurnSetupFactory;
	readonly logger?: Logger;
	/** Longest time streamed text goes unsaved; default 1 000 ms. */
	readonly streamSaveIntervalMs?: number;
	/** Item times, conversation times and the stream-save interval; default the system clock. */
	readonly clock?: Clock;
	/**
	 * Tool approval: where "Always allow" answers live and the `composio.approval` mode, read at
	 * each call. Without it every tool runs unasked (tests of other behaviour).
	 */
	readonly approval?: { readonly store: AlwaysAllowedStore; readonly mode: () => ApprovalMode };
}

/** How `send` dealt with a message. */
export type SendResult =
	/** A turn ran for it and has ended (answered, cancelled or failed). */
	| 'completed'
	/** A turn was waiting for a connection: the text went to it. */
	| 'routedToAuth'
	/** A turn is running and not waiting: the message was not taken (send it again when idle). */
	| 'busy'
	/** Empty text without context: nothing to send. */
	| 'empty';

/** The whole current conversation, for the view. */
export interface ConversationSnapshot {
	readonly id: string;
	readonly title: string;
	readonly items: readonly TranscriptItem[];
	readonly state: TurnState;
}

/**
 * The chat session. Contract:
 * - `send` starts a turn (one at a time); while a turn waits for a connection, messages go to
 *   its AuthWaiter; while it runs otherwise, `send` answers 'busy' and changes nothing.
 * - Every AgentEvent changes the transcript as `reduceEvent` (transcriptReducer.ts) says; each
 *   change is applied to the conversation and reported (`onDidAddItem`, `onDidUpdateItem`,
 *   `onDidAppendText`, `onDidChangeTurnState`). A turn that ends closes what it left open.
 * - The conversation is saved when an item completes and at the end of each turn, and at most
 *   every `streamSaveIntervalMs` while text streams. A failing turn keeps the user's message
 *   and everything already shown; `retry` sends the last request again.
 * - Switching or deleting the current conversation cancels its running turn first.
 */
export class ChatSession extends DisposableBase {
	private readonly store: ConversationStore;
	private readonly setup: TurnSetupFactory;
	private readonly logger: Logger;
	private readonly clock: Clock;
	private readonly saver: ConversationSaver;
	/** New items' ids and times. */
	private readonly items: ItemFactory;
	private conversation: Conversation;
	private turn: ChatTurn | undefined;
	/** Asks before side-effecting tools; "Allow in this chat" answers live as long as the conversation is open. */
	private gate: ToolApprovalGate | undefined;
	/** Toolkit logos of the last session that showed a Connect card. */
	private readonly logos: ToolkitLogos;
	private readonly approval: ChatSessionOptions['approval'];

	private readonly _onDidChangeConversation = this._register(new Emitter<ConversationSnapshot>());
	/** The whole conversation changed (opened, new, deleted). */
	readonly onDidChangeConversation: Event<ConversationSnapshot> = this._onDidChangeConversation.event;
	/** Every item and turn-state change, applied and reported in one step. */
	private readonly changes: ConversationEvents;
	readonly onDidAddItem: Event<ItemChange>;
	readonly onDidUpdateItem: Event<ItemChange>;
	/** Streamed text for an assistant item; the item itself is not re-sent per delta. */
	readonly onDidAppendText: Event<TextDelta>;
	readonly onDidChangeTurnState: Event<TurnStateChange>;
	private readonly _onDidChangeHistory = this._register(new Emitter<void>());
	/** The list of saved conversations may have changed (a turn ended, one was deleted). */
	readonly onDidChangeHistory: Event<void> = this._onDidChangeHistory.event;

	constructor(options: ChatSessionOptions) {
		super();
		this.store = options.store;
		this.setup = options.setup;
		this.logger = options.logger ?? nullLogger;
		this.clock = options.clock ?? systemClock;
		this.changes = this._register(new ConversationEvents(this.clock));
		this.onDidAddItem = this.changes.onDidAddItem;
		this.onDidUpdateItem = this.changes.onDidUpdateItem;
		this.onDidAppendText = this.changes.onDidAppendText;
		this.onDidChangeTurnState = this.changes.onDidChangeTurnState;
		this.logos = new ToolkitLogos(this.logger);
		this.items = { now: () => this.clock.now(), newId: (kind) => `${kind}-${randomUUID().slice(0, 12)}` };
		this.saver = this._register(new ConversationSaver(this.store, { clock: this.clock, logger: this.logger, streamIntervalMs: options.streamSaveIntervalMs ?? 1000 }));
		this.conversation = this.store.create();
		this.approval = options.approval;
		this.gate = this.newGate();
		this._register({ dispose: () => this.stopForDispose() } satisfies Disposable);
	}

	/** A fresh approval gate for a newly opened conversation (none when approval is not configured). */
	private newGate(): ToolApprovalGate | undefined {
		const approval = this.approval;
		if (!approval) {
			return undefined;
		}
		return new ToolApprovalGate(approval.store, () => ({ mode: approval.mode(), tagsOf: (tool) => this.turn?.session?.toolTags(tool) }));
	}

	/**
	 * Answers the approval card `itemId` of the running turn. False when it no longer waits
	 * (answered already, or the turn stopped).
	 */
	async approve(itemId: string, decision: ApprovalDecision): Promise<boolean> {
		return (await this.turn?.approve(itemId, decision)) ?? false;
	}

	/** The current conversation as it is now. Treat as read-only. */
	get current(): Readonly<Conversation> {
		return this.conversation;
	}

	/** Whether a turn runs, and whether it waits for a connection. */
	get state(): TurnState {
		return this.changes.state;
	}

	/** The snapshot the view renders. */
	snapshot(): ConversationSnapshot {
		return { id: this.conversation.id, title: this.conversation.title, items: [...this.conversation.items], state: this.changes.state };
	}

	/** Opens the most recently updated saved conversation that can be read, or a new one when there is none. */
	async start(): Promise<void> {
		if (!(await this.openNewest())) {
			await this.newConversation();
		}
	}

	/**
	 * Saved conversations, newest first, including every change this session has made so far
	 * (it waits for saves still in flight, so a listener of `onDidChangeHistory` sees the turn
	 * that just ended).
	 */
	async list(): Promise<ConversationSummary[]> {
		await this.store.flush();
		return this.store.list();
	}

	/** An item of the current conversation by id. */
	findItem(id: string): TranscriptItem | undefined {
		return this.conversation.items.find((i) => i.id === id);
	}

	/**
	 * Sends a message. Starts a turn and resolves when it has ended ('completed'); routes the
	 * text to a turn waiting for a connection ('routedToAuth'); refuses while a turn runs ('busy').
	 */
	async send(text: string, context: readonly EditorContext[] = []): Promise<SendResult> {
		const trimmed = text.trim();
		if (trimmed === '' && context.length === 0) {
			return 'empty';
		}
		const turn = this.turn;
		if (turn?.ownApp?.waitingFor !== undefined) {
			// Writing instead of choosing on the own-app card: the card is left, and the message starts a turn of its own.
			turn.ownApp.answer(turn.ownApp.waitingFor, 'declined');
			await turn.finished;
			return this.send(text, context);
		}
		if (turn) {
			if (turn.waiter?.isWaiting) {
				this.addUserItem(turn.conversation, trimmed, context);
				this.save(turn.conversation, 'now');
				turn.waiter.userSaid(trimmed);
				return 'routedToAuth';
			}
			return 'busy';
		}
		const conversation = this.conversation;
		this.addUserItem(conversation, trimmed, context);
		conversation.messages.push({ role: 'user', content: userMessageContent(trimmed, context) });
		this.save(conversation, 'now');
		await this.runTurn(conversation);
		return 'completed';
	}

	/**
	 * Sends the last user message again, after a failure. When the model still owes an answer
	 * (the transcript ends with a user message, or with tool results the model has not seen
	 * yet, as after a model failure mid-task), the turn runs again on the transcript as it is
	 * and nothing is repeated in the transcript. Otherwise the last user message is sent again
	 * as a new message.
	 */
	async retry(): Promise<SendResult> {
		if (this.turn) {
			return 'busy';
		}
		const conversation = this.conversation;
		const lastUser = [...conversation.items].reverse().find((i): i is Extract<TranscriptItem, { kind: 'user' }> => i.kind === 'user');
		if (!lastUser) {
			return 'empty';
		}
		const last = conversation.messages[conversation.messages.length - 1];
		if (last?.role === 'user' || last?.role === 'tool') {
			await this.runTurn(conversation);
			return 'completed';
		}
		return this.send(lastUser.text, lastUser.context ?? []);
	}

	/** Stops the running turn, if any; it ends with `done` 'cancelled' and is saved. */
	cancel(): void {
		this.turn?.controller.abort();
	}

	/** Asks the waiting turn for a fresh Connect Link for `toolkit` (the card's "New link"). False when nothing waits for it. */
	renewLink(toolkit: string): Promise<boolean> {
		return this.turn?.waiter?.renew(toolkit) ?? Promise.resolve(false);
	}

	/**
	 * The own-app card's answer (`itemId`): set up the user's own app, connect with an API key, or
	 * not now. False when the card no longer waits (its turn ended).
	 */
	setUpOwnApp(itemId: string, way: OwnAppAnswer): boolean {
		const item = this.findItem(itemId);
		return item?.kind === 'auth' && item.ownApp !== undefined ? (this.turn?.ownApp?.answer(item.toolkit, way) ?? false) : false;
	}

	/** `renewLink` for the toolkit of an auth card. */
	renewLinkForItem(itemId: string): Promise<boolean> {
		const item = this.findItem(itemId);
		return item?.kind === 'auth' ? this.renewLink(item.toolkit) : Promise.resolve(false);
	}

	/** Starts a new, empty conversation (saved once it has a message). Cancels a running turn first. */
	async newConversation(): Promise<void> {
		await this.stopTurn();
		this.conversation = this.store.create();
		this.gate = this.newGate();
		this.fireConversation();
	}

	/** Opens a saved conversation. Cancels a running turn first. False when it cannot be loaded (the current one stays). */
	async open(id: string): Promise<boolean> {
		if (id === this.conversation.id && this.conversation.items.length > 0) {
			await this.stopTurn();
			this.fireConversation();
			return true;
		}
		await this.stopTurn();
		const loaded = await this.store.load(id);
		if (!loaded) {
			return false;
		}
		recoverInterrupted(loaded);
		this.conversation = loaded;
		this.gate = this.newGate();
		this.fireConversation();
		return true;
	}

	/** Deletes a saved conversation; deleting the current one opens the newest other one that can be read (or a new one). */
	async delete(id: string): Promise<void> {
		const isCurrent = id === this.conversation.id;
		if (isCurrent) {
			await this.stopTurn();
		}
		await this.store.delete(id);
		this._onDidChangeHistory.fire();
		if (isCurrent && !(await this.openNewest(id))) {
			this.conversation = this.store.create();
			this.fireConversation();
		}
	}

	/** Opens the newest saved conversation (other than `except`) that loads; an unreadable one is skipped (the store logs and forgets it). */
	private async openNewest(except?: string): Promise<boolean> {
		for (const summary of await this.store.list()) {
			if (summary.id !== except && (await this.open(summary.id))) {
				return true;
			}
		}
		return false;
	}

	/** Resolves once the running turn (if any) has ended and every save has reached the disk. */
	async idle(): Promise<void> {
		await this.turn?.finished;
		await this.store.flush();
	}

	// ── Turns ──────────────────────────────────────────────────────────────

	private async runTurn(conversation: Conversation): Promise<void> {
		const turn = new ChatTurn(conversation, {
			setup: this.setup,
			logger: this.logger,
			clock: this.clock,
			changes: this.changes,
			items: this.items,
			logos: this.logos,
			gate: this.gate,
			save: (c, when) => this.save(c, when),
		});
		this.turn = turn;
		this.changes.setState(conversation, 'running');
		try {
			await turn.run();
		} finally {
			if (this.turn === turn) {
				this.turn = undefined;
			}
			this.changes.setState(conversation, 'idle');
			this.save(conversation, 'now');
			this._onDidChangeHistory.fire();
			turn.finish();
		}
	}

	private async stopTurn(): Promise<void> {
		const turn = this.turn;
		if (turn) {
			turn.controller.abort();
			await turn.finished;
		}
	}

	/**
	 * Disposal is the extension host shutting down (a window reload or close): the host exits as
	 * soon as deactivation returns, so the turn's own final save, and any save still queued or
	 * streamed text waiting for its timer, would never reach the disk. What is shown is written
	 * now, synchronously, as it is (streaming text, running tools and waiting cards included;
	 * opening it repairs them, see `recoverInterrupted`). Nothing is written when everything has
	 * been saved already, so a window that only looked at a conversation never overwrites it.
	 */
	private stopForDispose(): void {
		const turn = this.turn;
		turn?.controller.abort();
		this.saver.saveOnShutdown(turn?.conversation ?? this.conversation, turn !== undefined);
	}

	private addUserItem(conversation: Conversation, text: string, context: readonly EditorContext[]): void {
		if (conversation.title === UNTITLED && text !== '') {
			conversation.title = titleFrom(text);
		} else if (conversation.title === UNTITLED && context[0]) {
			conversation.title = titleFrom(l10n.t('About {0}', context[0].path));
		}
		this.changes.add(conversation, userItem(text, context, this.items));
	}

	private fireConversation(): void {
		this._onDidChangeConversation.fire(this.snapshot());
	}

	private save(conversation: Conversation, when: SaveHint): void {
		if (when === 'now') {
			this.saver.saveNow(conversation);
		} else if (when === 'soon') {
			this.saver.saveSoon(conversation);
		}
	}
}
