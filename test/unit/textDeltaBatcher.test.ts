/**
 * Streamed text reaches the chat view in fewer messages (src/vscode/chatView/textDeltaBatcher.ts),
 * on a simulated clock: the first delta at once, the ones within a frame's time joined, and
 * every other message after the text held before it.
 */
import assert from 'node:assert/strict';
import type { HostToWebview } from '../../src/protocol/chatProtocol';
import { DELTA_BATCH_MS, TextDeltaBatcher } from '../../src/vscode/chatView/textDeltaBatcher';
import { FakeClock } from '../shared/fakeClock';

const delta = (itemId: string, text: string): HostToWebview => ({ type: 'textDelta', conversationId: 'c', itemId, delta: text });
const shown = (sent: HostToWebview[]): string[] => sent.map((m) => (m.type === 'textDelta' ? `${m.itemId}:${m.delta}` : m.type));

describe('TextDeltaBatcher', () => {
	it('sends the first delta at once and joins those within a frame, flushing them at its end', async () => {
		const clock = new FakeClock();
		const sent: HostToWebview[] = [];
		const batcher = new TextDeltaBatcher((m) => sent.push(m), clock);
		batcher.post(delta('a', 'Hello'));
		assert.deepEqual(shown(sent), ['a:Hello'], 'the first words show without waiting');
		batcher.post(delta('a', ' wor'));
		batcher.post(delta('a', 'ld'));
		assert.deepEqual(shown(sent), ['a:Hello'], 'held within the frame');
		await clock.advance(DELTA_BATCH_MS);
		assert.deepEqual(shown(sent), ['a:Hello', 'a: world'], 'joined, at the frame’s end');
		for (let i = 0; i < 10; i++) {
			batcher.post(delta('a', `${i}`));
			await clock.advance(2);
		}
		await clock.advance(DELTA_BATCH_MS);
		assert.equal(sent.length, 4, 'ten deltas 2 ms apart in two messages');
		assert.equal(sent.map((m) => (m.type === 'textDelta' ? m.delta : '')).join(''), 'Hello world0123456789', 'nothing lost, in order');
		batcher.dispose();
	});

	it('sends what it holds before any other message, and before a delta of another item', async () => {
		const clock = new FakeClock();
		const sent: HostToWebview[] = [];
		const batcher = new TextDeltaBatcher((m) => sent.push(m), clock);
		batcher.post(delta('a', 'one'));
		batcher.post(delta('a', ' two'));
		batcher.post({ type: 'turnState', conversationId: 'c', state: 'idle' });
		assert.deepEqual(shown(sent), ['a:one', 'a: two', 'turnState']);
		await clock.advance(1);
		batcher.post(delta('a', 'x'));
		batcher.post(delta('b', 'y'));
		batcher.flush();
		assert.deepEqual(shown(sent).slice(3), ['a:x', 'b:y']);
		await clock.advance(DELTA_BATCH_MS * 2);
		assert.equal(sent.length, 5, 'a flushed timer sends nothing more');
		batcher.post(delta('b', 'z'));
		batcher.post(delta('b', 'held'));
		batcher.discard();
		await clock.advance(DELTA_BATCH_MS * 2);
		assert.deepEqual(shown(sent).slice(5), ['b:z'], 'discarded text (a snapshot has it) is not sent after');
		batcher.dispose();
	});
});
