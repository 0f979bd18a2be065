/**
 * The host-side chat controller the chat view talks to: it owns the current conversation,
 * runs turns through the agent loop, turns `AgentEvent`s into transcript items, persists them,
 * and reports every change as an event for the view. No vscode: everything arrives through
 * the constructor.
 */
import { randomUUID } from 'node:crypto';
import type { Disposable } from '../common/disposable';
import { DisposableBase } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { ToolSession } from '../composio/composioService';
import { nullLogger, type Logger } from '../common/logger';
import type { TurnState } from '../protocol/chatProtocol';
import type { AuthCardStatus, ConversationSummary, EditorContext, TranscriptItem } from '../protocol/transcript';
import type { AgentEvent } from './agentEvents';
import { repairTranscript, runAgent, toAgentFailure } from './agentLoop';
import { AuthWaiter } from './authWaiter';
import type { Conversation, ConversationStore } from './conversationStore';
import type { LocalToolbox } from './localTools';
import { titleFrom, UNTITLED } from './conversationStore';
import type { ModelClient } from './modelClient';
import { toolkitDisplayName } from '../common/toolkitNames';
import { userMessageContent } from './systemPrompt';
import { type AlwaysAllowedStore, type ApprovalDecision, type ApprovalMode, ToolApprovalGate } from './toolApproval';

/** What one turn runs with. Asked for at the start of every turn, so settings changes apply to the next message. */
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
}

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
	readonly now?: () => number;
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
	/** The assistant item receiving text deltas, if one is open. */
	assistantId: string | undefined;
	readonly toolItems: Map<string, string>;
	readonly authItems: Map<string, string>;
	readonly finished: Promise<void>;
	/** The Composio session of this turn, once set up (its tool tags inform approval). */
	session: ToolSession | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The chat controller. Contract:
 * - `send` starts a turn (one at a time); while a turn waits for a connection, messages go to
 *   its AuthWaiter; while it runs otherwise, `send` answers 'busy' and changes nothing.
 * - Every AgentEvent becomes transcript items (user → assistant with `streaming` until it
 *   ends → tool running→done/failed → auth waiting→connected/expired/failed/cancelled with the
 *   newest url → notices, errors as notices with their action).
 * - The conversation is saved when an item completes and at the end of each turn, and at most
 *   every `streamSaveIntervalMs` while text streams. A failing turn keeps the user's message
 *   and everything already shown; `retry` sends the last request again.
 * - Switching or deleting the current conversation cancels its running turn first.
 */
