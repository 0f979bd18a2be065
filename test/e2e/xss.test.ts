/**
 * Hostile content in the chat view. Every payload of xssPayloads.ts is delivered through every
 * way text reaches the view, first in the webview harness (the built view in chromium with
 * exactly VS Code's document and CSP), then in the real workbench through the sandbox: as email
 * senders, subjects and bodies the emulator returns (so the tool card and the scripted model's
 * markdown summary carry them) and as connected-account aliases. After each delivery the view
 * is pointed at, focused and expanded, and then: no canary fired (alert/confirm/prompt/print, the
 * `__pwned` flag, a request to the canary server, a CSP violation), and the DOM holds nothing
 * executable or styled by content. Also: the CSP itself blocks inline script, links in rendered
 * text go to the host and never navigate the view, and the host's link policy refuses or asks.
 */
import assert from 'node:assert/strict';
import type { HostToWebview } from '../../src/protocol/chatProtocol';
import type { TranscriptItem } from '../../src/protocol/transcript';
import { until } from '../shared/until';
import { startCanaryServer, type CanaryServer } from './canaryServer';
import { auditDom, installCanaries, inView, provokeHandlers, readCanaries, resetCanaries, type ViewTarget } from './domAudit';
import { openWebviewHarness, type WebviewHarness } from './webviewHarness';
import { answersAfter, lastUserMessageId, screenshot, useWorkbench } from './workbench';
import { payloadText, XSS_PAYLOADS } from './xssPayloads';

const AT = Date.parse('2026-11-30T09:00:00Z');

/** One way text reaches the view: the host messages that carry `texts`, and where each must then show as plain text. */
interface Route {
	readonly name: string;
	deliver(texts: readonly string[], conversationId: string): HostToWebview[];
	/** Selector whose elements' text must include each payload verbatim (plain-text routes), or a custom check of what `reads` saw. */
	readonly shownIn?: string;
	readonly reads?: readonly (readonly [string, string?])[];
	readonly verify?: (seen: Seen, texts: readonly string[]) => void;
	/** A check of the view as the route left it. */
	readonly after?: (view: WebviewHarness, texts: readonly string[]) => Promise<void>;
}

const added = (conversationId: string, item: TranscriptItem): HostToWebview => ({ type: 'itemAdded', conversationId, item });

/**
 * Runs `at` with each part of the transcript in the DOM in turn: only the items near the view are
 * (src/webview/transcriptWindow.ts), so the transcript is scrolled from its start to its end a
 * view at a time, and `at` runs once the items there are rendered.
 */
async function throughTranscript(view: WebviewHarness, at: () => Promise<void>): Promise<void> {
	type Scroller = { scrollTop: number; scrollHeight: number; clientHeight: number; getBoundingClientRect(): { top: number; bottom: number }; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { top: number; bottom: number } }> };
	const transcript = view.page.locator('.transcript');
	// At the very start: heights measured as the first items render can move the view off it, so go again until the first item is in.
	await until(
		async () =>
			transcript.evaluate((el) => {
				const t = el as unknown as Scroller & { firstElementChild: { classList: { contains(c: string): boolean } } | null };
				t.scrollTop = 0;
				return t.firstElementChild === null || !t.firstElementChild.classList.contains('transcript-pending');
			}),
		'the first item rendered at the start',
	);
	for (;;) {
		// Rendered once no placeholder shows in the view, two frames on.
		await until(
			async () =>
				transcript.evaluate((el) => {
					const t = el as unknown as Scroller;
					const box = t.getBoundingClientRect();
					return Array.from(t.querySelectorAll(':scope > .transcript-pending')).every((p) => p.getBoundingClientRect().bottom <= box.top || p.getBoundingClientRect().top >= box.bottom);
				}),
			'the items in view rendered',
		);
		await view.page.evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => resolve()))));
		await at();
		const atEnd = await transcript.evaluate((el) => {
			const t = el as unknown as Scroller;
			if (t.scrollTop + t.clientHeight >= t.scrollHeight - 1) {
				return true;
			}
			// Half a view a step: heights measured as items render may move what is below by up to a view.
			t.scrollTop += t.clientHeight / 2;
			return false;
		});
		if (atEnd) {
			return;
		}
	}
}

