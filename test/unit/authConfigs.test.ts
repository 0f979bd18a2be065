/**
 * The project's auth configs through ComposioService (the real SDK, over HTTP, against the
 * emulator): what a toolkit takes, making an own-app config and a managed one with more scopes,
 * listing, deleting, and a client secret that reaches neither the log (the SDK's HTTP log
 * included) nor an error.
 */
import assert from 'node:assert/strict';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioError } from '../../src/composio/composioErrors';
import { ComposioService } from '../../src/composio/composioService';
import type { ComposioSettings } from '../../src/composio/settings';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { RecordingLogger } from './fakes/recordingLogger';

const SECRET = 'own-app-secret-b7e1f04c9d';

describe('Auth configs through ComposioService (against the emulator)', function () {
	this.timeout(20_000);
	let emu: TestComposioEmulator;
	let log: RecordingLogger;
	let factory: ComposioClientFactory;
	let service: ComposioService;
	const settings = (): ComposioSettings => ({ apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false });

	beforeEach(async () => {
		emu = new TestComposioEmulator();
		await emu.start();
		log = new RecordingLogger();
		factory = new ComposioClientFactory({ logger: log });
		service = new ComposioService({ clientFactory: factory });
	});

	afterEach(async () => {
		service.dispose();
		factory.dispose();
		await emu.stop();
	});

	it('reads what an own Gmail app takes, makes one, lists it and deletes it; the secret is in no log line', async () => {
		const api = service.authConfigs(settings());
		assert.equal(api.redirectUrl, `${new URL(emu.baseUrl).origin}/api/v3.1/toolkits/auth/callback`);
		const gmail = await api.toolkitAuth('gmail');
		assert.deepEqual(gmail.managedSchemes, ['OAUTH2']);
		const oauth = gmail.schemes.find((s) => s.mode === 'OAUTH2');
		assert.deepEqual(
			oauth?.fields.map((f) => [f.name, f.label, f.required, f.secret]),
			[
				['client_id', 'Client id', true, false],
				['client_secret', 'Client secret', true, true],
				['scopes', 'Scopes', false, false],
			],
		);
		const id = await api.createOwn('gmail', { scheme: 'OAUTH2', name: 'Acme Mail Helper', values: { client_id: 'acme-1', client_secret: SECRET, scopes: 'https://www.googleapis.com/auth/gmail.readonly' }, secretFields: ['client_secret'] });
		const listed = await api.list('gmail');
		assert.deepEqual(
			listed.filter((c) => c.id === id).map((c) => [c.name, c.managed, c.scheme, c.scopes, c.connections, c.enabled]),
			[['Acme Mail Helper', false, 'OAUTH2', ['https://www.googleapis.com/auth/gmail.readonly'], 0, true]],
		);
		await api.delete(id);
		assert.ok(!(await api.list('gmail')).some((c) => c.id === id));
		assert.ok(log.lines.some((l) => l.includes('[composio http]')), 'the SDK’s HTTP log was on');
		assert.deepEqual(log.lines.filter((l) => l.includes(SECRET)), [], 'the secret was logged');
	});

	it('a refused config is a ComposioError naming the field, with neither the secret nor the key in it', async () => {
		const api = service.authConfigs(settings());
		const error = await api.createOwn('gmail', { scheme: 'OAUTH2', values: { client_secret: SECRET }, secretFields: ['client_secret'] }).catch((e: unknown) => e);
		assert.ok(error instanceof ComposioError);
		assert.equal(error.kind, 'badRequest');
		assert.match(error.message, /Missing required field "Client id"/);
		for (const text of [error.message, error.detail, ...log.lines]) {
			assert.ok(!text.includes(SECRET) && !text.includes(emu.apiKey), text.slice(0, 200));
		}
	});

	it('a session over a config deleted since it was chosen fails with a message naming it and the way out', async () => {
		const api = service.authConfigs(settings());
		const id = await api.createOwn('gmail', { scheme: 'OAUTH2', values: { client_id: 'acme-1', client_secret: SECRET }, secretFields: ['client_secret'] });
		await api.delete(id);
		const error = await service.getSession('alice', { ...settings(), authConfigs: { gmail: id } }).catch((e: unknown) => e);
		assert.ok(error instanceof ComposioError);
		assert.equal(error.kind, 'notFound');
		assert.equal(error.message, `The auth config ${id} that composio.authConfigs names for gmail is not in your Composio project (it may have been deleted). Run Composio: Choose Auth Config… to pick another, or remove it from the settings.`);
	});

	it('more scopes on the managed app; no key is an auth error before any request', async () => {
		const api = service.authConfigs(settings());
		const id = await api.createManaged('gmail', { name: 'Gmail, more', scopes: ['https://www.googleapis.com/auth/gmail.modify'] });
		assert.equal((await api.list('gmail')).find((c) => c.id === id)?.managed, true);
		const before = emu.requests.length;
		assert.throws(() => service.authConfigs({ ...settings(), apiKey: '' }), (e: unknown) => e instanceof ComposioError && e.kind === 'auth');
		assert.equal(emu.requests.length, before);
	});
});
