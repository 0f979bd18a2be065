/**
 * The queue of one behind the conversation store's writes: operations never overlap, the newest
 * replaces the ones not yet started, and a failure rejects only its own waiters.
 */
import assert from 'node:assert/strict';
import { CoalescingQueue } from '../../src/agent/coalescingQueue';
import { RecordingLogger } from './fakes/recordingLogger';

/** A run that blocks each operation until the test releases it. */
function gatedRun(): { ran: string[]; release: () => void; run: (op: string) => Promise<void> } {
	const ran: string[] = [];
	let gates: Array<() => void> = [];
	return {
		ran,
		release: () => {
			const open = gates;
			gates = [];
			for (const g of open) {
				g();
			}
		},
		run: async (op) => {
			ran.push(`start ${op}`);
			await new Promise<void>((resolve) => gates.push(resolve));
			ran.push(`end ${op}`);
		},
	};
}

/** Lets pending promise callbacks run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingQueue', () => {
	it('runs one operation at a time, and of those scheduled meanwhile only the newest, resolving all their waiters', async () => {
		const gated = gatedRun();
		const queue = new CoalescingQueue<string>(gated.run, { what: 'Testing', logger: new RecordingLogger() });
		const first = queue.schedule('a');
		assert.equal(queue.isRunning, true);
		const second = queue.schedule('b');
		const third = queue.schedule('c');
		await tick();
		gated.release();
		await first;
		await tick();
		gated.release();
		await Promise.all([second, third]);
		assert.deepEqual(gated.ran, ['start a', 'end a', 'start c', 'end c']);
		assert.equal(queue.isRunning, false);
	});

	it('settles at once when idle, and otherwise after the last operation and onIdle', async () => {
		const gated = gatedRun();
		const order: string[] = [];
		const queue = new CoalescingQueue<string>(gated.run, { what: 'Testing', logger: new RecordingLogger(), onIdle: () => order.push('idle') });
		await queue.settled();
		void queue.schedule('a');
		const settled = queue.settled().then(() => order.push('settled'));
		await tick();
		gated.release();
		await settled;
		assert.deepEqual(order, ['idle', 'settled']);
	});

	it('rejects the waiters of a failed operation, logs it, and goes on with the next', async () => {
		const logger = new RecordingLogger();
		const queue = new CoalescingQueue<string>(
			async (op) => {
				await tick();
				if (op === 'bad') {
					throw new Error('disk full');
				}
			},
			{ what: 'Saving it', logger },
		);
		const bad = queue.schedule('bad');
		await assert.rejects(bad, /disk full/);
		await queue.schedule('good');
		assert.deepEqual(logger.warnings(), ['[error] Saving it failed: disk full']);
	});
});
