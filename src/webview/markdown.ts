/**
 * Markdown to safe DOM: markdown-it (raw HTML off) → highlight.js for code → DOMPurify. The
 * result never holds script, event handlers, forms, frames, images or styles, whatever the
 * model or a tool wrote. Links are kept as <a> elements; clicks on them go to the host.
 */
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdownLang from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import MarkdownIt from 'markdown-it';

for (const [name, lang] of Object.entries({ bash, css, diff, go, java, javascript, json, markdown: markdownLang, python, rust, sql, typescript, xml, yaml })) {
	hljs.registerLanguage(name, lang);
}
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['js', 'jsx', 'mjs', 'cjs'], { languageName: 'javascript' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });

const md = new MarkdownIt({
	html: false,
	linkify: true,
	breaks: false,
	highlight(code, lang) {
		const language = lang.trim().toLowerCase();
		if (language && hljs.getLanguage(language)) {
			try {
				return hljs.highlight(code, { language, ignoreIllegals: true }).value;
			} catch {
				return '';
			}
		}
		return '';
	},
});

/**
 * VS Code's webview host listens for clicks on this page's window and opens every clicked link
 * with an http(s), mailto or vscode scheme itself, through the workbench's opener, whether or
 * not the page called `preventDefault`: around the extension's link policy, and in addition to
 * it. Link clicks in the chat belong to the host's policy alone (the transcript posts them as
 * `openLink`), so they stop at the document and never reach the window.
 */
document.addEventListener('click', (e) => {
	if (e.target instanceof Element && e.target.closest('a[href]')) {
		e.stopPropagation();
	}
});

const FORBID_TAGS = ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'svg', 'math', 'video', 'audio', 'source', 'link', 'meta', 'base'];

/** Renders markdown as a sanitized fragment. */
export function renderMarkdown(text: string): DocumentFragment {
	const html = md.render(text);
	const fragment = DOMPurify.sanitize(html, {
		RETURN_DOM_FRAGMENT: true,
		FORBID_TAGS,
		FORBID_ATTR: ['style', 'id', 'name', 'srcset', 'action', 'formaction'],
		ALLOW_DATA_ATTR: false,
	});
	for (const a of Array.from(fragment.querySelectorAll('a'))) {
		a.setAttribute('title', a.getAttribute('href') ?? '');
		a.removeAttribute('target');
	}
	return fragment;
}

/** The language named by a rendered code block's class (`language-ts`), or ''. */
export function codeLanguage(code: Element): string {
	const cls = Array.from(code.classList).find((c) => c.startsWith('language-'));
	return cls ? cls.slice('language-'.length) : '';
}

/** Markdown that takes markdown-it, linkify, highlight.js and DOMPurify through their common paths. */
const WARM_UP = ['*a* **b** `c`\n\n1. d\n2. [e](https://example.com) https://example.com/f\n\n> g', '| a | b |\n| --- | --- |\n| c | d |', '```ts\nexport const a: number = f(1);\n```'];

/**
 * Renders a few samples in idle time, one per idle callback, so that the first conversation
 * renders at full speed: the first render of each kind of markdown costs tens of milliseconds
 * (lazy compilation of the libraries, highlight.js compiling a grammar), later ones one or two.
 */
export function warmUpMarkdown(): void {
	const next = (i: number): void => {
		const text = WARM_UP[i];
		if (text !== undefined) {
			requestIdleCallback(() => {
				renderMarkdown(text);
				next(i + 1);
			});
		}
	};
	next(0);
}
