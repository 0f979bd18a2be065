/**
 * The own-app card in the chat, end to end over HTTP: the real Composio SDK against the emulator's
 * auth cases (PostHog has no Composio-managed app, Shopify's is gone but it takes an API key,
 * Hacker News needs no sign-in), the real openai SDK against the scripted model. The card says
 * why; its answer makes an auth config through Composio's API; the turn moves to a session that
 * uses it, shows the Connect Link, and carries on by itself once the account is active.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatSession } from '../../src/agent/chatSession';
import { ConversationStore } from '../../src/agent/conversationStore';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import type { OwnAppPort, OwnAppWay } from '../../src/agent/ownAppSetup';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import type { ToolSession } from '../../src/composio/toolSession';
import { ownAppCause, ownAppNeedsOf } from '../../src/composio/managedAuth';
import type { TranscriptItem } from '../../src/protocol/transcript';
import { TestSandbox } from '../shared/sandbox';
import { until } from '../shared/until';
import { assertConsistent } from './fakes/assertions';
import { RecordingLogger } from './fakes/recordingLogger';

type AuthItem = Extract<TranscriptItem, { kind: 'auth' }>;

describe('Reading why Composio’s app cannot connect a toolkit (managedAuth.ts)', () => {
	it('tells a toolkit with no managed app from one whose app is gone, and neither from other failures', () => {
		assert.equal(ownAppCause('Toolkit "posthog" has no Composio managed auth. Create an auth config with your own credentials'), 'noManagedApp');
		assert.equal(ownAppCause('Missing required field "Client id" for auth scheme "OAUTH2" in toolkit "shopify"'), 'managedAppGone');
		assert.equal(ownAppCause('access_denied: the user declined'), undefined);
		assert.equal(ownAppCause('Gmail is not connected.'), undefined);
	});

	it('reads a connection check’s failed entries, and a whole failed call naming one toolkit', () => {
		const value = { data: { results: { posthog: { toolkit: 'posthog', status: 'failed', error: 'Toolkit "posthog" has no Composio managed auth.' }, gmail: { status: 'active' } } }, error: null };
		assert.deepEqual(ownAppNeedsOf('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['posthog', 'gmail'] }, value), [{ toolkit: 'posthog', cause: 'noManagedApp', detail: 'Toolkit "posthog" has no Composio managed auth.' }]);
		const whole = { data: {}, error: 'Missing required field "Client id" for auth scheme "OAUTH2" in toolkit "shopify"' };
		assert.deepEqual(ownAppNeedsOf('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['shopify'] }, whole).map((n) => [n.toolkit, n.cause]), [['shopify', 'managedAppGone']]);
		assert.deepEqual(ownAppNeedsOf('GMAIL_FETCH_EMAILS', {}, whole), [], 'only a connection check says this');
	});
});

describe('The own-app card in the chat (emulator + scripted model over HTTP)', function () {
	this.timeout(60_000);

	const sandbox = new TestSandbox({ model: { chunkDelayMs: 0, wordsPerChunk: 40 } });
	const { emulator: emu, model: scripted } = sandbox;
	let root: string;
	let log: RecordingLogger;
	let factory: ComposioClientFactory;
	let service: ComposioService;
	let chat: ChatSession;
	let user: string;
	/** The workspace's `composio.authConfigs`, as the port writes it. */
	let authConfigs: Record<string, string>;
	/** What the card's answer asks for (the own app's credentials), as the user would type them. */
	let credentials: Record<string, string>;
	const setUps: Array<[string, OwnAppWay]> = [];
	/** Toolkits whose details the port read to tell why a connection failed. */
	const lookedUp: string[] = [];
	/** When set, the connection check's failure comes in these words instead of Composio's (another wording of the real service). */
	let rewordFailure: string | undefined;
	/** When set, the setup waits on it (the user is still answering its questions). */
	let setUpGate: Promise<void> | undefined;

	const settings = (): Parameters<ComposioService['getSession']>[1] => ({ apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: { ...authConfigs }, multiAccount: false });
	/** The front door's side, as the editor's (authConfigCommands.ts) does it but without its questions: the config through Composio's API, then the setting. */
	const port = (): OwnAppPort => ({
		takesApiKey: async (toolkit) => (await service.authConfigs(settings()).toolkitAuth(toolkit)).schemes.some((s) => s.mode === 'API_KEY'),
		lacksManagedApp: async (toolkit) => {
			lookedUp.push(toolkit);
			return (await service.authConfigs(settings()).toolkitAuth(toolkit)).managedSchemes.length === 0;
		},
		setUp: async (toolkit, way) => {
			setUps.push([toolkit, way]);
			await setUpGate;
			const api = service.authConfigs(settings());
			const id =
				way === 'apiKey'
					? await api.createOwn(toolkit, { scheme: 'API_KEY', name: `${toolkit} (API key)`, values: {}, secretFields: [] })
					: await api.createOwn(toolkit, { scheme: 'OAUTH2', name: 'Acme Analytics', values: credentials, secretFields: ['client_secret'] });
			authConfigs[toolkit] = id;
			return true;
		},
		session: () => service.getSession(user, settings()),
		connectFailed: (toolkit, reason) => Promise.resolve(/invalid_client/.test(reason) ? `${toolkit} refused your app.` : undefined),
	});

	/** The session, with a failed connection check's words replaced by `rewordFailure` when it is set. */
	const reworded = (session: ToolSession): ToolSession =>
		new Proxy(session, {
			get(target, key, receiver) {
				const value: unknown = Reflect.get(target, key, receiver);
				if (key !== 'execute' || typeof value !== 'function') {
					return typeof value === 'function' ? ((value as (...a: unknown[]) => unknown).bind(target) as unknown) : value;
				}
				return async (...args: Parameters<ToolSession['execute']>) => {
					const result = await target.execute(...args);
					const words = rewordFailure;
					if (args[0] !== 'COMPOSIO_MANAGE_CONNECTIONS' || words === undefined || result.error === null) {
						return result;
					}
					const reword = (v: unknown): unknown =>
						Array.isArray(v) ? v.map(reword) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'error' && typeof x === 'string' ? words : reword(x)])) : v;
					return { ...result, data: reword(result.data), error: words };
				};
			},
		});

	const card = (toolkit: string): AuthItem | undefined => [...chat.current.items].reverse().find((i): i is AuthItem => i.kind === 'auth' && i.toolkit === toolkit);
	const lastAnswer = (): string => [...chat.current.items].reverse().find((i) => i.kind === 'assistant')?.kind === 'assistant' ? ([...chat.current.items].reverse().find((i) => i.kind === 'assistant') as { text: string }).text : '';

	before(async () => {
		await sandbox.start();
		root = await fs.mkdtemp(join(tmpdir(), 'own-app-'));
	});

	after(async () => {
		await sandbox.stop();
		await fs.rm(root, { recursive: true, force: true });
	});

	beforeEach(() => {
		user = `own-app-${Math.random().toString(36).slice(2)}`;
		authConfigs = {};
		credentials = { client_id: 'acme-analytics-client', client_secret: 'acme-analytics-secret-7f3e' };
		setUps.length = 0;
		setUpGate = undefined;
		rewordFailure = undefined;
		lookedUp.length = 0;
		log = new RecordingLogger();
		factory = new ComposioClientFactory({ logger: log, maxRetries: 0 });
		service = new ComposioService({ clientFactory: factory, pollIntervalMs: 25 });
		chat = new ChatSession({
			store: new ConversationStore(join(root, user), { logger: log }),
			logger: log,
			setup: async () => ({
				model: new OpenAiModelClient({ baseUrl: scripted.baseUrl, model: 'sandbox-scripted', maxRetries: 0 }),
				session: reworded(await service.getSession(user, settings())),
				maxTurns: 8,
				authPollIntervalMs: 25,
				ownApp: port(),
			}),
		});
	});

	afterEach(async () => {
		chat.dispose();
		await chat.idle();
		service.dispose();
		factory.dispose();
	});

	it('PostHog (no managed app): the card says why; Set Up Your Own App makes the config, the Connect Link follows on the same card, and the task finishes by itself', async () => {
		const sending = chat.send('List my PostHog projects');
		await until(() => card('posthog')?.status === 'needsApp', 'the own-app card');
		const asked = card('posthog')!;
		assert.match(asked.reason ?? '', /^Composio has no app of its own for PostHog/);
		assert.deepEqual(asked.ownApp, { detail: asked.ownApp?.detail ?? '', apiKey: false });
		assert.match(asked.ownApp?.detail ?? '', /no Composio managed auth/);
		assert.equal(asked.url, '', 'no Connect Link yet');
		assert.equal(chat.state, 'waitingForChoice', 'the composer says to choose on the card');

		assert.equal(chat.setUpOwnApp(asked.id, 'ownApp'), true);
		await until(() => card('posthog')?.status === 'waiting' && card('posthog')?.url !== '', 'the Connect Link on the card');
		const connecting = card('posthog')!;
		assert.equal(connecting.id, asked.id, 'the same card becomes the Connect card');
		assert.deepEqual(setUps, [['posthog', 'ownApp']]);
		emu.completeLink(connecting.url, { decision: 'authorize' });
		assert.equal(await sending, 'completed');

		assert.equal(card('posthog')?.status, 'connected');
		assert.match(lastAnswer(), /## PostHog projects[\s\S]*Acme Web/);
		const accounts = emu.accounts().filter((a) => a.user_id === user && a.toolkit.slug === 'posthog');
		assert.deepEqual(
			accounts.map((a) => [a.status, a.auth_config.id]),
			[['ACTIVE', authConfigs['posthog']]],
			'connected through the new config',
		);
		assert.ok(!log.lines.some((l) => l.includes(credentials['client_secret']!)), 'the secret never reaches the log');
		assertConsistent(chat.current.messages);
	});

	it('Shopify (Composio’s app is gone): the card offers an API key first; the key is entered on the Connect page and the task finishes', async () => {
		const sending = chat.send('List my Shopify products');
		await until(() => card('shopify')?.status === 'needsApp', 'the own-app card');
		const asked = card('shopify')!;
		assert.match(asked.reason ?? '', /^Composio's app for Shopify is not available any more/);
		assert.equal(asked.ownApp?.apiKey, true);
		assert.match(asked.ownApp?.detail ?? '', /Missing required field "Client id"/);
		chat.setUpOwnApp(asked.id, 'apiKey');
		await until(() => card('shopify')?.status === 'waiting' && card('shopify')?.url !== '', 'the Connect Link');
		emu.completeLink(card('shopify')!.url, { decision: 'authorize', apiKey: 'shpat-sandbox-key' });
		assert.equal(await sending, 'completed');
		assert.match(lastAnswer(), /## Shopify products[\s\S]*Acme Hoodie/);
		assert.deepEqual(setUps, [['shopify', 'apiKey']]);
	});

	it('Not now, or writing instead: the card is left, the turn closes with how to set it up later, and a written message starts a turn of its own', async () => {
		const first = chat.send('List my PostHog projects');
		await until(() => card('posthog')?.status === 'needsApp', 'the own-app card');
		chat.setUpOwnApp(card('posthog')!.id, 'declined');
		assert.equal(await first, 'completed');
		assert.equal(card('posthog')?.status, 'cancelled');
		assert.match(lastAnswer(), /I've left PostHog for now/);

		const second = chat.send('List my PostHog projects');
		await until(() => card('posthog')?.status === 'needsApp', 'the card again');
		assert.equal(await chat.send('What can you do?'), 'completed');
		assert.equal(await second, 'completed');
		assert.equal(card('posthog')?.status, 'cancelled');
		assert.match(lastAnswer(), /what I can do/);
		assert.deepEqual(setUps, [], 'nothing was set up');
		assertConsistent(chat.current.messages);
	});

	it('Stop while the questions are still open ends the turn at once, the card left', async () => {
		let answer!: () => void;
		setUpGate = new Promise<void>((resolve) => (answer = resolve));
		const sending = chat.send('List my PostHog projects');
		await until(() => card('posthog')?.status === 'needsApp', 'the own-app card');
		chat.setUpOwnApp(card('posthog')!.id, 'ownApp');
		await until(() => card('posthog')?.status === 'settingUp' && setUps.length === 1, 'the setup under way');
		assert.equal(chat.state, 'running', 'Stop is offered while the questions are open');
		chat.cancel();
		assert.equal(await sending, 'completed', 'the turn ended without waiting for the questions');
		assert.equal(card('posthog')?.status, 'cancelled');
		const last = chat.current.items.at(-1);
		assert.ok(last?.kind === 'notice' && last.text === 'Stopped.', JSON.stringify(last));
		answer();
		assertConsistent(chat.current.messages);
	});

	it('the provider refuses the app at consent (a wrong client ID): the turn ends with the front door’s words', async () => {
		credentials = { client_id: 'wrong-client-id', client_secret: 'acme-analytics-secret-7f3e' };
		const sending = chat.send('List my PostHog projects');
		await until(() => card('posthog')?.status === 'needsApp', 'the own-app card');
		chat.setUpOwnApp(card('posthog')!.id, 'ownApp');
		await until(() => card('posthog')?.status === 'waiting' && card('posthog')?.url !== '', 'the Connect Link');
		emu.completeLink(card('posthog')!.url, { decision: 'authorize' });
		assert.equal(await sending, 'completed');
		assert.equal(card('posthog')?.status, 'failed');
		assert.match(lastAnswer(), /posthog refused your app\./);
	});

	it('Composio’s failure in words this version does not know: the toolkit’s details (no managed scheme) tell, and the card shows all the same; a toolkit with a managed app gets none', async () => {
		rewordFailure = 'Connection could not be initiated for this toolkit.';
		const sending = chat.send('List my PostHog projects');
		await until(() => card('posthog')?.status === 'needsApp', 'the own-app card');
		assert.equal(card('posthog')?.ownApp?.detail, 'Connection could not be initiated for this toolkit.');
		assert.deepEqual(lookedUp, ['posthog'], 'the toolkit’s details were read once');
		chat.setUpOwnApp(card('posthog')!.id, 'declined');
		assert.equal(await sending, 'completed');
		assert.ok(!chat.current.items.some((i) => i.kind === 'auth' && i.toolkit === 'posthog' && i.status === 'waiting'));
	});

	it('Hacker News needs no sign-in: no card at all, and its tools run without an account', async () => {
		assert.equal(await chat.send('What are the top stories on Hacker News?'), 'completed');
		assert.ok(!chat.current.items.some((i) => i.kind === 'auth'), 'no Connect card and no own-app card');
		assert.match(lastAnswer(), /## Top stories on Hacker News[\s\S]*Show HN/);
		assert.equal(emu.accounts().filter((a) => a.user_id === user).length, 0, 'no account was made');
	});
});
