import type { Disposable } from './disposable';

/** A typed event: subscribe with a listener, unsubscribe by disposing. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** Fires events to its listeners, in subscription order. A throwing listener does not stop the others. */
export class Emitter<T> implements Disposable {
	private listeners = new Set<(e: T) => void>();

	readonly event: Event<T> = (listener) => {
		this.listeners.add(listener);
		return { dispose: () => this.listeners.delete(listener) };
	};

	fire(e: T): void {
		for (const l of [...this.listeners]) {
			try {
				l(e);
			} catch (err) {
				console.error(err);
			}
		}
	}

	dispose(): void {
		this.listeners.clear();
	}
}
