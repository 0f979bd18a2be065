/**
 * The chat webview alone in Debian's chromium, outside VS Code: the built `dist/webview/chat.js`
 * in the same document and CSP the extension serves (src/common/chatHtml.ts), with a stand-in
 * for `acquireVsCodeApi` that records what the view posts. For tests that feed the view many or
 * hostile messages quickly (rendering, XSS) and for the benchmark; the real workbench tests
 * cover the view inside VS Code.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import { chatHtml } from '../../src/common/chatHtml';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/chatProtocol';
import { type BrowserSession, launchBrowser } from '../editor/browser';
import { repoRoot } from '../editor/codeServer';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };

export interface WebviewHarness {
	readonly page: Page;
	/** Everything the view posted to the host, in order. */
	readonly posted: WebviewToHost[];
	/** Delivers a host message to the view as VS Code does (a window message event). */
	send(message: HostToWebview): Promise<void>;
	/** Resolves after the view has taken in what it was sent: every item of an opened conversation (the transcript is no longer `aria-busy`), then two animation frames. */
	settle(): Promise<void>;
	close(): Promise<void>;
}

/** Serves dist/ and media/ and the chat document, opens it, and waits for the view's `ready`. */
export async function openWebviewHarness(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<WebviewHarness> {
	const nonce = randomBytes(16).toString('base64url');
	const server: Server = createServer((req, res) => {
		void (async () => {
			const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
			if (path === '/') {
				const origin = `http://${req.headers.host ?? ''}`;
				res.writeHead(200, { 'content-type': 'text/html' });
				res.end(chatHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview/chat.js`, styleUris: [`${origin}/dist/codicons/codicon.css`, `${origin}/media/chat.css`] }));
				return;
			}
			if (!path.startsWith('/dist/') && !path.startsWith('/media/')) {
				res.writeHead(404).end();
				return;
			}
			try {
				const body = await readFile(join(repoRoot, path));
				res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
				res.end(body);
			} catch {
				res.writeHead(404).end();
			}
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;

	const browser: BrowserSession = await launchBrowser({ colorScheme: options.colorScheme, viewport: { width: 420, height: 900 } });
	const posted: WebviewToHost[] = [];
	let onReady: (() => void) | undefined;
	const ready = new Promise<void>((resolve) => (onReady = resolve));
	await browser.page.exposeFunction('__hostReceive', (message: WebviewToHost) => {
		posted.push(message);
		if (message.type === 'ready') {
			onReady?.();
		}
	});
	await browser.context.addInitScript(() => {
		const w = globalThis as unknown as { acquireVsCodeApi: () => unknown; __hostReceive: (m: unknown) => void };
		let state: unknown;
		w.acquireVsCodeApi = () => ({
			postMessage: (m: unknown) => w.__hostReceive(m),
			getState: () => state,
			setState: (s: unknown) => {
				state = s;
			},
		});
	});
	await browser.page.goto(`http://127.0.0.1:${port}/`);
	await ready;
	const page = browser.page;
	return {
		page,
		posted,
		async send(message) {
			await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), message as unknown);
		},
		async settle() {
			// Two frames, and every item of an opened conversation received (the transcript is aria-busy until then).
			await page.evaluate(
				() =>
					new Promise<void>((resolve) => {
						const w = globalThis as unknown as { requestAnimationFrame(cb: () => void): void; document: { querySelector(s: string): unknown } };
						const check = (): void => (w.document.querySelector('.transcript[aria-busy="true"]') ? w.requestAnimationFrame(check) : w.requestAnimationFrame(() => resolve()));
						w.requestAnimationFrame(check);
					}),
			);
		},
		async close() {
			await browser.close();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
