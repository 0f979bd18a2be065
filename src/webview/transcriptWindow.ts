/**
 * Which items of the transcript are in the DOM. Only those near the viewport are: every run of
 * items between them is one empty placeholder element of their height (as measured when they
 * were last shown, or estimated), so the scrollbar spans the whole conversation and the reader
 * can go anywhere in it, and the page stays small however long the conversation is.
 *
 * In the animation frame after a scroll, items within a viewport's height of the view are
 * rendered, a few milliseconds' worth per frame, frame after frame until that is filled: from
 * the edge of a placeholder the reader approaches, or where the reader landed in the middle of
 * one (Home, the scrollbar). Items more than three viewports away go back into a placeholder of
 * exactly the height they had, so nothing moves. The browser's scroll anchoring keeps what the
 * reader sees in place when items come in above it at another height than estimated
 * (placeholders are never anchors: `overflow-anchor: none`).
 */
import type { TranscriptItem } from '../protocol/transcript';
import { h } from './dom';

type Item = TranscriptItem;

/** What the window asks of the view that owns the items. */
export interface TranscriptWindowHost {
	/** Renders an item; the view knows its element from now on. */
	render(item: Item): HTMLElement;
	/** Takes the item rendered as `el` back (the view forgets the element), or undefined when it must stay (focused, streaming, pinned). */
	release(el: HTMLElement): Item | undefined;
}

/** An item's height plus the gap after it, until one is measured. */
const FIRST_PITCH_PX = 120;
/** Most time one frame spends rendering. */
const FRAME_BUDGET_MS = 8;
/** Items this many view heights beyond the view are taken out of the DOM. */
const KEEP_VIEWS = 3;

/** A run of items not in the DOM, and the placeholder standing for them. */
interface Run {
	readonly el: HTMLElement;
	/** Oldest first. */
	items: Item[];
	/** Items the host has yet to send, before `items` (the first run only). */
	unknown: number;
	/** The heights (with gaps) of the items that were measured, and how many were not. */
	measuredPx: number;
	unmeasured: number;
}

export class TranscriptWindow {
	private runs: Run[] = [];
	/** Each item's height plus the gap after it, as last shown. */
	private readonly pitches = new Map<string, number>();
	private pitch = FIRST_PITCH_PX;
	private pitchMeasured = false;
	private gap = -1;
	private frame: number | undefined;
	/** Whether the next frame is the first since the transcript was emptied: it paints what is there, and nothing more. */
	private firstFrame = true;

	constructor(private readonly element: HTMLElement, private readonly host: TranscriptWindowHost) {
		element.addEventListener('scroll', () => this.schedule(), { passive: true });
		new ResizeObserver(() => this.schedule()).observe(element);
	}

	/** How many items are not rendered, including those the host has yet to send. */
	get pendingCount(): number {
		return this.runs.reduce((n, r) => n + r.items.length + r.unknown, 0);
	}

	/** Forgets every item (the transcript is emptied by the caller). */
	reset(): void {
		this.runs = [];
		this.pitches.clear();
		this.pitchMeasured = false;
		this.firstFrame = true;
		if (this.frame !== undefined) {
			cancelAnimationFrame(this.frame);
			this.frame = undefined;
		}
		this.busy();
	}

	/**
	 * Puts items above everything in the transcript, not rendered: the earlier part of an opened
	 * conversation (oldest first), and how many more the host has yet to send before them.
	 */
	prepend(items: readonly Item[], unknown: number): void {
		let run = this.runs[0];
		if (!run || run.el !== this.element.firstElementChild) {
			run = this.newRun();
			this.element.prepend(run.el);
			this.runs.unshift(run);
		}
		run.items = items.concat(run.items);
		run.unmeasured += items.length;
		run.unknown = unknown;
		this.resize(run);
		this.busy();
		this.schedule();
	}

	/** Replaces an item that is not rendered; false when none has its id. */
	replace(id: string, change: (item: Item) => Item): boolean {
		for (const run of this.runs) {
			const i = run.items.findIndex((item) => item.id === id);
			if (i >= 0) {
				run.items[i] = change(run.items[i] as Item);
				return true;
			}
		}
		return false;
	}

	/** Brings the DOM up to date with the view at the next animation frame. */
	schedule(): void {
		if (this.runs.length > 0 || this.element.childElementCount > 0) {
			this.frame ??= requestAnimationFrame(() => {
				this.frame = undefined;
				this.update();
			});
		}
	}

