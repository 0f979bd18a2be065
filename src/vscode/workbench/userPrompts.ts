import * as vscode from 'vscode';

/**
 * The questions the extension asks the user (input boxes, confirmations, notices). Behind an
 * interface so tests inside the real editor can answer them without a person at the keyboard.
 */
export interface UserPrompts {
	inputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
	/** A modal confirmation; resolves to the chosen item, or undefined when dismissed. */
	confirm(message: string, detail: string, ...items: string[]): Promise<string | undefined>;
	info(message: string, ...items: string[]): Promise<string | undefined>;
	error(message: string, ...items: string[]): Promise<string | undefined>;
}

/** UserPrompts through VS Code's own input boxes and notifications. */
export class VsCodeUserPrompts implements UserPrompts {
	inputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
		return Promise.resolve(vscode.window.showInputBox(options));
	}

	confirm(message: string, detail: string, ...items: string[]): Promise<string | undefined> {
		return Promise.resolve(vscode.window.showWarningMessage(message, { modal: true, detail }, ...items));
	}

	info(message: string, ...items: string[]): Promise<string | undefined> {
		return Promise.resolve(vscode.window.showInformationMessage(message, ...items));
	}

	error(message: string, ...items: string[]): Promise<string | undefined> {
		return Promise.resolve(vscode.window.showErrorMessage(message, ...items));
	}
}
