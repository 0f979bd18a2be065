/**
 * Requests that end with the settings they were made under. A client built for one API key and
 * endpoint is tied to an AbortSignal that aborts when those settings change (a "generation").
 * `fetchUntil` makes a fetch that joins every request to that signal and refuses to start one
 * once it has aborted; `endWithGeneration` fits an SDK HTTP client (the Composio and openai
 * clients share the same generated core) so that each request's own signal follows the
 * generation too, which makes the SDK give up at once instead of retrying.
 */

/** The error a refused or aborted request fails with: an AbortError, as fetch's own. */
export function generationEndedError(signal: AbortSignal): Error {
	return Object.assign(new Error('Request was aborted.', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A fetch that joins each request to `signal` and, once it has aborted, sends nothing (rejects with an AbortError). */
export function fetchUntil(signal: AbortSignal, base: Fetch = (input, init) => globalThis.fetch(input, init)): Fetch {
	return (input, init) => {
		if (signal.aborted) {
			return Promise.reject(generationEndedError(signal));
		}
		// A child per request: a listener on a long-lived signal per request would pile up.
		const joined = init?.signal ? AbortSignal.any([init.signal, signal]) : AbortSignal.any([signal]);
		return base(input, { ...init, signal: joined });
	};
}

/** The parts of a generated SDK HTTP client (Composio's and openai's) this fits; both are public at run time. */
interface SdkHttpClient {
	fetch: Fetch;
	prepareOptions(options: { signal?: AbortSignal | null | undefined }): Promise<void>;
}

/**
 * Ties an SDK HTTP client to `signal`: its fetch goes through `fetchUntil`, and every request's
 * options carry a signal that follows `signal`, so when it aborts the SDK throws its own
 * user-abort error, in flight or between retries, and does not retry.
 */
export function endWithGeneration(client: object, signal: AbortSignal): void {
	const http = client as SdkHttpClient;
	if (typeof http.prepareOptions !== 'function' || typeof http.fetch !== 'function') {
		throw new Error('The SDK client does not have the fetch and prepareOptions it used to have.');
	}
	const prepare = http.prepareOptions.bind(client);
	http.fetch = fetchUntil(signal, http.fetch);
	http.prepareOptions = async (options) => {
		options.signal = options.signal ? AbortSignal.any([options.signal, signal]) : AbortSignal.any([signal]);
		await prepare(options);
	};
}
