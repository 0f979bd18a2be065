/**
 * Where the transcript is scrolled to, and what keeps it there. The reader at the newest item
 * stays there as items arrive and grow; one who scrolled up is left alone. Items change size
 * after they are added (an answer streams, a card opens, a placeholder's estimate gives way to
 * the item), so each is watched for its size: when it changes, the end (or the approval buttons
 * waiting for the user) is brought back into view.
 */

/** Within this many pixels of the end counts as at the end. */
const NEAR_END_PX = 48;
/** At most this many frames spent settling at the end of an opened conversation. */
const SETTLE_FRAMES = 30;

export class TranscriptScroll {
	/** Whether the reader is at the newest item, as their last scroll left them. */
	private atEnd = true;
	/** Counts what the user does in the transcript (wheel, pointer, keys, touch): whatever keeps a place gives way to it. */
	private userActs = 0;
	/** Kept in view until the user does anything in the transcript, or it leaves the page. */
	private pinned: { target: Element; acts: number } | undefined;
	/** The frame `follow` goes back to the end in. */
	private endFrame: number | undefined;
	private readonly sizes = new ResizeObserver(() => this.keep());

	constructor(private readonly element: HTMLElement) {
		for (const userScroll of ['wheel', 'pointerdown', 'keydown', 'touchstart'] as const) {
			element.addEventListener(userScroll, () => this.userActs++, { passive: true });
		}
		element.addEventListener('scroll', () => (this.atEnd = this.nearEnd()), { passive: true });
		// The view itself resized (made smaller, a panel opened below it): the reader keeps their place.
		this.sizes.observe(element);
	}

	/** Watches an item's element for its size. */
	watch(el: Element): void {
		this.sizes.observe(el);
	}

	unwatch(el: Element): void {
		this.sizes.unobserve(el);
	}

	/** Forgets every item (the transcript was emptied). */
	reset(): void {
		this.sizes.disconnect();
		this.sizes.observe(this.element);
		this.pinned = undefined;
	}

	/**
	 * After a change: back to the end if the reader was there, before the next paint. Not at
	 * once: reading the height would lay the transcript out in the middle of a message's handling,
	 * and again for every message that follows in the same task; at the frame it is laid out once.
	 */
	follow(): void {
		if (this.atEnd) {
			this.endFrame ??= requestAnimationFrame(() => {
				this.endFrame = undefined;
				if (this.atEnd) {
					this.toEnd();
				}
			});
		}
	}

	/** Goes to the first item. */
	toStart(): void {
		this.atEnd = false;
		this.element.scrollTop = 0;
	}

	/** Goes to the newest item and follows from there. */
	toEnd(): void {
		this.atEnd = true;
		this.element.scrollTop = this.element.scrollHeight;
	}

	/** Goes to the newest item before the next paint (as `follow` does), and follows from there. */
	toEndBeforePaint(): void {
		this.atEnd = true;
		this.follow();
	}

	/** Whether `el` holds what `pin` keeps in view. */
	isPinned(el: Element): boolean {
		const pin = this.pinned;
		return pin !== undefined && pin.acts === this.userActs && el.contains(pin.target);
	}

	/** Brings `target` into view now and again as sizes settle, until the user acts in the transcript. */
	pin(target: Element): void {
		this.pinned = { target, acts: this.userActs };
		target.scrollIntoView({ block: 'nearest' });
	}

	/**
	 * Goes to the end and stays there, frame by frame, while an opened conversation lays out:
	 * until the height holds still, or as soon as the user acts in the transcript.
	 */
	settleAtEnd(): void {
		const acts = ++this.userActs;
		let lastHeight = -1;
		let steady = 0;
		this.toEnd();
		const step = (frame: number): void => {
			if (acts !== this.userActs || frame > SETTLE_FRAMES) {
				return;
			}
			this.toEnd();
			const height = this.element.scrollHeight;
			steady = height === lastHeight ? steady + 1 : 0;
			lastHeight = height;
			if (steady < 2) {
				requestAnimationFrame(() => step(frame + 1));
			}
		};
		requestAnimationFrame(() => step(0));
	}

	/** Something changed size (seen after layout, before the paint): bring back what the reader was shown, now. */
	private keep(): void {
		const pin = this.pinned;
		if (pin && pin.acts === this.userActs && pin.target.isConnected) {
			pin.target.scrollIntoView({ block: 'nearest' });
			return;
		}
		this.pinned = undefined;
		if (this.atEnd) {
			this.toEnd();
		}
	}

	private nearEnd(): boolean {
		const el = this.element;
		return el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX;
	}
}
