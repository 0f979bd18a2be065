/**
 * The chat webview's document, as a pure function so the extension and the browser tests that
 * load the webview outside VS Code serve exactly the same markup and Content Security Policy.
 */

/** Where the document's assets are, and the origin the CSP lets them load from. */
export interface ChatHtmlOptions {
	/** The webview's resource origin (`webview.cspSource`). */
	readonly cspSource: string;
	/** A fresh random nonce; the only script allowed to run carries it. */
	readonly nonce: string;
	readonly scriptUri: string;
	readonly styleUris: readonly string[];
	/**
	 * What the view's script starts from (protocol/chatStrings.ts `ChatInitialState`: its strings in
	 * the display language), as JSON in a data attribute of `#app`. Without it the view words
	 * everything in English.
	 */
	readonly initialState?: unknown;
	/** The document's language (`vscode.env.language`); default 'en'. */
	readonly language?: string;
}

/**
 * `default-src 'none'`; scripts only with the nonce (no inline handlers, no eval); styles and
 * fonts only from the extension; images from the extension, https and data (toolkit logos).
 */
export function chatContentSecurityPolicy(cspSource: string, nonce: string): string {
	return ["default-src 'none'", `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource} https: data:`, `script-src 'nonce-${nonce}'`].join('; ');
}

/**
 * The HTML of the chat view. Every value put into it is an origin, a URI or a nonce made by the
 * host, or the host's initial state (escaped as an attribute, never markup).
 */
export function chatHtml(options: ChatHtmlOptions): string {
	const attr = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
	return `<!DOCTYPE html>
<html lang="${attr(options.language ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatContentSecurityPolicy(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${options.styleUris.map((uri) => `<link rel="stylesheet" href="${attr(uri)}">`).join('\n')}
<title>Composio</title>
</head>
<body>
<div id="app" class="app"${options.initialState === undefined ? '' : ` data-initial-state="${attr(JSON.stringify(options.initialState))}"`}></div>
<script nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>`;
}
