/**
 * The editor tools: problems, uncommitted changes, read, find, open and edit, as a
 * `LocalToolbox` the agent loop offers beside the Composio session's tools. Reading tools run
 * freely (they ask only under `composio.approval: all`); reading a secret-like file asks, in
 * every approval mode; an edit asks by showing the change as a diff the user applies or
 * discards. Each tool can be switched off (`composio.editorTools.*`).
 *
 * vscode-free: everything about the editor comes through an `EditorHost`.
 */
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { nullLogger, type Logger } from '../../common/logger';
import { MetaTools } from '../../composio/metaTools';
import type { LocalToolbox, LocalToolResult, LocalToolRunOptions } from '../localTools';
import type { ToolAction } from '../toolApproval';
import { getDiff } from './diffTool';
import { editFile, editNote } from './editTool';
import type { EditorHost } from './editorHost';
import { find } from './findTool';
import { MAX_DIFF_FILES, MAX_EDITS, MAX_FOUND_FILES, MAX_FOUND_MATCHES, MAX_PROBLEMS, MAX_READ_LINES } from './limits';
import { getProblems } from './problemsTool';
import { EDITOR_TOOL_NAMES } from '../../common/editorToolNames';
import { openFile, readFile } from './readTool';
import { failed, ToolContext, ToolInputError } from './toolContext';
import { displayPath, isSecretPath, resolveWorkspacePath } from './workspacePaths';

export { EDITOR_TOOL_NAMES };

export type EditorToolId = keyof typeof EDITOR_TOOL_NAMES;

export const EDITOR_TOOL_IDS = Object.keys(EDITOR_TOOL_NAMES) as EditorToolId[];

/** Which tools are switched on. */
export type EditorToolSwitches = Readonly<Record<EditorToolId, boolean>>;

/** The approval card's action for reading a secret-like file: its own name, so "Always allow" means exactly that. */
export const READ_SECRET_ACTION = 'VSCODE_READ_SECRET_FILE';

/** The toolkit slug the cards show for these tools ("VS Code"). */
export const EDITOR_TOOLKIT = 'vscode';

const BY_NAME: ReadonlyMap<string, EditorToolId> = new Map(EDITOR_TOOL_IDS.map((id) => [EDITOR_TOOL_NAMES[id], id]));

const PATH = { type: 'string', description: 'A path relative to the workspace folder, e.g. "src/app.ts".' } as const;

function tool(name: string, description: string, properties: Record<string, unknown>, required: string[] = []): ChatCompletionTool {
	return { type: 'function', function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } } };
}

