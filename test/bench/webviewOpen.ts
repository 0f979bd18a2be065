/**
 * Opening a conversation in the chat webview: the built bundle in chromium with the same
 * document and CSP the extension serves (test/e2e/webviewHarness.ts), a fresh page per sample.
 * The conversation arrives as a posted message, as VS Code delivers it. Timed inside the page:
 * - first paint: the first frame after the message was handled;
 * - interactive: the end of the last long task (> 50 ms) after it, or first paint when none,
 *   once the page has been quiet for a second;
 * - memory: the JS heap after a garbage collection, with the conversation open.
 */
import { sampleTranscript } from '../e2e/sampleTranscript';
import { openWebviewHarness } from '../e2e/webviewHarness';

/** One opening. */
export interface OpenSample {
	readonly firstPaintMs: number;
	readonly interactiveMs: number;
	readonly heapBytes: number;
}

type PageWindow = {
	performance: { now(): number };
	postMessage(m: unknown, origin: string): void;
	addEventListener(type: string, cb: () => void): void;
	requestAnimationFrame(cb: () => void): void;
	setTimeout(cb: () => void, ms: number): void;
	MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(v: unknown): void } };
	PerformanceObserver: new (cb: (list: { getEntries(): { startTime: number; duration: number }[] }) => void) => { observe(o: Record<string, unknown>): void; disconnect(): void };
};

/** Opens a conversation of `messages` messages in a fresh view and measures it. */
export async function openConversation(messages: number): Promise<OpenSample> {
	const view = await openWebviewHarness();
	try {
		const items = sampleTranscript(messages);
		const timing = await view.page.evaluate(
			(its) =>
				new Promise<{ firstPaintMs: number; interactiveMs: number }>((resolve) => {
					const w = globalThis as unknown as PageWindow;
					let lastLongTaskEnd = 0;
					let quietSince = 0;
					const observer = new w.PerformanceObserver((list) => {
						for (const e of list.getEntries()) {
							if (e.duration > 50) {
								lastLongTaskEnd = Math.max(lastLongTaskEnd, e.startTime + e.duration);
							}
						}
						quietSince = w.performance.now();
					});
					observer.observe({ entryTypes: ['longtask'] });
					const start = w.performance.now();
					let firstPaint = 0;
					w.addEventListener('message', () => {
						// After the view's own handler: the next frame is the first one showing it.
						w.requestAnimationFrame(() => {
							const channel = new w.MessageChannel();
							channel.port1.onmessage = () => {
								firstPaint = w.performance.now();
								quietSince = firstPaint;
								const check = (): void => {
									if (w.performance.now() - quietSince >= 1000) {
										observer.disconnect();
										resolve({ firstPaintMs: firstPaint - start, interactiveMs: Math.max(firstPaint, lastLongTaskEnd) - start });
									} else {
										w.setTimeout(check, 100);
									}
								};
								w.setTimeout(check, 100);
							};
							channel.port2.postMessage(0);
						});
					});
					w.postMessage({ type: 'conversation', id: 'bench', title: 'Bench', items: its, state: 'idle' }, '*');
				}),
			items,
		);
		const cdp = await view.page.context().newCDPSession(view.page);
		await cdp.send('HeapProfiler.collectGarbage');
		const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
		return { ...timing, heapBytes: heap.usedSize };
	} finally {
		await view.close();
	}
}
