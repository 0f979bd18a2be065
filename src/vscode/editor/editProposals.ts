/**
 * Proposed edits shown as a diff the user applies or discards. The diff compares the text the
 * change was computed from with the proposed text, both served read-only from this extension
 * (scheme `composio-proposal`), so what the user reviews is exactly what would be written.
 * **Apply** and **Discard** sit in the diff's title bar (and in the command palette while a
 * proposal waits). Apply writes it as a `WorkspaceEdit` — only if the file still holds the text
 * the change was computed from — and saves it unless the file had unsaved changes of its own.
 * Closing the diff discards; Stop in the chat withdraws it. Nothing is written otherwise.
 */
import * as vscode from 'vscode';
import type { EditOutcome } from '../../agent/editor/editorHost';
import { DisposableBase } from '../../common/disposable';
import { ContextKeys } from '../workbench/commandIds';

/** The scheme of the read-only documents the diff shows. */
export const PROPOSAL_SCHEME = 'composio-proposal';

interface Pending {
	readonly id: string;
	readonly target: vscode.Uri;
	readonly original: string;
	readonly proposed: string;
	readonly create: boolean;
	readonly left: vscode.Uri;
	readonly right: vscode.Uri;
	readonly resolve: (outcome: EditOutcome) => void;
}

/** What a proposal needs: where it goes, and the text before and after. */
export interface ProposalRequest {
	readonly target: vscode.Uri;
	/** How the title shows the path. */
	readonly displayPath: string;
	readonly original: string;
	readonly proposed: string;
	readonly create: boolean;
}

/** The offset range of `before` that differs from `after`, and what replaces it (common start and end kept). */
export function changedRegion(before: string, after: string): { start: number; end: number; text: string } {
	let start = 0;
	const max = Math.min(before.length, after.length);
	while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) {
		start++;
	}
	let endBefore = before.length;
	let endAfter = after.length;
	while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
		endBefore--;
		endAfter--;
	}
	return { start, end: endBefore, text: after.slice(start, endAfter) };
}

/** Shows proposals and carries out the user's answer. One per window. */
export class EditProposals extends DisposableBase implements vscode.TextDocumentContentProvider {
	private readonly pending = new Map<string, Pending>();
	private readonly texts = new Map<string, string>();
	private nextId = 1;