const DEFINITIONS: Readonly<Record<EditorToolId, ChatCompletionTool>> = {
	problems: tool(
		EDITOR_TOOL_NAMES.problems,
		`The problems VS Code reports (the Problems view: compiler errors, lint warnings) for one file or the whole workspace, errors first, with path, line, column, severity, message, source and code. At most ${MAX_PROBLEMS} are listed. Language servers often check only open files.`,
		{
			path: { ...PATH, description: 'One file, relative to the workspace; leave out for the whole workspace.' },
			severity: { type: 'string', enum: ['error', 'warning', 'information', 'all'], description: 'The least severe problems to include; default information (hints left out).' },
		},
	),
	diff: tool(
		EDITOR_TOOL_NAMES.diff,
		`The uncommitted changes in the workspace's git repositories (staged, unstaged and new files), as unified diffs per file, at most ${MAX_DIFF_FILES} files. Secret-like files are listed without their changes.`,
		{ path: { ...PATH, description: 'Only this file or folder; leave out for all changes.' } },
	),
	read: tool(
		EDITOR_TOOL_NAMES.read,
		`Reads a text file in the workspace (as the editor has it, unsaved changes included), at most ${MAX_READ_LINES} lines at a time, or lists a folder. Binary and very large files are described, not read. Secret files such as .env are read only after the user allows it.`,
		{
			path: PATH,
			start_line: { type: 'integer', minimum: 1, description: 'First line to read (1-based); default 1.' },
			end_line: { type: 'integer', minimum: 1, description: 'Last line to read; default as far as the limit allows.' },
		},
		['path'],
	),
	find: tool(
		EDITOR_TOOL_NAMES.find,
		`Searches the workspace: for text in files (kind "text", the default; at most ${MAX_FOUND_MATCHES} matching lines) or for files by name (kind "files": a part of the name or a glob; at most ${MAX_FOUND_FILES} files). Files hidden by files.exclude or search.exclude are not searched.`,
		{
			query: { type: 'string', description: 'The text to find, or a file name or glob for kind "files".' },
			kind: { type: 'string', enum: ['text', 'files'], description: 'What to search: text in files (default) or file names.' },
			include: { type: 'string', description: 'Only files matching this glob or under this folder, e.g. "src/**/*.ts".' },
			regex: { type: 'boolean', description: 'Treat the query as a regular expression.' },
			case_sensitive: { type: 'boolean', description: 'Match case; default false.' },
		},
		['query'],
	),
	open: tool(
		EDITOR_TOOL_NAMES.open,
		'Opens a workspace file in the editor for the user, optionally revealing and selecting a line range.',
		{
			path: PATH,
			start_line: { type: 'integer', minimum: 1, description: 'First line to reveal and select.' },
			end_line: { type: 'integer', minimum: 1, description: 'Last line to select; default start_line.' },
		},
		['path'],
	),
	edit: tool(
		EDITOR_TOOL_NAMES.edit,
		`Proposes a change to one file as exact text replacements (at most ${MAX_EDITS}), applied in order. The user sees the change as a diff and applies or discards it; the result says which. To create a file, give one edit with an empty old_text and the whole file as new_text.`,
		{
			path: PATH,
			edits: {
				type: 'array',
				description: 'The replacements, applied in order.',
				items: {
					type: 'object',
					properties: {
						old_text: { type: 'string', description: 'The exact text to replace, copied from the file with its indentation; it must appear once unless replace_all is set.' },
						new_text: { type: 'string', description: 'The text to put in its place.' },
						replace_all: { type: 'boolean', description: 'Replace every occurrence of old_text.' },
					},
					required: ['old_text', 'new_text'],
					additionalProperties: false,
				},
			},
		},
		['path', 'edits'],
	),
};

/** What `EditorTools` needs. */
export interface EditorToolsOptions {
	readonly host: EditorHost;
	/** Which tools are on, read at each use (settings apply to the next message). Default: all on. */
	readonly switches?: () => EditorToolSwitches;
	readonly logger?: Logger;
}

/**
 * The editor tools as a `LocalToolbox`. One instance serves every conversation of a window; a
 * front door hands it to the loop with `localTools`.
 */
export class EditorTools implements LocalToolbox {
	private readonly host: EditorHost;
	private readonly switches: () => EditorToolSwitches;
	private readonly logger: Logger;

	constructor(options: EditorToolsOptions) {
		this.host = options.host;
		this.switches = options.switches ?? (() => ({ problems: true, diff: true, read: true, find: true, open: true, edit: true }));
		this.logger = options.logger ?? nullLogger;
	}

	private enabled(): EditorToolId[] {
		const on = this.switches();
		return EDITOR_TOOL_IDS.filter((id) => on[id]);
	}

	definitions(): readonly ChatCompletionTool[] {
		return this.enabled().map((id) => DEFINITIONS[id]);
	}

	owns(name: string): boolean {
		return BY_NAME.has(name);
	}

	actionsOf(name: string, args: Readonly<Record<string, unknown>>): ToolAction[] {
		const id = BY_NAME.get(name);
		if (id === 'edit') {
			// The diff the user applies or discards is the question; no card before it.
			return [];
		}
		if (id === 'read') {
			const resolved = resolveWorkspacePath(args['path'], this.host.folders());
			if (resolved.ok && isSecretPath(resolved.file.path)) {
				return [{ tool: READ_SECRET_ACTION, toolkit: EDITOR_TOOLKIT, args: { path: displayPath(resolved.file, this.host.folders()) }, sensitive: true }];
			}
		}
		return [{ tool: name, toolkit: EDITOR_TOOLKIT, args, readOnly: true }];
	}