export class ChatSession extends DisposableBase {
	private readonly store: ConversationStore;
	private readonly setup: TurnSetupFactory;
	private readonly logger: Logger;
	private readonly streamSaveMs: number;
	private readonly now: () => number;
	private conversation: Conversation;
	private turn: RunningTurn | undefined;
	private turnState: TurnState = 'idle';
	private saveTimer: ReturnType<typeof setTimeout> | undefined;
	/** Asks before side-effecting tools; "Allow in this chat" answers live as long as the conversation is open. */
	private gate: ToolApprovalGate | undefined;
	/** Toolkit logos of the last session that showed a Connect card. */
	private logos: { readonly session: ToolSession; readonly byToolkit: Promise<Map<string, string>> } | undefined;

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
		this.streamSaveMs = options.streamSaveIntervalMs ?? 1000;
		this.now = options.now ?? Date.now;
		this.conversation = this.store.create();
		this.approval = options.approval;
		this.gate = this.newGate();
		this._register({ dispose: () => this.stopForDispose() } satisfies Disposable);
	}

	private readonly approval: ChatSessionOptions['approval'];

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
		for (const [callId, id] of turn.toolItems) {
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
				this.persist(turn.conversation);
				turn.waiter.userSaid(trimmed);
				return 'routedToAuth';
			}
			return 'busy';
		}
		const conversation = this.conversation;
		this.addUserItem(conversation, trimmed, context);
		conversation.messages.push({ role: 'user', content: userMessageContent(trimmed, context) });
		this.persist(conversation);
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
			assistantId: undefined,
			toolItems: new Map(),
			authItems: new Map(),
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
			turn.waiter = new AuthWaiter(setup.session, {
				logger: this.logger,
				...(setup.authTimeoutMs !== undefined ? { timeoutMs: setup.authTimeoutMs } : {}),
				...(setup.authPollIntervalMs !== undefined ? { intervalMs: setup.authPollIntervalMs } : {}),
			});
			const events = runAgent({
				model: setup.model,
				session: setup.session,
				messages: conversation.messages,
				maxTurns: setup.maxTurns,
				signal: controller.signal,
				authWaiter: turn.waiter,
				logger: this.logger,
				...(this.gate ? { approval: this.gate } : {}),
				...(setup.multiAccount ? { multiAccount: true } : {}),
				...(setup.toolOutputBudget !== undefined ? { toolOutputBudget: setup.toolOutputBudget } : {}),
				...(setup.localTools ? { localTools: setup.localTools } : {}),
			});
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
			this.persist(conversation);
			this._onDidChangeHistory.fire();
			finish();
		}
	}

	/** Ends what a turn left open: streaming text, running tools, waiting cards. */
	private closeTurn(turn: RunningTurn): void {
		this.closeAssistant(turn);
		const items = turn.conversation.items;
		for (let i = turn.firstItem; i < items.length; i++) {
			const item = items[i];
			if (item?.kind === 'tool' && item.status === 'running') {
				this.replace(turn.conversation, i, { ...item, status: 'failed', error: 'Cancelled by the user.' });
			} else if (item?.kind === 'tool' && item.status === 'awaitingApproval') {
				this.replace(turn.conversation, i, { ...item, status: 'declined', error: 'Stopped before you answered; it did not run.' });
			} else if (item?.kind === 'auth' && item.status === 'waiting') {
				this.replace(turn.conversation, i, { ...item, status: 'cancelled' });
			}
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
		const pendingTimer = this.saveTimer !== undefined;
		if (this.saveTimer) {
			clearTimeout(this.saveTimer);
			this.saveTimer = undefined;
		}
		const conversation = turn?.conversation ?? this.conversation;
		if (conversation.items.length > 0 && (turn !== undefined || pendingTimer || this.store.isWriting(conversation.id))) {
			try {
				this.store.saveSync(conversation);
			} catch (e) {
				this.logger.error(`Could not save the conversation on shutdown: ${e instanceof Error ? e.message : String(e)}`);
			}
		}
	}

	// ── Events → items ─────────────────────────────────────────────────────

	private apply(turn: RunningTurn, event: AgentEvent): void {
		const conversation = turn.conversation;
		if (event.type === 'text') {
			this.appendText(turn, event.delta);
			return;
		}
		if (event.type === 'usage') {
			this.logger.debug(`Model usage: ${event.promptTokens} prompt + ${event.completionTokens} completion tokens.`);
			return;
		}
		this.closeAssistant(turn);
		switch (event.type) {
			case 'toolStarted': {
				const item: TranscriptItem = {
					kind: 'tool',
					id: this.newId('tool'),
					at: this.now(),
					name: event.name,
					...(event.toolkit ? { toolkit: event.toolkit } : {}),
					args: prettyArgs(event.args),
					status: 'running',
					...(event.note ? { note: event.note } : {}),
				};
				turn.toolItems.set(event.callId, item.id);
				this.add(conversation, item);
				this.setState(conversation, 'running');
				break;
			}
			case 'toolFinished': {
				const found = this.locate(conversation, turn.toolItems.get(event.callId));
				if (found?.item.kind === 'tool') {
					this.replace(conversation, found.index, {
						...found.item,
						status: event.declined ? 'declined' : event.ok ? 'done' : 'failed',
						result: event.result,
						...(event.error !== undefined ? { error: event.error } : {}),
					});
				}
				this.persist(conversation);
				break;
			}
			case 'approvalRequired': {
				const found = this.locate(conversation, turn.toolItems.get(event.callId));
				if (found?.item.kind === 'tool') {
					this.replace(conversation, found.index, {
						...found.item,
						status: 'awaitingApproval',
						approval: event.actions.map((a) => ({ tool: a.tool, ...(a.toolkit ? { toolkit: a.toolkit } : {}), ...(a.account ? { account: a.account } : {}), args: prettyArgs(a.args) })),
					});
				}
				this.persist(conversation);
				break;
			}
			case 'approvalDecided': {
				const found = this.locate(conversation, turn.toolItems.get(event.callId));
				if (found?.item.kind === 'tool' && event.decision !== 'deny') {
					this.replace(conversation, found.index, { ...found.item, status: 'running', approvedAs: event.decision });
				}
				break;
			}
			case 'authRequired': {
				const found = this.locate(conversation, turn.authItems.get(event.toolkit));
				if (found?.item.kind === 'auth' && found.item.status === 'waiting') {
					const updated: Mutable<Extract<TranscriptItem, { kind: 'auth' }>> = { ...found.item, url: event.url };
					if (event.accountId) {
						updated.accountId = event.accountId;
					}
					this.replace(conversation, found.index, updated);
				} else {
					const item = this.newAuthCard(turn, event.toolkit, event.url, 'waiting', event.accountId);
					void this.addLogo(conversation, item.id, event.toolkit, turn.session);
				}
				this.persist(conversation);
				break;
			}
			case 'authStatus': {
				const found = this.locate(conversation, turn.authItems.get(event.toolkit));
				if (found?.item.kind === 'auth') {
					const updated: Mutable<Extract<TranscriptItem, { kind: 'auth' }>> = { ...found.item, status: event.status };
					if (event.url) {
						updated.url = event.url;
					}
					if (event.accountId) {
						updated.accountId = event.accountId;
					}
					if (event.reason !== undefined) {
						updated.reason = event.reason;
					} else if (event.status === 'waiting' || event.status === 'connected') {
						delete updated.reason;
					}
					this.replace(conversation, found.index, updated);
				} else if (event.url) {
					this.newAuthCard(turn, event.toolkit, event.url, event.status, event.accountId, event.reason);
				}
				this.setState(conversation, event.status === 'waiting' || event.status === 'expired' ? 'waitingForAuth' : 'running');
				this.persist(conversation);
				break;
			}
			case 'notice':
				this.add(conversation, { kind: 'notice', id: this.newId('notice'), at: this.now(), level: 'info', text: event.text });
				this.persist(conversation);
				break;
			case 'error':
				this.add(conversation, {
					kind: 'notice',
					id: this.newId('notice'),
					at: this.now(),
					level: 'error',
					text: event.error.message,
					...(event.error.action ? { action: event.error.action } : {}),
				});
				this.persist(conversation);
				break;
			case 'done':
				if (event.reason === 'cancelled') {
					this.add(conversation, { kind: 'notice', id: this.newId('notice'), at: this.now(), level: 'info', text: 'Stopped.' });
				}
				this.persist(conversation);
				break;
		}
	}

	/** Adds a Connect card for `toolkit` to the turn's conversation and remembers it as that toolkit's card. */
	private newAuthCard(turn: RunningTurn, toolkit: string, url: string, status: AuthCardStatus, accountId?: string, reason?: string): TranscriptItem {
		const item: TranscriptItem = {
			kind: 'auth',
			id: this.newId('auth'),
			at: this.now(),
			toolkit,
			toolkitName: toolkitDisplayName(toolkit),
			url,
			...(accountId ? { accountId } : {}),
			status,
			...(reason !== undefined ? { reason } : {}),
		};
		turn.authItems.set(toolkit, item.id);
		this.add(turn.conversation, item);
		return item;
	}

	/**
	 * Puts the toolkit's logo on a Connect card, from the session's toolkit list (asked once per
	 * session). Best effort: a card without a logo shows the app's initial.
	 */
	private async addLogo(conversation: Conversation, itemId: string, toolkit: string, session: ToolSession | undefined): Promise<void> {
		if (!session) {
			return;
		}
		try {
			if (this.logos?.session !== session) {
				this.logos = { session, byToolkit: session.toolkits().then((list) => new Map(list.flatMap((t) => (t.logo ? [[t.slug, t.logo] as const] : [])))) };
			}
			const logo = (await this.logos.byToolkit).get(toolkit);
			const found = this.locate(conversation, itemId);
			if (logo && found?.item.kind === 'auth' && !found.item.logo) {
				this.replace(conversation, found.index, { ...found.item, logo });
				this.persist(conversation);
			}
		} catch (e) {
			this.logger.debug(`No logo for ${toolkit}: ${e instanceof Error ? e.message : String(e)}`);
		}
	}

	private appendText(turn: RunningTurn, delta: string): void {
		const conversation = turn.conversation;
		const found = this.locate(conversation, turn.assistantId);
		if (found?.item.kind === 'assistant') {
			conversation.items[found.index] = { ...found.item, text: found.item.text + delta };
			conversation.updatedAt = this.now();
			this._onDidAppendText.fire({ conversationId: conversation.id, itemId: found.item.id, delta });
			this.scheduleSave(conversation);
		} else {
			const item: TranscriptItem = { kind: 'assistant', id: this.newId('assistant'), at: this.now(), text: delta, streaming: true };
			turn.assistantId = item.id;
			this.add(conversation, item);
			this.scheduleSave(conversation);
		}
		if (this.turnState !== 'running') {
			this.setState(conversation, 'running');
		}
	}

	/** Marks the streaming assistant item finished. */
	private closeAssistant(turn: RunningTurn): void {
		const found = this.locate(turn.conversation, turn.assistantId);
		turn.assistantId = undefined;
		if (found?.item.kind === 'assistant' && found.item.streaming) {
			const { streaming: _streaming, ...rest } = found.item;
			this.replace(turn.conversation, found.index, rest);
			this.persist(turn.conversation);
		}
	}

	private addUserItem(conversation: Conversation, text: string, context: readonly EditorContext[]): void {
		if (conversation.title === UNTITLED && text !== '') {
			conversation.title = titleFrom(text);
		} else if (conversation.title === UNTITLED && context[0]) {
			conversation.title = titleFrom(`About ${context[0].path}`);
		}
		this.add(conversation, {
			kind: 'user',
			id: this.newId('user'),
			at: this.now(),
			text,
			...(context.length > 0 ? { context: [...context] } : {}),
		});
	}

	private add(conversation: Conversation, item: TranscriptItem): void {
		conversation.items.push(item);
		conversation.updatedAt = this.now();
		this._onDidAddItem.fire({ conversationId: conversation.id, item });
	}

	private replace(conversation: Conversation, index: number, item: TranscriptItem): void {
		conversation.items[index] = item;
		conversation.updatedAt = this.now();
		this._onDidUpdateItem.fire({ conversationId: conversation.id, item });
	}

	/** Finds an item by id, searching from the end (a turn's items are the newest). */
	private locate(conversation: Conversation, id: string | undefined): { index: number; item: TranscriptItem } | undefined {
		if (id === undefined) {
			return undefined;
		}
		for (let i = conversation.items.length - 1; i >= 0; i--) {
			const item = conversation.items[i];
			if (item?.id === id) {
				return { index: i, item };
			}
		}
		return undefined;
	}

	private newId(kind: string): string {
		return `${kind}-${randomUUID().slice(0, 12)}`;
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

	// ── Persistence ────────────────────────────────────────────────────────

	/** Saves now (the store coalesces); conversations without items are not written. */
	private persist(conversation: Conversation): void {
		if (this.saveTimer && conversation === this.conversation) {
			clearTimeout(this.saveTimer);
			this.saveTimer = undefined;
		}
		if (conversation.items.length === 0) {
			return;
		}
		this.store.save(conversation).catch((e: unknown) => {
			this.logger.error(`Could not save the conversation: ${e instanceof Error ? e.message : String(e)}`);
		});
	}

	/** Saves within `streamSaveIntervalMs` (streaming text). */
	private scheduleSave(conversation: Conversation): void {
		if (this.saveTimer) {
			return;
		}
		this.saveTimer = setTimeout(() => {
			this.saveTimer = undefined;
			this.persist(conversation);
		}, this.streamSaveMs);
	}
}

/** Arguments as pretty JSON text for the tool card (raw text when the model's JSON was invalid). */
function prettyArgs(args: unknown): string {
	if (typeof args === 'string') {
		return args;
	}
	try {
		return JSON.stringify(args, null, 2) ?? '{}';
	} catch {
		return String(args);
	}
}

/**
 * Repairs a conversation saved in the middle of a turn (the editor closed or crashed): text
 * that was streaming is final, running tools failed, waiting cards were cancelled, and every
 * tool call in the model transcript has a result.
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
			return { ...item, status: 'declined', error: 'Interrupted before you answered; it did not run.' };
		}
		if (item.kind === 'tool' && item.status === 'running') {
			interrupted = true;
			return { ...item, status: 'failed', error: 'Interrupted before it finished.' };
		}
		if (item.kind === 'auth' && item.status === 'waiting') {
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
			text: 'Interrupted: the editor closed before this turn finished.',
			action: 'retry',
		});
	}
	repairTranscript(conversation.messages);
}
