/**
 * One turn of the sidebar chat, from its setup to its last event: starts the agent turn
 * (`agentTurn.ts`), turns each event into transcript changes (`transcriptReducer.ts`), applies
 * and reports them (`ConversationEvents`), puts logos on Connect cards, and closes what it left
 * open. `ChatSession` runs one at a time and owns what happens around it (state, save, history).
 */
import { asComponent } from '../common/requestComponent';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { ToolSession } from '../composio/toolSession';
import { type AgentEvent, toAgentFailure } from './agentEvents';
import { startAgentTurn, type TurnSetup } from './agentTurn';
import type { AuthWaiter } from './authWaiter';
import type { ConversationEvents } from './conversationEvents';
import type { Conversation } from './conversationFile';
import type { OwnAppRequests } from './ownAppSetup';
import type { ApprovalDecision, ToolApprovalGate } from './toolApproval';
import type { ToolkitLogos } from './toolkitLogos';
import { closeTurn, type ItemFactory, NO_TURN_ITEMS, reduceEvent, type SaveHint, type TranscriptStep, type TurnItems } from './transcriptReducer';

/**
 * Builds a turn's setup, at the start of every turn, so settings changes apply to the next
 * message. May throw a ComposioError or ModelError (no key, bad settings): the turn then ends
 * with an error notice carrying its action, and the user's message stays.
 */
export type TurnSetupFactory = (signal: AbortSignal) => Promise<TurnSetup>;

/** What a turn runs with, from its chat session. */
export interface ChatTurnDeps {
	readonly setup: TurnSetupFactory;
	readonly logger: Logger;
	readonly clock: Clock;
	readonly changes: ConversationEvents;
	/** New items' ids and times. */
	readonly items: ItemFactory;
	readonly logos: ToolkitLogos;
	/** The conversation's approval gate; none when approval is not configured. */
	readonly gate: ToolApprovalGate | undefined;
	save(conversation: Conversation, when: SaveHint): void;
}

/** A running turn. `run` does not throw: failures end it with an error notice. */
export class ChatTurn {
	readonly controller = new AbortController();
	/** Index in `items` where this turn's items begin. */
	readonly firstItem: number;
	/** The turn's Connect Link pause, once started ("done", "New link", messages while waiting). */
	waiter: AuthWaiter | undefined;
	/** The Composio session of this turn, once set up (its tool tags inform approval). */
	session: ToolSession | undefined;
	/** Where the own-app card's buttons answer, once started. */
	ownApp: OwnAppRequests | undefined;
	/** What the turn has opened: its streaming answer, tool cards and Connect cards. */
	private items: TurnItems = NO_TURN_ITEMS;
	/** Resolves when the chat session has finished with the turn (state, save and history done). */
	readonly finished: Promise<void>;
	private resolveFinished!: () => void;

	constructor(
		readonly conversation: Conversation,
		private readonly deps: ChatTurnDeps,
	) {
		this.firstItem = conversation.items.length;
		this.finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));
	}

	/** Runs the turn to its end, then closes what it left open: streaming text, running tools, approval and Connect cards. Its requests name the chat. */
	run(): Promise<void> {
		return asComponent('chat', () => this.runTurn());
	}

	private async runTurn(): Promise<void> {
		const { controller } = this;
		try {
			let setup: TurnSetup;
			try {
				setup = await this.deps.setup(controller.signal);
			} catch (e) {
				if (controller.signal.aborted) {
					return;
				}
				this.deps.logger.warn(`Could not start the turn: ${e instanceof Error ? e.message : String(e)}`);
				this.apply({ type: 'error', error: toAgentFailure(e) });
				return;
			}
			this.session = setup.session;
			const started = startAgentTurn({
				setup,
				messages: this.conversation.messages,
				signal: controller.signal,
				logger: this.deps.logger,
				clock: this.deps.clock,
				...(this.deps.gate ? { approval: this.deps.gate } : {}),
			});
			this.waiter = started.waiter;
			this.ownApp = started.ownApp;
			for await (const event of started.events) {
				this.apply(event);
			}
		} catch (e) {
			// runAgent does not throw; this is a bug somewhere, reported rather than lost.
			this.deps.logger.error(e instanceof Error ? e : new Error(String(e)));
			this.apply({ type: 'error', error: toAgentFailure(e) });
		} finally {
			this.applyStep(closeTurn(this.conversation.items, this.firstItem, this.items));
		}
	}

	/** Marks the turn finished for those waiting on `finished`. */
	finish(): void {
		this.resolveFinished();
	}

	/** Answers the approval card `itemId`. False when it no longer waits (answered already, or not this turn's). */
	async approve(itemId: string, decision: ApprovalDecision): Promise<boolean> {
		const gate = this.deps.gate;
		if (!gate) {
			return false;
		}
		for (const [callId, id] of this.items.toolItems) {
			if (id === itemId) {
				return gate.decide(callId, decision);
			}
		}
		return false;
	}

	private apply(event: AgentEvent): void {
		if (event.type === 'usage') {
			this.deps.logger.debug(`Model usage: ${event.promptTokens} prompt + ${event.completionTokens} completion tokens.`);
			return;
		}
		const step = reduceEvent(this.conversation.items, this.items, event, this.deps.items);
		this.applyStep(step);
		if (step.wantsLogo) {
			void this.addLogo(step.wantsLogo.itemId, step.wantsLogo.toolkit);
		}
	}

	/** Applies a reducer step to the conversation: its item changes (each reported), its turn state, its save. */
	private applyStep(step: TranscriptStep): void {
		this.items = step.turn;
		this.deps.changes.apply(this.conversation, step.changes);
		if (step.state) {
			this.deps.changes.setState(this.conversation, step.state);
		}
		this.deps.save(this.conversation, step.save);
	}

	/** Puts the toolkit's logo on a Connect card, once the session's toolkit list says it. A card without a logo shows the app's initial. */
	private async addLogo(itemId: string, toolkit: string): Promise<void> {
		const conversation = this.conversation;
		const logo = this.session ? await this.deps.logos.logo(this.session, toolkit) : undefined;
		let index = conversation.items.length - 1;
		while (index >= 0 && conversation.items[index]?.id !== itemId) {
			index--;
		}
		const item = conversation.items[index];
		if (logo && item?.kind === 'auth' && !item.logo) {
			this.deps.changes.replace(conversation, index, { ...item, logo });
			this.deps.save(conversation, 'now');
		}
	}
}