/**
 * What elements matching `selector` show (their text, or `attribute`) all through the view: in the
 * transcript one value per element of each item however often it was in the DOM, elsewhere as it is now.
 */
class Seen {
	private readonly values = new Map<string, Map<string, string>>();

	constructor(private readonly view: WebviewHarness) {}

	/** Reads what is in the DOM now. */
	async read(selectors: readonly (readonly [string, string?])[]): Promise<void> {
		for (const [selector, attribute] of selectors) {
			const found = await this.view.page.locator(selector).evaluateAll(
				(els, attr) =>
					els.map((e, i) => {
						const el = e as unknown as { closest(s: string): { getAttribute(n: string): string | null; querySelectorAll(s: string): ArrayLike<unknown> } | null; getAttribute(n: string): string | null; textContent: string | null };
						const item = el.closest('.transcript > [data-id]');
						const key = item ? `${item.getAttribute('data-id') ?? ''}#${Array.from(item.querySelectorAll('*')).indexOf(el)}` : `#${i}`;
						return [key, (attr ? el.getAttribute(attr) : el.textContent) ?? ''] as [string, string];
					}),
				attribute,
			);
			const seen = this.values.get(`${selector} ${attribute ?? ''}`) ?? new Map<string, string>();
			found.forEach(([key, value]) => seen.set(key, value));
			this.values.set(`${selector} ${attribute ?? ''}`, seen);
		}
	}

	get(selector: string, attribute?: string): string[] {
		return [...(this.values.get(`${selector} ${attribute ?? ''}`)?.values() ?? [])];
	}
}

