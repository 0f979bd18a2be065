import * as vscode from 'vscode';
import { type BuiltContext, fileContext, hasText, selectionContext } from '../../protocol/editorContext';
import { fillTemplate, parsePromptTemplates, type PromptTemplate, templateInputs } from '../../common/promptTemplates';
import { MAX_CONTEXT_TEXT, MAX_CONTEXTS } from '../../protocol/chatProtocol';
import type { EditorContext } from '../../protocol/transcript';
import type { ChatViewProvider } from '../chatView/chatViewProvider';
import { CHAT_VIEW_ID } from '../workbench/commandIds';
import { showError } from '../workbench/errorNotices';
import type { QuickPicker } from '../workbench/quickPicker';
import type { UserPrompts } from '../workbench/userPrompts';

/** What the editor prompts need: the chat view, a way to send, and where to ask. */
export interface EditorPromptDeps {
	readonly chatView: Pick<ChatViewProvider, 'reveal' | 'post'>;
	/** Sends a message with context to the agent, as if typed in the chat (resolves when the turn ends). */
	send(text: string, context: readonly EditorContext[]): Promise<void>;
	readonly prompts: UserPrompts;
	readonly picker: QuickPicker;
	readonly log: vscode.LogOutputChannel;
}

/** A choice in the Run Prompt picker. */
export interface PromptPickItem extends vscode.QuickPickItem {
	readonly template?: PromptTemplate;
	readonly choice?: 'custom' | 'edit';
}

/** The snippet used when a walkthrough button asks about a selection and no editor is open (after its comment line). */
const SAMPLE = [
	'export function slugify(title: string): string {',
	'\treturn title',
	'\t\t.toLowerCase()',
	'\t\t.trim()',
	"\t\t.replace(/[^a-z0-9]+/g, '-')",
	"\t\t.replace(/^-|-$/g, '');",
	'}',
	'',
];

function uriList(arg: unknown, all: unknown): vscode.Uri[] {
	if (Array.isArray(all)) {
		const uris = all.filter((u): u is vscode.Uri => u instanceof vscode.Uri);
		if (uris.length > 0) {
			return uris;
		}
	}
	return arg instanceof vscode.Uri ? [arg] : [];
}

