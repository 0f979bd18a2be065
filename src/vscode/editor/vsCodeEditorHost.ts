/**
 * The editor tools' `EditorHost` over the VS Code API: workspace folders, diagnostics, the file
 * system (open documents first), `files.exclude`/`search.exclude`, the built-in Git extension,
 * editors, and proposed edits shown as a diff (EditProposals).
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type {
	ActiveEditorInfo,
	EditorHost,
	EditorProblem,
	EditOutcome,
	EditProposal,
	FileStat,
	GitChange,
	GitRepositoryChanges,
	GitStatus,
	LineRange,
	ProblemSeverity,
	WorkspaceFolderInfo,
	WorkspacePath,
} from '../../agent/editor/editorHost';
import type { EditProposals } from './editProposals';
import { getGitApi, GitStatusCode, statusWord, type GitChangeEntry, type GitRepository } from './gitApi';

const SEVERITY: Readonly<Record<vscode.DiagnosticSeverity, ProblemSeverity>> = {
	[vscode.DiagnosticSeverity.Error]: 'error',
	[vscode.DiagnosticSeverity.Warning]: 'warning',
	[vscode.DiagnosticSeverity.Information]: 'information',
	[vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** A cancellation token that follows an AbortSignal. */
function tokenFor(signal: AbortSignal): { token: vscode.CancellationToken; dispose(): void } {
	const source = new vscode.CancellationTokenSource();
	const onAbort = (): void => source.cancel();
	if (signal.aborted) {
		source.cancel();
	} else {
		signal.addEventListener('abort', onAbort, { once: true });
	}
	return {
		token: source.token,
		dispose: () => {
			signal.removeEventListener('abort', onAbort);
			source.dispose();
		},
	};
}

/** The editor host of this window. */
export class VsCodeEditorHost implements EditorHost {
	/** Real locations of the workspace folders on disk, by their path as opened. */
	private readonly realRoots = new Map<string, Promise<string>>();

	constructor(private readonly proposals: EditProposals) {}

	private workspaceFolders(): readonly vscode.WorkspaceFolder[] {
		return vscode.workspace.workspaceFolders ?? [];
	}

	/** The resource of a workspace path. */
	uriOf(file: WorkspacePath): vscode.Uri {
		const folder = this.workspaceFolders()[file.folder];
		if (!folder) {
			throw new Error('That workspace folder is no longer open.');
		}
		return file.path === '' ? folder.uri : vscode.Uri.joinPath(folder.uri, ...file.path.split('/'));
	}

	/** The workspace path of a resource, when it lies inside a workspace folder. */
	pathOf(uri: vscode.Uri): WorkspacePath | undefined {
		const folder = vscode.workspace.getWorkspaceFolder(uri);
		if (!folder) {
			return undefined;
		}
		const base = folder.uri.path.replace(/\/+$/, '');
		if (uri.path !== base && !uri.path.startsWith(`${base}/`)) {
			return undefined;
		}
		return { folder: folder.index, path: uri.path.slice(base.length).replace(/^\/+/, '') };
	}

	folders(): readonly WorkspaceFolderInfo[] {
		return this.workspaceFolders().map((f) => ({ name: f.name, ...(f.uri.scheme === 'file' ? { fsPath: f.uri.fsPath } : {}) }));
	}

	activeEditor(): ActiveEditorInfo | undefined {
		const editor = vscode.window.activeTextEditor;
		const file = editor ? this.pathOf(editor.document.uri) : undefined;
		if (!editor || !file) {
			return undefined;
		}
		const s = editor.selection;
		return { file, languageId: editor.document.languageId, ...(s.isEmpty ? {} : { selection: { startLine: s.start.line + 1, endLine: s.end.line + 1 } }) };
	}