	noteFor(name: string, args: Readonly<Record<string, unknown>>): string | undefined {
		return BY_NAME.get(name) === 'edit' && this.switches().edit ? editNote(args['path']) : undefined;
	}

	promptSection(): string | undefined {
		const enabled = this.enabled();
		if (enabled.length === 0) {
			return undefined;
		}
		const folders = this.host.folders();
		const names = enabled.map((id) => EDITOR_TOOL_NAMES[id]).join(', ');
		const lines = [
			'Editor tools (VS Code, in this window):',
			`- ${names} look at and act on the user's editor and workspace. They run in the editor: call them directly, never through ${MetaTools.multiExecute}.`,
			'- When the user refers to "this file", "the errors", "my changes" or code in the workspace, use them to look first, then act; put what you found (paths, line numbers, messages, a summary of the changes) into what you send to apps.',
			'- Paths are relative to the workspace folder. Files outside the workspace, files hidden by files.exclude and binary files are not read; secret files (.env and the like) only after the user allows it.',
		];
		if (enabled.includes('edit')) {
			lines.push('- VSCODE_EDIT_FILE only proposes a change: the user reviews a diff and applies or discards it. Do not say a file changed unless the result says it was applied.');
		}
		if (folders.length === 0) {
			lines.push('- No folder is open, so the workspace is empty.');
		} else {
			lines.push(`- Workspace folder${folders.length === 1 ? '' : 's'}: ${folders.map((f) => `\`${f.name}\``).join(', ')}.`);
		}
		const active = this.host.activeEditor();
		if (active) {
			const selection = active.selection ? (active.selection.startLine === active.selection.endLine ? `, line ${active.selection.startLine} selected` : `, lines ${active.selection.startLine}-${active.selection.endLine} selected`) : '';
			lines.push(`- The active editor shows \`${displayPath(active.file, folders)}\` (${active.languageId}${selection}); "this file" means it.`);
		} else {
			lines.push('- No file is open in the active editor.');
		}
		const others = this.host
			.openFiles()
			.map((f) => displayPath(f, folders))
			.filter((p) => !active || p !== displayPath(active.file, folders));
		if (others.length > 0) {
			lines.push(`- Also open: ${others.slice(0, 10).map((p) => `\`${p}\``).join(', ')}${others.length > 10 ? ` and ${others.length - 10} more` : ''}.`);
		}
		return lines.join('\n');
	}

	async run(name: string, args: Record<string, unknown>, options: LocalToolRunOptions): Promise<LocalToolResult> {
		const id = BY_NAME.get(name);
		if (!id) {
			return failed(`${name} is not an editor tool.`);
		}
		if (!this.switches()[id]) {
			return failed(`${name} is switched off in this editor (setting composio.editorTools.${id}).`);
		}
		const ctx = new ToolContext(this.host, options.signal, options.gated ?? false);
		try {
			const result = await this.dispatch(id, ctx, args);
			if (options.signal.aborted) {
				// Stopped while it ran (a proposal withdrawn is not the user's "Discard").
				throw new Error('Cancelled by the user.');
			}
			return result;
		} catch (e) {
			if (options.signal.aborted) {
				throw e instanceof Error ? e : new Error(String(e));
			}
			if (e instanceof ToolInputError) {
				return failed(e.message);
			}
			const message = e instanceof Error ? e.message : String(e);
			this.logger.warn(`${name} failed: ${message}`);
			return failed(`The editor could not run ${name}: ${message}`);
		}
	}

	private dispatch(id: EditorToolId, ctx: ToolContext, args: Record<string, unknown>): Promise<LocalToolResult> {
		switch (id) {
			case 'problems':
				return getProblems(ctx, args);
			case 'diff':
				return getDiff(ctx, args);
			case 'read':
				return readFile(ctx, args);
			case 'find':
				return find(ctx, args);
			case 'open':
				return openFile(ctx, args);
			case 'edit':
				return editFile(ctx, args);
		}
	}
}