function displayPath(uri: vscode.Uri): string {
	return uri.scheme === 'untitled' ? uri.path : vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/** What the prompt is run on, as a pick's title says it. */
function runPromptTitle(contexts: readonly EditorContext[]): string {
	if (contexts.length > 1) {
		return vscode.l10n.t('Run Prompt on {0} selections', contexts.length);
	}
	const c = contexts[0];
	return c ? vscode.l10n.t('Run Prompt on {0}', describeContext(c)) : vscode.l10n.t('Run Prompt');
}

function describeContext(c: EditorContext): string {
	if (c.startLine === undefined) {
		return c.path;
	}
	return c.endLine !== undefined && c.endLine !== c.startLine ? `${c.path}:${c.startLine}-${c.endLine}` : `${c.path}:${c.startLine}`;
}

/**
 * "Ask About Selection" and "Run Prompt on Selection…" from the editor, its context menu, the
 * explorer and the walkthrough. The selection (or the whole file when nothing is selected, or the
 * files chosen in the explorer) becomes editor context for the chat: a chip in the composer, or
 * sent at once with a prompt template from `composio.prompts`.
 */
export class EditorPrompts {
	constructor(private readonly deps: EditorPromptDeps) {}

	/**
	 * Attaches the selection (or file) to the chat's composer and focuses it. `arg` is the document
	 * or explorer resource the command was invoked on, `all` the explorer's multi-selection.
	 * Resolves to what was attached, or undefined when there was nothing to attach.
	 */
	async askAboutSelection(arg?: unknown, all?: unknown, wholeFiles = false): Promise<EditorContext[] | undefined> {
		try {
			const contexts = await this.gather(arg, all, wholeFiles);
			if (!contexts) {
				return undefined;
			}
			await this.deps.chatView.reveal();
			for (const context of contexts) {
				this.deps.chatView.post({ type: 'addContext', context });
			}
			await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
			this.deps.chatView.post({ type: 'focusComposer' });
			return contexts;
		} catch (e) {
			await showError(e, vscode.l10n.t('Could not attach the selection'), { prompts: this.deps.prompts, log: this.deps.log });
			return undefined;
		}
	}

	/**
	 * Picks a prompt template (or a prompt typed on the spot), asks for its `${input:…}` values,
	 * and sends it with the selection (or file) to the agent at once. Resolves to the text sent,
	 * or undefined when the user backed out.
	 */
	async runPromptOnSelection(arg?: unknown, all?: unknown, wholeFiles = false): Promise<string | undefined> {
		try {
			// Read the selection first: the picker and input boxes move the focus.
			const contexts = await this.gather(arg, all, wholeFiles);
			if (!contexts) {
				return undefined;
			}
			const text = await this.choosePrompt(contexts);
			if (text === undefined) {
				return undefined;
			}
			await this.deps.chatView.reveal();
			await this.deps.send(text, contexts);
			return text;
		} catch (e) {
			await showError(e, vscode.l10n.t('Could not run the prompt'), { prompts: this.deps.prompts, log: this.deps.log });
			return undefined;
		}
	}

	/** The prompt templates from `composio.prompts`, problems logged. */
	templates(): PromptTemplate[] {
		const { templates, problems } = parsePromptTemplates(vscode.workspace.getConfiguration('composio').get<unknown>('prompts'));
		for (const p of problems) {
			this.deps.log.warn(p);
		}
		return templates;
	}

	private async choosePrompt(contexts: readonly EditorContext[]): Promise<string | undefined> {
		const items: PromptPickItem[] = [
			...this.templates().map((template) => ({ label: template.label, ...(template.description ? { description: template.description } : {}), detail: template.prompt, template })),
			{ label: '', kind: vscode.QuickPickItemKind.Separator },
			{ label: `$(edit) ${vscode.l10n.t('Write a prompt…')}`, choice: 'custom' },
			{ label: `$(settings-gear) ${vscode.l10n.t('Edit prompt templates')}`, choice: 'edit' },
		];
		const picked = await this.deps.picker.pick(items, { title: runPromptTitle(contexts), placeHolder: vscode.l10n.t('Choose what the agent should do with it'), matchOnDetail: true });
		if (!picked) {
			return undefined;
		}
		if (picked.choice === 'edit') {
			await vscode.commands.executeCommand('workbench.action.openSettings', 'composio.prompts');
			return undefined;
		}
		if (picked.choice === 'custom') {
			const typed = await this.deps.prompts.inputBox({
				title: runPromptTitle(contexts),
				prompt: vscode.l10n.t('What should the agent do with it? The selection is attached.'),
				placeHolder: vscode.l10n.t('Summarize this and post it to #dev'),
				ignoreFocusOut: true,
				validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a prompt, or press Escape to cancel.')),
			});
			return typed?.trim() ? typed.trim() : undefined;
		}
		const template = picked.template;
		if (!template) {
			return undefined;
		}
		const answers: Record<string, string> = {};
		for (const question of templateInputs(template.prompt)) {
			const answer = await this.deps.prompts.inputBox({
				title: template.label,
				prompt: question,
				ignoreFocusOut: true,
				validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a value, or press Escape to cancel.')),
			});
			if (answer === undefined || !answer.trim()) {
				return undefined;
			}
			answers[question] = answer;
		}
		return fillTemplate(template.prompt, answers);
	}

	/**
	 * The contexts to attach: the files given (explorer); else the active editor's non-empty
	 * selections (the whole file when none, or when `wholeFiles`); else a sample snippet in a new
	 * editor. A single resource that is the active editor's document (the editor's context menu
	 * passes it) means that editor. Undefined when nothing readable was chosen (the user is told why).
	 */
	private async gather(arg: unknown, all: unknown, wholeFiles: boolean): Promise<EditorContext[] | undefined> {
		const uris = uriList(arg, all);
		const editor = vscode.window.activeTextEditor;
		const built: BuiltContext[] = [];
		const isActiveDocument = uris.length === 1 && editor !== undefined && uris[0]?.toString() === editor.document.uri.toString();
		if (uris.length > 0 && !(isActiveDocument && !wholeFiles)) {
			for (const uri of uris.slice(0, MAX_CONTEXTS)) {
				const file = await this.readFile(uri);
				if (file) {
					built.push(file);
				}
			}
			if (uris.length > MAX_CONTEXTS) {
				void this.deps.prompts.info(vscode.l10n.t('Only the first {0} files are attached.', MAX_CONTEXTS));
			}
		} else {
			built.push(...this.fromEditor(editor ?? (await this.openSample()), wholeFiles));
		}
		if (built.length === 0) {
			return undefined;
		}
		const cut = built.filter((b) => b.truncated).map((b) => b.context.path);
		if (cut.length > 0) {
			void this.deps.prompts.info(vscode.l10n.t('Only the first {0} characters of {1} are attached.', MAX_CONTEXT_TEXT.toLocaleString(vscode.env.language), cut.join(', ')));
		}
		return built.map((b) => b.context);
	}

	private fromEditor(editor: vscode.TextEditor, wholeFile: boolean): BuiltContext[] {
		const doc = editor.document;
		const path = displayPath(doc.uri);
		if (wholeFile) {
			return [fileContext(path, doc.languageId, doc.getText())];
		}
		const selections = editor.selections
			.map((s) => ({ start: s.start, end: s.end, text: doc.getText(s) }))
			.filter(hasText)
			.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character)
			.slice(0, MAX_CONTEXTS);
		if (selections.length === 0) {
			return [fileContext(path, doc.languageId, doc.getText())];
		}
		return selections.map((s) => selectionContext(path, doc.languageId, s));
	}

	private async readFile(uri: vscode.Uri): Promise<BuiltContext | undefined> {
		try {
			const stat = await vscode.workspace.fs.stat(uri);
			if (stat.type & vscode.FileType.Directory) {
				void this.deps.prompts.info(vscode.l10n.t('{0} is a folder; choose files to attach.', displayPath(uri)));
				return undefined;
			}
			const doc = await vscode.workspace.openTextDocument(uri);
			return fileContext(displayPath(uri), doc.languageId, doc.getText());
		} catch (e) {
			this.deps.log.warn(`Could not read ${uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
			void this.deps.prompts.error(vscode.l10n.t('{0} could not be read as text.', displayPath(uri)));
			return undefined;
		}
	}

	/** Opens a small untitled sample with its function selected (for the walkthrough when no editor is open). */
	private async openSample(): Promise<vscode.TextEditor> {
		const comment = `// ${vscode.l10n.t('A sample to try Composio Agent on: select code, then "Ask About Selection" or "Run Prompt on Selection…".')}`;
		const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: [comment, ...SAMPLE].join('\n') });
		const editor = await vscode.window.showTextDocument(doc);
		editor.selection = new vscode.Selection(1, 0, doc.lineCount - 1, 0);
		return editor;
	}
}
