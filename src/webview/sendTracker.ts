/**
 * The turn state the chat view shows, from the host's turn state and a message this view has
 * sent that the host has not answered yet.
 *
 * Why: the host learns of a message only when its `send` arrives, and the view learns that a
 * turn started only when the host's `turnState` comes back. Between the two (milliseconds, or
 * seconds on a loaded machine) the view used to show "idle", so a second message went out,
 * reached a host that was already running the first, was refused as busy, and was gone from
 * the box. Now a sent message counts as a running turn until the host starts one (any state
 * other than idle) or refuses the message (`refused` hands it back for the box).
 */
import type { TurnState } from '../protocol/chatProtocol';
import type { ComposerDraft } from './composer';

export class SendTracker {
	private host: TurnState = 'idle';
	private pending: ComposerDraft | undefined;

	/** A message left this view. It is pending only when the view believed the host idle. */
	sent(draft: ComposerDraft): void {
		if (this.host === 'idle') {
			this.pending = draft;
		}
	}

	/** The host's turn state (from `turnState` or a whole `conversation`). A turn that started has taken the pending message. */
	hostState(state: TurnState): void {
		this.host = state;
		if (state !== 'idle') {
			this.pending = undefined;
		}
	}

	/** The host did not take the message (busy, empty, failed): it comes back, to be put in the box again. */
	refused(): ComposerDraft | undefined {
		const draft = this.pending;
		this.pending = undefined;
		return draft;
	}

	/** The user pressed Stop before the host answered: nothing is shown as running any more. */
	stopped(): void {
		this.pending = undefined;
	}

	/** What the view shows: running while a sent message waits for the host. */
	get shown(): TurnState {
		return this.pending ? 'running' : this.host;
	}
}
