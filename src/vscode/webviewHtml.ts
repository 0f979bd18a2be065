import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh nonce for one webview document's script tag. */
export function createNonce(): string {
	return randomBytes(18).toString('base64url');
}

/**
 * The chat webview's document: a strict CSP (`default-src 'none'`, scripts only with the nonce,
 * styles, fonts and images only from the extension), the built script and stylesheets.
 */
export function renderChatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
	const nonce = createNonce();
	const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
	const csp = [
		"default-src 'none'",
		`style-src ${webview.cspSource}`,
		`font-src ${webview.cspSource}`,
		`img-src ${webview.cspSource} https: data:`,
		`script-src 'nonce-${nonce}'`,
	].join('; ');
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'chat.css')}">
<title>Composio Chat</title>
</head>
<body>
<div id="app" class="app"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'chat.js')}"></script>
</body>
</html>`;
}
