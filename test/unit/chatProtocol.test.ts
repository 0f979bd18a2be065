import assert from 'node:assert/strict';
import { MAX_CONTEXTS, MAX_MESSAGE_LENGTH, parseWebviewMessage } from '../../src/protocol/chatProtocol';

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
