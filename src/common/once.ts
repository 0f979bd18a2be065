/**
 * Wraps an async load so it runs the first time its result is asked for and every caller shares
 * that one promise. A load that fails is forgotten, so the next call tries again (a bundle that
 * could not be read, a server that could not start).
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
	let pending: Promise<T> | undefined;
	return () => {
		pending ??= load().catch((e: unknown) => {
			pending = undefined;
			throw e;
		});
		return pending;
	};
}
