import type * as vscode from 'vscode';
import { Emitter } from '../../common/emitter';
import { SECRET_ENV_FALLBACK, SECRET_STORAGE_KEYS as STORAGE_KEYS, type SecretName, type SecretSource, type SecretStore } from '../../common/secrets';

/** SecretStore over VS Code's SecretStorage, with environment variables as the fallback. */
export class VsCodeSecretStore implements SecretStore, vscode.Disposable {
	private readonly changeEmitter = new Emitter<string>();
	readonly onDidChange = this.changeEmitter.event;
	private readonly subscription: vscode.Disposable;

	constructor(
		private readonly storage: vscode.SecretStorage,
		private readonly env: NodeJS.ProcessEnv = process.env,
	) {
		this.subscription = storage.onDidChange((e) => this.changeEmitter.fire(e.key));
	}

	async get(name: SecretName): Promise<string | undefined> {
		const stored = await this.storage.get(STORAGE_KEYS[name]);
		if (stored) {
			return stored;
		}
		const fromEnv = this.env[SECRET_ENV_FALLBACK[name]]?.trim();
		return fromEnv ? fromEnv : undefined;
	}

	async source(name: SecretName): Promise<SecretSource> {
		if (await this.storage.get(STORAGE_KEYS[name])) {
			return 'stored';
		}
		return this.env[SECRET_ENV_FALLBACK[name]]?.trim() ? 'env' : 'none';
	}

	set(name: SecretName, value: string): Promise<void> {
		return Promise.resolve(this.storage.store(STORAGE_KEYS[name], value));
	}

	delete(name: SecretName): Promise<void> {
		return Promise.resolve(this.storage.delete(STORAGE_KEYS[name]));
	}

	getRaw(key: string): Promise<string | undefined> {
		return Promise.resolve(this.storage.get(key));
	}

	setRaw(key: string, value: string): Promise<void> {
		return Promise.resolve(this.storage.store(key, value));
	}

	deleteRaw(key: string): Promise<void> {
		return Promise.resolve(this.storage.delete(key));
	}

	dispose(): void {
		this.subscription.dispose();
		this.changeEmitter.dispose();
	}
}
