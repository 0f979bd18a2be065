import type { Event } from './emitter';

/** The secrets the extension keeps. Typed names so no call site can misspell one. */
export type SecretName = 'composioApiKey' | 'openAiApiKey';

/** Where a secret's value came from: the editor's secret storage, the environment, or nowhere. */
export type SecretSource = 'stored' | 'env' | 'none';

/** Where each secret is kept in the editor's secret storage (what `onDidChange` names). */
export const SECRET_STORAGE_KEYS: Readonly<Record<SecretName, string>> = {
	composioApiKey: 'composio.apiKey',
	openAiApiKey: 'composio.openai.apiKey',
};

/** Environment variables consulted when nothing is stored. */
export const SECRET_ENV_FALLBACK: Readonly<Record<SecretName, string>> = {
	composioApiKey: 'COMPOSIO_API_KEY',
	openAiApiKey: 'OPENAI_API_KEY',
};

/**
 * Keeps API keys and other secrets. The only thing in the extension that touches the
 * editor's secret storage; values never travel to settings, logs or the webview.
 */
export interface SecretStore {
	/** The stored value, else the environment fallback, else undefined. */
	get(name: SecretName): Promise<string | undefined>;
	/** Where `get` would take the value from. */
	source(name: SecretName): Promise<SecretSource>;
	set(name: SecretName, value: string): Promise<void>;
	delete(name: SecretName): Promise<void>;
	/** Raw access for other namespaced secrets (e.g. per-workspace user ids). */
	getRaw(key: string): Promise<string | undefined>;
	setRaw(key: string, value: string): Promise<void>;
	deleteRaw(key: string): Promise<void>;
	/** Fires after a secret changes, in this window or another, with its storage key (see SECRET_STORAGE_KEYS; raw keys as given). */
	readonly onDidChange: Event<string>;
}
