/**
 * VSCODE_GET_DIFF: the uncommitted changes (staged, unstaged and untracked) as git sees them,
 * through the editor's Git integration, bounded per file and in total. Patches of secret-like,
 * excluded and binary files are not shown.
 */
import type { LocalToolResult } from '../localTools';
import type { GitChange } from './editorHost';
import { cutLine, decodeText, jsonLength, looksBinary, MAX_DIFF_CHARS, MAX_DIFF_FILES, MAX_FILE_BYTES, MAX_PATCH_LINES, more, splitLines } from './limits';
import { failed, ok, optionalString, type ToolContext } from './toolContext';
import { isSecretPath } from './workspacePaths';

/** What one file's entry says. */
interface FileEntry {
	path: string;
	status: string;
	staged: boolean;
	from?: string;
	additions?: number;
	deletions?: number;
	patch?: string;
	note?: string;
}

/** Counts '+' and '-' lines of a unified diff (not its headers). */
function countLines(patch: string): { additions: number; deletions: number } {
	let additions = 0;
	let deletions = 0;
	for (const line of patch.split('\n')) {
		if (line.startsWith('+') && !line.startsWith('+++')) {
			additions++;
		} else if (line.startsWith('-') && !line.startsWith('---')) {
			deletions++;
		}
	}
	return { additions, deletions };
}

/** A patch cut to MAX_PATCH_LINES lines of at most MAX_LINE_CHARS characters. */
function boundPatch(patch: string): string {
	const lines = patch.replace(/\n$/, '').split('\n');
	const kept = lines.slice(0, MAX_PATCH_LINES).map((l) => cutLine(l, 500));
	if (lines.length > kept.length) {
		kept.push(more(lines.length - kept.length, 'line'));
	}
	return kept.join('\n');
}

/** A new, untracked file as a patch of '+' lines (git shows none for it). */
async function untrackedPatch(ctx: ToolContext, change: GitChange): Promise<{ patch?: string; note?: string }> {
	const stat = await ctx.host.stat(change.file);
	if (!stat || stat.type !== 'file') {
		return {};
	}
	if (stat.linksOutside || (stat.linkTarget && isSecretPath(stat.linkTarget.path))) {
		return { note: 'a link to a file outside the workspace or to a secret-like file; not shown' };
	}
	if (stat.size > MAX_FILE_BYTES) {
		return { note: 'new file, too large to show' };
	}
	const open = ctx.host.openDocumentText(change.file);
	let text: string;
	if (open !== undefined) {
		text = open;
	} else {
		const bytes = await ctx.host.readBytes(change.file, ctx.signal);
		if (looksBinary(bytes)) {
			return { note: 'new binary file; not shown' };
		}
		text = decodeText(bytes);
	}
	const lines = splitLines(text);
	return { patch: [`--- /dev/null`, `+++ b/${ctx.display(change.file)}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n') };
}

/** Runs VSCODE_GET_DIFF. */
export async function getDiff(ctx: ToolContext, args: Readonly<Record<string, unknown>>): Promise<LocalToolResult> {
	const pathArg = optionalString(args, 'path');
	const only = pathArg !== undefined ? ctx.resolve(pathArg) : undefined;
	const status = await ctx.host.gitStatus(ctx.signal);
	if (status.kind === 'unavailable') {
		return failed(status.reason);
	}
	const within = (change: GitChange): boolean =>
		!only || (change.file.folder === only.folder && (only.path === '' || change.file.path === only.path || change.file.path.startsWith(`${only.path}/`)));
	const changes = status.repositories.flatMap((repo) => repo.changes.filter(within).map((change) => ({ repo, change })));
	if (changes.length === 0) {
		return ok({
			summary: only ? `No uncommitted changes in ${ctx.display(only)}.` : 'No uncommitted changes.',
			files: [],
		});
	}
	let budget = MAX_DIFF_CHARS;
	let unshown = 0;
	let additions = 0;
	let deletions = 0;
	const files: FileEntry[] = [];
	for (const { change } of changes.slice(0, MAX_DIFF_FILES)) {
		ctx.checkAborted();
		const path = ctx.display(change.file);
		const entry: FileEntry = { path, status: change.status, staged: change.staged, ...(change.from ? { from: ctx.display(change.from) } : {}) };
		files.push(entry);
		if (isSecretPath(change.file.path)) {
			entry.note = 'secret-like file: its changes are not shown';
			continue;
		}
		if (await ctx.excluded(change.file)) {
			entry.note = 'excluded by files.exclude: its changes are not shown';
			continue;
		}
		let patch: string | undefined;
		if (change.status === 'untracked') {
			const untracked = await untrackedPatch(ctx, change);
			patch = untracked.patch;
			if (untracked.note) {
				entry.note = untracked.note;
			}
		} else {
			patch = await ctx.host.gitPatch(change, ctx.signal);
			if (/^Binary files .* differ$/m.test(patch)) {
				entry.note = 'binary file; not shown';
				patch = undefined;
			}
		}
		if (patch === undefined || patch.trim() === '') {
			continue;
		}
		const counted = countLines(patch);
		entry.additions = counted.additions;
		entry.deletions = counted.deletions;
		additions += counted.additions;
		deletions += counted.deletions;
		const bounded = boundPatch(patch);
		if (jsonLength(bounded) <= budget) {
			entry.patch = bounded;
			budget -= jsonLength(bounded);
		} else {
			unshown++;
		}
	}
	const listed = files.length;
	const data: Record<string, unknown> = {
		summary: `${changes.length} changed file${changes.length === 1 ? '' : 's'}${additions + deletions > 0 ? ` (+${additions} −${deletions} in the files shown)` : ''}`,
		...(status.repositories.length === 1 && status.repositories[0]?.branch ? { branch: status.repositories[0].branch } : {}),
		files,
	};
	const notes: string[] = [];
	if (changes.length > listed) {
		notes.push(more(changes.length - listed, 'changed file'));
	}
	if (unshown > 0) {
		notes.push(`… the patches of ${unshown} more file${unshown === 1 ? '' : 's'} are not shown (ask with "path" for one file)`);
	}
	if (notes.length > 0) {
		data['more'] = notes.join('; ');
	}
	return ok(data);
}
