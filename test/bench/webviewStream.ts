/**
 * Streaming an answer into the chat webview at the end of a long conversation: the built bundle
 * in chromium with the document and CSP the extension serves (test/e2e/webviewHarness.ts). A
 * conversation of `messages` messages is opened and left to settle; then an answer of about
 * `characters` characters (paragraphs with lists, tables and code, `longAnswer`) arrives as the
 * host sends it, a `textDelta` of 8 words every 2 ms, and completes with its final `itemUpdated`.
 * Timed inside the page: the longest gap between animation frames and the tasks over 50 ms, from
 * the first delta to two frames after the answer completed, against the same span of the idle view.
 */
import { conversationMessages } from '../../src/protocol/chatProtocol';
import { sampleTranscript } from '../e2e/sampleTranscript';
import { openWebviewHarness } from '../e2e/webviewHarness';
import type { FrameStats } from './editorBench';

type StreamWindow = {
	performance: { now(): number };
	postMessage(m: unknown, origin: string): void;
	requestAnimationFrame(cb: (t: number) => void): void;
	setTimeout(cb: () => void, ms: number): void;
	PerformanceObserver: new (cb: (list: { getEntries(): { duration: number }[] }) => void) => { observe(o: Record<string, unknown>): void; disconnect(): void };
};

/** The deltas of `text`: 8 words each, as the scripted model streams them. */
function deltasOf(text: string): string[] {
	const words = text.split(/(?<=\s)/);
	const out: string[] = [];
	for (let i = 0; i < words.length; i += 8) {
		out.push(words.slice(i, i + 8).join(''));
	}
	return out;
}

/** Streams `answer` after a conversation of `messages` messages, and times the idle view for as long. */
export async function streamAtEnd(messages: number, answer: string): Promise<{ streaming: FrameStats; idle: FrameStats }> {
	const view = await openWebviewHarness();
	try {
		const c = { id: 'bench', title: 'Bench', items: sampleTranscript(messages), state: 'idle' as const };
		for (const m of conversationMessages(c)) {
			await view.send(m);
		}
		await view.settle();
		const deltas = deltasOf(answer);
		return await view.page.evaluate(
			({ deltas, full }) =>
				new Promise<{ streaming: FrameStats; idle: FrameStats }>((resolve) => {
					const w = globalThis as unknown as StreamWindow;
					/** Frame stats from now until `until` resolves, then two more frames. */
					const measure = (run: (done: () => void) => void): Promise<FrameStats> =>
						new Promise((done) => {
							const start = w.performance.now();
							let frames = 0;
							let longest = 0;
							let last = 0;
							let longTasks = 0;
							let ended = -1;
							const observer = new w.PerformanceObserver((list) => {
								longTasks += list.getEntries().filter((e) => e.duration > 50).length;
							});
							observer.observe({ entryTypes: ['longtask'] });
							const tick = (t: number): void => {
								if (last) {
									longest = Math.max(longest, t - last);
								}
								last = t;
								frames++;
								if (ended >= 0 && frames - ended >= 2) {
									observer.disconnect();
									done({ frames, longestFrameMs: longest, longTasks, durationMs: w.performance.now() - start });
									return;
								}
								w.requestAnimationFrame(tick);
							};
							w.requestAnimationFrame(tick);
							run(() => (ended = frames));
						});
					const post = (m: unknown): void => w.postMessage(m, '*');
					void (async () => {
						const at = Date.now();
						post({ type: 'itemAdded', conversationId: 'bench', item: { kind: 'assistant', id: 'streamed', at, text: '', streaming: true } });
						post({ type: 'turnState', conversationId: 'bench', state: 'running' });
						let took = 0;
						const streaming = await measure((done) => {
							const t0 = w.performance.now();
							let i = 0;
							const next = (): void => {
								if (i < deltas.length) {
									post({ type: 'textDelta', conversationId: 'bench', itemId: 'streamed', delta: deltas[i++] });
									w.setTimeout(next, 2);
									return;
								}
								post({ type: 'itemUpdated', conversationId: 'bench', item: { kind: 'assistant', id: 'streamed', at, text: full } });
								post({ type: 'turnState', conversationId: 'bench', state: 'idle' });
								took = w.performance.now() - t0;
								done();
							};
							next();
						});
						const idle = await measure((done) => w.setTimeout(done, took));
						resolve({ streaming, idle });
					})();
				}),
			{ deltas, full: answer },
		);
	} finally {
		await view.close();
	}
}
