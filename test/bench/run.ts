/**
 * `npm run bench`: numbers, not pass/fail. Each time is printed with the baseline measured in
 * the same run and their ratio, so runs on different machines compare by ratio.
 *
 *  1. Opening a conversation in the chat webview (chromium, the built bundle): 1,000 messages
 *     against 10, per message.
 *  2. Streaming: 2,000 deltas into one message over 100 animation frames, against 100 idle frames.
 *  3. The agent's overhead: one chat turn through the agent loop (Composio emulator + scripted
 *     model over HTTP through the real SDKs), against the bare model stream it contains.
 */
import { performance } from 'node:perf_hooks';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { runAgent } from '../../src/agent/agentLoop';
import { ComposioService } from '../../src/composio/composioService';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { TestScriptedModel } from '../shared/testScriptedModel';
import { sampleTranscript } from '../e2e/sampleTranscript';
import { openWebviewHarness, type WebviewHarness } from '../e2e/webviewHarness';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function line(name: string, value: number, baselineName: string, baseline: number, unit = 'ms'): void {
	console.log(`${name.padEnd(44)} ${value.toFixed(2).padStart(9)} ${unit}   baseline (${baselineName}) ${baseline.toFixed(2)} ${unit}   ratio ${(value / baseline).toFixed(2)}`);
}

type PageWindow = {
	performance: { now(): number };
	dispatchEvent(e: unknown): void;
	MessageEvent: new (type: string, init: { data: unknown }) => unknown;
	requestAnimationFrame(cb: () => void): void;
	document: { body: { offsetHeight: number } };
};

/** Delivers messages to the view and measures, inside the page, the work until layout is done (no frame waits). */
async function timeInPage(view: WebviewHarness, messages: unknown[]): Promise<number> {
	return view.page.evaluate((ms) => {
		const w = globalThis as unknown as PageWindow;
		const start = w.performance.now();
		for (const data of ms) {
			w.dispatchEvent(new w.MessageEvent('message', { data }));
		}
		void w.document.body.offsetHeight; // forces style and layout
		return w.performance.now() - start;
	}, messages);
}

/** Delivers `batches` one per animation frame (as a stream arrives) and measures the whole run. */
async function timeFrames(view: WebviewHarness, batches: unknown[][]): Promise<number> {
	return view.page.evaluate(
		(bs) =>
			new Promise<number>((resolve) => {
				const w = globalThis as unknown as PageWindow;
				const start = w.performance.now();
				let i = 0;
				const next = (): void => {
					if (i === bs.length) {
						// One more frame: the last batch is drawn.
						w.requestAnimationFrame(() => resolve(w.performance.now() - start));
						return;
					}
					for (const data of bs[i++] ?? []) {
						w.dispatchEvent(new w.MessageEvent('message', { data }));
					}
					w.requestAnimationFrame(next);
				};
				next();
			}),
		batches,
	);
}

async function heapMb(view: WebviewHarness): Promise<number> {
	return view.page.evaluate(() => ((globalThis as unknown as { performance: { memory?: { usedJSHeapSize: number } } }).performance.memory?.usedJSHeapSize ?? 0) / 1048576);
}

async function webviewBench(): Promise<void> {
	const view = await openWebviewHarness();
	try {
		const open = async (n: number, id: string): Promise<number> => timeInPage(view, [{ type: 'conversation', id, title: id, items: sampleTranscript(n), state: 'idle' }]);
		await open(10, 'warm');
		const small: number[] = [];
		const large: number[] = [];
		for (let i = 0; i < 5; i++) {
			small.push(await open(10, `s${i}`));
		}
		for (let i = 0; i < 3; i++) {
			large.push(await open(1000, `l${i}`));
		}
		const perSmall = median(small) / 10;
		const perLarge = median(large) / 1000;
		console.log(`Opening a conversation: 1,000 messages in ${median(large).toFixed(0)} ms; 10 messages in ${median(small).toFixed(1)} ms`);
		line('  per message, 1,000-message conversation', perLarge, 'per message, 10 messages', perSmall);
		console.log(`  JS heap with 1,000 messages open: ${(await heapMb(view)).toFixed(1)} MB`);

		const deltas = Array.from({ length: 2000 }, (_, i) => (i % 40 === 39 ? `word${i}\n\n` : `word${i} `));
		const setup = (id: string) => [
			{ type: 'conversation', id, title: id, items: sampleTranscript(20), state: 'running' },
			{ type: 'itemAdded', conversationId: id, item: { kind: 'assistant', id: 'live', at: 0, text: '', streaming: true } },
		];
		const streamed: number[] = [];
		const idle: number[] = [];
		for (let i = 0; i < 3; i++) {
			await timeInPage(view, setup(`st${i}`));
			const batches: unknown[][] = [];
			for (let b = 0; b < 100; b++) {
				batches.push(deltas.slice(b * 20, b * 20 + 20).map((delta) => ({ type: 'textDelta', conversationId: `st${i}`, itemId: 'live', delta })));
			}
			streamed.push(await timeFrames(view, batches));
			idle.push(await timeFrames(view, batches.map(() => [])));
		}
		line('Streaming 2,000 deltas over 100 frames', median(streamed), '100 frames, nothing to draw', median(idle));
		console.log(`  JS heap after streaming: ${(await heapMb(view)).toFixed(1)} MB`);
	} finally {
		await view.close();
	}
}

async function agentBench(): Promise<void> {
	const emulator = new TestComposioEmulator();
	const model = new TestScriptedModel({ chunkDelayMs: 0 });
	await Promise.all([emulator.start(), model.start()]);
	const service = new ComposioService();
	try {
		const session = await service.getSession('bench-user', { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false });
		const tools = await session.tools();
		const client = new OpenAiModelClient({ baseUrl: model.baseUrl, model: 'scripted' });
		const question = 'What can you do?';
		const bare = async (): Promise<number> => {
			const start = performance.now();
			for await (const _chunk of client.stream({ messages: [{ role: 'user', content: question }], tools, signal: new AbortController().signal })) {
				// drain
			}
			return performance.now() - start;
		};
		const turn = async (): Promise<number> => {
			const start = performance.now();
			for await (const _event of runAgent({ model: client, session, messages: [{ role: 'user', content: question }], maxTurns: 4, signal: new AbortController().signal })) {
				// drain
			}
			return performance.now() - start;
		};
		await bare();
		await turn();
		const bares: number[] = [];
		const turns: number[] = [];
		for (let i = 0; i < 20; i++) {
			bares.push(await bare());
			turns.push(await turn());
		}
		line('One agent turn (no tools) through the loop', median(turns), 'the bare model stream', median(bares));
	} finally {
		service.dispose();
		await Promise.all([emulator.stop(), model.stop()]);
	}
}

async function main(): Promise<void> {
	await webviewBench();
	await agentBench();
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : e);
	process.exit(1);
});
