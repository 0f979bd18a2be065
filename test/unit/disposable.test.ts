import assert from 'node:assert/strict';
import { DisposableBase, toDisposable } from '../../src/common/disposable';
import { Emitter } from '../../src/common/emitter';

class Owner extends DisposableBase {
	register(fn: () => void) {
		return this._register(toDisposable(fn));
	}
}

describe('Disposables and events', () => {
	it('disposes what it registered, last first, once', () => {
		const order: string[] = [];
		const owner = new Owner();
		owner.register(() => order.push('a'));
		owner.register(() => order.push('b'));
		owner.dispose();
		owner.dispose();
		assert.deepEqual(order, ['b', 'a']);
	});

	it('disposes at once what is registered after disposal', () => {
		const owner = new Owner();
		owner.dispose();
		let disposed = false;
		owner.register(() => (disposed = true));
		assert.equal(disposed, true);
	});

	it('delivers events until the listener is disposed', () => {
		const emitter = new Emitter<number>();
		const seen: number[] = [];
		const sub = emitter.event((n) => seen.push(n));
		emitter.fire(1);
		sub.dispose();
		emitter.fire(2);
		assert.deepEqual(seen, [1]);
	});
});