	constructor(private readonly log: vscode.LogOutputChannel) {
		super();
		this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this));
		// Closing the diff without answering is a discard.
		this._register(
			vscode.window.tabGroups.onDidChangeTabs((e) => {
				for (const tab of e.closed) {
					const input = tab.input;
					if (input instanceof vscode.TabInputTextDiff && input.modified.scheme === PROPOSAL_SCHEME) {
						const found = this.byUri(input.modified);
						if (found && !this.isShown(found)) {
							this.finish(found, 'discarded');
						}
					}
				}
			}),
		);
		this._register({ dispose: () => [...this.pending.values()].forEach((p) => this.finish(p, 'discarded')) });
	}

	provideTextDocumentContent(uri: vscode.Uri): string {
		return this.texts.get(uri.toString()) ?? '';
	}

	/** True while a proposal waits for the user. */
	get waiting(): boolean {
		return this.pending.size > 0;
	}

	/**
	 * Shows the diff and resolves with the user's answer: 'applied' (written), 'discarded', or
	 * 'changedMeanwhile' (the file no longer holds `original`; nothing written). Aborting the
	 * signal withdraws the proposal and resolves 'discarded'.
	 */
	propose(request: ProposalRequest, signal: AbortSignal): Promise<EditOutcome> {
		if (signal.aborted) {
			return Promise.resolve('discarded');
		}
		const id = String(this.nextId++);
		const path = `/${request.displayPath.replace(/^\/+/, '')}`;
		const left = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path, query: `id=${id}&side=original` });
		const right = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path, query: `id=${id}&side=proposed` });
		this.texts.set(left.toString(), request.original);
		this.texts.set(right.toString(), request.proposed);
		let entry!: Pending;
		const outcome = new Promise<EditOutcome>((resolve) => {
			entry = { id, target: request.target, original: request.original, proposed: request.proposed, create: request.create, left, right, resolve };
			this.pending.set(id, entry);
			signal.addEventListener('abort', () => this.finish(entry, 'discarded'), { once: true });
		});
		void this.updateContext();
		const title = request.create ? vscode.l10n.t('{0} (new file): Apply or Discard', request.displayPath) : vscode.l10n.t('{0} (proposed change): Apply or Discard', request.displayPath);
		// The answer may come before the command reports back; the outcome does not wait for it.
		Promise.resolve(vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false, preserveFocus: false })).then(undefined, (e: unknown) => {
			// No diff on screen: nothing can be applied, so the proposal ends here.
			const message = e instanceof Error ? e.message : String(e);
			this.log.error(`Showing the proposed change to ${request.displayPath} failed: ${message}`);
			void vscode.window.showErrorMessage(vscode.l10n.t('The proposed change could not be shown: {0}', message));
			this.finish(entry, 'discarded');
		});
		return outcome;
	}

	/** Apply (title bar, palette): the proposal of `uri`, else the one in the active editor, else the newest. */
	async apply(uri?: unknown): Promise<void> {
		const entry = this.find(uri);
		if (!entry) {
			void vscode.window.showInformationMessage(vscode.l10n.t('There is no proposed change waiting to be applied.'));
			return;
		}
		let written: { outcome: EditOutcome; document?: vscode.TextDocument };
		try {
			written = await this.write(entry);
		} catch (e) {
			this.log.error(`Applying the proposed change to ${entry.target.toString()} failed: ${e instanceof Error ? e.message : String(e)}`);
			void vscode.window.showErrorMessage(vscode.l10n.t('The change could not be applied: {0}', e instanceof Error ? e.message : String(e)));
			return;
		}
		if (written.outcome === 'changedMeanwhile') {
			void vscode.window.showWarningMessage(vscode.l10n.t('The file changed since the agent proposed this, so nothing was applied. Ask the agent again.'));
		}
		// The agent hears the answer at once; saving and showing the file follow.
		this.finish(entry, written.outcome);
		if (written.outcome === 'applied') {
			if (written.document) {
				await written.document.save().then(undefined, (e: unknown) => this.log.warn(`Saving ${entry.target.toString()} after applying failed: ${e instanceof Error ? e.message : String(e)}`));
			}
			await vscode.window.showTextDocument(entry.target, { preview: false });
		}
	}

	/** Discard (title bar, palette). */
	discard(uri?: unknown): void {
		const entry = this.find(uri);
		if (entry) {
			this.finish(entry, 'discarded');
		}
	}

	/** Applies the change; returns the document to save when it had no unsaved changes of the user's (those stay unsaved). */
	private async write(entry: Pending): Promise<{ outcome: EditOutcome; document?: vscode.TextDocument }> {
		const edit = new vscode.WorkspaceEdit();
		if (entry.create) {
			if (await exists(entry.target)) {
				return { outcome: 'changedMeanwhile' };
			}
			edit.createFile(entry.target, { contents: new TextEncoder().encode(entry.proposed) });
			return { outcome: (await vscode.workspace.applyEdit(edit)) ? 'applied' : 'changedMeanwhile' };
		}
		const document = await vscode.workspace.openTextDocument(entry.target);
		if (document.getText() !== entry.original) {
			return { outcome: 'changedMeanwhile' };
		}
		const hadUnsavedChanges = document.isDirty;
		const region = changedRegion(entry.original, entry.proposed);
		edit.replace(entry.target, new vscode.Range(document.positionAt(region.start), document.positionAt(region.end)), region.text);
		if (!(await vscode.workspace.applyEdit(edit))) {
			return { outcome: 'changedMeanwhile' };
		}
		return { outcome: 'applied', ...(hadUnsavedChanges ? {} : { document }) };
	}

	private finish(entry: Pending, outcome: EditOutcome): void {
		if (!this.pending.delete(entry.id)) {
			return;
		}
		entry.resolve(outcome);
		void this.updateContext();
		// Close the diff (answered in the title bar, or withdrawn).
		const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === entry.right.toString());
		if (tabs.length > 0) {
			void Promise.resolve(vscode.window.tabGroups.close(tabs)).then(undefined, (e: unknown) => this.log.debug(`Closing the proposal's diff failed: ${e instanceof Error ? e.message : String(e)}`));
		}
		this.texts.delete(entry.left.toString());
		this.texts.delete(entry.right.toString());
	}

	private isShown(entry: Pending): boolean {
		return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === entry.right.toString()));
	}

	private byUri(uri: vscode.Uri): Pending | undefined {
		const id = new URLSearchParams(uri.query).get('id');
		return id ? this.pending.get(id) : undefined;
	}

	private find(arg: unknown): Pending | undefined {
		if (arg instanceof vscode.Uri && arg.scheme === PROPOSAL_SCHEME) {
			return this.byUri(arg);
		}
		const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
		if (active instanceof vscode.TabInputTextDiff && active.modified.scheme === PROPOSAL_SCHEME) {
			const found = this.byUri(active.modified);
			if (found) {
				return found;
			}
		}
		return [...this.pending.values()].pop();
	}

	private updateContext(): Thenable<unknown> {
		return vscode.commands.executeCommand('setContext', ContextKeys.proposalWaiting, this.pending.size > 0);
	}
}

async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch {
		return false;
	}
}
