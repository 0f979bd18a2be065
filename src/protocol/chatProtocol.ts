/**
 * The chat view's message protocol, shared by the extension host and the webview.
 * Both directions are discriminated unions; the host checks everything it receives with
 * `parseWebviewMessage` before acting on it. No `vscode`, no DOM here.
 */

/** What the webview needs to know about the configuration. Never holds a key, only whether one is set. */
export interface ChatConfigState {
	/** True when the local emulator and scripted model stand in for Composio and OpenAI. */
	readonly sandbox: boolean;
	readonly hasComposioKey: boolean;
	readonly hasOpenAiKey: boolean;
}

/** Host actions the webview may ask for by name; the host maps each to a command. */
export type HostAction = 'setComposioKey' | 'setOpenAiKey' | 'openLogs';

/** Messages from the webview to the host. */
export type WebviewToHost =
	| { readonly type: 'ready' }
	| { readonly type: 'send'; readonly text: string }
	| { readonly type: 'runAction'; readonly action: HostAction };

/** Messages from the host to the webview. */
export type HostToWebview =
	| { readonly type: 'config'; readonly config: ChatConfigState }
	| { readonly type: 'reply'; readonly text: string };

/** Longest message the webview may send; anything longer is refused by the host. */
export const MAX_MESSAGE_LENGTH = 100_000;

const HOST_ACTIONS: readonly HostAction[] = ['setComposioKey', 'setOpenAiKey', 'openLogs'];

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a value received from the webview. Returns the typed message, or undefined when it is
 * not a well-formed message (unknown type, wrong field types, text over the limit).
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
	if (!isRecord(value) || typeof value.type !== 'string') {
		return undefined;
	}
	switch (value.type) {
		case 'ready':
			return { type: 'ready' };
		case 'send':
			return typeof value.text === 'string' && value.text.length <= MAX_MESSAGE_LENGTH ? { type: 'send', text: value.text } : undefined;
		case 'runAction': {
			const action = HOST_ACTIONS.find((a) => a === value.action);
			return action ? { type: 'runAction', action } : undefined;
		}
		default:
			return undefined;
	}
}