const ROUTES: readonly Route[] = [
	{
		name: 'assistant text (markdown), one message per payload',
		deliver: (texts, id) => [{ type: 'conversation', id, title: 'XSS', state: 'idle', items: texts.map((text, i) => ({ kind: 'assistant', id: `a${i}`, at: AT, text })) }],
		reads: [['.message.assistant', 'data-id']],
		verify: (seen, texts) => {
			assert.equal(seen.get('.message.assistant', 'data-id').length, texts.length);
		},
	},
	{
		name: 'assistant text (markdown), every payload in one message',
		deliver: (texts, id) => [added(id, { kind: 'assistant', id: 'all', at: AT, text: texts.join('\n\n') })],
	},
	{
		name: 'assistant text streamed in deltas',
		deliver: (texts, id) => [
			...texts.map((_, i) => added(id, { kind: 'assistant', id: `s${i}`, at: AT, text: '', streaming: true })),
			// Each payload arrives in three pieces, split inside its markup.
			...texts.flatMap((text, i): HostToWebview[] => {
				const a = Math.floor(text.length / 3);
				const b = Math.floor((2 * text.length) / 3);
				return [text.slice(0, a), text.slice(a, b), text.slice(b)].map((delta) => ({ type: 'textDelta', conversationId: id, itemId: `s${i}`, delta }));
			}),
		],
	},
	{
		name: 'tool card (slug, toolkit, arguments, result, error), added then updated',
		deliver: (texts, id) =>
			texts.flatMap((text, i): HostToWebview[] => {
				const tool: TranscriptItem = { kind: 'tool', id: `t${i}`, at: AT, name: text, toolkit: text, args: text, status: 'running' };
				return [added(id, tool), { type: 'itemUpdated', conversationId: id, item: { ...tool, status: 'failed', result: text, error: text } }];
			}),
		reads: [['.tool-card .tool-slug'], ['.tool-card pre.tool-json']],
		verify: (seen, texts) => {
			const slugs = seen.get('.tool-card .tool-slug');
			const json = seen.get('.tool-card pre.tool-json');
			for (const text of texts) {
				assert.ok(slugs.includes(text), `tool slug shown as text: ${text}`);
				assert.ok(json.filter((t) => t === text).length >= 3, `arguments, result and error shown as text: ${text}`);
			}
		},
	},
	{
		name: 'auth card (toolkit, toolkit name, Connect Link, reason, logo)',
		deliver: (texts, id) =>
			texts.flatMap((text, i): HostToWebview[] => {
				// Logos the card shows (https, an SVG data URI carrying the payload) and ones it must not (script and page URIs).
				const logos = [`https://logo.invalid/${encodeURIComponent(text)}.png`, `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('logo')"><script>alert('logo script')</script>${text}</svg>`)}`, `javascript:alert('logo')`, `data:text/html,${encodeURIComponent(text)}`];
				const card: TranscriptItem = { kind: 'auth', id: `c${i}`, at: AT, toolkit: text, toolkitName: text, url: text, logo: logos[i % logos.length], status: 'waiting' };
				return [added(id, card), { type: 'itemUpdated', conversationId: id, item: { ...card, url: `https://connect.composio.dev/link/${text}`, status: 'failed', reason: text } }];
			}),
		reads: [['.auth-card .auth-title'], ['.auth-card .auth-reason'], ['.auth-card img.auth-logo', 'src']],
		verify: (seen, texts) => {
			const titles = seen.get('.auth-card .auth-title');
			const reasons = seen.get('.auth-card .auth-reason');
			for (const text of texts) {
				assert.ok(titles.includes(`Connect ${text}`), `toolkit name shown as text: ${text}`);
				assert.ok(reasons.includes(text), `reason shown as text: ${text}`);
			}
			const logos = seen.get('.auth-card img.auth-logo', 'src');
			assert.equal(logos.length, texts.filter((_, i) => i % 4 < 2).length, 'https and image data URI logos show; script and page URIs do not');
			assert.ok(logos.every((src) => /^(https:|data:image\/svg\+xml,)/.test(src)));
		},
	},
	{
		name: 'tool approval card (tool, toolkit, account, argument names and values)',
		deliver: (texts, id) =>
			texts.map((text, i) =>
				added(id, {
					kind: 'tool',
					id: `p${i}`,
					at: AT,
					name: text,
					toolkit: text,
					args: text,
					status: 'awaitingApproval',
					approval: [
						{ tool: text, toolkit: text, account: text, args: JSON.stringify({ [text]: text, nested: { text } }) },
						{ tool: text, args: text },
					],
				}),
			),
		reads: [['.approval .approval-args dd'], ['.approval .approval-args dt'], ['.approval [data-decision]', 'data-decision']],
		verify: (seen, texts) => {
			const values = seen.get('.approval .approval-args dd');
			const names = seen.get('.approval .approval-args dt');
			for (const text of texts) {
				assert.ok(values.includes(text) && names.includes(text), `argument name and value shown as text: ${text}`);
			}
			assert.equal(seen.get('.approval [data-decision]', 'data-decision').length, texts.length * 4, 'every card still offers its four answers');
		},
	},
	{
		name: 'notice (error and info)',
		deliver: (texts, id) => texts.map((text, i) => added(id, { kind: 'notice', id: `n${i}`, at: AT, level: i % 2 === 0 ? 'error' : 'info', text, action: 'retry' })),
		shownIn: '.notice .notice-text',
	},
	{
		name: 'user message',
		deliver: (texts, id) => texts.map((text, i) => added(id, { kind: 'user', id: `u${i}`, at: AT, text })),
		shownIn: '.message.user .message-body',
	},
	{
		name: 'editor-context chip on a sent message',
		deliver: (texts, id) => texts.map((text, i) => added(id, { kind: 'user', id: `uc${i}`, at: AT, text: 'About this', context: [{ path: text, languageId: text, text, startLine: 1, endLine: 2 }] })),
		reads: [['.message.user .chip']],
		verify: (seen, texts) => {
			const chips = seen.get('.message.user .chip');
			for (const text of texts) {
				assert.ok(chips.includes(`${text}:1-2`), `chip label shown as text: ${text}`);
			}
		},
	},
	{
		name: 'editor-context chip in the composer',
		deliver: (texts) => texts.map((text): HostToWebview => ({ type: 'addContext', context: { path: text, languageId: text, text } })),
		reads: [['.composer-chips .chip']],
		verify: (seen, texts) => {
			const chips = seen.get('.composer-chips .chip');
			for (const text of texts) {
				assert.ok(chips.includes(text), `composer chip shown as text: ${text}`);
			}
		},
	},
	{
		name: 'history entry title',
		deliver: (texts) => [{ type: 'history', currentId: 'none', conversations: texts.map((title, i) => ({ id: `h${i}`, title, updatedAt: AT, messageCount: 2 })) }],
		shownIn: '.history .history-name',
	},
	{
		name: 'conversation title and composer prefill',
		deliver: (texts, id) => texts.flatMap((text): HostToWebview[] => [{ type: 'conversation', id, title: text, items: [], state: 'idle' }, { type: 'title', conversationId: id, title: text }, { type: 'prefill', text, send: false }]),
		after: async (view, texts) => {
			// Checked one at a time: each title replaces the last.
			const last = texts[texts.length - 1] ?? '';
			assert.equal(await view.page.locator('.toolbar-title').textContent(), last);
			assert.equal(await view.page.getByRole('textbox', { name: 'Message' }).inputValue(), last);
		},
	},
];

