import picomatch from 'picomatch';
import type {
	ActiveEditorInfo,
	EditorHost,
	EditorProblem,
	EditOutcome,
	EditProposal,
	FileStat,
	GitChange,
	GitStatus,
	LineRange,
	WorkspaceFolderInfo,
	WorkspacePath,
} from '../../../src/agent/editor/editorHost';
import { isExcluded } from '../../../src/agent/editor/workspacePaths';

const key = (p: WorkspacePath): string => `${p.folder}:${p.path}`;

/**
 * An editor in memory for the editor tools' unit tests: files per folder (text or bytes),
 * open documents with unsaved text, diagnostics, files.exclude, a git status with patches, and
 * proposals the test answers (or that answer themselves with `proposalOutcome`).
 */
export class FakeEditorHost implements EditorHost {
	readonly files = new Map<string, string | Uint8Array>();
	readonly openDocs = new Map<string, string>();
	readonly linksOutside = new Set<string>();
	/** Links inside the workspace: "folder:path" → where they lead. */
	readonly linkTargets = new Map<string, WorkspacePath>();
	readonly problemList: EditorProblem[] = [];
	readonly excludeSettings: Record<string, boolean | { when: string }>[] = [];
	git: GitStatus = { kind: 'ok', repositories: [] };
	readonly patches = new Map<string, string>();
	readonly opened: { path: string; lines: LineRange | undefined }[] = [];
	readonly proposals: EditProposal[] = [];
	/** Answers proposals at once; undefined: they wait for `answer`. */
	proposalOutcome: EditOutcome | undefined = 'applied';
	active: ActiveEditorInfo | undefined;
	private waiting: ((o: EditOutcome) => void) | undefined;
	/** How many files the last findFiles call was asked for at most. */
	lastFindMax = 0;

	constructor(readonly folderList: WorkspaceFolderInfo[] = [{ name: 'webapp', fsPath: '/home/dev/webapp' }]) {
		for (let i = 0; i < folderList.length; i++) {
			this.excludeSettings.push({ '**/.git': true, '**/.DS_Store': true });
		}
	}

	/** Adds a file to folder 0 (or `folder`). */
	file(path: string, content: string | Uint8Array, folder = 0): this {
		this.files.set(`${folder}:${path}`, content);
		return this;
	}

	/** Answers the proposal waiting in `proposeEdit`. */
	answer(outcome: EditOutcome): void {
		const resolve = this.waiting;
		this.waiting = undefined;
		resolve?.(outcome);
	}

	folders(): readonly WorkspaceFolderInfo[] {
		return this.folderList;
	}
	activeEditor(): ActiveEditorInfo | undefined {
		return this.active;
	}
	openFiles(): readonly WorkspacePath[] {
		return [...this.openDocs.keys()].map((k) => ({ folder: Number(k.split(':')[0]), path: k.slice(k.indexOf(':') + 1) }));
	}
	problems(file?: WorkspacePath): readonly EditorProblem[] {
		return file ? this.problemList.filter((p) => key(p.file) === key(file)) : this.problemList;
	}
	isOpen(file: WorkspacePath): boolean {
		return this.openDocs.has(key(file));
	}
	stat(file: WorkspacePath): Promise<FileStat | undefined> {
		const content = this.files.get(key(file));
		if (content !== undefined) {
			const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
			const target = this.linkTargets.get(key(file));
			return Promise.resolve({ type: 'file', size, ...(this.linksOutside.has(key(file)) ? { linksOutside: true } : {}), ...(target ? { linkTarget: target } : {}) });
		}
		const prefix = file.path === '' ? `${file.folder}:` : `${key(file)}/`;
		const isDir = [...this.files.keys()].some((k) => k.startsWith(prefix));
		return Promise.resolve(isDir ? { type: 'directory', size: 0 } : undefined);
	}
	readDirectory(folder: WorkspacePath): Promise<readonly { name: string; directory: boolean }[]> {
		const prefix = folder.path === '' ? `${folder.folder}:` : `${key(folder)}/`;
		const names = new Map<string, boolean>();
		for (const k of this.files.keys()) {
			if (k.startsWith(prefix)) {
				const rest = k.slice(prefix.length);
				const slash = rest.indexOf('/');
				names.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0 || names.get(rest) === true);
			}
		}
		return Promise.resolve([...names].map(([name, directory]) => ({ name, directory })));
	}
	openDocumentText(file: WorkspacePath): string | undefined {
		return this.openDocs.get(key(file));
	}
	readBytes(file: WorkspacePath): Promise<Uint8Array> {
		const content = this.files.get(key(file));
		if (content === undefined) {
			return Promise.reject(new Error(`ENOENT ${file.path}`));
		}
		return Promise.resolve(typeof content === 'string' ? new TextEncoder().encode(content) : content);
	}
	excludes(folder: number): Readonly<Record<string, boolean | { readonly when: string }>> {
		return this.excludeSettings[folder] ?? {};
	}
	async findFiles(glob: string, max: number, _signal: AbortSignal, folder?: number): Promise<readonly WorkspacePath[]> {
		this.lastFindMax = max;
		const match = picomatch(glob, { dot: true });
		const out: WorkspacePath[] = [];
		for (const k of this.files.keys()) {
			const file = { folder: Number(k.split(':')[0]), path: k.slice(k.indexOf(':') + 1) };
			if ((folder !== undefined && file.folder !== folder) || !match(file.path)) {
				continue;
			}
			if (await isExcluded(file.path, this.excludes(file.folder), (s) => Promise.resolve(this.files.has(`${file.folder}:${s}`)))) {
				continue;
			}
			out.push(file);
			if (out.length >= max) {
				break;
			}
		}
		return out;
	}
	gitStatus(): Promise<GitStatus> {
		return Promise.resolve(this.git);
	}
	gitPatch(change: GitChange): Promise<string> {
		return Promise.resolve(this.patches.get(key(change.file)) ?? '');
	}
	open(file: WorkspacePath, lines: LineRange | undefined): Promise<void> {
		this.opened.push({ path: file.path, lines });
		return Promise.resolve();
	}
	proposeEdit(proposal: EditProposal, signal: AbortSignal): Promise<EditOutcome> {
		this.proposals.push(proposal);
		if (this.proposalOutcome) {
			if (this.proposalOutcome === 'applied') {
				this.files.set(key(proposal.file), proposal.proposed);
			}
			return Promise.resolve(this.proposalOutcome);
		}
		return new Promise((resolve) => {
			this.waiting = (outcome) => {
				if (outcome === 'applied') {
					this.files.set(key(proposal.file), proposal.proposed);
				}
				resolve(outcome);
			};
			signal.addEventListener('abort', () => this.answer('discarded'), { once: true });
		});
	}
}
