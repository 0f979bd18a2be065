/**
 * What the editor tools need from the editor, as a small vscode-free interface. The VS Code
 * implementation is src/vscode/editor/vsCodeEditorHost.ts; unit tests use an in-memory one.
 *
 * Paths cross this interface as `WorkspacePath`s (a folder and a '/'-separated path inside it),
 * never as URIs: the tools decide what is inside the workspace, the host only maps paths to its
 * own resources. Everything the host reports about files outside the workspace folders is left
 * out before it gets here.
 */

/** A workspace folder. */
export interface WorkspaceFolderInfo {
	readonly name: string;
	/** Its location on disk, for folders on disk: lets the tools accept absolute paths inside it. */
	readonly fsPath?: string;
}

/** A file or folder inside a workspace folder: the folder's index and a normalised relative path ('' for the folder itself). */
export interface WorkspacePath {
	readonly folder: number;
	/** '/'-separated, no '.' or '..' segments, no leading or trailing '/'. */
	readonly path: string;
}

/** 1-based inclusive lines. */
export interface LineRange {
	readonly startLine: number;
	readonly endLine: number;
}

export interface FileStat {
	readonly type: 'file' | 'directory' | 'other';
	readonly size: number;
	/** True when the entry is a link whose target lies outside every workspace folder. */
	readonly linksOutside?: boolean;
	/** Where a link (or a path through a linked folder) really leads, when that is inside the workspace. */
	readonly linkTarget?: WorkspacePath;
}

export type ProblemSeverity = 'error' | 'warning' | 'information' | 'hint';

/** One diagnostic VS Code reports (the Problems view). Lines and columns are 1-based. */
export interface EditorProblem {
	readonly file: WorkspacePath;
	readonly severity: ProblemSeverity;
	readonly line: number;
	readonly column: number;
	readonly endLine: number;
	readonly endColumn: number;
	readonly message: string;
	/** e.g. 'ts', 'eslint'. */
	readonly source?: string;
	/** e.g. '2322'. */
	readonly code?: string;
}

/** One changed file in a git repository. */
export interface GitChange {
	readonly file: WorkspacePath;
	/** modified, added, deleted, renamed, copied, untracked, conflict, type changed. */
	readonly status: string;
	/** True for a change in the index (staged), false for the working tree. */
	readonly staged: boolean;
	/** For renames: where it came from. */
	readonly from?: WorkspacePath;
}

/** A git repository with changes. */
export interface GitRepositoryChanges {
	/** Its root, when inside the workspace; repositories above a workspace folder have none. */
	readonly root?: WorkspacePath;
	readonly branch?: string;
	readonly changes: readonly GitChange[];
}

/** The uncommitted changes, or why they cannot be known. */
export type GitStatus =
	| { readonly kind: 'ok'; readonly repositories: readonly GitRepositoryChanges[] }
	/** No Git extension, git missing, or no repository: `reason` is the user-facing sentence. */
	| { readonly kind: 'unavailable'; readonly reason: string };

/** A change the user is asked to review: the whole text before and after. */
export interface EditProposal {
	readonly file: WorkspacePath;
	/** How the tools show the path ("src/app.ts"). */
	readonly displayPath: string;
	/** The text the change was computed from ('' for a new file). */
	readonly original: string;
	readonly proposed: string;
	/** True when the file does not exist yet. */
	readonly create: boolean;
}

/**
 * What became of a proposal: applied by the user's click, discarded by the user, or not applied
 * because the file changed while it was shown (nothing is written then either).
 */
export type EditOutcome = 'applied' | 'discarded' | 'changedMeanwhile';

/** The editor state the system prompt mentions. */
export interface ActiveEditorInfo {
	readonly file: WorkspacePath;
	readonly languageId: string;
	/** The selection, when something is selected. */
	readonly selection?: LineRange;
}

/** The editor, as the editor tools use it. Methods that take a signal stop promptly when it aborts. */
export interface EditorHost {
	/** The workspace folders, in order (none when no folder is open). */
	folders(): readonly WorkspaceFolderInfo[];
	/** The file in the active editor, when it is inside the workspace. */
	activeEditor(): ActiveEditorInfo | undefined;
	/** Other files open in editors (tabs), inside the workspace. */
	openFiles(): readonly WorkspacePath[];
	/** Diagnostics for one file, or for every file in the workspace. */
	problems(file?: WorkspacePath): readonly EditorProblem[];
	/** True when a document for the file is open (language servers often check only those). */
	isOpen(file: WorkspacePath): boolean;
	stat(file: WorkspacePath): Promise<FileStat | undefined>;
	/** Entries of a folder: names and whether each is a folder. */
	readDirectory(folder: WorkspacePath): Promise<readonly { readonly name: string; readonly directory: boolean }[]>;
	/** The text of an open document, unsaved changes included; undefined when it is not open. */
	openDocumentText(file: WorkspacePath): string | undefined;
	readBytes(file: WorkspacePath, signal: AbortSignal): Promise<Uint8Array>;
	/** `files.exclude` of the folder: glob → true, or a `when` clause such as "$(basename).ts". */
	excludes(folder: number): Readonly<Record<string, boolean | { readonly when: string }>>;
	/**
	 * Files matching a glob (relative to each folder, or to `folder` when given), at most `max`,
	 * with `files.exclude` and `search.exclude` applied.
	 */
	findFiles(glob: string, max: number, signal: AbortSignal, folder?: number): Promise<readonly WorkspacePath[]>;
	/** The repositories' uncommitted changes (staged, unstaged and untracked). */
	gitStatus(signal: AbortSignal): Promise<GitStatus>;
	/** The patch of one changed file against HEAD ('' when git has none, e.g. untracked). */
	gitPatch(change: GitChange, signal: AbortSignal): Promise<string>;
	/** Opens a file in an editor, revealing and selecting the lines when given. */
	open(file: WorkspacePath, lines: LineRange | undefined): Promise<void>;
	/**
	 * Shows the change as a diff and waits for the user to apply or discard it. Nothing is
	 * written unless the user applies it. Aborting withdraws the proposal (resolves 'discarded').
	 */
	proposeEdit(proposal: EditProposal, signal: AbortSignal): Promise<EditOutcome>;
}
