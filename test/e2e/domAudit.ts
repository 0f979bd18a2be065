/**
 * Checks run inside the chat webview's page: what the rendered DOM may not hold, and the
 * canaries a hostile payload would trip if it ever ran. The functions here are passed to
 * Playwright's `evaluate`, so each one is self-contained (no imports, no outer variables).
 */
import type { FrameLocator, Page } from 'playwright-core';

/** What the page's canaries caught. */
export interface CanaryReport {
	/** Calls of alert/confirm/prompt/print, as `name:argument`. */
	readonly dialogs: readonly string[];
	/** `typeof window.__pwned` ('undefined' unless a payload set or clobbered it). */
	readonly pwned: string;
	/** `securitypolicyviolation` events, as `directive blockedURI`. */
	readonly cspViolations: readonly string[];
}

/** The minimal DOM shapes the in-page functions use (the test project has no DOM types). */
interface El {
	readonly tagName: string;
	readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
	readonly outerHTML: string;
	getAttribute(name: string): string | null;
	matches(selector: string): boolean;
	dispatchEvent(event: unknown): boolean;
}
interface Win {
	document: {
		querySelector(selector: string): (El & { querySelectorAll(selector: string): ArrayLike<El> }) | null;
		querySelectorAll(selector: string): ArrayLike<El>;
		addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
	};
	Event: new (type: string, init?: { bubbles?: boolean }) => unknown;
	FocusEvent: new (type: string) => unknown;
	MouseEvent: new (type: string, init?: { bubbles?: boolean }) => unknown;
	__canary?: { dialogs: string[]; csp: string[] };
	__pwned?: unknown;
	[key: string]: unknown;
}

/**
 * Installs the canaries: alert, confirm, prompt and print record their calls; every CSP
 * violation is recorded. Idempotent. Run it before delivering payloads.
 */
export function installCanaries(): void {
	const w = globalThis as unknown as Win;
	if (w.__canary) {
		return;
	}
	const canary = { dialogs: [] as string[], csp: [] as string[] };
	w.__canary = canary;
	for (const name of ['alert', 'confirm', 'prompt', 'print']) {
		w[name] = (...args: unknown[]) => {
			canary.dialogs.push(`${name}:${String(args[0])}`);
			return undefined;
		};
	}
	w.document.addEventListener('securitypolicyviolation', (e) => canary.csp.push(`${e.violatedDirective} ${e.blockedURI}`));
}

/** Reads the canaries. */
export function readCanaries(): CanaryReport {
	const w = globalThis as unknown as Win;
	return { dialogs: [...(w.__canary?.dialogs ?? ['canaries not installed'])], pwned: typeof w.__pwned, cspViolations: [...(w.__canary?.csp ?? [])] };
}

/** Forgets what the canaries caught (after a deliberate positive control). */
export function resetCanaries(): void {
	const w = globalThis as unknown as Win;
	if (w.__canary) {
		w.__canary.dialogs.length = 0;
		w.__canary.csp.length = 0;
	}
}

/**
 * Walks every element under #app and lists what content must never produce there: script,
 * frames, objects, SVG/MathML, styles, forms and inputs (other than the composer's own),
 * images other than an auth-card logo (https or an image data URI), `on*` attributes, `style` attributes (but a transcript placeholder's height), `id`/`name`
 * attributes beyond the view's own, `srcdoc`, `target`, and URLs with a dangerous scheme.
 * Returns one line per finding; empty means clean.
 */
