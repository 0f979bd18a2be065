/** The API key commands' own logic (validation, storing, clearing), with prompts answered from a script; in the editor because they word their questions with vscode.l10n. */
import assert from 'node:assert/strict';
import { Emitter } from '../../src/common/emitter';
import type { SecretName, SecretSource, SecretStore } from '../../src/common/secrets';
import { clearApiKeys, promptForApiKey, validateApiKey } from '../../src/vscode/settings/keyCommands';
import type { UserPrompts } from '../../src/vscode/workbench/userPrompts';

/** A secret store that stores, in memory. */
class FakeSecretStore implements SecretStore {
	readonly values = new Map<string, string>();
	private readonly emitter = new Emitter<string>();
	readonly onDidChange = this.emitter.event;
	get(name: SecretName) {
		return Promise.resolve(this.values.get(name));
	}
	source(name: SecretName): Promise<SecretSource> {
		return Promise.resolve(this.values.has(name) ? 'stored' : 'none');
	}
	set(name: SecretName, value: string) {
		this.values.set(name, value);
		this.emitter.fire(name);
		return Promise.resolve();
	}
	delete(name: SecretName) {
		this.values.delete(name);
		this.emitter.fire(name);
		return Promise.resolve();
	}
	getRaw(key: string) {
		return Promise.resolve(this.values.get(key));
	}
	setRaw(key: string, value: string) {
		this.values.set(key, value);
		return Promise.resolve();
	}
	deleteRaw(key: string) {
		this.values.delete(key);
		return Promise.resolve();
	}
}

/** Prompts answered from a script, recording the options they were asked with. */
class FakePrompts implements UserPrompts {
	readonly inputOptions: { password?: boolean }[] = [];
	readonly infos: string[] = [];
	constructor(private readonly answers: (string | undefined)[]) {}
	inputBox(options: { password?: boolean }) {
		this.inputOptions.push(options);
		return Promise.resolve(this.answers.shift());
	}
	confirm() {
		return Promise.resolve(this.answers.shift());
	}
	info(message: string) {
		this.infos.push(message);
		return Promise.resolve(undefined);
	}
	error() {
		return Promise.resolve(undefined);
	}
}

describe('API key commands', () => {
	it('validates pasted keys', () => {
		assert.equal(validateApiKey('ak_1234567890'), undefined);
		assert.equal(validateApiKey('  ak_1234567890\n'), undefined, 'surrounding whitespace is trimmed');
		assert.match(validateApiKey('') ?? '', /Enter a key/);
		assert.match(validateApiKey('ak 123 456 789') ?? '', /no spaces/);
		assert.match(validateApiKey('short') ?? '', /too short/);
	});

	it('stores a trimmed key from a password box and says where it went', async () => {
		const secrets = new FakeSecretStore();
		const prompts = new FakePrompts(['  ak_live_abcdef123  ']);
		assert.equal(await promptForApiKey('composioApiKey', secrets, prompts), true);
		assert.equal(secrets.values.get('composioApiKey'), 'ak_live_abcdef123');
		assert.equal(prompts.inputOptions[0]?.password, true);
		assert.match(prompts.infos[0] ?? '', /secret storage/);
		assert.ok(!prompts.infos.join(' ').includes('ak_live_abcdef123'), 'the notice does not echo the key');
	});

	it('stores nothing when cancelled', async () => {
		const secrets = new FakeSecretStore();
		assert.equal(await promptForApiKey('openAiApiKey', secrets, new FakePrompts([undefined])), false);
		assert.equal(secrets.values.size, 0);
	});

	it('clears both keys only after confirmation', async () => {
		const secrets = new FakeSecretStore();
		await secrets.set('composioApiKey', 'ak_1234567890');
		await secrets.set('openAiApiKey', 'sk_1234567890');
		assert.equal(await clearApiKeys(secrets, new FakePrompts([undefined])), false);
		assert.equal(secrets.values.size, 2, 'dismissing keeps the keys');
		assert.equal(await clearApiKeys(secrets, new FakePrompts(['Clear Keys'])), true);
		assert.equal(secrets.values.size, 0);
	});
});
