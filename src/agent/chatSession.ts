/**
 * The chat session: the editor-agnostic core of the chat. It owns the current conversation
 * (open, new, delete, history), runs one turn at a time through the agent loop, applies what
 * each agent event does to the transcript (`transcriptReducer.ts`), has it saved
 * (`conversationSaver.ts`), and reports every change as an event. No vscode: everything arrives
 * through the constructor. The VS Code side that carries these events to the chat webview and
 * the webview's requests back is `ChatController` (src/vscode/chatView/chatController.ts).
 */
import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { DisposableBase } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { ToolSession } from '../composio/toolSession';
import { nullLogger, type Logger } from '../common/logger';
import type { TurnState } from '../protocol/chatProtocol';
import type { ConversationSummary, EditorContext, TranscriptItem } from '../protocol/transcript';
import { type AgentEvent, toAgentFailure } from './agentEvents';
import { startAgentTurn, type TurnSetup } from './agentTurn';
import type { AuthWaiter } from './authWaiter';
import { ConversationSaver } from './conversationSaver';
import { type Conversation, titleFrom, UNTITLED } from './conversationFile';
import type { ConversationStore } from './conversationStore';
import { userMessageContent } from './systemPrompt';
import { type AlwaysAllowedStore, type ApprovalDecision, type ApprovalMode, ToolApprovalGate } from './toolApproval';
import { closeTurn, type ItemFactory, NO_TURN_ITEMS, reduceEvent, type SaveHint, type TranscriptStep, type TurnItems, userItem } from './transcriptReducer';
import { ToolkitLogos } from './toolkitLogos';
import { recoverInterrupted } from './transcriptRepair';

/** What one turn runs with. Asked for at the start of every turn, so settings changes apply to the next message. */
/**
 * Builds a turn's setup. May throw a ComposioError or ModelError (no key, bad settings): the
 * turn then ends with an error notice carrying its action, and the user's message stays.
 */
export type TurnSetupFactory = (signal: AbortSignal) => Promise<TurnSetup>;

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

interface RunningTurn {
	readonly conversation: Conversation;
	readonly controller: AbortController;
	/** Index in `items` where this turn's items begin. */
	readonly firstItem: number;
	waiter: AuthWaiter | undefined;
	/** What the turn has opened: its streaming answer, tool cards and Connect cards. */
	items: TurnItems;
	readonly finished: Promise<void>;
	/** The Composio session of this turn, once set up (its tool tags inform approval). */
	session: ToolSession | undefined;
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
	private turn: RunningTurn | undefined;
	private turnState: TurnState = 'idle';
	/** Asks before side-effecting tools; "Allow in this chat" answers live as long as the conversation is open. */
	private gate: ToolApprovalGate | undefined;
	/** Toolkit logos of the last session that showed a Connect card. */
	private readonly logos: ToolkitLogos;
	private readonly approval: ChatSessionOptions['approval'];

	private readonly _onDidChangeConversation = this._register(new Emitter<ConversationSnapshot>());
	/** The whole conversation changed (opened, new, deleted). */
	readonly onDidChangeConversation: Event<ConversationSnapshot> = this._onDidChangeConversation.event;
	private readonly _onDidAddItem = this._register(new Emitter<ItemChange>());
	readonly onDidAddItem: Event<ItemChange> = this._onDidAddItem.event;
	private readonly _onDidUpdateItem = this._register(new Emitter<ItemChange>());
	readonly onDidUpdateItem: Event<ItemChange> = this._onDidUpdateItem.event;
	private readonly _onDidAppendText = this._register(new Emitter<TextDelta>());
	/** Streamed text for an assistant item; the item itself is not re-sent per delta. */
	readonly onDidAppendText: Event<TextDelta> = this._onDidAppendText.event;
	private readonly _onDidChangeTurnState = this._register(new Emitter<TurnStateChange>());
	readonly onDidChangeTurnState: Event<TurnStateChange> = this._onDidChangeTurnState.event;
	private readonly _onDidChangeHistory = this._register(new Emitter<void>());
	/** The list of saved conversations may have changed (a turn ended, one was deleted). */
	readonly onDidChangeHistory: Event<void> = this._onDidChangeHistory.event;

	constructor(options: ChatSessionOptions) {
		super();
		this.store = options.store;
		this.setup = options.setup;
		this.logger = options.logger ?? nullLogger;
		this.clock = options.clock ?? systemClock;
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
		const turn = this.turn;
		if (!turn || !this.gate) {
			return false;
		}
		for (const [callId, id] of turn.items.toolItems) {
			if (id === itemId) {
				return this.gate.decide(callId, decision);
			}
		}
		return false;
	}

	/** The current conversation as it is now. Treat as read-only. */
	get current(): Readonly<Conversation> {
		return this.conversation;
	}

	/** Whether a turn runs, and whether it waits for a connection. */
	get state(): TurnState {
		return this.turnState;
	}

