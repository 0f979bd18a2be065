import assert from 'node:assert/strict';
import { until } from '../shared/until';
import { sampleTranscript } from './sampleTranscript';
import { openWebviewHarness, type WebviewHarness } from './webviewHarness';

describe('Chat webview rendering (chromium, same document and CSP as in VS Code)', function () {
	let view: WebviewHarness;

	before(async () => {
		view = await openWebviewHarness();
		await view.send({ type: 'config', config: { sandbox: true, hasComposioKey: false, hasOpenAiKey: false } });
	});

	after(async () => {
		await view?.close();
	});

	it('opens a 1,000-message conversation whole, scrolled to its end, and scrolls to its start', async () => {
		const items = sampleTranscript(1000);
		await view.send({ type: 'conversation', id: 'big', title: 'Big', items, state: 'idle' });
		await view.settle();
		const page = view.page;
		assert.equal(await page.locator('.transcript > [data-id]').count(), items.length, 'every item is in the transcript');
		assert.equal(await page.locator('.message.user').count(), 500);
		assert.equal(await page.locator('.message.assistant').count(), 500);
		const last = page.locator('.message.assistant').last();
		assert.match((await last.textContent()) ?? '', /answer 500/);
		assert.equal(await last.isVisible(), true);
		assert.ok(await last.evaluate((el) => {
			const t = (el as unknown as { getBoundingClientRect(): { bottom: number } }).getBoundingClientRect();
			return t.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight;
		}), 'the newest message is on screen');
		// The user scrolls all the way up with the wheel.
		await page.locator('.transcript').hover();
		const first = page.locator('.message.user').first();
		const firstOnScreen = async (): Promise<boolean> => first.evaluate((el) => (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top >= 0);
		await until(async () => {
			await page.mouse.wheel(0, -20_000);
			return firstOnScreen();
		}, 'the first message after scrolling up');
		assert.match((await first.textContent()) ?? '', /Question number 1:/);
	});

	it('opening a long conversation renders the newest items first, the rest in the background; Home brings in the first at once', async () => {
		const items = sampleTranscript(1000);
		const page = view.page;
		// Delivered in the page's own task, so what is rendered before the first paint can be read.
		const before = await page.evaluate((its) => {
			const w = globalThis as unknown as { dispatchEvent(e: unknown): void; MessageEvent: new (type: string, init: { data: unknown }) => unknown; document: { querySelector(s: string): { getAttribute(n: string): string | null } | null; querySelectorAll(s: string): ArrayLike<unknown> } };
			w.dispatchEvent(new w.MessageEvent('message', { data: { type: 'conversation', id: 'long', title: 'Long', items: its, state: 'idle' } }));
			return { rendered: w.document.querySelectorAll('.transcript > [data-id]').length, busy: w.document.querySelector('.transcript')?.getAttribute('aria-busy') };
		}, items);
		assert.ok(before.rendered > 0 && before.rendered <= 100, `only the newest items before the first paint (${before.rendered})`);
		assert.equal(before.busy, 'true', 'the transcript says it is still loading');
		// An item not rendered yet changes: it shows changed once it is in.
		const old = items.find((i) => i.kind === 'assistant');
		assert.ok(old?.kind === 'assistant');
		await view.send({ type: 'itemUpdated', conversationId: 'long', item: { ...old, text: 'An answer changed while it waited' } });
		await page.locator('.transcript').focus();
		await page.keyboard.press('Home');
		assert.equal(await page.locator('.transcript > [data-id]').count(), items.length, 'Home rendered every earlier item at once');
		assert.equal(await page.locator('.transcript').getAttribute('aria-busy'), 'false');
		const first = page.locator('.message.user').first();
		await until(async () => first.evaluate((el) => (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top >= 0), 'the first message at the top');
		assert.match((await first.textContent()) ?? '', /Question number 1:/);
		assert.match((await page.locator(`[data-id="${old.id}"]`).textContent()) ?? '', /An answer changed while it waited/);
	});

	it('streams 2,000 deltas into one message, re-rendering only that message', async () => {
		await view.send({ type: 'conversation', id: 'stream', title: 'Stream', items: sampleTranscript(20), state: 'running' });
		await view.settle();
		const page = view.page;
		// Tag every element that exists now; a full re-render would replace them.
		await page.evaluate(() => {
			const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ setAttribute(n: string, v: string): void }> } }).document;
			Array.from(d.querySelectorAll('.transcript > [data-id]')).forEach((el) => el.setAttribute('data-kept', '1'));
		});
		await view.send({ type: 'itemAdded', conversationId: 'stream', item: { kind: 'assistant', id: 'live', at: Date.now(), text: '', streaming: true } });
		const deltas = Array.from({ length: 2000 }, (_, i) => (i % 40 === 39 ? `word${i}\n\n` : `word${i} `));
		await page.evaluate((ds) => {
			const w = globalThis as unknown as { postMessage(m: unknown, o: string): void };
			for (const delta of ds) {
				w.postMessage({ type: 'textDelta', conversationId: 'stream', itemId: 'live', delta }, '*');
			}
		}, deltas);
		await view.settle();
		const live = page.locator('[data-id="live"]');
		const text = (await live.locator('.message-body').textContent()) ?? '';
		assert.ok(text.includes('word0') && text.includes('word1999'), 'every delta arrived, in order');
		assert.equal(await page.locator('.transcript > [data-id][data-kept="1"]').count(), await page.locator('.transcript > [data-id]').count() - 1, 'the other items were not re-rendered');
		// Remember the rendered blocks: completing the answer keeps the finished ones.
		await page.evaluate(() => {
			const d = (globalThis as unknown as { document: { querySelector(s: string): { children: ArrayLike<object> } | null } }).document;
			(globalThis as unknown as { streamedBlocks: Set<object> }).streamedBlocks = new Set(Array.from(d.querySelector('[data-id="live"] .message-body')?.children ?? []));
		});
		await view.send({ type: 'itemUpdated', conversationId: 'stream', item: { kind: 'assistant', id: 'live', at: Date.now(), text: deltas.join('') } });
		await view.settle();
		assert.doesNotMatch((await live.getAttribute('class')) ?? '', /streaming/);
		const { kept, total } = await page.evaluate(() => {
			const g = globalThis as unknown as { streamedBlocks: Set<object>; document: { querySelector(s: string): { children: ArrayLike<object> } | null } };
			const now = Array.from(g.document.querySelector('[data-id="live"] .message-body')?.children ?? []);
			return { kept: now.filter((el) => g.streamedBlocks.has(el)).length, total: now.length };
		});
		assert.ok(total >= 50 && kept === total - 1, `the finished blocks stayed, only the last was rendered again (${kept} of ${total} kept)`);
		// What stays on screen is what rendering the complete answer at once gives.
		await view.send({ type: 'itemAdded', conversationId: 'stream', item: { kind: 'assistant', id: 'whole', at: Date.now(), text: deltas.join('') } });
		await view.settle();
		assert.equal(await live.locator('.message-body').innerHTML(), await page.locator('[data-id="whole"] .message-body').innerHTML());
	});
	it('keeps the reader at the end as tall items arrive, leaves one who scrolled up in place, and brings approval buttons into view', async () => {
		const page = view.page;
		await view.send({ type: 'conversation', id: 'follow', title: 'Follow', items: sampleTranscript(40), state: 'running' });
		await view.settle();
		const transcript = page.locator('.transcript');
		const where = async (): Promise<{ fromEnd: number; top: number }> =>
			transcript.evaluate((el) => {
				const t = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
				return { fromEnd: t.scrollHeight - t.scrollTop - t.clientHeight, top: t.scrollTop };
			});
		const frames = async (): Promise<void> => {
			// Three rendering updates: an appended item is laid out for real (not at its estimated height) by then.
			await page.evaluate(
				() =>
					new Promise<void>((resolve) => {
						const w = globalThis as unknown as { requestAnimationFrame(cb: () => void): void };
						w.requestAnimationFrame(() => w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve())));
					}),
			);
		};
		const tall = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} of a long answer, long enough to wrap onto a second line in a narrow view.`).join('\n\n');
		// At the end: a tall answer, and a tall tool card replacing a short one, leave the reader at the end.
		await view.send({ type: 'itemAdded', conversationId: 'follow', item: { kind: 'assistant', id: 'tall', at: Date.now(), text: tall } });
		await frames();
		await until(async () => (await where()).fromEnd < 2, 'the end after a tall answer');
		await view.send({ type: 'itemAdded', conversationId: 'follow', item: { kind: 'tool', id: 'grow', at: Date.now(), name: 'GITHUB_LIST_ISSUES', toolkit: 'github', args: '{}', status: 'running' } });
		await view.send({ type: 'itemUpdated', conversationId: 'follow', item: { kind: 'tool', id: 'grow', at: Date.now(), name: 'GITHUB_LIST_ISSUES', toolkit: 'github', args: '{}', status: 'failed', error: tall } });
		await frames();
		await until(async () => (await where()).fromEnd < 2, 'the end after a card grew');
		// The reader scrolls up: a new answer does not move them.
		await transcript.hover();
		await page.mouse.wheel(0, -1500);
		await until(async () => (await where()).fromEnd > 1000, 'scrolled up');
		const before = (await where()).top;
		await view.send({ type: 'itemAdded', conversationId: 'follow', item: { kind: 'assistant', id: 'later', at: Date.now(), text: tall } });
		await frames();
		assert.equal((await where()).top, before, 'the reader who scrolled up stays where they are');
		// A question for them arrives below: its buttons come into view, laid out at their real size.
		await view.send({
			type: 'itemAdded',
			conversationId: 'follow',
			item: { kind: 'tool', id: 'ask', at: Date.now(), name: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', args: '{}', status: 'awaitingApproval', approval: [{ tool: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', args: JSON.stringify({ recipient_email: 'dana@acme.dev', subject: 'The build', body: tall.slice(0, 400) }) }] },
		});
		await frames();
		const buttons = page.locator('[data-id="ask"] .approval-buttons');
		await until(async () => {
			const [box, frame] = [await buttons.boundingBox(), await transcript.boundingBox()];
			return box !== null && frame !== null && box.height > 0 && box.y >= frame.y && box.y + box.height <= frame.y + frame.height;
		}, 'the approval buttons inside the transcript\'s visible box');
	});
});
