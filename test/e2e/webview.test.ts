import assert from 'node:assert/strict';
import { conversationMessages, type HostPacket } from '../../src/protocol/chatProtocol';
import type { TranscriptItem } from '../../src/protocol/transcript';
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

	/** Opens a conversation as the host sends it (the newest items, then the earlier ones in chunks) and waits until it has all arrived. */
	const open = async (id: string, items: TranscriptItem[]): Promise<void> => {
		for (const message of conversationMessages({ id, title: id, items, state: 'idle' })) {
			await view.send(message);
		}
		await view.settle();
	};
	/** Items in the DOM, and where one is against the transcript's visible box (undefined: not in the DOM). */
	const rendered = async (): Promise<number> => view.page.locator('.transcript > [data-id]').count();
	const onScreen = async (selector: string): Promise<boolean> =>
		view.page.evaluate((sel) => {
			const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number } } | null } }).document;
			const el = d.querySelector(sel);
			const frame = d.querySelector('.transcript');
			if (!el || !frame) {
				return false;
			}
			const [r, f] = [el.getBoundingClientRect(), frame.getBoundingClientRect()];
			return r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
		}, selector);

	it('opens a 1,000-message conversation at its end with only the items near the view in the DOM, and the wheel scrolls to its start', async () => {
		const items = sampleTranscript(1000);
		await open('big', items);
		const page = view.page;
		const newest = items[items.length - 1];
		assert.ok(newest);
		assert.match((await page.locator(`[data-id="${newest.id}"]`).textContent()) ?? '', /answer 500/);
		assert.ok(await onScreen(`[data-id="${newest.id}"]`), 'the newest message is on screen');
		const atOpen = await rendered();
		assert.ok(atOpen > 0 && atOpen <= 60, `only the items near the view are in the DOM (${atOpen} of ${items.length})`);
		assert.equal(await page.locator('.transcript').getAttribute('aria-busy'), 'false');
		assert.equal(await page.locator('.transcript-pending:not([aria-hidden="true"])').count(), 0, 'the stand-ins for the others are hidden from assistive technology');
		// The user scrolls all the way up with the wheel.
		await page.locator('.transcript').hover();
		await until(async () => {
			await page.mouse.wheel(0, -20_000);
			return onScreen('[data-id="i0"]');
		}, 'the first message after scrolling up');
		assert.match((await page.locator('[data-id="i0"]').textContent()) ?? '', /Question number 1:/);
		const atStart = await rendered();
		assert.ok(atStart <= 80, `items far from the view left the DOM (${atStart} in it)`);
		assert.equal(await page.locator(`[data-id="${newest.id}"]`).count(), 0, 'the newest message is out of the DOM while the reader is at the start');
	});

	it('opening 10,000 messages renders the newest at once and the rest as the reader goes there: Home shows the first, End the newest', async () => {
		const items = sampleTranscript(10_000);
		const page = view.page;
		const [first, ...rest] = conversationMessages({ id: 'long', title: 'Long', items, state: 'idle' });
		// Delivered in the page's own task, so what is rendered before the first paint can be read.
		const before = await page.evaluate((message) => {
			const w = globalThis as unknown as { dispatchEvent(e: unknown): void; MessageEvent: new (type: string, init: { data: unknown }) => unknown; document: { querySelector(s: string): { getAttribute(n: string): string | null } | null; querySelectorAll(s: string): ArrayLike<unknown> } };
			w.dispatchEvent(new w.MessageEvent('message', { data: message }));
			return { rendered: w.document.querySelectorAll('.transcript > [data-id]').length, busy: w.document.querySelector('.transcript')?.getAttribute('aria-busy') };
		}, first);
		assert.ok(before.rendered > 0 && before.rendered <= 20, `only the newest items before the first paint (${before.rendered})`);
		assert.equal(before.busy, 'true', 'the transcript says it is still loading');
		for (const message of rest) {
			await view.send(message);
		}
		await view.settle();
		assert.equal(await page.locator('.transcript').getAttribute('aria-busy'), 'false', 'not busy once the host sent everything');
		// An item not rendered changes: it shows changed once it is in.
		const old = items.find((i) => i.kind === 'assistant');
		assert.ok(old?.kind === 'assistant');
		assert.equal(await page.locator(`[data-id="${old.id}"]`).count(), 0);
		await view.send({ type: 'itemUpdated', conversationId: 'long', item: { ...old, text: 'An answer changed while it waited' } });
		// Home on the transcript goes to the first message.
		await page.locator('.transcript').focus();
		await page.keyboard.press('Home');
		await until(async () => onScreen('[data-id="i0"]'), 'the first message at the top');
		assert.match((await page.locator('[data-id="i0"]').textContent()) ?? '', /Question number 1:/);
		assert.match((await page.locator(`[data-id="${old.id}"]`).textContent()) ?? '', /An answer changed while it waited/);
		assert.ok((await rendered()) <= 80, `a bounded number of items in the DOM (${await rendered()})`);
		// End goes back to the newest.
		const newest = items[items.length - 1];
		assert.ok(newest);
		await page.keyboard.press('End');
		await until(async () => onScreen(`[data-id="${newest.id}"]`), 'the newest message on screen after End');
		assert.ok((await rendered()) <= 80, `a bounded number of items in the DOM (${await rendered()})`);
	});

	it('keeps a focused item in the DOM while the reader is far from it, and a tool card opened by the reader open when it comes back', async () => {
		const items = sampleTranscript(2000);
		await open('keep', items);
		const page = view.page;
		const cards = page.locator('.transcript > details.tool-card');
		const [focusedId, openedId] = [await cards.last().getAttribute('data-id'), await cards.nth(-2).getAttribute('data-id')];
		assert.ok(focusedId && openedId);
		// The reader opens one card, then moves focus to another one's summary with the keyboard.
		await page.locator(`[data-id="${openedId}"] > summary`).click();
		assert.equal(await page.locator(`[data-id="${openedId}"]`).getAttribute('open'), '');
		await page.locator(`[data-id="${focusedId}"] > summary`).focus();
		await page.keyboard.press('Home');
		await until(async () => onScreen('[data-id="i0"]'), 'the first message at the top');
		await until(async () => (await page.locator(`[data-id="${openedId}"]`).count()) === 0, 'the opened card out of the DOM');
		assert.equal(await page.locator(`[data-id="${focusedId}"]`).count(), 1, 'the focused card stays in the DOM');
		assert.equal(await page.locator(`[data-id="${focusedId}"] > summary`).evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement), true, 'and keeps the focus');
		await page.keyboard.press('End');
		await until(async () => (await page.locator(`[data-id="${openedId}"]`).count()) === 1, 'the opened card back in the DOM');
		assert.equal(await page.locator(`[data-id="${openedId}"]`).getAttribute('open'), '', 'the card the reader opened is open again');
		const order = await page.locator('.transcript > [data-id]').evaluateAll((els) => els.map((el) => Number((el as unknown as { dataset: { id: string } }).dataset.id.slice(1))));
		assert.deepEqual(order, [...order].sort((a, b) => a - b), 'the items in the DOM are in the conversation\'s order');
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
		const streamed = await live.locator('.message-body').innerHTML();
		await view.send({ type: 'itemAdded', conversationId: 'stream', item: { kind: 'assistant', id: 'whole', at: Date.now(), text: deltas.join('') } });
		await view.settle();
		assert.equal(streamed, await page.locator('[data-id="whole"] .message-body').innerHTML());
	});
	it('handles the messages of a batch in order, in the task that delivers it: an answer\'s end shows with the turn idle at once', async () => {
		await view.send({ type: 'conversation', id: 'batch', title: 'Batch', items: sampleTranscript(6), state: 'running' });
		await view.settle();
		const answer = 'The **build** passed.\n\n- 3 tests fixed\n- 1 skipped';
		const batch: HostPacket = {
			type: 'batch',
			messages: [
				{ type: 'itemAdded', conversationId: 'batch', item: { kind: 'assistant', id: 'end', at: Date.now(), text: 'The **build**', streaming: true } },
				{ type: 'textDelta', conversationId: 'batch', itemId: 'end', delta: answer.slice('The **build**'.length) },
				{ type: 'itemUpdated', conversationId: 'batch', item: { kind: 'assistant', id: 'end', at: Date.now(), text: answer } },
				{ type: 'turnState', conversationId: 'batch', state: 'idle' },
			],
		};
		// Dispatched synchronously: what the view shows right after is what that one task did.
		const seen = await view.page.evaluate((packet) => {
			const w = globalThis as unknown as { dispatchEvent(e: unknown): void; MessageEvent: new (type: string, init: { data: unknown }) => unknown; document: { querySelector(s: string): { textContent: string | null; getAttribute(n: string): string | null; dataset: Record<string, string | undefined> } | null } };
			w.dispatchEvent(new w.MessageEvent('message', { data: packet }));
			const el = w.document.querySelector('[data-id="end"]');
			return { text: el?.textContent ?? '', busy: el?.getAttribute('aria-busy'), turn: w.document.querySelector('#app')?.dataset.turn };
		}, batch as unknown);
		assert.match(seen.text, /The build passed\.\s*3 tests fixed\s*1 skipped/);
		assert.equal(seen.busy, 'false', 'the answer is complete');
		assert.equal(seen.turn, 'idle', 'and the turn over, in the same task');
		await view.settle();
		assert.equal(await view.page.locator('[data-id="end"] li').count(), 2);
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
			// To the pixel: the transcript scrolls by whole pixels, and items are laid out at fractions of one.
			return box !== null && frame !== null && box.height > 0 && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1;
		}, 'the approval buttons inside the transcript\'s visible box');
	});
});