	/** The transcript is busy while the host is still sending the conversation. */
	private busy(): void {
		this.element.setAttribute('aria-busy', this.runs.some((r) => r.unknown > 0) ? 'true' : 'false');
	}

	private update(): void {
		if (this.firstFrame) {
			this.firstFrame = false;
			this.schedule();
			return;
		}
		const started = performance.now();
		if (this.element.clientHeight === 0) {
			// Hidden: nothing is near the view. A resize brings it back.
			return;
		}
		if (this.gap < 0) {
			this.gap = parseFloat(getComputedStyle(this.element).rowGap) || 0;
		}
		if (!this.pitchMeasured) {
			this.measurePitch();
		}
		this.releaseFar();
		if (this.renderNear(started)) {
			// Sizes changed: look again next frame, until everything near is rendered.
			this.schedule();
		}
	}

	/** The average height of the rendered items (with gaps) becomes the estimate for the others. */
	private measurePitch(): void {
		const rendered = Array.from(this.element.children).filter((c) => !this.isRun(c));
		const first = rendered[0];
		const last = rendered[rendered.length - 1];
		if (!first || !last) {
			return;
		}
		const span = last.getBoundingClientRect().bottom - first.getBoundingClientRect().top + this.gap;
		this.pitch = Math.max(24, span / rendered.length);
		this.pitchMeasured = true;
		this.runs.forEach((r) => this.resize(r));
	}

	/** Takes items far above and far below the view out of the DOM, into the placeholder beside them. */
	private releaseFar(): void {
		const view = this.element.getBoundingClientRect();
		const top = view.top - KEEP_VIEWS * view.height;
		const bottom = view.bottom + KEEP_VIEWS * view.height;
		const children = Array.from(this.element.children) as HTMLElement[];
		const rects = children.map((c) => c.getBoundingClientRect());
		// Above, top down: each joins the run before it.
		for (let i = 0; i < children.length && (rects[i] as DOMRect).bottom < top; i++) {
			this.release(children[i] as HTMLElement, rects[i] as DOMRect, 'above');
		}
		// Below, bottom up: each joins the run after it.
		for (let i = children.length - 1; i >= 0 && (rects[i] as DOMRect).top > bottom; i--) {
			this.release(children[i] as HTMLElement, rects[i] as DOMRect, 'below');
		}
	}

	private release(el: HTMLElement, rect: DOMRect, side: 'above' | 'below'): void {
		if (this.isRun(el)) {
			return;
		}
		const item = this.host.release(el);
		if (!item) {
			return;
		}
		const pitch = rect.height + this.gap;
		this.pitches.set(item.id, pitch);
		const beside = this.runOf(side === 'above' ? el.previousElementSibling : el.nextElementSibling);
		const run = beside ?? this.newRun();
		if (side === 'above') {
			run.items.push(item);
		} else {
			run.items.unshift(item);
		}
		run.measuredPx += pitch;
		if (beside) {
			el.remove();
		} else {
			el.replaceWith(run.el);
			this.runs.splice(this.runIndexAt(run.el), 0, run);
		}
		this.resize(run);
		this.mergeWithNeighbours(run);
	}

	/** Renders the items within a view's height of the view; true when it rendered any. */
	private renderNear(started: number): boolean {
		const view = this.element.getBoundingClientRect();
		const top = view.top - view.height;
		const bottom = view.bottom + view.height;
		let rendered = false;
		for (const run of [...this.runs]) {
			if (performance.now() - started > FRAME_BUDGET_MS) {
				return true;
			}
			const r = run.el.getBoundingClientRect();
			if (!run.el.isConnected || r.bottom < top || r.top > bottom) {
				continue;
			}
			if (r.bottom <= bottom) {
				// Its end is near: render from the end, upwards.
				rendered = this.renderSide(run, 'end', this.count(r.bottom - Math.max(r.top, top)), started) || rendered;
			} else if (r.top >= top) {
				// Its start is near (and nothing is still to come before it): render from the start, downwards.
				if (run.unknown === 0) {
					rendered = this.renderSide(run, 'start', this.count(bottom - r.top), started) || rendered;
				}
			} else {
				// The reader landed inside it: render from where they are.
				const lower = this.split(run, this.indexAt(run, Math.max(0, view.top - r.top)));
				if (lower) {
					rendered = this.renderSide(lower, 'start', this.count(bottom - view.top), started) || rendered;
				}
			}
		}
		return rendered;
	}

