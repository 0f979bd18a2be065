import assert from 'node:assert/strict';
import { CONVERSATION_NEWEST_ITEMS, conversationMessages, EARLIER_ITEMS_PER_MESSAGE, type HostToWebview, MAX_CONTEXTS, MAX_MESSAGE_LENGTH, parseWebviewMessage } from '../../src/protocol/chatProtocol';
import type { TranscriptItem } from '../../src/protocol/transcript';

const ctx = { path: 'src/a.ts', languageId: 'typescript', startLine: 3, endLine: 9, text: 'const a = 1;' };

describe('parseWebviewMessage', () => {
	it('accepts the well-formed messages', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', context: [] }), { type: 'send', text: 'hi', context: [] });
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi', context: [] }, 'context defaults to none');
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', context: [ctx] }), { type: 'send', text: 'hi', context: [ctx] });
		assert.deepEqual(parseWebviewMessage({ type: 'runAction', action: 'setComposioKey' }), { type: 'runAction', action: 'setComposioKey' });
		assert.deepEqual(parseWebviewMessage({ type: 'connect', itemId: 'a1' }), { type: 'connect', itemId: 'a1' });
		assert.deepEqual(parseWebviewMessage({ type: 'openLink', url: 'https://x.dev' }), { type: 'openLink', url: 'https://x.dev' });
		assert.deepEqual(parseWebviewMessage({ type: 'insertCode', code: 'x', language: 'ts' }), { type: 'insertCode', code: 'x', language: 'ts' });
		for (const type of ['cancel', 'newChat', 'listHistory']) {
			assert.deepEqual(parseWebviewMessage({ type }), { type });
		}
	});

	it('drops fields it does not know', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', html: '<b>' }), { type: 'send', text: 'hi', context: [] });
		assert.deepEqual(parseWebviewMessage({ type: 'connect', itemId: 'a1', url: 'javascript:alert(1)' }), { type: 'connect', itemId: 'a1' });
	});

	it('refuses anything else', () => {
		for (const bad of [
			undefined,
			null,
			'ready',
			42,
			[],
			{},
			{ type: 'unknown' },
			{ type: 'send' },
			{ type: 'send', text: 7 },
			{ type: 'send', text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) },
			{ type: 'send', text: 'x', context: 'file' },
			{ type: 'send', text: 'x', context: [{ path: 'a' }] },
			{ type: 'send', text: 'x', context: [{ ...ctx, startLine: 0 }] },
			{ type: 'send', text: 'x', context: Array.from({ length: MAX_CONTEXTS + 1 }, () => ctx) },
			{ type: 'runAction', action: 'workbench.action.terminal.new' },
			{ type: 'runAction' },
			{ type: 'connect' },
			{ type: 'openLink', url: 5 },
			{ type: 'openConversation', id: {} },
		]) {
			assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60));
		}
	});
});

describe('conversationMessages', () => {
	const items = (n: number): TranscriptItem[] => Array.from({ length: n }, (_, i) => ({ kind: 'user', id: `i${i}`, at: i, text: `${i}` }));
	const conversation = (n: number) => ({ id: 'c', title: 'C', items: items(n), state: 'idle' as const });
	/** The items the messages carry, in conversation order, as the view puts them together. */
	const reassembled = (messages: HostToWebview[]): string[] => {
		let ids: string[] = [];
		for (const m of messages) {
			if (m.type === 'conversation') {
				ids = m.items.map((i) => i.id);
			} else if (m.type === 'earlierItems') {
				ids = [...m.items.map((i) => i.id), ...ids];
			}
		}
		return ids;
	};

	it('sends a short conversation whole in one message', () => {
		assert.deepEqual(conversationMessages(conversation(0)), [{ type: 'conversation', id: 'c', title: 'C', items: [], state: 'idle', earlier: 0 }]);
		const messages = conversationMessages(conversation(CONVERSATION_NEWEST_ITEMS));
		assert.equal(messages.length, 1);
		assert.deepEqual(reassembled(messages), items(CONVERSATION_NEWEST_ITEMS).map((i) => i.id));
	});

	it('sends a long one newest first: its newest items, then the earlier ones in chunks, each saying how many are still to come', () => {
		const n = 12_345;
		const [first, ...rest] = conversationMessages(conversation(n));
		assert.ok(first?.type === 'conversation');
		assert.deepEqual(first.items.map((i) => i.id), items(n).slice(-CONVERSATION_NEWEST_ITEMS).map((i) => i.id));
		assert.equal(first.earlier, n - CONVERSATION_NEWEST_ITEMS);
		assert.equal(rest.length, Math.ceil((n - CONVERSATION_NEWEST_ITEMS) / EARLIER_ITEMS_PER_MESSAGE));
		let before = first.earlier;
		for (const m of rest) {
			assert.ok(m.type === 'earlierItems' && m.conversationId === 'c');
			assert.ok(m.items.length > 0 && m.items.length <= EARLIER_ITEMS_PER_MESSAGE);
			assert.equal(m.remaining, before - m.items.length, 'the earlier ones still to come');
			assert.equal(m.items[m.items.length - 1]?.id, `i${before - 1}`, 'right before the earliest sent so far');
			before = m.remaining;
		}
		assert.equal(before, 0);
		assert.deepEqual(reassembled([first, ...rest]), items(n).map((i) => i.id));
	});
});
