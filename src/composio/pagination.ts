/** The one loop that reads a cursor-paged Composio list to its end. */

/** Pages read at most, so a server that keeps answering with new cursors cannot loop forever. */
export const MAX_PAGES = 100;

/** One page: its items and the cursor of the next page (none on the last). */
export interface Page<T> {
	readonly items: readonly T[];
	readonly next: string | undefined;
}

/**
 * Every item of a paged list, in order, each once (by `keyOf`; the first copy wins). Stops at the
 * last page, at a cursor that repeats the one just asked for, or after `MAX_PAGES`. Errors of
 * `fetchPage` propagate.
 */
export async function readAllPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, keyOf: (item: T) => string): Promise<T[]> {
	const out: T[] = [];
	const seen = new Set<string>();
	let cursor: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const { items, next } = await fetchPage(cursor);
		for (const item of items) {
			const key = keyOf(item);
			if (!seen.has(key)) {
				seen.add(key);
				out.push(item);
			}
		}
		if (!next || next === cursor) {
			break;
		}
		cursor = next;
	}
	return out;
}