	/**
	 * Renders up to `count` of a run's items from its `side` (the ones next to the items shown
	 * there), at least one and as many more as the frame's budget allows, in place of the
	 * placeholder's part they stood for.
	 */
	private renderSide(run: Run, side: 'start' | 'end', count: number, started: number): boolean {
		const els: HTMLElement[] = [];
		while (run.items.length > 0 && els.length < count && (els.length === 0 || performance.now() - started < FRAME_BUDGET_MS)) {
			const item = (side === 'end' ? run.items.pop() : run.items.shift()) as Item;
			this.forget(run, item);
			els.push(this.host.render(item));
		}
		if (side === 'end') {
			run.el.after(...els.reverse());
		} else {
			run.el.before(...els);
		}
		this.resize(run);
		return els.length > 0;
	}

	/** Splits a run before its item `at`: the items from there on go to a new run after it, which is returned. */
	private split(run: Run, at: number | undefined): Run | undefined {
		if (at === undefined) {
			return undefined;
		}
		const lower = this.newRun();
		lower.items = run.items.slice(at);
		run.items = run.items.slice(0, at);
		for (const item of lower.items) {
			const pitch = this.pitches.get(item.id);
			if (pitch === undefined) {
				run.unmeasured--;
				lower.unmeasured++;
			} else {
				run.measuredPx -= pitch;
				lower.measuredPx += pitch;
			}
		}
		run.el.after(lower.el);
		this.runs.splice(this.runs.indexOf(run) + 1, 0, lower);
		this.resize(lower);
		this.resize(run);
		return lower;
	}

	/** The index of the run's item at `offset` pixels from its top, or undefined when that is among the items still to come. */
	private indexAt(run: Run, offset: number): number | undefined {
		let y = run.unknown * this.pitch;
		if (offset < y) {
			return undefined;
		}
		for (let i = 0; i < run.items.length; i++) {
			y += this.pitches.get((run.items[i] as Item).id) ?? this.pitch;
			if (y > offset) {
				return i;
			}
		}
		return run.items.length > 0 ? run.items.length - 1 : undefined;
	}

	/** An item leaves a run (to be rendered): its height no longer counts there. */
	private forget(run: Run, item: Item): void {
		const pitch = this.pitches.get(item.id);
		if (pitch === undefined) {
			run.unmeasured--;
		} else {
			run.measuredPx -= pitch;
			this.pitches.delete(item.id);
		}
	}

	/** Sets a run's placeholder to its items' height; an empty run goes. */
	private resize(run: Run): void {
		if (run.items.length === 0 && run.unknown === 0) {
			run.el.remove();
			this.runs = this.runs.filter((r) => r !== run);
			return;
		}
		const px = run.measuredPx + (run.unmeasured + run.unknown) * this.pitch - Math.max(0, this.gap);
		run.el.style.height = `${Math.max(0, px)}px`;
	}

	/** Two runs side by side become one. */
	private mergeWithNeighbours(run: Run): void {
		const next = this.runOf(run.el.nextElementSibling);
		if (next) {
			this.absorb(run, next);
		}
		const previous = this.runOf(run.el.previousElementSibling);
		if (previous) {
			this.absorb(previous, run);
		}
	}

	/** `upper` takes in the items of `lower`, the run right after it. */
	private absorb(upper: Run, lower: Run): void {
		upper.items = upper.items.concat(lower.items);
		upper.measuredPx += lower.measuredPx;
		upper.unmeasured += lower.unmeasured;
		lower.items = [];
		lower.unknown = 0;
		this.resize(lower);
		this.resize(upper);
	}

	private count(px: number): number {
		return Math.max(1, Math.ceil(px / this.pitch));
	}

	private newRun(): Run {
		return { el: h('div', { class: 'transcript-pending', 'aria-hidden': 'true' }), items: [], unknown: 0, measuredPx: 0, unmeasured: 0 };
	}

	private isRun(el: Element | null): boolean {
		return el?.classList.contains('transcript-pending') === true;
	}

	private runOf(el: Element | null): Run | undefined {
		return this.isRun(el) ? this.runs.find((r) => r.el === el) : undefined;
	}

	/** Where a run newly in the DOM goes in the list of runs (they are kept in document order). */
	private runIndexAt(el: HTMLElement): number {
		const i = this.runs.findIndex((r) => (r.el.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) !== 0);
		return i < 0 ? this.runs.length : i;
	}
}
