import * as vscode from 'vscode';
import { DisposableBase } from '../../common/disposable';
import type { Event } from '../../common/emitter';
import type { SecretStore } from '../../common/secrets';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import type { ChatConfigState } from '../../protocol/chatProtocol';
import { ContextKeys } from './commandIds';

/** What the context keys are computed from. */
export interface ContextKeyDeps {
	readonly model: ConnectionsModel;
	readonly secrets: SecretStore;
	config(): Promise<ChatConfigState>;
	readonly onDidChangeEnvironment: Event<void>;
}

/** Keeps the `composio.*` context keys used by `when` clauses (commands, menus, welcome views, the walkthrough) current. */
export class ContextKeyUpdater extends DisposableBase {
	private readonly values = new Map<string, boolean>();
	private updating: Promise<void> = Promise.resolve();

	constructor(private readonly deps: ContextKeyDeps) {
		super();
		this._register(deps.model.onDidChange(() => void this.update()));
		this._register(deps.onDidChangeEnvironment(() => void this.update()));
		void this.update();
	}

	/** The value last set for a key (for tests). */
	get(key: string): boolean | undefined {
		return this.values.get(key);
	}

	/** Recomputes every key; updates never interleave. */
	update(): Promise<void> {
		this.updating = this.updating.then(() => this.compute()).catch(() => undefined);
		return this.updating;
	}

	private async compute(): Promise<void> {
		const [config, composio, openAi] = await Promise.all([this.deps.config(), this.deps.secrets.source('composioApiKey'), this.deps.secrets.source('openAiApiKey')]);
		const { model } = this.deps;
		const loaded = model.state.kind === 'loaded';
		await Promise.all([
			this.set(ContextKeys.sandbox, config.sandbox),
			this.set(ContextKeys.keyMissing, config.missing === 'composioKey'),
			this.set(ContextKeys.hasStoredKey, composio === 'stored' || openAi === 'stored'),
			this.set(ContextKeys.connectionsLoaded, loaded),
			this.set(ContextKeys.hasConnections, loaded && model.accounts.length > 0),
			this.set(ContextKeys.connectionWaiting, model.pending.length > 0),
		]);
	}

	private async set(key: string, value: boolean): Promise<void> {
		if (this.values.get(key) === value || this.isDisposed) {
			return;
		}
		this.values.set(key, value);
		await vscode.commands.executeCommand('setContext', key, value);
	}
}