/** Points at, focuses and expands everything, then reads the DOM audit and the canaries. */
async function inspect(target: ViewTarget, canary: CanaryServer): Promise<string[]> {
	await inView(target, provokeHandlers);
	// Two frames for handlers and loads the provocation queued.
	await inView(target, () => new Promise<void>((resolve) => {
		const w = globalThis as unknown as { requestAnimationFrame(cb: () => void): void };
		w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve()));
	}));
	const problems = await inView(target, auditDom);
	const report = await inView(target, readCanaries);
	for (const d of report.dialogs) {
		problems.push(`canary dialog fired: ${d}`);
	}
	if (report.pwned !== 'undefined') {
		problems.push(`__pwned is ${report.pwned}`);
	}
	for (const v of report.cspViolations) {
		problems.push(`CSP violation (something tried to run or load): ${v}`);
	}
	for (const hit of canary.hits) {
		problems.push(`canary server was requested: ${hit}`);
	}
	return problems;
}

describe('XSS: hostile text in the chat webview (harness: same document and CSP as VS Code)', function () {
	let view: WebviewHarness;
	let canary: CanaryServer;
	let texts: string[];

	before(async () => {
		canary = await startCanaryServer();
		texts = XSS_PAYLOADS.map((p) => payloadText(p, canary.origin));
		view = await openWebviewHarness();
		await view.send({ type: 'config', config: { sandbox: false, hasComposioKey: true, hasOpenAiKey: true } });
		await view.page.evaluate(installCanaries);
	});

	after(async () => {
		await view?.close();
		await canary?.close();
	});

	it(`has at least 50 distinct payloads across the categories (${XSS_PAYLOADS.length})`, () => {
		assert.ok(XSS_PAYLOADS.length >= 50);
		assert.equal(new Set(XSS_PAYLOADS.map((p) => p.text)).size, XSS_PAYLOADS.length, 'no duplicates');
		assert.ok(new Set(XSS_PAYLOADS.map((p) => p.category)).size >= 10);
	});

	it('the canaries work: a dialog called from the page and a planted flag are caught', async () => {
		await view.page.evaluate(() => (globalThis as unknown as { alert(m: string): void }).alert('control'));
		await view.page.evaluate(() => ((globalThis as unknown as { __pwned?: number }).__pwned = 1));
		const report = await view.page.evaluate(readCanaries);
		assert.deepEqual(report.dialogs, ['alert:control']);
		assert.equal(report.pwned, 'number');
		await view.page.evaluate(() => delete (globalThis as unknown as { __pwned?: number }).__pwned);
		await view.page.evaluate(resetCanaries);
		assert.deepEqual(await view.page.evaluate(readCanaries), { dialogs: [], pwned: 'undefined', cspViolations: [] });
		// And the DOM audit sees what it looks for, when it is planted past the sanitizer.
		assert.deepEqual(await view.page.evaluate(auditDom), []);
		await view.page.evaluate(() => {
			const d = (globalThis as unknown as { document: { getElementById(id: string): { insertAdjacentHTML(where: string, html: string): void } | null } }).document;
			d.getElementById('app')?.insertAdjacentHTML('beforeend', '<div class="planted"><a href="javascript:void 0" style="color:red" data-x="1">a</a><span onclick="void 0">b</span><iframe></iframe></div>');
		});
		const found = await view.page.evaluate(auditDom);
		await view.page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { remove(): void } | null } }).document.querySelector('.planted')?.remove());
		assert.equal(found.length, 4, found.join('\n'));
		assert.deepEqual(await view.page.evaluate(auditDom), []);
		await view.page.evaluate(resetCanaries);
	});

	ROUTES.forEach((route, index) => {
		it(`renders every payload inert: ${route.name}`, async () => {
			const id = `xss-${index}`;
			await view.send({ type: 'conversation', id, title: 'XSS', items: [], state: 'idle' });
			for (const message of route.deliver(texts, id)) {
				await view.send(message);
			}
			await view.settle();
			const problems: string[] = [];
			const seen = new Seen(view);
			await throughTranscript(view, async () => {
				problems.push(...(await inspect(view.page, canary)));
				await seen.read([...(route.shownIn ? [[route.shownIn] as const] : []), ...(route.reads ?? [])]);
			});
			assert.deepEqual(problems, [], `${route.name}:\n${problems.join('\n')}`);
			if (route.shownIn) {
				const shown = seen.get(route.shownIn);
				for (const text of texts) {
					assert.ok(shown.includes(text), `${route.name}: shown verbatim as text: ${JSON.stringify(text)}`);
				}
			}
			route.verify?.(seen, texts);
			await route.after?.(view, texts);
			if (route.name.startsWith('history')) {
				await view.page.getByRole('button', { name: 'History' }).click();
			}
		});
	});

	it('the content security policy blocks inline script, inline handlers, eval and foreign scripts', async () => {
		await view.send({ type: 'conversation', id: 'csp', title: 'CSP', items: [{ kind: 'user', id: 'u', at: AT, text: 'hi' }], state: 'idle' });
		await view.settle();
		await view.page.evaluate(resetCanaries);
		const origin = canary.origin;
		await view.page.evaluate((canaryOrigin) => {
			type Node = { setAttribute(n: string, v: string): void; textContent: string | null; append(...n: unknown[]): void };
			const w = globalThis as unknown as {
				document: { createElement(t: string): Node; body: Node };
				setTimeout(code: string, ms: number): void;
				__csp?: string[];
			};
			w.__csp = [];
			const inline = w.document.createElement('script');
			inline.textContent = 'window.__csp.push("inline script ran")';
			w.document.body.append(inline);
			const wrongNonce = w.document.createElement('script');
			wrongNonce.setAttribute('nonce', 'not-the-nonce');
			wrongNonce.textContent = 'window.__csp.push("wrong nonce ran")';
			w.document.body.append(wrongNonce);
			const foreign = w.document.createElement('script');
			foreign.setAttribute('src', `${canaryOrigin}/foreign.js`);
			w.document.body.append(foreign);
			const img = w.document.createElement('img');
			img.setAttribute('src', 'data:,x');
			img.setAttribute('onload', 'window.__csp.push("inline handler ran")');
			img.setAttribute('onerror', 'window.__csp.push("inline handler ran")');
			w.document.body.append(img);
			// A string timer is compiled by the page itself, later: CSP must refuse it (no 'unsafe-eval').
			w.setTimeout('window.__csp.push("string timer ran")', 0);
			return true;
		}, origin);
		await until(async () => (await view.page.evaluate(readCanaries)).cspViolations.length >= 5, 'securitypolicyviolation events', 10_000);
		const report = await view.page.evaluate(readCanaries);
		const ran = await view.page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
		assert.deepEqual(ran, [], 'nothing injected ran');
		assert.ok(report.cspViolations.some((v) => v.endsWith(' eval')), `eval-like code was refused: ${report.cspViolations.join(', ')}`);
		assert.ok(report.cspViolations.filter((v) => v.startsWith('script-src')).length >= 4, report.cspViolations.join('\n'));
		assert.ok(report.cspViolations.some((v) => v.includes(`${origin}/foreign.js`)), 'the foreign script was blocked by CSP');
		assert.deepEqual(canary.hits, [], 'the foreign script was never requested');
		await view.page.evaluate(resetCanaries);
	});

	describe('links in rendered text', () => {
		const opened: readonly [label: string, href: string][] = [
			['Connect Link', 'https://connect.composio.dev/link/ln_abc'],
			['web page', 'https://example.com/docs?q=1#x'],
			['look-alike host', 'https://composio.dev.evil.com/link/ln_abc'],
			['user-info host', 'https://backend.composio.dev@evil.com/x'],
			['punycode host', 'https://xn--cmposio-9ig.dev/link/ln_abc'],
			['sandbox', 'http://127.0.0.1:9/link/ln_abc'],
			['mail', 'mailto:someone@example.com'],
		];
		const inert: readonly [label: string, markdown: string][] = [
			['javascript link', '[javascript link](javascript:alert(1))'],
			['data link', '[data link](data:text/html,hi)'],
			['file link', '[file link](file:///etc/passwd)'],
			['command link', '[command link](command:workbench.action.terminal.new)'],
			['vscode link', '[vscode link](vscode://vscode.git/clone?url=x)'],
		];

		before(async () => {
			const text = [
				...opened.slice(0, -2).map(([label, href]) => `[${label}](${href})`),
				`<${opened[5]![1]}>`,
				`[mail](${opened[6]![1]})`,
				'A bare link https://bare.example.org/path is linked too.',
				...inert.map(([, md]) => md),
			].join('\n\n');
			await view.send({ type: 'conversation', id: 'links', title: 'Links', items: [{ kind: 'assistant', id: 'l', at: AT, text }], state: 'idle' });
			await view.settle();
		});

		it('clicking each link posts openLink with its URL to the host, and the view never navigates', async () => {
			const page = view.page;
			const url = page.url();
			const pages = page.context().pages().length;
			// VS Code's webview host opens any link whose click reaches the window (see markdown.ts); stand in for it.
			await page.evaluate(() => {
				const w = globalThis as unknown as { addEventListener(t: string, l: (e: { composedPath(): Array<{ tagName?: string; href?: string }> }) => void): void; __windowSawLinks: string[] };
				w.__windowSawLinks = [];
				w.addEventListener('click', (e) => {
					const a = e.composedPath().find((n) => n.tagName?.toLowerCase() === 'a' && n.href);
					if (a?.href) {
						w.__windowSawLinks.push(a.href);
					}
				});
			});
			// What each link shows: its label, or the URL itself for the autolink and the bare link.
			const cases: [shown: string, href: string][] = opened.map(([label, href], i) => [i === 5 ? href : label, href]);
			cases.push(['https://bare.example.org/path', 'https://bare.example.org/path']);
			for (const [shown, href] of cases) {
				const before = view.posted.length;
				await page.locator('.message.assistant a', { hasText: shown }).first().click();
				await until(() => view.posted.length > before, `the click on ${shown} to reach the host`, 5_000);
				const message = view.posted[view.posted.length - 1];
				assert.ok(message?.type === 'openLink', `${shown}: ${JSON.stringify(message)}`);
				assert.equal(new URL(message.url).href, new URL(href).href, shown);
			}
			assert.equal(page.url(), url, 'the view did not navigate');
			assert.equal(page.context().pages().length, pages, 'no window was opened');
			assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { __windowSawLinks: string[] }).__windowSawLinks), [], "no link click reached the window, where VS Code's own link opener listens");
		});

		it('javascript:, data:, file:, command: and vscode: links are not links at all: clicking them does nothing', async () => {
			const page = view.page;
			const body = page.locator('.message.assistant .message-body');
			assert.equal(await body.locator('a[href^="javascript:"], a[href^="data:"], a[href^="file:"], a[href^="command:"], a[href^="vscode:"]').count(), 0);
			const before = view.posted.length;
			for (const [label] of inert) {
				const text = body.getByText(label).first();
				await text.click();
			}
			// Then a real link: the view handles clicks in order, so once its openLink has reached
			// the host, any message the inert ones would have posted has too.
			const [marker] = opened[0]!;
			await body.locator('a', { hasText: marker }).first().click();
			await until(() => view.posted.length > before, `the click on ${marker} to reach the host`);
			assert.deepEqual(
				view.posted.slice(before).map((m) => m.type),
				['openLink'],
				'nothing was posted for the inert ones',
			);
			assert.equal(page.url().startsWith('http://127.0.0.1:'), true, 'still the chat document');
			assert.deepEqual(await inView(page, auditDom), []);
		});
	});
});

