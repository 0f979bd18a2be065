/**
 * Where a streaming answer's finished blocks end. While an answer streams, the blocks before a
 * blank line can no longer change, so the view renders them once and re-renders only what
 * follows: each frame costs the size of the last block, not of the whole answer. A blank line
 * counts only where rendering the text in two pieces gives what rendering it whole gives: not
 * inside a fenced code block, and not where the next line goes on with what came before (a list
 * item, or an indented line: a loose list, an indented code block). When the answer is complete
 * only its unfinished rest is rendered; the whole answer again only when it holds link
 * reference definitions, which reach back into earlier blocks (`needsWholeRender`).
 */

/** A line that may go on with the block before the blank line: a list item or an indented line. */
const CONTINUATION = /^(?:[ \t]|[*+-](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))/;
/** First characters after which no later character can make a line a continuation. */
const UNDECIDED_START = /^[ \t*+\-0-9]/;

/**
 * Whether the line after a blank line starts a block of its own: known from its first character,
 * or once the line is complete when that character could begin a list item or an indent.
 * Undefined while it cannot be told yet.
 */
function startsNewBlock(line: string, complete: boolean): boolean | undefined {
	if (line === '') {
		return complete ? true : undefined;
	}
	if (!UNDECIDED_START.test(line)) {
		return true;
	}
	return complete ? !CONTINUATION.test(line) : undefined;
}

/**
 * The length of `text`'s finished blocks: the position after its last blank line that ends a
 * block (see the file comment). Scans from `from`, which must be such a position (or 0); returns
 * `from` when no later one exists.
 */
export function settledLength(text: string, from: number): number {
	let fence: string | undefined;
	let settled = from;
	/** The position after a blank line outside a fence, until the line after it tells whether a block ends there. */
	let blankEnd: number | undefined;
	let pos = from;
	for (let end = text.indexOf('\n', pos); end >= 0; end = text.indexOf('\n', pos)) {
		const line = text.slice(pos, end);
		if (blankEnd !== undefined && line.trim() !== '') {
			if (startsNewBlock(line, true)) {
				settled = blankEnd;
			}
			blankEnd = undefined;
		}
		const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker && !fence) {
			fence = marker;
		} else if (marker && fence && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
			fence = undefined;
		} else if (!fence && line.trim() === '') {
			blankEnd = end + 1;
		}
		pos = end + 1;
	}
	if (blankEnd !== undefined && startsNewBlock(text.slice(pos), false)) {
		settled = blankEnd;
	}
	return settled;
}

/** True when the complete answer must be rendered whole: a link reference definition may change any earlier block. */
export function needsWholeRender(text: string): boolean {
	return /^ {0,3}\[[^\]\n]+\]:/m.test(text);
}
