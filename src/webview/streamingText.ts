/**
 * Where a streaming answer's finished blocks end. While an answer streams, the blocks before the
 * last blank line can no longer change (a blank line inside a fenced code block does not count),
 * so the view renders them once and re-renders only what follows: each frame costs the size of
 * the last block, not of the whole answer. Once the answer is complete it is rendered whole, so
 * what stays on screen is exactly the full render.
 */

/**
 * The length of `text`'s finished blocks: the position after its last blank line outside a fenced
 * code block. Scans from `from`, which must be such a position (or 0); returns `from` when no
 * later one exists. Only complete lines count: the last line may still grow.
 */
export function settledLength(text: string, from: number): number {
	let fence: string | undefined;
	let settled = from;
	let pos = from;
	for (let end = text.indexOf('\n', pos); end >= 0; end = text.indexOf('\n', pos)) {
		const line = text.slice(pos, end);
		const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker && !fence) {
			fence = marker;
		} else if (marker && fence && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
			fence = undefined;
		} else if (!fence && line.trim() === '') {
			settled = end + 1;
		}
		pos = end + 1;
	}
	return settled;
}
