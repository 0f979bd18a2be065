/** Anything that holds a resource until disposed. Structurally compatible with vscode.Disposable. */
export interface Disposable {
	dispose(): void;
}

/** Wraps a function as a Disposable that runs it at most once. */
export function toDisposable(fn: () => void): Disposable {
	let done = false;
	return {
		dispose() {
			if (!done) {
				done = true;
				fn();
			}
		},
	};
}

/**
 * Base class for owners of resources: everything `_register`ed is disposed with it, last
 * registered first. Registering on a disposed object disposes the resource at once.
 */
export abstract class DisposableBase implements Disposable {
	private readonly _toDispose: Disposable[] = [];
	private _isDisposed = false;

	protected get isDisposed(): boolean {
		return this._isDisposed;
	}

	protected _register<T extends Disposable>(d: T): T {
		if (this._isDisposed) {
			d.dispose();
		} else {
			this._toDispose.push(d);
		}
		return d;
	}

	dispose(): void {
		if (this._isDisposed) {
			return;
		}
		this._isDisposed = true;
		const errors: unknown[] = [];
		for (const d of this._toDispose.splice(0).reverse()) {
			try {
				d.dispose();
			} catch (e) {
				errors.push(e);
			}
		}
		if (errors.length > 0) {
			throw errors[0];
		}
	}
}
