/**
 * VSCODE_READ_FILE and VSCODE_OPEN_FILE. Reading is bounded (lines and characters), refuses
 * paths outside the workspace and files `files.exclude` hides, describes binary and very large
 * files instead of reading them, lists folders, and reads secret-like files (.env…) only after
 * the user allowed it on an approval card. Open documents are read as shown, unsaved changes
 * included.
 */
import type { LocalToolResult } from '../localTools';
import type { FileStat, LineRange, WorkspacePath } from './editorHost';
import {
	cutLine,
	decodeText,
	describeBinary,
	fitting,
	formatSize,
	jsonLength,
	looksBinary,
	MAX_DIRECTORY_ENTRIES,
	MAX_FILE_BYTES,
	MAX_READ_CHARS,
	MAX_READ_LINES,
	more,
	splitLines,
} from './limits';
import { failed, ok, optionalInteger, optionalString, ToolInputError, type ToolContext } from './toolContext';
import { isSecretPath } from './workspacePaths';

/** A file's text as the editor has it, or why it has none. */
export type FileText = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'binary' | 'tooLarge'; readonly description: string };

/**
 * Reads a file for a tool: the open document's text when there is one, else the bytes on
 * disk, decoded as UTF-8. Binary and very large files are described instead.
 */
export async function readText(ctx: ToolContext, file: WorkspacePath, size: number): Promise<FileText> {
	const open = ctx.host.openDocumentText(file);
	if (open !== undefined) {
		return { kind: 'text', text: open };
	}
	if (size > MAX_FILE_BYTES) {
		return { kind: 'tooLarge', description: `${formatSize(size)}, larger than the ${formatSize(MAX_FILE_BYTES)} the editor tools read` };
	}
	const bytes = await ctx.host.readBytes(file, ctx.signal);
	if (looksBinary(bytes)) {
		return { kind: 'binary', description: describeBinary(file.path, bytes.length) };
	}
	return { kind: 'text', text: decodeText(bytes) };
}

/** The checks both tools share: exists, not a link out, not excluded. Returns the stat. */
async function checkedStat(ctx: ToolContext, file: WorkspacePath): Promise<FileStat> {
	const stat = await ctx.host.stat(file);
	if (!stat) {
		throw new ToolInputError(`${ctx.display(file)} does not exist. Use VSCODE_FIND to look for the file by name.`);
	}
	if (stat.linksOutside) {
		throw new ToolInputError(`${ctx.display(file)} links outside the workspace; the editor tools only work inside it.`);
	}
	if (await ctx.excluded(file)) {
		throw new ToolInputError(`${ctx.display(file)} is hidden by the files.exclude setting, so the editor tools leave it alone.`);
	}
	return stat;
}

/** The line range asked for, checked. */
function requestedLines(args: Readonly<Record<string, unknown>>): { start: number; end: number | undefined } {
	const start = optionalInteger(args, 'start_line', 1) ?? 1;
	const end = optionalInteger(args, 'end_line', 1);
	if (end !== undefined && end < start) {
		throw new ToolInputError('"end_line" must not be before "start_line".');
	}
	return { start, end };
}

