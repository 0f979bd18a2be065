/**
 * VSCODE_EDIT_FILE: proposes a change to one file as exact text replacements (or a new file).
 * The change is shown to the user as a diff with Apply and Discard; nothing is written unless
 * the user applies it. The replacements are worked out here, against the text the editor has
 * (unsaved changes included), so a wrong `old_text` comes back to the model as an error it can
 * fix before the user sees anything.
 */
import * as l10n from '@vscode/l10n';
import type { LocalToolResult } from '../localTools';
import { formatSize, MAX_EDITS, MAX_FILE_BYTES } from './limits';
import { readText } from './readTool';
import { failed, ok, optionalBoolean, optionalObjects, optionalString, ToolInputError, type ToolContext } from './toolContext';

/** One replacement the model asked for. */
export interface TextReplacement {
	readonly oldText: string;
	readonly newText: string;
	readonly replaceAll: boolean;
}

/** Occurrences of `needle` in `text`, not overlapping. */
function occurrences(text: string, needle: string): number {
	let count = 0;
	for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
		count++;
	}
	return count;
}

/**
 * Applies replacements in order, each to the result of the one before. Throws ToolInputError
 * saying which replacement failed and how to fix it. Line ends in `old_text` and `new_text`
 * follow the file's (a model writes \n; a Windows file has \r\n).
 */
export function applyReplacements(original: string, replacements: readonly TextReplacement[], path: string): { text: string; count: number } {
	const crlf = original.includes('\r\n');
	const eol = (s: string): string => (crlf ? s.replace(/\r?\n/g, '\r\n') : s);
	let text = original;
	let count = 0;
	replacements.forEach((r, i) => {
		const which = replacements.length > 1 ? ` #${i + 1}` : '';
		const oldText = eol(r.oldText);
		const newText = eol(r.newText);
		if (oldText === '') {
			throw new ToolInputError(`"old_text"${which} is empty. Give the exact text to replace (to add code, include a line next to where it goes).`);
		}
		const n = occurrences(text, oldText);
		if (n === 0) {
			throw new ToolInputError(`"old_text"${which} was not found in ${path}. Read the file (VSCODE_READ_FILE) and copy the text exactly, including indentation.`);
		}
		if (n > 1 && !r.replaceAll) {
			throw new ToolInputError(`"old_text"${which} appears ${n} times in ${path}. Include more surrounding lines so it appears once, or set "replace_all": true.`);
		}
		text = r.replaceAll ? text.split(oldText).join(newText) : text.replace(oldText, () => newText);
		count += r.replaceAll ? n : 1;
	});
	return { text, count };
}

function replacementsFrom(args: Readonly<Record<string, unknown>>): TextReplacement[] {
	const list = optionalObjects(args, 'edits');
	const single = args['old_text'] !== undefined || args['new_text'] !== undefined ? [args] : [];
	const raw = list ?? single;
	if (raw.length === 0) {
		throw new ToolInputError('"edits" is required: a list of { "old_text", "new_text" } replacements.');
	}
	if (raw.length > MAX_EDITS) {
		throw new ToolInputError(`At most ${MAX_EDITS} replacements fit in one call; split the change.`);
	}
	return raw.map((r, i) => {
		const oldText = r['old_text'] ?? '';
		const newText = r['new_text'];
		if (typeof oldText !== 'string' || typeof newText !== 'string') {
			throw new ToolInputError(`Replacement #${i + 1} needs "old_text" and "new_text" strings.`);
		}
		return { oldText, newText, replaceAll: optionalBoolean(r, 'replace_all') ?? false };
	});
}

/** The note on the tool card while the user reviews the change. */
export function editNote(path: unknown): string {
	return typeof path === 'string' && path.trim() !== ''
		? l10n.t("Review the proposed change to {0} in the editor's diff, then Apply or Discard it. Nothing is written until you apply it.", path.trim())
		: l10n.t("Review the proposed change in the editor's diff, then Apply or Discard it. Nothing is written until you apply it.");
}

/** Runs VSCODE_EDIT_FILE. */
export async function editFile(ctx: ToolContext, args: Readonly<Record<string, unknown>>): Promise<LocalToolResult> {
	const file = ctx.resolve(optionalString(args, 'path') ?? '');
	const path = ctx.display(file);
	const replacements = replacementsFrom(args);
	const stat = await ctx.host.stat(file);
	if (stat?.linksOutside) {
		throw new ToolInputError(`${path} links outside the workspace; the editor tools only work inside it.`);
	}
	if (await ctx.excluded(file)) {
		throw new ToolInputError(`${path} is hidden by the files.exclude setting, so the editor tools leave it alone.`);
	}
	let original = '';
	let proposed: string;
	let count: number;
	const create = stat === undefined;
	if (create) {
		if (replacements.length !== 1 || replacements[0]?.oldText !== '') {
			throw new ToolInputError(`${path} does not exist. To create it, give one edit with an empty "old_text" and the whole file as "new_text".`);
		}
		proposed = replacements[0].newText;
		count = 1;
	} else {
		if (stat.type !== 'file') {
			throw new ToolInputError(`${path} is not a file.`);
		}
		const content = await readText(ctx, file, stat.size);
		if (content.kind !== 'text') {
			throw new ToolInputError(`${path} is a ${content.description}; the editor tools only edit text files.`);
		}
		original = content.text;
		if (original === '' && replacements.length === 1 && replacements[0]?.oldText === '') {
			proposed = replacements[0].newText;
			count = 1;
		} else {
			({ text: proposed, count } = applyReplacements(original, replacements, path));
		}
	}
	if (proposed.length > MAX_FILE_BYTES) {
		throw new ToolInputError(`The changed file would be larger than ${formatSize(MAX_FILE_BYTES)}; propose a smaller change.`);
	}
	if (proposed === original && !create) {
		return failed(`The replacements leave ${path} unchanged; nothing to propose.`);
	}
	const outcome = await ctx.host.proposeEdit({ file, displayPath: path, original, proposed, create }, ctx.signal);
	switch (outcome) {
		case 'applied':
			return ok({ applied: true, path, ...(create ? { created: true } : { replacements: count }), note: 'The user reviewed the change and applied it; it is in the editor (saved where the user saves it).' });
		case 'discarded':
			return {
				data: { applied: false, path },
				error: 'The user discarded the proposed change; the file is unchanged. Ask what they would like instead, or leave it.',
				declined: true,
			};
		case 'changedMeanwhile':
			return failed(`${path} changed while the proposal was shown, so nothing was applied. Read it again and propose the change anew.`, { applied: false, path });
	}
}
