/**
 * Auth configs in the local Composio emulator, through the real `@composio/core` SDK over real
 * HTTP: the developer's own OAuth app (made, read back without its secret, used by a session,
 * shown on the Connect page, refused by the provider when wrong), scopes on the managed app,
 * the fields each scheme takes, and disabling and deleting.
 */
import assert from 'node:assert/strict';
import { Composio, ConnectionRequestFailedError } from '@composio/core';
import { openConnectPage, postConnectPage } from '../shared/connectPage';
import { rejection } from '../shared/rejection';
import { TestComposioEmulator } from '../shared/testComposioEmulator';

const SECRET = 'acme-oauth-secret-7f3a9c';
const READONLY = 'https://www.googleapis.com/auth/gmail.readonly';


function statusOf(error: unknown): unknown {
	const cause = error instanceof Error && 'cause' in error ? error.cause : undefined;
	for (const e of [error, cause]) {
		if (typeof e === 'object' && e !== null && 'status' in e) {
			return e.status;
		}
	}
	return undefined;
}

function messageOf(error: unknown): string {
	const cause = error instanceof Error && error.cause instanceof Error ? ` ${error.cause.message}` : '';
	// The SDK's message carries the JSON body as it came, quotes escaped.
	return `${error instanceof Error ? error.message : String(error)}${cause}`.replace(/\\"/g, '"');
}

describe('Emulator auth configs (through the real SDK)', function () {
	this.timeout(20_000);
	let emu: TestComposioEmulator;
	let composio: Composio;

	beforeEach(async () => {
		emu = new TestComposioEmulator({ linkHost: '127.0.0.2' });
		await emu.start();
		composio = new Composio({ apiKey: emu.apiKey, baseURL: emu.baseUrl, allowTracking: false, disableVersionCheck: true });
	});

	afterEach(async () => {
		await emu.stop();
	});

	/** The raw answer of a GET on the API, as text. */
	async function rawGet(path: string): Promise<string> {
		const res = await fetch(`${emu.baseUrl}/api/v3.1${path}`, { headers: { 'x-api-key': emu.apiKey } });
		assert.equal(res.status, 200, path);
		return res.text();
	}

	async function createOwnGmailApp(credentials: Record<string, string> = { client_id: 'acme-client-1234', client_secret: SECRET, scopes: READONLY }): Promise<string> {
		const created = await composio.authConfigs.create('gmail', { type: 'use_custom_auth', authScheme: 'OAUTH2', name: 'Acme Mail Helper', credentials });
		assert.equal(created.isComposioManaged, false);
		assert.equal(created.toolkit, 'gmail');
		assert.match(created.id, /^ac_/);
		return created.id;
	}

	it('tells the fields an OAuth2 config takes: client ID and secret (a secret) required, scopes optional', async () => {
		const fields = await composio.toolkits.getAuthConfigCreationFields('gmail', 'OAUTH2');
		assert.deepEqual(
			fields.map((f) => [f.name, f.required, f.isSecret]),
			[
				['client_id', true, false],
				['client_secret', true, true],
				['scopes', false, false],
			],
		);
		const keyFields = await composio.toolkits.getConnectedAccountInitiationFields('linear', 'API_KEY');
		assert.deepEqual(keyFields.map((f) => [f.name, f.isSecret]), [['api_key', true]]);
		const toolkit = await composio.toolkits.get('gmail');
		assert.deepEqual(toolkit.composioManagedAuthSchemes, ['OAUTH2']);
	});

	it('makes an own Gmail OAuth app, reads it back without its secret, and connects through it: its name and scope on the Connect page, an ACTIVE account on it', async () => {
		const id = await createOwnGmailApp();
		const config = await composio.authConfigs.get(id);
		assert.equal(config.isComposioManaged, false);
		assert.equal(config.authScheme, 'OAUTH2');
		assert.equal(config.name, 'Acme Mail Helper');
		assert.equal(config.credentials?.client_id, 'acme-client-1234');
		assert.equal(config.credentials?.scopes, READONLY);
		assert.ok(!(await rawGet(`/auth_configs/${id}`)).includes(SECRET), 'the secret is never answered');
		assert.ok(!(await rawGet('/auth_configs?toolkit_slug=gmail')).includes(SECRET), 'nor in the list');
		const listed = await composio.authConfigs.list({ toolkit: 'gmail' });
		assert.ok(listed.items.some((c) => c.id === id && c.noOfConnections === 0));

		const session = await composio.create('alice', { authConfigs: { gmail: id } });
		const request = await session.authorize('gmail');
		const html = await openConnectPage(request.redirectUrl ?? '');
		assert.match(html, /<strong>Acme Mail Helper<\/strong> wants to access your Gmail account/);
		assert.ok(html.includes(`<code>${READONLY}</code>`), 'the scope asked for is on the page');
		const waiting = request.waitForConnection(10_000);
		assert.equal((await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize' })).status, 200);
		const account = await waiting;
		assert.equal(account.status, 'ACTIVE');
		assert.equal(account.authConfig.id, id);
		assert.equal(account.authConfig.isComposioManaged, false);
		assert.equal((await composio.authConfigs.get(id)).noOfConnections, 1);
	});

	it('refuses a config with no client ID, naming the field, and makes nothing', async () => {
		const before = (await composio.authConfigs.list({ toolkit: 'gmail' })).items.length;
		const error = await rejection(composio.authConfigs.create('gmail', { type: 'use_custom_auth', authScheme: 'OAUTH2', credentials: { client_secret: SECRET } }));
		assert.equal(statusOf(error), 400);
		assert.match(messageOf(error), /Missing required field "Client id" for auth scheme "OAUTH2" in toolkit "gmail"/);
		const wrongScheme = await rejection(composio.authConfigs.create('gmail', { type: 'use_custom_auth', authScheme: 'API_KEY', credentials: {} }));
		assert.equal(statusOf(wrongScheme), 400);
		assert.equal((await composio.authConfigs.list({ toolkit: 'gmail' })).items.length, before);
	});

	it('the provider refuses a wrong client ID or secret at consent: the account FAILED with the reason, the page says so', async () => {
		const id = await createOwnGmailApp({ client_id: 'acme-client-1234', client_secret: 'wrong-secret' });
		const session = await composio.create('alice', { authConfigs: { gmail: id } });
		const request = await session.authorize('gmail');
		const answer = await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize' });
		assert.match(await answer.text(), /Gmail was not connected: Gmail refused the app: invalid_client/);
		const error = await rejection(request.waitForConnection(10_000));
		assert.ok(error instanceof ConnectionRequestFailedError);
		assert.match(error.message, /invalid_client/);
	});

	it('asks for more scopes on the managed app within what it may ask for, and refuses others', async () => {
		const modify = 'https://www.googleapis.com/auth/gmail.modify';
		const created = await composio.authConfigs.create('gmail', { type: 'use_composio_managed_auth', name: 'Gmail with modify', credentials: { scopes: [READONLY, modify] } });
		assert.equal(created.isComposioManaged, true);
		const config = await composio.authConfigs.get(created.id);
		assert.equal(config.credentials?.scopes, `${READONLY},${modify}`);
		const beyond = await rejection(composio.authConfigs.create('gmail', { type: 'use_composio_managed_auth', credentials: { scopes: ['https://mail.google.com/'] } }));
		assert.equal(statusOf(beyond), 400);
		assert.match(messageOf(beyond), /managed app for "gmail" cannot ask for "https:\/\/mail\.google\.com\/"/);
	});

	it('disables (hidden from the list unless asked, refused by a session), enables, changes the scopes of and deletes a config', async () => {
		const id = await createOwnGmailApp();
		await composio.authConfigs.disable(id);
		assert.ok(!(await composio.authConfigs.list({ toolkit: 'gmail' })).items.some((c) => c.id === id));
		assert.equal((await composio.authConfigs.list({ toolkit: 'gmail', showDisabled: true })).items.find((c) => c.id === id)?.status, 'DISABLED');
		const session = await composio.create('alice', { authConfigs: { gmail: id } });
		const refused = await rejection(session.authorize('gmail'));
		assert.match(messageOf(refused), /is disabled/);
		await composio.authConfigs.enable(id);
		await composio.authConfigs.update(id, { type: 'custom', credentials: { scopes: [READONLY, 'https://www.googleapis.com/auth/gmail.send'] } });
		assert.equal((await composio.authConfigs.get(id)).credentials?.scopes, `${READONLY},https://www.googleapis.com/auth/gmail.send`);
		await composio.authConfigs.delete(id);
		assert.equal(statusOf(await rejection(composio.authConfigs.get(id))), 404);
		const gone = await rejection(composio.create('alice', { authConfigs: { gmail: id } }));
		assert.equal(statusOf(gone), 404);
	});
	describe('the auth cases of Composio’s catalog', () => {
		it('Hacker News needs no sign-in: listed as no-auth, its tools run without an account, and nothing can be connected', async () => {
			const session = await composio.create('alice');
			const listed = await session.toolkits({ toolkits: ['hackernews'] });
			assert.equal(listed.items[0]?.isNoAuth, true);
			const run = await session.execute('HACKERNEWS_GET_TOP_STORIES', { limit: 2 });
			assert.equal(run.error, null);
			assert.equal((run.data as { stories: unknown[] }).stories.length, 2);
			const created = await rejection(composio.authConfigs.create('hackernews', { type: 'use_composio_managed_auth' }));
			assert.equal(statusOf(created), 400);
			assert.match(messageOf(created), /does not require authentication/);
			assert.equal(statusOf(await rejection(session.authorize('hackernews'))), 400);
			const manage = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['hackernews'] });
			assert.equal((manage.data as { results: Record<string, { status: string }> }).results.hackernews?.status, 'no_auth');
		});

		it('PostHog has no managed app: the Connect is refused saying so, and an own OAuth app connects it', async () => {
			const toolkit = await composio.toolkits.get('posthog');
			assert.deepEqual(toolkit.composioManagedAuthSchemes, []);
			const plain = await composio.create('alice');
			const refused = await rejection(plain.authorize('posthog'));
			assert.equal(statusOf(refused), 400);
			assert.match(messageOf(refused), /no Composio managed auth/);
			const manage = await plain.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['posthog'] });
			const entry = (manage.data as { results: Record<string, { status: string; error?: string }> }).results.posthog;
			assert.equal(entry?.status, 'failed');
			assert.match(entry?.error ?? '', /no Composio managed auth/);
			const created = await composio.authConfigs.create('posthog', { type: 'use_custom_auth', authScheme: 'OAUTH2', name: 'Acme Analytics', credentials: { client_id: 'ph-client', client_secret: SECRET } });
			const session = await composio.create('alice', { authConfigs: { posthog: created.id } });
			const request = await session.authorize('posthog');
			assert.equal((await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize' })).status, 200);
			assert.equal((await request.waitForConnection(10_000)).status, 'ACTIVE');
			const run = await session.execute('POSTHOG_LIST_PROJECTS', {});
			assert.equal(run.error, null);
		});

		it('Shopify’s managed app is gone: a managed config fails for want of a client ID, and an API-key config connects with the key typed on the Connect page', async () => {
			const toolkit = await composio.toolkits.get('shopify');
			assert.deepEqual(toolkit.composioManagedAuthSchemes, ['OAUTH2'], 'the metadata still says managed');
			const managed = await rejection(composio.authConfigs.create('shopify', { type: 'use_composio_managed_auth' }));
			assert.equal(statusOf(managed), 400);
			assert.match(messageOf(managed), /Missing required field "Client id" for auth scheme "OAUTH2" in toolkit "shopify"/);
			assert.equal(statusOf(await rejection((await composio.create('alice')).authorize('shopify'))), 400);
			const created = await composio.authConfigs.create('shopify', { type: 'use_custom_auth', authScheme: 'API_KEY', credentials: {} });
			const session = await composio.create('alice', { authConfigs: { shopify: created.id } });
			const request = await session.authorize('shopify');
			const html = await openConnectPage(request.redirectUrl ?? '');
			assert.match(html, /name="api_key" type="password"/);
			assert.equal((await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize', api_key: 'shpat_0123456789' })).status, 200);
			const account = await request.waitForConnection(10_000);
			assert.equal(account.authConfig.authScheme, 'API_KEY');
			assert.equal((await session.execute('SHOPIFY_LIST_PRODUCTS', { limit: 1 })).error, null);
		});
	});
});