/** Runs VSCODE_READ_FILE. */
export async function readFile(ctx: ToolContext, args: Readonly<Record<string, unknown>>): Promise<LocalToolResult> {
	const file = ctx.resolve(optionalString(args, 'path') ?? '');
	const { start, end } = requestedLines(args);
	if (isSecretPath(file.path) && !ctx.gated) {
		return failed(`${ctx.display(file)} looks like a secret file; it is read only after the user allows it, and nobody was asked here.`);
	}
	const stat = await checkedStat(ctx, file);
	const path = ctx.display(file);
	if (stat.linkTarget && isSecretPath(stat.linkTarget.path) && !isSecretPath(file.path)) {
		// The approval card judged the name asked for; a link must not lead past it to a secret.
		return failed(`${path} links to ${ctx.display(stat.linkTarget)}, which looks like a secret file. Read it by that name: the user is asked first.`);
	}
	if (stat.type === 'directory') {
		return listFolder(ctx, file);
	}
	if (stat.type !== 'file') {
		return failed(`${path} is not a regular file.`);
	}
	const content = await readText(ctx, file, stat.size);
	if (content.kind !== 'text') {
		return ok({ path, [content.kind === 'binary' ? 'binary' : 'tooLarge']: true, size: stat.size, description: `${content.description}; not read.` });
	}
	const lines = splitLines(content.text);
	if (lines.length === 0) {
		return ok({ path, totalLines: 0, text: '', note: 'The file is empty.' });
	}
	if (start > lines.length) {
		throw new ToolInputError(`${path} has ${lines.length} lines; "start_line" ${start} is past its end.`);
	}
	const last = Math.min(end ?? lines.length, lines.length, start + MAX_READ_LINES - 1);
	const kept: string[] = [];
	let chars = 0;
	for (let n = start; n <= last; n++) {
		const line = cutLine(lines[n - 1] ?? '');
		// Counted as JSON (quotes and backslashes escaped), as the model is given it.
		const size = jsonLength(line) - 1;
		if (kept.length > 0 && chars + size > MAX_READ_CHARS) {
			break;
		}
		kept.push(line);
		chars += size;
	}
	const shownEnd = start + kept.length - 1;
	const wanted = Math.min(end ?? lines.length, lines.length);
	const data: Record<string, unknown> = {
		path,
		lines: `${start}-${shownEnd} of ${lines.length}`,
		text: kept.join('\n'),
	};
	if (wanted > shownEnd) {
		data['more'] = `${more(wanted - shownEnd, 'line')} (read on with "start_line": ${shownEnd + 1})`;
	}
	if (ctx.host.openDocumentText(file) !== undefined) {
		data['note'] = 'Read from the open editor, unsaved changes included.';
	}
	return ok(data);
}

/** A folder's entries, folders first, bounded; hidden (excluded) entries left out. */
async function listFolder(ctx: ToolContext, folder: WorkspacePath): Promise<LocalToolResult> {
	const entries = await ctx.host.readDirectory(folder);
	const visible: { name: string; directory: boolean }[] = [];
	for (const entry of entries) {
		const child = { folder: folder.folder, path: folder.path === '' ? entry.name : `${folder.path}/${entry.name}` };
		if (!(await ctx.excluded(child))) {
			visible.push({ name: entry.name, directory: entry.directory });
		}
	}
	visible.sort((a, b) => Number(b.directory) - Number(a.directory) || a.name.localeCompare(b.name));
	const shown = fitting(visible.map((e) => (e.directory ? `${e.name}/` : e.name)), MAX_DIRECTORY_ENTRIES);
	return ok({
		path: ctx.display(folder),
		directory: true,
		entries: shown,
		...(visible.length > shown.length ? { more: more(visible.length - shown.length, 'entry', 'entries') } : {}),
	});
}

/** Runs VSCODE_OPEN_FILE. */
export async function openFile(ctx: ToolContext, args: Readonly<Record<string, unknown>>): Promise<LocalToolResult> {
	const file = ctx.resolve(optionalString(args, 'path') ?? '');
	const { start, end } = requestedLines(args);
	const stat = await checkedStat(ctx, file);
	if (stat.type !== 'file') {
		return failed(`${ctx.display(file)} is not a file.`);
	}
	const hasLines = args['start_line'] !== undefined && args['start_line'] !== null;
	const lines: LineRange | undefined = hasLines ? { startLine: start, endLine: end ?? start } : undefined;
	await ctx.host.open(file, lines);
	return ok({ opened: ctx.display(file), ...(lines ? { lines: lines.startLine === lines.endLine ? `${lines.startLine}` : `${lines.startLine}-${lines.endLine}` } : {}) });
}
