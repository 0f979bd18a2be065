import * as vscode from 'vscode';
import { Emitter, type Event } from '../../common/emitter';
import { SECRET_STORAGE_KEYS, type SecretStore } from '../../common/secrets';

/** The settings that say where requests go (with the API keys and the user id): a change to any of them ends a generation. */
const ENDPOINT_SETTINGS = ['composio.baseUrl', 'composio.sandbox', 'composio.openai.baseUrl'] as const;

/**
 * The "generations" of the settings requests are made under: the Composio and OpenAI API keys,
 * the endpoints, sandbox or live mode, and the workspace's user id. Each generation has a signal;
 * the moment one of those changes (synchronously, in the change event itself, before anything
 * else can send a request with them) the signal aborts, `onDidEnd` fires, and a new generation
 * begins. Clients built under a generation stop with it (common/settingsGeneration.ts).
 */
export class SettingsGenerations implements vscode.Disposable {
	private controller = new AbortController();
	private readonly ended = new Emitter<void>();
	/** Fires right after a generation ended (its signal has aborted). */
	readonly onDidEnd: Event<void> = this.ended.event;
	private readonly subscriptions: Array<{ dispose(): void }> = [];

	constructor(secrets: SecretStore, userIds: { readonly onDidChange: Event<unknown> }) {
		this.subscriptions.push(
			vscode.workspace.onDidChangeConfiguration((e) => {
				if (ENDPOINT_SETTINGS.some((setting) => e.affectsConfiguration(setting))) {
					this.end('an endpoint or the mode changed');
				}
			}),
		);
		const apiKeys = new Set(Object.values(SECRET_STORAGE_KEYS));
		this.subscriptions.push(secrets.onDidChange((key) => apiKeys.has(key) && this.end('an API key changed')));
		this.subscriptions.push(userIds.onDidChange(() => this.end('the user id changed')));
	}

	/** The current generation's signal: aborts when these settings are over. */
	get signal(): AbortSignal {
		return this.controller.signal;
	}

	/** Ends the current generation now and starts the next. */
	end(reason: string): void {
		const ending = this.controller;
		this.controller = new AbortController();
		ending.abort(new Error(`The settings changed: ${reason}.`));
		this.ended.fire();
	}

	dispose(): void {
		for (const s of this.subscriptions.splice(0)) {
			s.dispose();
		}
		this.controller.abort(new Error('The extension was deactivated.'));
		this.ended.dispose();
	}
}
