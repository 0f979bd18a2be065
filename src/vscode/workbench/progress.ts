import * as vscode from 'vscode';

/** Runs a short step with a spinner and `title` in the status bar. */
export function inStatusBar<T>(title: string, fn: () => Promise<T>): Promise<T> {
	return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, fn));
}
