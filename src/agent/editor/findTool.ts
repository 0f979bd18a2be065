/**
 * VSCODE_FIND: files by name, or a text search over the workspace's files. Both go through the
 * editor's file search (files.exclude and search.exclude apply); the text search reads the files
 * itself, skipping secret-like, binary and large files, and stops at its bounds.
 */
import type { LocalToolResult } from '../localTools';
import type { WorkspacePath } from './editorHost';
import { cutLine, fitting, MAX_FOUND_FILES, MAX_FOUND_MATCHES, MAX_MATCH_LINE_CHARS, MAX_SEARCHED_BYTES, MAX_SEARCHED_FILE_BYTES, MAX_SEARCHED_FILES, more, splitLines } from './limits';
import { readText } from './readTool';
import { ok, optionalBoolean, optionalString, ToolInputError, type ToolContext } from './toolContext';
import { isSecretPath } from './workspacePaths';

const GLOB_CHARS = /[*?[\]{}]/;

/** The glob to list files with: `include` as given ("src/**\/*.ts"), a bare name anywhere ("**\/name"), or everything. */
function includeGlob(include: string | undefined): string {
	if (!include) {
		return '**/*';
	}
	const trimmed = include.trim().replace(/^\.\//, '');
	if (!GLOB_CHARS.test(trimmed)) {
		// A folder or file name: everything under it, wherever it is.
		return trimmed.includes('/') ? `${trimmed}/**` : `**/${trimmed}/**`;
	}
	return trimmed.includes('/') || trimmed.startsWith('**') ? trimmed : `**/${trimmed}`;
}

/** Runs VSCODE_FIND. */
export async function find(ctx: ToolContext, args: Readonly<Record<string, unknown>>): Promise<LocalToolResult> {
	const query = optionalString(args, 'query');
	if (query === undefined || query.trim() === '') {
		throw new ToolInputError('"query" is required: the text to search for, or a file name (or glob) with "kind": "files".');
	}
	const kind = optionalString(args, 'kind') ?? 'text';
	if (kind !== 'text' && kind !== 'files') {
		throw new ToolInputError('"kind" must be "text" or "files".');
	}
	const include = optionalString(args, 'include');
	if (ctx.folders.length === 0) {
		throw new ToolInputError('No folder is open in VS Code, so there is no workspace to search.');
	}
	return kind === 'files' ? findFiles(ctx, query.trim(), include) : findText(ctx, query, include, optionalBoolean(args, 'regex') ?? false, optionalBoolean(args, 'case_sensitive') ?? false);
}

async function findFiles(ctx: ToolContext, query: string, include: string | undefined): Promise<LocalToolResult> {
	let files: readonly WorkspacePath[];
	if (GLOB_CHARS.test(query)) {
		const glob = query.includes('/') || query.startsWith('**') ? query.replace(/^\.\//, '') : `**/${query}`;
		files = await ctx.host.findFiles(glob, MAX_SEARCHED_FILES, ctx.signal);
	} else {
		const needle = query.toLowerCase();
		const all = await ctx.host.findFiles(includeGlob(include), MAX_SEARCHED_FILES, ctx.signal);
		files = all.filter((f) => f.path.toLowerCase().includes(needle));
	}
	const paths = files.map((f) => ctx.display(f)).sort();
	const shown = fitting(paths, MAX_FOUND_FILES);
	return ok({
		query,
		kind: 'files',
		files: shown,
		...(paths.length > shown.length ? { more: more(paths.length - shown.length, 'file') } : {}),
		...(paths.length === 0 ? { note: 'No file name matches (files hidden by files.exclude or search.exclude are not searched).' } : {}),
	});
}

/** A line matcher for the query. */
function lineMatcher(query: string, regex: boolean, caseSensitive: boolean): (line: string) => boolean {
	if (regex) {
		let re: RegExp;
		try {
			re = new RegExp(query, caseSensitive ? 'u' : 'iu');
		} catch (e) {
			throw new ToolInputError(`"query" is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
		}
		return (line) => re.test(line);
	}
	if (caseSensitive) {
		return (line) => line.includes(query);
	}
	const needle = query.toLowerCase();
	return (line) => line.toLowerCase().includes(needle);
}

async function findText(ctx: ToolContext, query: string, include: string | undefined, regex: boolean, caseSensitive: boolean): Promise<LocalToolResult> {
	const matches = lineMatcher(query, regex, caseSensitive);
	const files = await ctx.host.findFiles(includeGlob(include), MAX_SEARCHED_FILES + 1, ctx.signal);
	const found: { path: string; line: number; text: string }[] = [];
	let total = 0;
	let searched = 0;
	let bytes = 0;
	let skipped = 0;
	let stoppedEarly = false;
	const ordered = [...files].sort((a, b) => a.folder - b.folder || a.path.localeCompare(b.path));
	for (const file of ordered.slice(0, MAX_SEARCHED_FILES)) {
		ctx.checkAborted();
		if (isSecretPath(file.path)) {
			skipped++;
			continue;
		}
		const stat = await ctx.host.stat(file);
		if (!stat || stat.type !== 'file' || stat.linksOutside || (stat.linkTarget && isSecretPath(stat.linkTarget.path)) || stat.size > MAX_SEARCHED_FILE_BYTES) {
			skipped++;
			continue;
		}
		if (bytes + stat.size > MAX_SEARCHED_BYTES) {
			stoppedEarly = true;
			break;
		}
		bytes += stat.size;
		const content = await readText(ctx, file, stat.size);
		if (content.kind !== 'text') {
			skipped++;
			continue;
		}
		searched++;
		splitLines(content.text).forEach((line, i) => {
			if (line.length <= 20_000 && matches(line)) {
				total++;
				if (found.length < MAX_FOUND_MATCHES) {
					found.push({ path: ctx.display(file), line: i + 1, text: cutLine(line.trim(), MAX_MATCH_LINE_CHARS) });
				}
			}
		});
	}
	const notes: string[] = [];
	if (files.length > MAX_SEARCHED_FILES || stoppedEarly) {
		notes.push(`Stopped after ${searched} files: narrow the search with "include" (e.g. "src/**/*.ts").`);
	}
	if (skipped > 0) {
		notes.push(`${skipped} secret-like, binary, large or unreadable file${skipped === 1 ? ' was' : 's were'} skipped.`);
	}
	const shown = fitting(found, MAX_FOUND_MATCHES);
	return ok({
		query,
		kind: 'text',
		searchedFiles: searched,
		matches: shown,
		...(total > shown.length ? { more: more(total - shown.length, 'match', 'matches') } : {}),
		...(notes.length > 0 ? { note: notes.join(' ') } : {}),
	});
}