	/** The snapshot the view renders. */
	snapshot(): ConversationSnapshot {
		return { id: this.conversation.id, title: this.conversation.title, items: [...this.conversation.items], state: this.turnState };
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
		const controller = new AbortController();
		let finish!: () => void;
		const turn: RunningTurn = {
			conversation,
			controller,
			firstItem: conversation.items.length,
			waiter: undefined,
			items: NO_TURN_ITEMS,
			finished: new Promise<void>((resolve) => (finish = resolve)),
			session: undefined,
		};
		this.turn = turn;
		this.setState(conversation, 'running');
		try {
			let setup: TurnSetup;
			try {
				setup = await this.setup(controller.signal);
			} catch (e) {
				if (controller.signal.aborted) {
					return;
				}
				this.logger.warn(`Could not start the turn: ${e instanceof Error ? e.message : String(e)}`);
				this.apply(turn, { type: 'error', error: toAgentFailure(e) });
				return;
			}
			turn.session = setup.session;
			const started = startAgentTurn({
				setup,
				messages: conversation.messages,
				signal: controller.signal,
				logger: this.logger,
				clock: this.clock,
				...(this.gate ? { approval: this.gate } : {}),
			});
			turn.waiter = started.waiter;
			const events = started.events;
			for await (const event of events) {
				this.apply(turn, event);
			}
		} catch (e) {
			// runAgent does not throw; this is a bug somewhere, reported rather than lost.
			this.logger.error(e instanceof Error ? e : new Error(String(e)));
			this.apply(turn, { type: 'error', error: toAgentFailure(e) });
		} finally {
			this.closeTurn(turn);
			if (this.turn === turn) {
				this.turn = undefined;
			}
			this.setState(conversation, 'idle');
			this.save(conversation, 'now');
			this._onDidChangeHistory.fire();
			finish();
		}
	}

	/** Ends what a turn left open: streaming text, running tools, approval and Connect cards. */
	private closeTurn(turn: RunningTurn): void {
		this.applyStep(turn, closeTurn(turn.conversation.items, turn.firstItem, turn.items));
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

	// ── Events → items ─────────────────────────────────────────────────────

	private apply(turn: RunningTurn, event: AgentEvent): void {
		if (event.type === 'usage') {
			this.logger.debug(`Model usage: ${event.promptTokens} prompt + ${event.completionTokens} completion tokens.`);
			return;
		}
		const step = reduceEvent(turn.conversation.items, turn.items, event, this.items);
		this.applyStep(turn, step);
		if (step.wantsLogo) {
			void this.addLogo(turn.conversation, step.wantsLogo.itemId, step.wantsLogo.toolkit, turn.session);
		}
	}

	/** Applies a reducer step to the turn's conversation: its item changes (each reported), its turn state, its save. */
	private applyStep(turn: RunningTurn, step: TranscriptStep): void {
		const conversation = turn.conversation;
		turn.items = step.turn;
		for (const change of step.changes) {
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
		if (step.state) {
			this.setState(conversation, step.state);
		}
		this.save(conversation, step.save);
	}

	/** Puts the toolkit's logo on a Connect card, once the session's toolkit list says it. A card without a logo shows the app's initial. */
	private async addLogo(conversation: Conversation, itemId: string, toolkit: string, session: ToolSession | undefined): Promise<void> {
		const logo = session ? await this.logos.logo(session, toolkit) : undefined;
		let index = conversation.items.length - 1;
		while (index >= 0 && conversation.items[index]?.id !== itemId) {
			index--;
		}
		const item = conversation.items[index];
		if (logo && item?.kind === 'auth' && !item.logo) {
			this.replace(conversation, index, { ...item, logo });
			this.save(conversation, 'now');
		}
	}

	private addUserItem(conversation: Conversation, text: string, context: readonly EditorContext[]): void {
		if (conversation.title === UNTITLED && text !== '') {
			conversation.title = titleFrom(text);
		} else if (conversation.title === UNTITLED && context[0]) {
			conversation.title = titleFrom(l10n.t('About {0}', context[0].path));
		}
		this.add(conversation, userItem(text, context, this.items));
	}

	private add(conversation: Conversation, item: TranscriptItem): void {
		conversation.items.push(item);
		conversation.updatedAt = this.clock.now();
		this._onDidAddItem.fire({ conversationId: conversation.id, item });
	}

	private replace(conversation: Conversation, index: number, item: TranscriptItem): void {
		conversation.items[index] = item;
		conversation.updatedAt = this.clock.now();
		this._onDidUpdateItem.fire({ conversationId: conversation.id, item });
	}

	private setState(conversation: Conversation, state: TurnState): void {
		if (this.turnState === state) {
			return;
		}
		this.turnState = state;
		this._onDidChangeTurnState.fire({ conversationId: conversation.id, state });
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