export function auditDom(): string[] {
	const w = globalThis as unknown as Win;
	const root = w.document.querySelector('#app');
	if (!root) {
		return ['#app is missing'];
	}
	const findings: string[] = [];
	const show = (el: El): string => el.outerHTML.replace(/\s+/g, ' ').slice(0, 160);
	const forbidden = new Set(['SCRIPT', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'SVG', 'MATH', 'STYLE', 'LINK', 'META', 'BASE', 'INPUT', 'SELECT', 'VIDEO', 'AUDIO', 'SOURCE', 'TRACK', 'PORTAL', 'NOSCRIPT', 'TEMPLATE', 'MARQUEE', 'X']);
	const ownIds = new Set(['history', 'composer-hint']);
	const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'cite', 'srcset', 'ping']);
	// eslint-disable-next-line no-control-regex
	const dangerous = /^[\s\u0000-\u001f]*(javascript|vbscript|data|file|command|vscode|blob|livescript|mocha)\s*:/i;
	const all = root.querySelectorAll('*');
	for (let i = 0; i < all.length; i++) {
		const el = all[i]!;
		const tag = el.tagName.toUpperCase();
		if (forbidden.has(tag)) {
			findings.push(`forbidden element <${tag.toLowerCase()}>: ${show(el)}`);
		}
		if (tag === 'FORM' && !el.matches('form.composer')) {
			findings.push(`form from content: ${show(el)}`);
		}
		if (tag === 'TEXTAREA' && !el.matches('textarea.composer-input')) {
			findings.push(`textarea from content: ${show(el)}`);
		}
		if (tag === 'BUTTON' && !el.matches('button[class]')) {
			findings.push(`button from content: ${show(el)}`);
		}
		// The one image content may supply: a Connect card's logo, https or a raster/SVG data URI (an SVG
		// shown through <img> runs no script), with no attribute but its own.
		let safeLogo = false;
		if (tag === 'IMG') {
			const src = el.getAttribute('src') ?? '';
			const names = Array.from(el.attributes).map((a) => a.name).sort().join(',');
			safeLogo = el.matches('img.auth-logo') && /^(https:\/\/|data:image\/(png|jpeg|gif|webp|svg\+xml)[;,])/i.test(src) && names === 'alt,class,src';
			if (!safeLogo) {
				findings.push(`image from content: ${show(el)}`);
			}
		}
		if (tag === 'A' && el.getAttribute('target') !== null) {
			findings.push(`link with a target: ${show(el)}`);
		}
		for (const attr of Array.from(el.attributes)) {
			const name = attr.name.toLowerCase();
			if (name.startsWith('on')) {
				findings.push(`event handler attribute ${name}: ${show(el)}`);
			}
			// An empty style attribute (a browser or the test driver touching a control) styles nothing. The
			// transcript's stand-ins for items out of the DOM (transcriptWindow.ts) are given their height
			// through the CSSOM, which the CSP allows: an empty, hidden placeholder with a height and nothing else.
			const placeholder = el.matches('div.transcript-pending[aria-hidden="true"]:empty') && Array.from(el.attributes).map((a) => a.name).sort().join(',') === 'aria-hidden,class,style' && /^height: \d+(\.\d+)?px;$/.test(attr.value);
			if (name === 'style' && attr.value.trim() !== '' && !placeholder) {
				findings.push(`style attribute: ${show(el)}`);
			}
			if (name === 'srcdoc') {
				findings.push(`srcdoc attribute: ${show(el)}`);
			}
			if (name === 'id' && !ownIds.has(attr.value)) {
				findings.push(`id attribute from content: ${show(el)}`);
			}
			if (name === 'name' || name === 'form' || name === 'formaction' || name === 'http-equiv') {
				findings.push(`${name} attribute: ${show(el)}`);
			}
			if (urlAttrs.has(name) && dangerous.test(attr.value) && !(safeLogo && name === 'src')) {
				findings.push(`dangerous URL in ${name}: ${show(el)}`);
			}
		}
	}
	const app = w.document.querySelector('#app');
	if (!app || app.tagName !== 'DIV') {
		findings.push('#app was clobbered');
	}
	return findings;
}

/**
 * Gives every element under #app the events a person would cause by pointing at, focusing or
 * expanding it (no clicks), so handlers that only fire on interaction would fire now. Opens
 * every <details>.
 */
export function provokeHandlers(): number {
	const w = globalThis as unknown as Win;
	const all = w.document.querySelectorAll('#app *');
	for (let i = 0; i < all.length; i++) {
		const el = all[i]!;
		for (const type of ['mouseover', 'mouseenter', 'pointerover']) {
			el.dispatchEvent(new w.MouseEvent(type, { bubbles: true }));
		}
		el.dispatchEvent(new w.FocusEvent('focus'));
		el.dispatchEvent(new w.Event('animationstart', { bubbles: true }));
	}
	const details = w.document.querySelectorAll('#app details');
	for (let i = 0; i < details.length; i++) {
		(details[i] as unknown as { open: boolean }).open = true;
	}
	return all.length;
}

/** Where the in-page functions run: the harness page, or the chat frame in the workbench. */
export type ViewTarget = Page | FrameLocator;

/** Runs one of the functions above in the chat view. */
export async function inView<R>(target: ViewTarget, fn: () => R): Promise<R> {
	if ('goto' in target) {
		return target.evaluate(fn);
	}
	return target.locator('body').evaluate(fn);
}
