import assert from 'node:assert/strict';
import { MAX_MESSAGE_LENGTH, parseWebviewMessage } from '../../src/protocol/chatProtocol';

describe('parseWebviewMessage', () => {
	it('accepts the well-formed messages', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi' });
		assert.deepEqual(parseWebviewMessage({ type: 'runAction', action: 'setComposioKey' }), { type: 'runAction', action: 'setComposioKey' });
	});

	it('drops fields it does not know', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', html: '<b>' }), { type: 'send', text: 'hi' });
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
			{ type: 'runAction', action: 'workbench.action.terminal.new' },
			{ type: 'runAction' },
		]) {
			assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60));
		}
	});
});
