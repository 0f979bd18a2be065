import type * as vscode from 'vscode';
import { Emitter } from '../../common/emitter';
import { SECRET_ENV_FALLBACK, SECRET_STORAGE_KEYS as STORAGE_KEYS, type SecretName, type SecretSource, type SecretStore } from '../../common/secrets';

/**
 * SecretStore over VS Code's SecretStorage, with environment variables as the fallback. What was
 * read is kept in memory until SecretStorage says the key changed (here or in another window) or
 * this store writes it: every turn reads the keys, and each read of SecretStorage is a round trip
 * out of the extension host (to the browser, in VS Code for the Web and code-server).
 */
export class VsCodeSecretStore implements SecretStore, vscode.Disposable {
	private readonly changeEmitter = new Emitter<string>();
	readonly onDidChange = this.changeEmitter.event;
	private readonly subscription: vscode.Disposable;
	/** Reads by storage key, shared while in flight; dropped on a change of the key. */
	private readonly reads = new Map<string, Promise<string | undefined>>();

	constructor(
		private readonly storage: vscode.SecretStorage,
		private readonly env: NodeJS.ProcessEnv = process.env,
	) {
		this.subscription = storage.onDidChange((e) => {
			this.reads.delete(e.key);
			this.changeEmitter.fire(e.key);
		});
	}

	async get(name: SecretName): Promise<string | undefined> {
		const stored = await this.read(STORAGE_KEYS[name]);
		if (stored) {
			return stored;
		}
		const fromEnv = this.env[SECRET_ENV_FALLBACK[name]]?.trim();
		return fromEnv ? fromEnv : undefined;
	}

	async source(name: SecretName): Promise<SecretSource> {
		if (await this.read(STORAGE_KEYS[name])) {
			return 'stored';
		}
		return this.env[SECRET_ENV_FALLBACK[name]]?.trim() ? 'env' : 'none';
	}

	set(name: SecretName, value: string): Promise<void> {
		return this.setRaw(STORAGE_KEYS[name], value);
	}

	delete(name: SecretName): Promise<void> {
		return this.deleteRaw(STORAGE_KEYS[name]);
	}

	getRaw(key: string): Promise<string | undefined> {
		return this.read(key);
	}

	async setRaw(key: string, value: string): Promise<void> {
		this.reads.delete(key);
		try {
			await this.storage.store(key, value);
		} finally {
			this.reads.delete(key);
		}
	}

	async deleteRaw(key: string): Promise<void> {
		this.reads.delete(key);
		try {
			await this.storage.delete(key);
		} finally {
			this.reads.delete(key);
		}
	}

	private read(key: string): Promise<string | undefined> {
		let read = this.reads.get(key);
		if (!read) {
			read = Promise.resolve(this.storage.get(key));
			this.reads.set(key, read);
			// A failed read is not kept: the next one asks again.
			read.catch(() => {
				if (this.reads.get(key) === read) {
					this.reads.delete(key);
				}
			});
		}
		return read;
	}

	dispose(): void {
		this.subscription.dispose();
		this.changeEmitter.dispose();
	}
}
