/**
 * Streamed text on its way to the chat view, in fewer messages. A model streams a few words a
 * chunk, hundreds of chunks a second at its fastest; each `textDelta` crosses from the extension
 * host to the workbench and into the webview, and the webview renders once per animation frame
 * anyway. The first delta of an answer goes at once (the first words show without delay); the
 * deltas that follow within one frame's time are joined and go together at its end. Any other
 * message flushes what is held first, so the view receives everything in order.
 */
import type { Clock } from '../../common/clock';
import type { HostToWebview } from '../../protocol/chatProtocol';

/** About one frame: deltas closer together than this travel together. */
export const DELTA_BATCH_MS = 16;

type TextDelta = Extract<HostToWebview, { type: 'textDelta' }>;

export class TextDeltaBatcher {
	private held: TextDelta | undefined;
	/** When the last message left, for the leading edge. */
	private lastSent = Number.NEGATIVE_INFINITY;
	private timer: AbortController | undefined;

	constructor(
		private readonly send: (message: HostToWebview) => void,
		private readonly clock: Clock,
	) {}

	/** Posts `message`, after the text held before it; joins a delta to the held one of the same item. */
	post(message: HostToWebview): void {
		if (message.type !== 'textDelta') {
			this.flush();
			this.send(message);
			return;
		}
		const held = this.held;
		if (held && held.conversationId === message.conversationId && held.itemId === message.itemId) {
			this.held = { ...held, delta: held.delta + message.delta };
			return;
		}
		this.flush();
		if (this.clock.now() - this.lastSent >= DELTA_BATCH_MS) {
			this.sendNow(message);
			return;
		}
		this.held = message;
		this.timer = new AbortController();
		this.clock.sleep(DELTA_BATCH_MS, this.timer.signal).then(
			() => this.flush(),
			() => undefined,
		);
	}

	/** Sends the held text now. */
	flush(): void {
		const held = this.held;
		this.discard();
		if (held) {
			this.sendNow(held);
		}
	}

	/** Forgets the held text: whoever asks has it already (a snapshot of the conversation). */
	discard(): void {
		this.timer?.abort();
		this.timer = this.held = undefined;
	}

	dispose(): void {
		this.flush();
	}

	private sendNow(message: TextDelta): void {
		this.lastSent = this.clock.now();
		this.send(message);
	}
}
