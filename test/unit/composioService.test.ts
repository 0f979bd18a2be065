/**
 * ComposioService against the local Composio emulator, over real HTTP with the real SDK.
 * Request counts come from the emulator's own request log.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { logger as sdkLogger } from '@composio/core';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioError } from '../../src/composio/composioErrors';
import { ComposioService } from '../../src/composio/composioService';
import type { ConnectionOutcome, ConnectionStatus, ToolSession } from '../../src/composio/toolSession';
import { findConnectLinks } from '../../src/composio/connectLinks';
import { classifyLink } from '../../src/composio/linkPolicy';
import type { ComposioSettings } from '../../src/composio/settings';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { RecordingLogger } from './fakes/recordingLogger';
import { submitConnectPage } from '../shared/connectPage';
import { FakeClock } from '../shared/fakeClock';
import { until } from '../shared/until';
import { freeLoopbackPort } from '../shared/ports';

async function rejectsWith(promise: Promise<unknown>, kind: ComposioError['kind']): Promise<ComposioError> {
	try {
		await promise;
	} catch (e) {
		assert.ok(e instanceof ComposioError, `expected a ComposioError, got ${String(e)}`);
		assert.equal(e.kind, kind, `${e.kind}: ${e.message} / ${e.detail}`);
		return e;
	}
	assert.fail(`expected a rejection of kind ${kind}`);
}

describe('ComposioService (against the emulator)', function () {
	this.timeout(30_000);

	let emu: TestComposioEmulator;
	const log = new RecordingLogger();
	let factory: ComposioClientFactory;
	let service: ComposioService;
	const shownMessages: string[] = [];

	function settings(over: Partial<ComposioSettings> = {}): ComposioSettings {
		return { apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false, ...over };
	}

	const count = (method: string, pathEnd: RegExp): number => emu.requests.filter((r) => r.method === method && pathEnd.test(r.path)).length;
	const sessionCreates = (): number => count('POST', /\/tool_router\/session$/);
	const toolFetches = (): number => count('GET', /\/tool_router\/session\/[^/]+\/tools$/);

	async function expectError(promise: Promise<unknown>, kind: ComposioError['kind']): Promise<ComposioError> {
		const err = await rejectsWith(promise, kind);
		shownMessages.push(err.message, err.detail);
		return err;
	}

	before(async () => {
		emu = new TestComposioEmulator({ apiKey: 'emu-key-9f2c4a7b13' });
		await emu.start();
	});

	after(async () => {
		await emu.stop();
		// No key text in anything shown or logged, across every test in this file.
		for (const text of [...shownMessages, ...log.lines]) {
			assert.ok(!text.includes(emu.apiKey), `key leaked into: ${text.slice(0, 200)}`);
		}
	});

	beforeEach(() => {
		emu.reset();
		factory = new ComposioClientFactory({ logger: log });
		service = new ComposioService({ clientFactory: factory, pollIntervalMs: 25 });
	});

	afterEach(() => {
		emu.clearFaults();
		service.dispose();
		factory.dispose();
	});

	describe('sessions', () => {
		it('creates one session for many calls with the same options, sharing one in-flight creation', async () => {
			const s = settings({ toolkits: ['gmail', 'github'] });
			const all = await Promise.all([service.getSession('alice', s), service.getSession('alice', s), service.getSession('alice', s)]);
			const again = await service.getSession('alice', { ...s, toolkits: ['github', 'gmail'] });
			assert.equal(sessionCreates(), 1);
			assert.ok(all.every((x) => x === again));
			const body = emu.requests.find((r) => r.method === 'POST' && /\/tool_router\/session$/.test(r.path))?.body;
			assert.deepEqual(body && typeof body === 'object' ? (body as Record<string, unknown>).user_id : undefined, 'alice');
			assert.deepEqual((body as { toolkits?: unknown }).toolkits, { enable: ['gmail', 'github'] });
			assert.deepEqual((body as { manage_connections?: { enable?: unknown } }).manage_connections?.enable, true);
			assert.ok(again.sessionId);
			assert.ok(again.mcp.url.length > 0);
		});

		it('creates a new session when the user, key, base URL or any option changes, and after dropSessions', async () => {
			const base = settings();
			const first = await service.getSession('alice', base);
			const variants: [string, ComposioSettings][] = [
				['bob', base],
				['bob', { ...base, toolkits: ['slack'] }],
				['bob', { ...base, toolkits: ['slack'], multiAccount: true }],
				['bob', { ...base, toolkits: ['slack'], multiAccount: true, authConfigs: { gmail: 'ac_gmail_custom' } }],
				['bob', { ...base, toolkits: ['slack'], multiAccount: true, authConfigs: { gmail: 'ac_gmail_custom' }, baseUrl: emu.baseUrl.replace('127.0.0.1', 'localhost') }],
			];
			const seen = new Set<ToolSession>([first]);
			for (const [user, s] of variants) {
				const session = await service.getSession(user, s);
				assert.ok(!seen.has(session), `a new session for ${JSON.stringify({ user, ...s, apiKey: undefined })}`);
				seen.add(session);
				assert.equal(await service.getSession(user, s), session, 'and it is reused');
			}
			assert.equal(sessionCreates(), 1 + variants.length);
			const last = variants.at(-1);
			assert.ok(last);
			const lastBody = emu.requests.filter((r) => r.method === 'POST' && /\/tool_router\/session$/.test(r.path)).at(-1)?.body as Record<string, unknown>;
			// The SDK adds require_explicit_selection: true whenever multi-account is enabled.
			assert.deepEqual(lastBody.multi_account, { enable: true, require_explicit_selection: true });
			assert.deepEqual(lastBody.auth_configs, { gmail: 'ac_gmail_custom' });
			service.dropSessions();
			const afterDrop = await service.getSession(last[0], last[1]);
			assert.ok(!seen.has(afterDrop));
			assert.equal(sessionCreates(), 2 + variants.length);
			// A different key is a different session too (here a wrong one, which fails and is not kept).
			await expectError(service.getSession(last[0], { ...last[1], apiKey: 'wrong-key-0123456789' }), 'auth');
			assert.equal(await service.getSession(last[0], last[1]) === afterDrop, false, 'the key change replaced the session');
		});

		it('does not keep a failed creation', async () => {
			emu.injectFault({ status: 500, pathIncludes: '/tool_router/session', method: 'POST', count: 3 });
			const err = await expectError(service.getSession('alice', settings()), 'server');
			assert.equal(err.message, 'Composio is unreachable.');
			assert.equal(err.action, 'retry');
			assert.equal(sessionCreates(), 3, 'the SDK tried three times');
			const session = await service.getSession('alice', settings());
			assert.ok(session.sessionId);
			assert.equal(sessionCreates(), 4);
		});

		it('fetches tools once per session, sharing concurrent calls, in Chat Completions form', async () => {
			const session = await service.getSession('alice', settings());
			const [a, b] = await Promise.all([session.tools(), session.tools()]);
			const c = await session.tools();
			assert.equal(toolFetches(), 1);
			assert.equal(a, b);
			assert.equal(a, c);
			const names = a.map((t) => (t.type === 'function' ? t.function.name : ''));
			for (const meta of ['COMPOSIO_SEARCH_TOOLS', 'COMPOSIO_MANAGE_CONNECTIONS', 'COMPOSIO_MULTI_EXECUTE_TOOL']) {
				assert.ok(names.includes(meta), `${meta} in ${names.join(', ')}`);
			}
			const other = await service.getSession('bob', settings());
			await other.tools();
			assert.equal(toolFetches(), 2, 'a new session fetches its own');
		});

		it('leaves COMPOSIO_WAIT_FOR_CONNECTIONS off: the Connect card waits for a connection, with Cancel and "done", not a blocked tool call', async () => {
			const session = await service.getSession('alice', settings());
			const names = (await session.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
			assert.ok(names.includes('COMPOSIO_MANAGE_CONNECTIONS'), 'connections are managed');
			assert.ok(!names.includes('COMPOSIO_WAIT_FOR_CONNECTIONS'), names.join(', '));
			const create = emu.requests.find((r) => r.method === 'POST' && /\/tool_router\/session$/.test(r.path));
			const manage = (create?.body as { manage_connections?: Record<string, unknown> } | undefined)?.manage_connections;
			assert.equal(manage?.['enable'], true);
			assert.notEqual(manage?.['enable_wait_for_connections'], true);
		});
	});

	describe('connections', () => {
		it('authorize → Connect page Authorize over HTTP → ACTIVE, with INITIATED reported first', async () => {
			const session = await service.getSession('alice', settings());
			const request = await session.authorize('gmail');
			assert.equal(request.toolkit, 'gmail');
			assert.match(request.accountId, /^ca_/);
			assert.equal(classifyLink(request.redirectUrl, { baseUrl: emu.baseUrl }), 'open', 'the sandbox link opens without a question');
			const statuses: ConnectionStatus[] = [];
			const ac = new AbortController();
			const outcome = session.waitForConnection(request.accountId, { signal: ac.signal, onStatus: (s) => statuses.push(s) });
			await until(() => statuses.length > 0, 'the first status');
			assert.equal(statuses[0], 'INITIATED');
			await submitConnectPage(request.redirectUrl, 'authorize');
			assert.deepEqual(await outcome, { status: 'ACTIVE' });
			assert.deepEqual(statuses, ['INITIATED', 'ACTIVE']);
			assert.deepEqual(await session.connectionStatus(request.accountId), { status: 'ACTIVE' });
			const gmail = (await session.toolkits()).find((t) => t.slug === 'gmail');
			assert.equal(gmail?.connected, true);
			assert.equal(gmail?.accountId, request.accountId);
			assert.equal(gmail?.accountStatus, 'ACTIVE');
		});

		it('an API-key toolkit connects through the page with a key field', async () => {
			const session = await service.getSession('alice', settings());
			const request = await session.authorize('linear');
			const ac = new AbortController();
			const outcome = session.waitForConnection(request.accountId, { signal: ac.signal });
			await submitConnectPage(request.redirectUrl, 'authorize', { api_key: 'lin_api_test_1234' });
			assert.deepEqual(await outcome, { status: 'ACTIVE' });
		});

		it('Deny → FAILED with the reason', async () => {
			const session = await service.getSession('alice', settings());
			const request = await session.authorize('github');
			const ac = new AbortController();
			const outcome = session.waitForConnection(request.accountId, { signal: ac.signal });
			await submitConnectPage(request.redirectUrl, 'deny');
			const result = await outcome;
			assert.equal(result.status, 'FAILED');
			assert.ok(result.status === 'FAILED' && typeof result.reason === 'string' && result.reason.length > 0);
		});

		it('a denial with a custom reason carries it', async () => {
			const session = await service.getSession('alice', settings());
			const request = await session.authorize('slack');
			emu.completeLink(request.redirectUrl, { decision: 'deny', reason: 'Workspace admin refused' });
			const result = await session.waitForConnection(request.accountId, { signal: new AbortController().signal });
			assert.deepEqual(result, { status: 'FAILED', reason: 'Workspace admin refused' });
		});

		it('an abandoned link expires → EXPIRED', async () => {
			// The emulator and the wait share a simulated clock: the link expires after exactly 200 ms of it.
			const clock = new FakeClock();
			const short = new TestComposioEmulator({ linkTtlMs: 200, apiKey: emu.apiKey, clock });
			await short.start();
			try {
				const s = new ComposioService({ clientFactory: factory, pollIntervalMs: 25, clock });
				const session = await s.getSession('alice', { ...settings(), apiKey: short.apiKey, baseUrl: short.baseUrl });
				const request = await session.authorize('gmail');
				const statuses: ConnectionStatus[] = [];
				let result: ConnectionOutcome | undefined;
				const waiting = session.waitForConnection(request.accountId, { signal: new AbortController().signal, onStatus: (st) => statuses.push(st) }).then((r) => (result = r));
				const steps = await clock.runUntil(() => result !== undefined, 25, 'the wait to end');
				await waiting;
				assert.equal(result?.status, 'EXPIRED');
				assert.deepEqual(statuses, ['INITIATED', 'EXPIRED']);
				assert.equal(steps, 8, 'polled every 25 ms until the link was 200 ms old');
				// The page for an expired link says so rather than offering Authorize.
				const page = await fetch(request.redirectUrl);
				assert.doesNotMatch(await page.text(), /value="authorize"/);
			} finally {
				await short.stop();
			}
		});

		it('gives up with TIMEOUT when the user never finishes', async () => {
			const clock = new FakeClock();
			const s = new ComposioService({ clientFactory: factory, clock });
			const session = await s.getSession('alice', settings());
			const request = await session.authorize('gmail');
			const ac = new AbortController();
			const before = count('GET', /\/connected_accounts\/[^/]+$/);
			let result: ConnectionOutcome | undefined;
			const waiting = session.waitForConnection(request.accountId, { signal: ac.signal, timeoutMs: 500, intervalMs: 20 }).then((r) => (result = r));
			const steps = await clock.runUntil(() => result !== undefined, 20, 'the wait to end');
			await waiting;
			assert.deepEqual(result, { status: 'TIMEOUT' });
			// A check at once and after each 20 ms of the 500: 26 checks, 25 pauses.
			assert.equal(steps, 25);
			assert.equal(count('GET', /\/connected_accounts\/[^/]+$/) - before, 26);
			// Polling leaves no abort listeners behind on the caller's signal.
			assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
		});

		it('cancelling the wait rejects with cancelled promptly, between polls and during a slow poll', async () => {
			const session = await service.getSession('alice', settings());
			const request = await session.authorize('gmail');
			// Between polls: the next poll is a minute away.
			const ac = new AbortController();
			const statuses: ConnectionStatus[] = [];
			const waiting = session.waitForConnection(request.accountId, { signal: ac.signal, intervalMs: 60_000, onStatus: (s) => statuses.push(s) });
			await until(() => statuses.length === 1, 'the first poll');
			ac.abort();
			const err = await expectError(waiting, 'cancelled');
			assert.match(err.message, /cancelled/);
			// During a poll the server takes 20 s to answer.
			emu.injectFault({ delayMs: 20_000, pathIncludes: '/connected_accounts/', method: 'GET', count: Infinity });
			const ac2 = new AbortController();
			const before = emu.requests.length;
			const waiting2 = session.waitForConnection(request.accountId, { signal: ac2.signal });
			await until(() => emu.requests.length > before, 'the slow poll to reach the server');
			ac2.abort();
			await expectError(waiting2, 'cancelled');
			// An already-aborted signal never polls.
			const polls = emu.requests.length;
			await expectError(session.waitForConnection(request.accountId, { signal: AbortSignal.abort() }), 'cancelled');
			assert.equal(emu.requests.length, polls);
		});

		it('lists two gmail accounts by alias in multi-account mode, across pages', async () => {
			const s = new ComposioService({ clientFactory: factory, pollIntervalMs: 25, pageSize: 1 });
			const session = await s.getSession('alice', settings({ multiAccount: true, toolkits: ['gmail', 'github'] }));
			for (const alias of ['work', 'personal']) {
				const request = await session.authorize('gmail', { alias });
				await submitConnectPage(request.redirectUrl, 'authorize');
				assert.deepEqual(await session.waitForConnection(request.accountId, { signal: new AbortController().signal }), { status: 'ACTIVE' });
			}
			emu.seedAccount('alice', 'github', 'oss');
			emu.seedAccount('bob', 'gmail', 'bobs');
			const listRequestsBefore = count('GET', /\/connected_accounts$/);
			const gmail = await session.listAccounts('gmail');
			assert.deepEqual(gmail.map((a) => a.alias).sort(), ['personal', 'work']);
			assert.ok(gmail.every((a) => a.toolkit === 'gmail' && a.status === 'ACTIVE' && !a.disabled && a.createdAt !== '' && a.id.startsWith('ca_')));
			assert.ok(count('GET', /\/connected_accounts$/) - listRequestsBefore >= 2, 'page size 1 took several pages');
			const all = await session.listAccounts();
			assert.deepEqual(all.map((a) => `${a.toolkit}:${a.alias ?? ''}`).sort(), ['github:oss', 'gmail:personal', 'gmail:work']);
			const toolkits = await session.toolkits();
			assert.deepEqual(toolkits.map((t) => t.slug).sort(), ['github', 'gmail']);
			// Executing as a chosen account goes through the session with `account`.
			const result = await session.execute('GMAIL_FETCH_EMAILS', { max_results: 1 }, { account: 'work' });
			assert.equal(result.error, null);
			const exec = emu.requests.filter((r) => r.method === 'POST' && /\/execute$/.test(r.path)).at(-1)?.body as Record<string, unknown>;
			assert.equal(exec.account, 'work');
			assert.equal(exec.tool_slug, 'GMAIL_FETCH_EMAILS');
			s.dispose();
		});

		it('disconnects, disables and enables accounts', async () => {
			const session = await service.getSession('alice', settings());
			const keep = emu.seedAccount('alice', 'slack', 'team');
			const drop = emu.seedAccount('alice', 'github', 'oss');
			await session.disconnect(drop);
			assert.deepEqual((await session.listAccounts()).map((a) => a.id), [keep]);
			await expectError(session.connectionStatus(drop), 'notFound');
			await session.setEnabled(keep, false);
			const disabled = (await session.listAccounts('slack'))[0];
			assert.equal(disabled?.disabled, true);
			await session.setEnabled(keep, true);
			const enabled = (await session.listAccounts('slack'))[0];
			assert.equal(enabled?.disabled, false);
			assert.equal(enabled?.status, 'ACTIVE');
		});

		it('reconnects an EXPIRED account: a new link with the same alias, the old one deleted once the new one is ACTIVE', async () => {
			const session = await service.getSession('alice', settings({ multiAccount: true }));
			const old = emu.seedAccount('alice', 'gmail', 'work');
			emu.setAccountStatus(old, 'EXPIRED', 'OAuth refresh token expired');
			const [expired] = await session.listAccounts('gmail');
			assert.equal(expired?.status, 'EXPIRED');
			assert.equal(expired?.statusReason, 'OAuth refresh token expired');
			const request = await session.reconnect(old);
			assert.equal(request.replacesAccountId, old);
			assert.equal(request.toolkit, 'gmail');
			assert.notEqual(request.accountId, old);
			// Until the new account is ACTIVE the old one stays.
			assert.equal((await session.listAccounts('gmail')).length, 2);
			await submitConnectPage(request.redirectUrl, 'authorize');
			assert.deepEqual(await session.waitForConnection(request.accountId, { signal: new AbortController().signal }), { status: 'ACTIVE' });
			const accounts = await session.listAccounts('gmail');
			assert.deepEqual(
				accounts.map((a) => ({ id: a.id, alias: a.alias, status: a.status })),
				[{ id: request.accountId, alias: 'work', status: 'ACTIVE' }],
			);
		});

		it('reconnects an abandoned link whose account still holds the alias: links without it, then moves it over', async () => {
			const session = await service.getSession('alice', settings({ multiAccount: true }));
			const abandoned = await session.authorize('gmail', { alias: 'work' });
			const request = await session.reconnect(abandoned.accountId);
			assert.equal(request.replacesAccountId, abandoned.accountId);
			const links = emu.requests.filter((r) => r.method === 'POST' && /\/link$/.test(r.path)).map((r) => (r.body as { alias?: string }).alias);
			assert.deepEqual(links, ['work', undefined], 'linked without the alias the abandoned account still holds');
			await submitConnectPage(request.redirectUrl, 'authorize');
			assert.deepEqual(await session.waitForConnection(request.accountId, { signal: new AbortController().signal }), { status: 'ACTIVE' });
			assert.deepEqual(
				(await session.listAccounts('gmail')).map((a) => ({ id: a.id, alias: a.alias })),
				[{ id: request.accountId, alias: 'work' }],
			);
		});

		it('reconnects when the server refuses the alias of a dead account (409): links without it, moves it afterwards', async () => {
			const session = await service.getSession('alice', settings({ multiAccount: true }));
			const old = emu.seedAccount('alice', 'slack', 'team');
			emu.setAccountStatus(old, 'EXPIRED');
			// A server that keeps aliases on dead accounts answers 409; the SDK retries a 409 twice.
			emu.injectFault({ status: 409, pathIncludes: '/link', method: 'POST', count: 3 });
			const request = await session.reconnect(old);
			emu.completeLink(request.redirectUrl, { decision: 'authorize' });
			assert.deepEqual(await session.connectionStatus(request.accountId), { status: 'ACTIVE' });
			assert.deepEqual(
				(await session.listAccounts('slack')).map((a) => ({ id: a.id, alias: a.alias })),
				[{ id: request.accountId, alias: 'team' }],
			);
			assert.equal(count('PATCH', /\/connected_accounts\/[^/]+$/), 1, 'the alias was moved with one PATCH');
		});

		it('a failed reconnect keeps the old account, and an ACTIVE account is not reconnected', async () => {
			const session = await service.getSession('alice', settings());
			const old = emu.seedAccount('alice', 'github');
			await expectError(session.reconnect(old), 'conflict');
			emu.setAccountStatus(old, 'REVOKED', 'Access revoked in GitHub');
			const request = await session.reconnect(old);
			emu.completeLink(request.redirectUrl, { decision: 'deny' });
			assert.equal((await session.waitForConnection(request.accountId, { signal: new AbortController().signal })).status, 'FAILED');
			assert.ok((await session.listAccounts('github')).some((a) => a.id === old && a.status === 'REVOKED'));
		});
	});

	describe('tools and Connect Links', () => {
		it('an app tool without a connection returns the not-connected error; MANAGE_CONNECTIONS returns a Connect Link', async () => {
			const session = await service.getSession('alice', settings());
			const notConnected = await session.execute('GMAIL_FETCH_EMAILS', {});
			assert.equal(typeof notConnected.error, 'string');
			assert.match(notConnected.error ?? '', /COMPOSIO_MANAGE_CONNECTIONS/);
			const manage = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'] });
			assert.equal(manage.error, null);
			const links = findConnectLinks(manage.data);
			assert.equal(links.length, 1, JSON.stringify(manage.data));
			assert.equal(links[0]?.toolkit, 'gmail');
			assert.match(links[0]?.accountId ?? '', /^ca_/);
			assert.equal(classifyLink(links[0]?.url ?? '', { baseUrl: emu.baseUrl }), 'open');
			emu.completeLink(links[0]?.url ?? '', { decision: 'authorize' });
			const connected = await session.execute('GMAIL_FETCH_EMAILS', {});
			assert.equal(connected.error, null);
			assert.ok(connected.data && typeof connected.data === 'object');
		});

		it('cancels an execution through its signal, and leaves no listener on a signal it finished with', async () => {
			const session = await service.getSession('alice', settings());
			const turn = new AbortController();
			for (let i = 0; i < 12; i++) {
				await session.execute('COMPOSIO_SEARCH_TOOLS', { queries: [{ use_case: 'email' }] }, { signal: turn.signal });
			}
			assert.equal(getEventListeners(turn.signal, 'abort').length, 0);
			emu.injectFault({ delayMs: 20_000, pathIncludes: '/execute' });
			const ac = new AbortController();
			const before = emu.requests.length;
			const running = session.execute('COMPOSIO_SEARCH_TOOLS', { queries: [{ use_case: 'email' }] }, { signal: ac.signal });
			await until(() => emu.requests.length > before, 'the execute request');
			ac.abort();
			await expectError(running, 'cancelled');
		});
	});

	describe('faults', () => {
		it('401 → auth, with setComposioKey and no key text', async () => {
			const bad = 'ck_wrong_key_abcdef123456';
			const err = await expectError(service.getSession('alice', settings({ apiKey: bad })), 'auth');
			assert.equal(err.message, 'Composio rejected the API key.');
			assert.equal(err.action, 'setComposioKey');
			assert.ok(!err.message.includes(bad) && !err.detail.includes(bad));
			assert.ok(log.lines.every((l) => !l.includes(bad)));
		});

		it('no key at all → auth before any request', async () => {
			const before = emu.requests.length;
			const err = await expectError(service.getSession('alice', settings({ apiKey: '' })), 'auth');
			assert.equal(err.action, 'setComposioKey');
			assert.equal(emu.requests.length, before);
		});

		it('403 → forbidden, with setComposioKey', async () => {
			emu.injectFault({ status: 403, pathIncludes: '/tool_router/session', count: 1 });
			const err = await expectError(service.getSession('alice', settings()), 'forbidden');
			assert.equal(err.message, 'Composio rejected the API key.');
			assert.equal(err.action, 'setComposioKey');
		});

		it('404 unknown toolkit → unknownToolkit naming it', async () => {
			const session = await service.getSession('alice', settings());
			const err = await expectError(session.authorize('gmial'), 'unknownToolkit');
			assert.equal(err.message, 'Composio doesn\'t know the toolkit "gmial".');
		});

		it('an unknown toolkit in the settings → unknownToolkit when the session is created', async () => {
			const err = await expectError(service.getSession('alice', settings({ toolkits: ['gmail', 'notatoolkit'] })), 'unknownToolkit');
			assert.match(err.message, /"notatoolkit"/);
		});

		it('a session the server no longer knows is replaced on the next getSession', async () => {
			const session = await service.getSession('alice', settings());
			const res = await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session/${session.sessionId}`, { method: 'DELETE', headers: { 'x-api-key': emu.apiKey } });
			assert.ok(res.ok);
			await expectError(session.tools(), 'notFound');
			const fresh = await service.getSession('alice', settings());
			assert.notEqual(fresh, session);
			assert.ok((await fresh.tools()).length > 0);
		});

		it('429 twice then success: the SDK retries, honouring retry-after', async () => {
			const session = await service.getSession('alice', settings());
			emu.injectFault({ status: 429, retryAfterSeconds: 1, pathIncludes: '/tools', count: 2 });
			const tools = await session.tools();
			assert.ok(tools.length > 0);
			const fetches = emu.requests.filter((r) => r.method === 'GET' && /\/tools$/.test(r.path));
			assert.equal(fetches.length, 3, 'two 429s and a success');
			const [first, second] = fetches;
			assert.ok(first && second && second.at - first.at >= 900, 'waited about retry-after');
		});

		it('429 persistently → rateLimited with retry after three attempts', async () => {
			const session = await service.getSession('alice', settings());
			emu.injectFault({ status: 429, retryAfterSeconds: 0, pathIncludes: '/tools', count: Infinity });
			const err = await expectError(session.tools(), 'rateLimited');
			assert.equal(err.message, 'Composio is rate-limiting requests; try again in a moment.');
			assert.equal(err.action, 'retry');
			assert.equal(toolFetches(), 3);
		});

		for (const status of [500, 503]) {
			it(`${status} → server, "unreachable", retry`, async () => {
				const session = await service.getSession('alice', settings());
				emu.injectFault({ status, pathIncludes: '/toolkits', count: Infinity });
				const err = await expectError(session.toolkits(), 'server');
				assert.equal(err.message, 'Composio is unreachable.');
				assert.equal(err.action, 'retry');
				assert.equal(err.status, status);
			});
		}

		it('a dropped connection → unreachable', async () => {
			const session = await service.getSession('alice', settings());
			emu.injectFault({ drop: true, pathIncludes: '/connected_accounts', count: Infinity });
			const err = await expectError(session.listAccounts(), 'unreachable');
			assert.equal(err.message, 'Composio is unreachable.');
			assert.equal(err.action, 'retry');
		});

		it('connection refused → unreachable', async () => {
			const port = await freeLoopbackPort();
			const err = await expectError(service.getSession('alice', settings({ baseUrl: `http://127.0.0.1:${port}` })), 'unreachable');
			assert.equal(err.message, 'Composio is unreachable.');
		});

		it('malformed JSON → server, "unreachable"', async () => {
			const session = await service.getSession('alice', settings());
			emu.injectFault({ malformed: true, pathIncludes: '/tools', count: Infinity });
			const err = await expectError(session.tools(), 'server');
			assert.equal(err.message, 'Composio is unreachable.');
			assert.ok(!/[{}]/.test(err.message));
		});

		it('a slow answer within bounds succeeds', async () => {
			const session = await service.getSession('alice', settings());
			emu.injectFault({ delayMs: 1500, pathIncludes: '/tools', count: 1 });
			const tools = await session.tools();
			assert.ok(tools.length > 0);
			assert.equal(toolFetches(), 1);
		});

		it('an answer slower than the request timeout → timeout', async () => {
			const quick = new ComposioClientFactory({ logger: log, requestTimeoutMs: 300, maxRetries: 0 });
			const s = new ComposioService({ clientFactory: quick });
			try {
				emu.injectFault({ delayMs: 5000, pathIncludes: '/tool_router/session', count: 1 });
				const err = await expectError(s.getSession('alice', settings()), 'timeout');
				assert.equal(err.message, 'Composio is unreachable.');
				assert.equal(err.action, 'retry');
			} finally {
				s.dispose();
				quick.dispose();
			}
		});
	});

	describe('side effects and logging', () => {
		it('builds clients with no process handlers and no console output; SDK and HTTP logs reach our logger', async () => {
			const events = ['SIGINT', 'SIGTERM', 'beforeExit', 'exit', 'uncaughtException', 'unhandledRejection'] as const;
			const listenersBefore = events.map((e) => process.listenerCount(e));
			const consoleCalls: string[] = [];
			const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
			const originals = methods.map((m) => Object.getOwnPropertyDescriptor(console, m));
			methods.forEach((m) => {
				console[m] = (...args: unknown[]) => void consoleCalls.push(`${m}: ${args.map(String).join(' ')}`);
			});
			try {
				const session = await service.getSession('carol', settings());
				await session.tools();
				emu.injectFault({ status: 500, pathIncludes: '/toolkits', count: 3 });
				await expectError(session.toolkits(), 'server');
				sdkLogger.warn('probe from the sdk logger', { apiKey: emu.apiKey });
			} finally {
				methods.forEach((m, i) => {
					const original = originals[i];
					if (original) {
						Object.defineProperty(console, m, original);
					}
				});
			}
			assert.deepEqual(consoleCalls, []);
			assert.deepEqual(
				events.map((e) => process.listenerCount(e)),
				listenersBefore,
			);
			assert.ok(log.lines.some((l) => l.includes('[composio sdk] probe from the sdk logger')));
			assert.ok(log.lines.some((l) => l.includes('[composio http]')));
			assert.ok(log.lines.some((l) => l.startsWith('[warn]') && l.includes('HTTP 500')));
		});
	});
});