/**
 * The sandbox's own data carrying the payloads all the way through the real product: the
 * emulator returns them in Gmail messages and account aliases, the real Composio SDK and the
 * agent loop carry them, the scripted model writes them into a markdown summary, and the
 * webview inside the real workbench renders the tool cards and the answer.
 */
describe('XSS: hostile app data through the sandbox in the real workbench (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true, failureScreenshot: 'xss-workbench-failure' });
	let canary: CanaryServer;
	let userId = '';
	const idle = async (): Promise<void> => wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });

	before(async () => {
		canary = await startCanaryServer();
		wb.model!.setPace({ chunkDelayMs: 1, wordsPerChunk: 25 });
		await inView(wb.chat, installCanaries);
		// The first message creates the workspace's Composio session, which names its user.
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('What can you do?');
		await input.press('Enter');
		// The view is idle before the turn starts, too: wait for the finished answer first.
		await wb.chat.locator('.message.assistant:not(.streaming)').first().waitFor({ timeout: 60_000 });
		await idle();
		const created = wb.emulator!.requests.find((r) => r.method === 'POST' && r.path.endsWith('/tool_router/session'));
		const body = created?.body as { user_id?: unknown } | undefined;
		userId = typeof body?.user_id === 'string' ? body.user_id : '';
		assert.ok(userId, 'the session names the user');
	});

	after(async () => {
		await canary?.close();
	});

	it('payloads as email senders, subjects and bodies and as account aliases: tool cards and the summary render them inert', async () => {
		const emulator = wb.emulator!;
		const payloads = XSS_PAYLOADS.map((p) => payloadText(p, canary.origin));
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		/** The full JSON of the newest tool card whose title has `name` (short enough to be shown whole). */
		const cardResult = async (name: string): Promise<unknown> => {
			const card = wb.chat.locator('.tool-card', { hasText: name }).last();
			assert.equal(await card.locator('[data-action="open-result"]').count(), 0, `${name}: the whole result is shown inline`);
			return JSON.parse((await card.locator('pre.tool-json').last().textContent()) ?? '') as unknown;
		};
		// Nine payloads a request: three messages of three, and four account aliases (one line each);
		// so the card's result (the emails inside the multi-execute's answer) stays short enough to show whole.
		let accounts: string[] = [];
		for (let start = 0; start < payloads.length; start += 9) {
			const batch = payloads.slice(start, start + 9);
			const emails = [];
			for (let i = 0; i < batch.length; i += 3) {
				emails.push({ from: batch[i] ?? 'x', subject: batch[i + 1] ?? 'x', body: `${batch[i + 2] ?? 'x'} Second sentence.` });
			}
			emulator.seedEmails(userId, emails, { replace: true });
			for (const id of accounts) {
				emulator.setAccountStatus(id, 'REVOKED', 'replaced by the next batch');
			}
			const aliases = batch.slice(0, 4).map((text, i) => `${text.replace(/\s+/g, ' ').trim()} #${start + i}`);
			accounts = aliases.map((alias) => emulator.seedAccount(userId, 'gmail', alias));

			// The view keeps only what is near the screen in the page: the answer is told by following this message, not by a count.
			const before = await lastUserMessageId(wb.chat);
			await input.fill(`Summarize my emails (payloads ${start + 1}-${start + batch.length})`);
			await input.press('Enter');
			await until(async () => (await lastUserMessageId(wb.chat)) !== before, 'the message in the transcript');
			const asked = await lastUserMessageId(wb.chat);
			const answer = answersAfter(wb.chat, asked);
			await until(async () => (await answer.count()) > 0, 'the summary to start');
			await idle();
			const summary = answer.last();
			assert.match((await summary.textContent()) ?? '', /Inbox summary/);

			// The tool cards show the emulator's JSON as text, every payload in it.
			// The emails come inside the multi-execute's one result, as Composio runs app tools.
			const fetched = (await cardResult('Fetch emails')) as { data: { results: { response: { data: { messages: { sender: string; subject: string; messageText: string }[] } } }[] } };
			const shown = fetched.data.results.flatMap((r) => r.response.data.messages.flatMap((m) => [m.sender, m.subject, m.messageText])).join('\n');
			for (const text of batch) {
				assert.ok(shown.includes(text), `the Fetch emails card shows the payload as text: ${JSON.stringify(text)}`);
			}
			const manage = JSON.stringify(await cardResult('Manage connections'));
			for (const alias of aliases) {
				assert.ok(manage.includes(JSON.stringify(alias)), `the Manage connections card shows the alias as text: ${JSON.stringify(alias)}`);
			}
			const problems = await inspect(wb.chat, canary);
			assert.deepEqual(problems, [], `payloads ${start + 1}-${start + batch.length}:\n${problems.join('\n')}`);
		}
		await wb.chat.locator('.message.assistant').last().scrollIntoViewIfNeeded();
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'xss-workbench');
		assert.deepEqual(await inspect(wb.chat, canary), []);
	});

	it("the host's link policy on links clicked in the chat: dangerous schemes open nothing, look-alike and other hosts ask first, Composio opens", async () => {
		/** Puts a link into the transcript, as if rendered text held it, and clicks it. */
		const click = async (href: string): Promise<void> => {
			await wb.chat.locator('.transcript').evaluate((el, h) => {
				const node = el as unknown as { ownerDocument: { createElement(t: string): { className: string; textContent: string; setAttribute(n: string, v: string): void } }; append(n: unknown): void };
				const a = node.ownerDocument.createElement('a');
				a.className = 'planted-link';
				a.setAttribute('href', h);
				a.textContent = 'planted link';
				node.append(a);
			}, href);
			await wb.chat.locator('a.planted-link').last().click();
		};
		const dialog = wb.page.locator('.monaco-dialog-box');
		/** Clicks a link that opens at once and waits for it: everything clicked before it has been dealt with by then. */
		const barrier = async (n: number): Promise<void> => {
			const url = `https://connect.composio.dev/link/ln_barrier${n}`;
			const before = wb.openedUrls.length;
			await click(url);
			await until(() => wb.openedUrls.length > before, `${url} to open`);
			assert.equal(wb.openedUrls[wb.openedUrls.length - 1], url, 'trusted Composio links open without a question');
		};
		const refused = [
			'javascript:alert(1)',
			'JavaScript:alert(document.cookie)',
			'data:text/html,<script>alert(1)</script>',
			'file:///etc/passwd',
			'command:workbench.action.terminal.new',
			'vscode://vscode.git/clone?url=https://evil.example/x.git',
			'vscode-insiders://vscode.git/clone?url=x',
			'java\tscript:alert(1)',
		];
		const asked = [
			'https://composio.dev.evil.com/link/ln_x',
			'https://backend.composio.dev@evil.com/link/ln_x',
			'https://xn--cmposio-9ig.dev/link/ln_x',
			'https://c\u043emposio.dev/link/ln_x',
			'http://connect.composio.dev/link/ln_x',
			'https://example.com/docs',
		];
		wb.openedUrls.length = 0;
		await barrier(0);
		for (const href of refused) {
			await click(href);
		}
		await barrier(1);
		assert.equal(await dialog.count(), 0, 'no question for a refused link');
		for (const href of asked) {
			await click(href);
			await dialog.waitFor({ timeout: 10_000 });
			const text = (await dialog.textContent()) ?? '';
			assert.match(text, /Open this link in your browser\?/);
			assert.ok(text.includes(new URL(href).href), `the question shows the whole URL: ${new URL(href).href} in ${text}`);
			await dialog.getByRole('button', { name: 'Cancel' }).click();
			await dialog.waitFor({ state: 'detached', timeout: 10_000 });
		}
		await barrier(2);
		assert.deepEqual(
			wb.openedUrls,
			[0, 1, 2].map((n) => `https://connect.composio.dev/link/ln_barrier${n}`),
			'only the trusted links opened',
		);
		// Saying yes opens exactly the URL that was shown.
		await click('https://example.com/docs?x=1');
		await dialog.waitFor({ timeout: 10_000 });
		await screenshot(wb.page, 'link-confirm');
		await dialog.getByRole('button', { name: 'Open Link' }).click();
		await until(() => wb.openedUrls.length === 4, 'the confirmed link to open');
		assert.equal(wb.openedUrls[3], 'https://example.com/docs?x=1');
		await wb.chat.locator('.transcript').evaluate((el) => {
			const node = el as unknown as { querySelectorAll(s: string): ArrayLike<{ remove(): void }> };
			Array.from(node.querySelectorAll('a.planted-link')).forEach((a) => a.remove());
		});
	});
});