	openFiles(): readonly WorkspacePath[] {
		const seen = new Set<string>();
		const out: WorkspacePath[] = [];
		for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
			const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
			const file = uri ? this.pathOf(uri) : undefined;
			if (uri && file && !seen.has(uri.toString())) {
				seen.add(uri.toString());
				out.push(file);
			}
		}
		return out;
	}

	problems(file?: WorkspacePath): readonly EditorProblem[] {
		const entries: [vscode.Uri, readonly vscode.Diagnostic[]][] = file ? [[this.uriOf(file), vscode.languages.getDiagnostics(this.uriOf(file))]] : vscode.languages.getDiagnostics();
		const out: EditorProblem[] = [];
		for (const [uri, diagnostics] of entries) {
			const path = this.pathOf(uri);
			if (!path) {
				continue;
			}
			for (const d of diagnostics) {
				const code = typeof d.code === 'object' ? d.code.value : d.code;
				out.push({
					file: path,
					severity: SEVERITY[d.severity],
					line: d.range.start.line + 1,
					column: d.range.start.character + 1,
					endLine: d.range.end.line + 1,
					endColumn: d.range.end.character + 1,
					message: d.message,
					...(d.source ? { source: d.source } : {}),
					...(code !== undefined && code !== '' ? { code: String(code) } : {}),
				});
			}
		}
		return out;
	}

	private openDocument(file: WorkspacePath): vscode.TextDocument | undefined {
		const key = this.uriOf(file).toString();
		return vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === key);
	}

	isOpen(file: WorkspacePath): boolean {
		return this.openDocument(file) !== undefined;
	}

	async stat(file: WorkspacePath): Promise<FileStat | undefined> {
		const uri = this.uriOf(file);
		let stat: vscode.FileStat;
		try {
			stat = await vscode.workspace.fs.stat(uri);
		} catch {
			return this.openDocument(file)?.isUntitled ? { type: 'file', size: 0 } : undefined;
		}
		const type = stat.type & vscode.FileType.Directory ? 'directory' : stat.type & vscode.FileType.File ? 'file' : 'other';
		const link = await this.realLocation(uri, file);
		return { type, size: stat.size, ...(link === 'outside' ? { linksOutside: true } : link ? { linkTarget: link } : {}) };
	}

	/**
	 * Where a file on disk really lives when a symbolic link on its path leads elsewhere: 'outside'
	 * every workspace folder, or the workspace path it leads to. Undefined when it is where it says.
	 */
	private async realLocation(uri: vscode.Uri, file: WorkspacePath): Promise<WorkspacePath | 'outside' | undefined> {
		if (uri.scheme !== 'file') {
			return undefined;
		}
		try {
			const real = await realpath(uri.fsPath);
			const roots = await Promise.all(
				this.workspaceFolders()
					.filter((f) => f.uri.scheme === 'file')
					.map((f) => {
						let root = this.realRoots.get(f.uri.fsPath);
						if (!root) {
							root = realpath(f.uri.fsPath).catch(() => f.uri.fsPath);
							this.realRoots.set(f.uri.fsPath, root);
						}
						return root;
					}),
			);
			for (let i = 0; i < roots.length; i++) {
				const rel = relative(roots[i] ?? '', real);
				if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
					const target = { folder: this.workspaceFolders().filter((f) => f.uri.scheme === 'file')[i]?.index ?? 0, path: rel.split(sep).join('/') };
					return target.folder === file.folder && target.path === file.path ? undefined : target;
				}
			}
			return 'outside';
		} catch {
			return undefined;
		}
	}

	async readDirectory(folder: WorkspacePath): Promise<readonly { name: string; directory: boolean }[]> {
		const entries = await vscode.workspace.fs.readDirectory(this.uriOf(folder));
		return entries.map(([name, type]) => ({ name, directory: (type & vscode.FileType.Directory) !== 0 }));
	}

	openDocumentText(file: WorkspacePath): string | undefined {
		return this.openDocument(file)?.getText();
	}

	async readBytes(file: WorkspacePath): Promise<Uint8Array> {
		return vscode.workspace.fs.readFile(this.uriOf(file));
	}

	excludes(folder: number): Readonly<Record<string, boolean | { readonly when: string }>> {
		const uri = this.workspaceFolders()[folder]?.uri;
		const raw: unknown = vscode.workspace.getConfiguration('files', uri).get('exclude');
		const out: Record<string, boolean | { when: string }> = {};
		if (typeof raw === 'object' && raw !== null) {
			for (const [glob, value] of Object.entries(raw as Record<string, unknown>)) {
				if (typeof value === 'boolean') {
					out[glob] = value;
				} else if (typeof value === 'object' && value !== null && typeof (value as { when?: unknown }).when === 'string') {
					out[glob] = { when: (value as { when: string }).when };
				}
			}
		}
		return out;
	}

	async findFiles(glob: string, max: number, signal: AbortSignal, folder?: number): Promise<readonly WorkspacePath[]> {
		const base = folder !== undefined ? this.workspaceFolders()[folder] : undefined;
		const include = base ? new vscode.RelativePattern(base, glob) : glob;
		// files.exclude applies on its own; search.exclude (node_modules and the like) is added here.
		const searchExcludes = Object.entries(vscode.workspace.getConfiguration('search').get<Record<string, unknown>>('exclude') ?? {})
			.filter(([, on]) => on === true)
			.map(([g]) => g);
		const exclude = searchExcludes.length > 0 ? `{${searchExcludes.join(',')}}` : undefined;
		const cancel = tokenFor(signal);
		try {
			const uris = await vscode.workspace.findFiles(include, exclude, max, cancel.token);
			return uris.flatMap((u) => {
				const p = this.pathOf(u);
				return p ? [p] : [];
			});
		} finally {
			cancel.dispose();
		}
	}

	async gitStatus(signal: AbortSignal): Promise<GitStatus> {
		const git = await getGitApi(signal);
		if (!git.ok) {
			return { kind: 'unavailable', reason: git.reason };
		}
		const repos = new Map<string, GitRepository>();
		for (const repo of git.api.repositories) {
			repos.set(repo.rootUri.toString(), repo);
		}
		// A repository the extension has not discovered yet (opened after the window): ask for it.
		for (const folder of this.workspaceFolders()) {
			if (!git.api.getRepository(folder.uri) && git.api.openRepository) {
				const opened = await git.api.openRepository(folder.uri).catch(() => null);
				if (opened) {
					repos.set(opened.rootUri.toString(), opened);
				}
			}
		}
		const inWorkspace = [...repos.values()].filter((r) => this.pathOf(r.rootUri) !== undefined || this.workspaceFolders().some((f) => git.api.getRepository(f.uri) === r));
		if (inWorkspace.length === 0) {
			return { kind: 'unavailable', reason: 'No git repository is open in this workspace, so there are no uncommitted changes to show.' };
		}
		const repositories: GitRepositoryChanges[] = [];
		for (const repo of inWorkspace) {
			await repo.status();
			const root = this.pathOf(repo.rootUri);
			repositories.push({ ...(root ? { root } : {}), ...(repo.state.HEAD?.name ? { branch: repo.state.HEAD.name } : {}), changes: this.changesOf(repo) });
		}
		return { kind: 'ok', repositories };
	}

	/** Each changed file once: staged, unstaged or untracked (in the working tree when both). */
	private changesOf(repo: GitRepository): GitChange[] {
		const byUri = new Map<string, GitChange>();
		const add = (entries: readonly GitChangeEntry[] | undefined, staged: boolean): void => {
			for (const entry of entries ?? []) {
				const file = this.pathOf(entry.uri);
				if (!file || entry.status === GitStatusCode.IGNORED) {
					continue;
				}
				const from = entry.renameUri && entry.originalUri.toString() !== entry.uri.toString() ? this.pathOf(entry.originalUri) : undefined;
				const previous = byUri.get(entry.uri.toString());
				byUri.set(entry.uri.toString(), { file, status: previous && !staged ? previous.status : statusWord(entry.status), staged: staged && !previous, ...(from ? { from } : {}) });
			}
		};
		add(repo.state.indexChanges, true);
		add(repo.state.mergeChanges, false);
		add(repo.state.workingTreeChanges, false);
		add(repo.state.untrackedChanges, false);
		return [...byUri.values()];
	}

	async gitPatch(change: GitChange, signal: AbortSignal): Promise<string> {
		if (change.status === 'untracked') {
			return '';
		}
		const git = await getGitApi(signal);
		if (!git.ok) {
			return '';
		}
		const uri = this.uriOf(change.file);
		const repo = git.api.getRepository(uri);
		if (!repo) {
			return '';
		}
		try {
			return await repo.diffWith('HEAD', uri.fsPath);
		} catch {
			// No commit yet: what differs from the index is all there is.
			return repo.diffWithHEAD(uri.fsPath).catch(() => '');
		}
	}

	async open(file: WorkspacePath, lines: LineRange | undefined): Promise<void> {
		const uri = this.uriOf(file);
		const selection = lines ? new vscode.Range(lines.startLine - 1, 0, lines.endLine - 1, Number.MAX_SAFE_INTEGER) : undefined;
		try {
			const editor = await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true, ...(selection ? { selection } : {}) });
			if (selection) {
				editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
			}
		} catch {
			// Not a text document (an image, a notebook): let VS Code pick its editor.
			await vscode.commands.executeCommand('vscode.open', uri, { preview: true, preserveFocus: true });
		}
	}

	proposeEdit(proposal: EditProposal, signal: AbortSignal): Promise<EditOutcome> {
		return this.proposals.propose({ target: this.uriOf(proposal.file), displayPath: proposal.displayPath, original: proposal.original, proposed: proposal.proposed, create: proposal.create }, signal);
	}
}
