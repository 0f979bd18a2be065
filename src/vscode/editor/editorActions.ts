import * as vscode from 'vscode';

/**
 * Inserts code at the cursor of the editor the user last worked in (replacing its selection),
 * or, with no text editor open, in a new untitled document of that language. Resolves to
 * where it went.
 */
export async function insertAtCursor(code: string, languageId: string): Promise<'editor' | 'newDocument'> {
	const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
	if (editor) {
		await editor.edit((edit) => {
			for (const selection of editor.selections) {
				edit.replace(selection, code);
			}
		});
		await vscode.window.showTextDocument(editor.document, editor.viewColumn);
		return 'editor';
	}
	const doc = await vscode.workspace.openTextDocument({ content: code, language: languageId || 'plaintext' });
	await vscode.window.showTextDocument(doc);
	return 'newDocument';
}

/** Opens a tool's full result in an untitled JSON editor tab. */
export async function openInEditor(content: string, languageId = 'json'): Promise<void> {
	const doc = await vscode.workspace.openTextDocument({ content, language: languageId });
	await vscode.window.showTextDocument(doc, { preview: true });
}
