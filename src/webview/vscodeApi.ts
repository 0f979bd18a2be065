import type { WebviewToHost } from '../protocol/chatProtocol';

interface VsCodeApi {
	postMessage(message: WebviewToHost): void;
	getState(): unknown;
	setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's one handle on the host; acquireVsCodeApi may be called only once per document. */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
