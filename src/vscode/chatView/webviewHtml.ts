import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { chatHtml } from '../../common/chatHtml';
import { chatInitialState } from './chatStrings';

/** A fresh nonce for one webview document's script tag. */
export function createNonce(): string {
	return randomBytes(18).toString('base64url');
}

/**
 * The chat webview's document: a strict CSP (`default-src 'none'`, scripts only with the nonce,
 * styles, fonts and images only from the extension), the built script and stylesheets, and the
 * view's initial state (its strings in the display language).
 */
export function renderChatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
	const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
	const initialState = chatInitialState();
	return chatHtml({
		initialState,
		language: initialState.language,
		cspSource: webview.cspSource,
		nonce: createNonce(),
		scriptUri: asset('dist', 'webview', 'chat.js'),
		styleUris: [asset('dist', 'codicons', 'codicon.css'), asset('media', 'chat.css')],
	});
}
