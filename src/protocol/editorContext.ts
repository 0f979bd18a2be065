/**
 * Builds the editor context attached to a chat message (a selection or a whole file) from plain
 * positions and text, so the rules (line ranges, size limit) are testable without an editor.
 */
import { MAX_CONTEXT_TEXT } from './chatProtocol';
import type { EditorContext } from './transcript';

/** A 0-based position, as editors count. */
export interface TextPosition {
	readonly line: number;
	readonly character: number;
}

/** What is known about one selection: where it starts and ends (0-based) and its text. */
export interface SelectionInput {
	readonly start: TextPosition;
	readonly end: TextPosition;
	readonly text: string;
}

/** A context, and whether its text had to be cut to fit the protocol's limit. */
export interface BuiltContext {
	readonly context: EditorContext;
	readonly truncated: boolean;
}

/**
 * The 1-based inclusive line range a selection covers. A selection that ends at the very start
 * of a line (as a whole-line selection does) does not count that last line.
 */
export function selectionLines(start: TextPosition, end: TextPosition): { startLine: number; endLine: number } {
	const lastLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
	return { startLine: start.line + 1, endLine: Math.max(start.line, lastLine) + 1 };
}

function fit(text: string, max: number): { text: string; truncated: boolean } {
	return text.length > max ? { text: text.slice(0, max), truncated: true } : { text, truncated: false };
}

/** The context for a selection of a document at `path` (workspace-relative). Cut to `max` characters. */
export function selectionContext(path: string, languageId: string, selection: SelectionInput, max: number = MAX_CONTEXT_TEXT): BuiltContext {
	const { text, truncated } = fit(selection.text, max);
	return { context: { path, languageId, ...selectionLines(selection.start, selection.end), text }, truncated };
}

/** The context for a whole file. Cut to `max` characters. */
export function fileContext(path: string, languageId: string, content: string, max: number = MAX_CONTEXT_TEXT): BuiltContext {
	const { text, truncated } = fit(content, max);
	return { context: { path, languageId, text }, truncated };
}

/** True when a selection holds something besides whitespace. */
export function hasText(selection: SelectionInput): boolean {
	return selection.text.trim().length > 0;
}
