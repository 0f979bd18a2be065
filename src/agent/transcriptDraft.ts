/**
 * One step's changes to a conversation's items, as the transcript reducer (transcriptReducer.ts)
 * makes them: the items as they are after the changes so far, and the list of changes to apply
 * and report, in order. Pure.
 */
import type { TranscriptItem } from '../protocol/transcript';

/** One change to a conversation's items, applied in order. */
export type TranscriptChange =
	| { readonly type: 'add'; readonly item: TranscriptItem }
	| { readonly type: 'replace'; readonly index: number; readonly item: TranscriptItem }
	/** The streaming assistant item at `index` grew by `delta`; `item` is the whole new item. */
	| { readonly type: 'appendText'; readonly index: number; readonly item: TranscriptItem; readonly delta: string };

/** The items as they are after the changes made so far in one step. */
export class Draft {
	readonly changes: TranscriptChange[] = [];
	private readonly replaced = new Map<number, TranscriptItem>();
	private readonly added: TranscriptItem[] = [];

	constructor(private readonly base: readonly TranscriptItem[]) {}

	/** Finds an item by id, searching from the end (a turn's items are the newest). */
	locate(id: string | undefined): { index: number; item: TranscriptItem } | undefined {
		if (id === undefined) {
			return undefined;
		}
		for (let i = this.base.length + this.added.length - 1; i >= 0; i--) {
			const item = this.at(i);
			if (item?.id === id) {
				return { index: i, item };
			}
		}
		return undefined;
	}

	add(item: TranscriptItem): void {
		this.added.push(item);
		this.changes.push({ type: 'add', item });
	}

	replace(index: number, item: TranscriptItem): void {
		this.set(index, item);
		this.changes.push({ type: 'replace', index, item });
	}

	appendText(index: number, item: TranscriptItem, delta: string): void {
		this.set(index, item);
		this.changes.push({ type: 'appendText', index, item, delta });
	}

	private at(index: number): TranscriptItem | undefined {
		return index >= this.base.length ? this.added[index - this.base.length] : (this.replaced.get(index) ?? this.base[index]);
	}

	private set(index: number, item: TranscriptItem): void {
		if (index >= this.base.length) {
			this.added[index - this.base.length] = item;
		} else {
			this.replaced.set(index, item);
		}
	}
}
