/**
 * Opening and scrolling a conversation in the chat webview: the built bundle in chromium with
 * the same document and CSP the extension serves (test/e2e/webviewHarness.ts), a fresh page per
 * sample. The conversation arrives as the host sends it (`conversationMessages`: the newest
 * items, then the earlier ones in chunks), each message posted in a task of its own, as VS Code
 * delivers them. Timed inside the page:
 * - first paint: the end of the first frame after the first message was handled;
 * - interactive: the end of the last long task (> 50 ms) after it, or first paint when none,
 *   once the page has been quiet for a second;
 * - memory: the JS heap after a garbage collection, with the conversation open;
 * - scrolling: from the end to the first message and back to the end, one view height per
 *   animation frame (a fast fling, or Page Up held down): the longest frame and the tasks over 50 ms.
 */
import type { Page } from 'playwright-core';
import { conversationMessages } from '../../src/protocol/chatProtocol';
import { sampleTranscript } from '../e2e/sampleTranscript';
import { openWebviewHarness } from '../e2e/webviewHarness';

/** One opening. */
export interface OpenSample {
	readonly firstPaintMs: number;
	readonly interactiveMs: number;
	readonly heapBytes: number;
}

/** One opening, then a scroll through the whole conversation and back. */
export interface ScrollSample {
	readonly firstPaintMs: number;
	/** The longest time between two animation frames while scrolling. */
	readonly longestFrameMs: number;
	/** Tasks over 50 ms while scrolling, and the longest of them (0 when none). */
	readonly longTasks: number;
	readonly longestTaskMs: number;
	/** Frames the scroll took, there and back. */
	readonly frames: number;
}

type PageWindow = {
	benchPosts: unknown[];
	performance: { now(): number };
	postMessage(m: unknown, origin: string): void;
	addEventListener(type: string, cb: () => void): void;
	requestAnimationFrame(cb: (time: number) => void): void;
	setTimeout(cb: () => void, ms: number): void;
	scheduler: { postTask(cb: () => void, options: { priority: 'user-blocking' }): void };
	PerformanceObserver: new (cb: (list: { getEntries(): { startTime: number; duration: number }[] }) => void) => { observe(o: Record<string, unknown>): void; disconnect(): void };
	document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number; getAttribute(n: string): string | null } | null };
};

/** Opens a conversation of `messages` messages in the page and times it (see the file's comment). */
async function open(page: Page, messages: number): Promise<{ firstPaintMs: number; interactiveMs: number }> {
	// Into the page before the clock starts: handing the page a large argument takes it a while.
	await page.evaluate((posts) => ((globalThis as unknown as { benchPosts: unknown[] }).benchPosts = posts), conversationMessages({ id: 'bench', title: 'Bench', items: sampleTranscript(messages), state: 'idle' }) as unknown[]);
	return page.evaluate(
		() =>
			new Promise<{ firstPaintMs: number; interactiveMs: number }>((resolve) => {
				const w = globalThis as unknown as PageWindow;
				const posts = w.benchPosts;
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
				let firstPaint = 0;
				let handled = 0;
				w.addEventListener('message', () => {
					// The next message once the view has handled this one: each arrives in a task of its own, in order, as from the host.
					const next = posts[++handled];
					if (next !== undefined) {
						w.postMessage(next, '*');
					}
					if (handled > 1) {
						return;
					}
					// After the view's own handler: the next frame is the first one showing it, and a
					// task of the highest priority runs right after that frame (before any message queued meanwhile).
					w.requestAnimationFrame(() => {
						w.scheduler.postTask(() => {
							firstPaint = w.performance.now();
							quietSince = firstPaint;
							const check = (): void => {
								const busy = w.document.querySelector('.transcript')?.getAttribute('aria-busy') === 'true';
								if (!busy && w.performance.now() - quietSince >= 1000) {
									observer.disconnect();
									resolve({ firstPaintMs: firstPaint - start, interactiveMs: Math.max(firstPaint, lastLongTaskEnd) - start });
								} else {
									w.setTimeout(check, 100);
								}
							};
							w.setTimeout(check, 100);
						}, { priority: 'user-blocking' });
					});
				});
				const start = w.performance.now();
				w.postMessage(posts[0], '*');
			}),
	);
}

/** Opens a conversation of `messages` messages in a fresh view and measures it. */
export async function openConversation(messages: number): Promise<OpenSample> {
	const view = await openWebviewHarness();
	try {
		const timing = await open(view.page, messages);
		const cdp = await view.page.context().newCDPSession(view.page);
		await cdp.send('HeapProfiler.collectGarbage');
		const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
		return { ...timing, heapBytes: heap.usedSize };
	} finally {
		await view.close();
	}
}

/**
 * Opens a conversation of `messages` messages in a fresh view, then scrolls from its end to its
 * first message and back to the end, `viewsPerFrame` view heights per animation frame.
 */
export async function openAndScroll(messages: number, viewsPerFrame = 1): Promise<ScrollSample> {
	const view = await openWebviewHarness();
	try {
		const { firstPaintMs } = await open(view.page, messages);
		const scroll = await view.page.evaluate(
			(perFrame) =>
				new Promise<Omit<ScrollSample, 'firstPaintMs'>>((resolve) => {
					const w = globalThis as unknown as PageWindow;
					const transcript = w.document.querySelector('.transcript');
					if (!transcript) {
						throw new Error('no transcript');
					}
					const longTasks: number[] = [];
					const observer = new w.PerformanceObserver((list) => {
						for (const e of list.getEntries()) {
							longTasks.push(e.duration);
						}
					});
					observer.observe({ entryTypes: ['longtask'] });
					let last = 0;
					let longestFrameMs = 0;
					let frames = 0;
					let up = true;
					const frame = (time: number): void => {
						longestFrameMs = last > 0 ? Math.max(longestFrameMs, time - last) : 0;
						last = time;
						frames++;
						const step = perFrame * transcript.clientHeight;
						if (up && transcript.scrollTop <= 0 && w.document.querySelector('.transcript > [data-id]:first-child') !== null) {
							up = false;
						} else if (!up && transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 1) {
							// The observer reports a frame late: give it that frame.
							w.requestAnimationFrame(() => {
								observer.disconnect();
								resolve({ longestFrameMs, longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), frames });
							});
							return;
						}
						transcript.scrollTop += up ? -step : step;
						w.requestAnimationFrame(frame);
					};
					w.requestAnimationFrame(frame);
				}),
			viewsPerFrame,
		);
		return { firstPaintMs, ...scroll };
	} finally {
		await view.close();
	}
}
