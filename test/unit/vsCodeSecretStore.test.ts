/**
 * VsCodeSecretStore keeps what it read until SecretStorage says the key changed or it writes the
 * key itself, so a turn's reads of the keys cost no round trip out of the extension host. A
 * stand-in for VS Code's SecretStorage (its interface: get, store, delete, onDidChange) counts
 * the reads.
 */
import assert from 'node:assert/strict';
import { SECRET_STORAGE_KEYS } from '../../src/common/secrets';
import { VsCodeSecretStore } from '../../src/vscode/settings/vsCodeSecretStore';

class CountingStorage {
	readonly values = new Map<string, string>();
	gets = 0;
	private listeners: Array<(e: { key: string }) => void> = [];
	readonly onDidChange = (listener: (e: { key: string }) => void): { dispose(): void } => {
		this.listeners.push(listener);
		return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
	};
	get(key: string): Promise<string | undefined> {
		this.gets++;
		return Promise.resolve(this.values.get(key));
	}
	store(key: string, value: string): Promise<void> {
		this.values.set(key, value);
		this.fire(key);
		return Promise.resolve();
	}
	delete(key: string): Promise<void> {
		this.values.delete(key);
		this.fire(key);
		return Promise.resolve();
	}
	/** Another window changed `key`. */
	fire(key: string): void {
		for (const l of this.listeners) {
			l({ key });
		}
	}
}

describe('VsCodeSecretStore', () => {
	it('reads a key once, shares a read in flight, and reads again after a change here or in another window', async () => {
		const storage = new CountingStorage();
		const store = new VsCodeSecretStore(storage, {});
		await Promise.all([store.get('composioApiKey'), store.source('composioApiKey'), store.get('composioApiKey')]);
		assert.equal(storage.gets, 1, 'three readers at once, one read');
		assert.equal(await store.get('composioApiKey'), undefined);
		assert.equal(storage.gets, 1, 'kept');

		await store.set('composioApiKey', 'key-1');
		assert.equal(await store.get('composioApiKey'), 'key-1', 'a write here is read back');
		assert.equal(await store.source('composioApiKey'), 'stored');
		const afterWrite = storage.gets;

		storage.values.set(SECRET_STORAGE_KEYS.composioApiKey, 'key-2');
		storage.fire(SECRET_STORAGE_KEYS.composioApiKey);
		assert.equal(await store.get('composioApiKey'), 'key-2', 'a change in another window is read');
		assert.equal(storage.gets, afterWrite + 1);

		await store.delete('composioApiKey');
		assert.equal(await store.get('composioApiKey'), undefined);
		assert.equal(await store.getRaw('other'), undefined);
		await store.setRaw('other', 'v');
		assert.equal(await store.getRaw('other'), 'v');
		store.dispose();
	});

	it('falls back on the environment variable, and does not keep a failed read', async () => {
		const storage = new CountingStorage();
		let fail = true;
		const get = storage.get.bind(storage);
		storage.get = (key: string): Promise<string | undefined> => (fail ? Promise.reject(new Error('unavailable')) : get(key));
		const store = new VsCodeSecretStore(storage, { COMPOSIO_API_KEY: ' from-env ' });
		await assert.rejects(store.get('composioApiKey'), /unavailable/);
		fail = false;
		assert.equal(await store.get('composioApiKey'), 'from-env');
		assert.equal(await store.source('composioApiKey'), 'env');
		store.dispose();
	});
});
