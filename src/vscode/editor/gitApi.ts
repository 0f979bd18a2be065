/**
 * The part of VS Code's built-in Git extension API (`vscode.git`, API version 1) the diff tool
 * uses, typed here from its published `git.d.ts`, and a checked way to get it. Every value that
 * comes from the extension is treated as untrusted shape-wise: a missing or disabled extension,
 * git not installed, or no repository all end in a sentence for the user.
 */
import * as vscode from 'vscode';

/** Status codes of `Change.status` (git.d.ts `Status`). */
export const GitStatusCode = {
	INDEX_MODIFIED: 0,
	INDEX_ADDED: 1,
	INDEX_DELETED: 2,
	INDEX_RENAMED: 3,
	INDEX_COPIED: 4,
	MODIFIED: 5,
	DELETED: 6,
	UNTRACKED: 7,
	IGNORED: 8,
	INTENT_TO_ADD: 9,
	INTENT_TO_RENAME: 10,
	TYPE_CHANGED: 11,
} as const;

export interface GitChangeEntry {
	readonly uri: vscode.Uri;
	readonly originalUri: vscode.Uri;
	readonly renameUri: vscode.Uri | undefined;
	readonly status: number;
}

export interface GitRepository {
	readonly rootUri: vscode.Uri;
	readonly state: {
		readonly HEAD: { readonly name?: string; readonly commit?: string } | undefined;
		readonly mergeChanges: readonly GitChangeEntry[];
		readonly indexChanges: readonly GitChangeEntry[];
		readonly workingTreeChanges: readonly GitChangeEntry[];
		/** Present when git.untrackedChanges is "separate" (VS Code 1.86+). */
		readonly untrackedChanges?: readonly GitChangeEntry[];
	};
	/** Refreshes `state` (runs git status). */
	status(): Promise<void>;
	/** `git diff <ref> -- path` (an absolute path or one relative to the root); `diffWith('HEAD', p)` is every uncommitted change of p. */
	diffWith(ref: string, path: string): Promise<string>;
	/** Despite its name, `git diff -- path`: the working tree against the index. */
	diffWithHEAD(path: string): Promise<string>;
}

export interface GitApi {
	readonly state: 'uninitialized' | 'initialized';
	readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
	readonly repositories: readonly GitRepository[];
	getRepository(uri: vscode.Uri): GitRepository | null;
	openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtensionExports {
	readonly enabled: boolean;
	getAPI(version: 1): GitApi;
}

function isGitExports(value: unknown): value is GitExtensionExports {
	return typeof value === 'object' && value !== null && typeof (value as { getAPI?: unknown }).getAPI === 'function';
}

/** The Git API, or the sentence saying why there is none. */
export type GitApiResult = { readonly ok: true; readonly api: GitApi } | { readonly ok: false; readonly reason: string };

const NO_EXTENSION = "VS Code's built-in Git extension is not available here (it is disabled or missing), so the uncommitted changes cannot be read.";
const DISABLED = 'Git is switched off in VS Code (the git.enabled setting) or git is not installed, so the uncommitted changes cannot be read.';

/**
 * Activates the Git extension when needed and returns its API, once it has initialised.
 * Resolves with the reason when it cannot; aborting the signal rejects.
 */
export async function getGitApi(signal: AbortSignal): Promise<GitApiResult> {
	const extension = vscode.extensions.getExtension<unknown>('vscode.git');
	if (!extension) {
		return { ok: false, reason: NO_EXTENSION };
	}
	let exports: unknown;
	try {
		exports = extension.isActive ? extension.exports : await extension.activate();
	} catch {
		return { ok: false, reason: NO_EXTENSION };
	}
	if (!isGitExports(exports) || exports.enabled === false) {
		return { ok: false, reason: DISABLED };
	}
	let api: GitApi;
	try {
		api = exports.getAPI(1);
	} catch {
		return { ok: false, reason: DISABLED };
	}
	if (api.state !== 'initialized') {
		// The extension finds repositories after it starts; wait for it (Stop ends the wait).
		await new Promise<void>((resolve, reject) => {
			const listener = api.onDidChangeState((state) => {
				if (state === 'initialized') {
					done();
					resolve();
				}
			});
			const onAbort = (): void => {
				done();
				reject(new Error('Cancelled.'));
			};
			const done = (): void => {
				listener.dispose();
				signal.removeEventListener('abort', onAbort);
			};
			signal.addEventListener('abort', onAbort, { once: true });
			if (api.state === 'initialized') {
				done();
				resolve();
			}
		});
	}
	return { ok: true, api };
}

/** A word for a change's status. */
export function statusWord(status: number): string {
	switch (status) {
		case GitStatusCode.INDEX_MODIFIED:
		case GitStatusCode.MODIFIED:
			return 'modified';
		case GitStatusCode.INDEX_ADDED:
		case GitStatusCode.INTENT_TO_ADD:
			return 'added';
		case GitStatusCode.INDEX_DELETED:
		case GitStatusCode.DELETED:
			return 'deleted';
		case GitStatusCode.INDEX_RENAMED:
		case GitStatusCode.INTENT_TO_RENAME:
			return 'renamed';
		case GitStatusCode.INDEX_COPIED:
			return 'copied';
		case GitStatusCode.UNTRACKED:
			return 'untracked';
		case GitStatusCode.TYPE_CHANGED:
			return 'type changed';
		default:
			return status >= 12 ? 'conflict' : 'changed';
	}
}
