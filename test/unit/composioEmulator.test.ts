/**
 * The local Composio emulator, exercised through the real `@composio/core` SDK (and its OpenAI
 * provider) over real HTTP, plus the hosted Connect page as a browser would use it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Composio, ComposioConnectedAccountNotFoundError, ConnectionRequestFailedError } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import type OpenAI from 'openai';
import { promises as fsPromises } from 'node:fs';
import { ComposioEmulator, type ComposioEmulatorOptions } from '../../src/sandbox/emulator/composioEmulator';
import { postConnectPage } from '../shared/connectPage';
import { FakeClock } from '../shared/fakeClock';
import { rejection } from '../shared/rejection';
import { TestComposioEmulator } from '../shared/testComposioEmulator';

type Client = Composio<OpenAIProvider>;

const LINK_HOST = '127.0.0.2';

/** The SDK prints through console.warn/error/info/debug; every test asserts it printed nothing. */
const consoleMethods = ['warn', 'error', 'info', 'debug'] as const;
let printed: string[] = [];
const originals = new Map<string, PropertyDescriptor>();

function client(emu: ComposioEmulator, apiKey = emu.apiKey): Client {
	return new Composio({ apiKey, baseURL: emu.baseUrl, allowTracking: false, disableVersionCheck: true, provider: new OpenAIProvider() });
}

async function started(options: ComposioEmulatorOptions = {}): Promise<TestComposioEmulator> {
	const emu = new TestComposioEmulator({ linkHost: LINK_HOST, ...options });
	await emu.start();
	return emu;
}


function statusOf(error: unknown): unknown {
	return typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * The message of an execute Composio refuses, as it does: an HTTP 400 whose body carries its own
 * code and slug (4302 ToolRouterV2_NoActiveConnection, 4324 …ToolkitNotAllowed, 4301 …ToolNotFound).
 */
async function refusedWith(call: Promise<unknown>, code: number, slug: string): Promise<string> {
	const error = await rejection(call);
	assert.equal(statusOf(error), 400);
	const body = typeof error === 'object' && error !== null && 'error' in error ? error.error : undefined;
	const inner = record(record(body).error);
	assert.equal(inner.code, code);
	assert.equal(inner.slug, slug);
	return String(inner.message);
}

function record(value: unknown): Record<string, unknown> {
	assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `expected an object, got ${JSON.stringify(value)}`);
	return value as Record<string, unknown>;
}

function list(value: unknown): unknown[] {
	assert.ok(Array.isArray(value), `expected an array, got ${JSON.stringify(value)}`);
	return value;
}

function countRequests(emu: TestComposioEmulator, method: string, pathPart: string): number {
	return emu.requests.filter((r) => r.method === method && r.path.includes(pathPart)).length;
}

describe('ComposioEmulator (through the real SDK)', function () {
	this.timeout(20_000);
	let emu: TestComposioEmulator;
	let composio: Client;

	beforeEach(async () => {
		printed = [];
		for (const name of consoleMethods) {
			const descriptor = Object.getOwnPropertyDescriptor(console, name);
			if (descriptor) {
				originals.set(name, descriptor);
			}
			console[name] = (...args: unknown[]) => void printed.push(`${name}: ${args.map(String).join(' ')}`);
		}
		emu = await started();
		composio = client(emu);
	});

	afterEach(async () => {
		for (const name of consoleMethods) {
			const original = originals.get(name);
			if (original) {
				Object.defineProperty(console, name, original);
			}
		}
		await emu.stop();
		assert.deepEqual(printed, [], 'the SDK printed to the console');
	});

	describe('sessions and tools', () => {
		it('creates a session whose tools() are OpenAI function tools: its meta tools only, as on Composio; a preload adds app tools', async () => {
			const session = await composio.create('alice');
			assert.match(session.sessionId, /^trs_/);
			const tools = await session.tools();
			const names = tools.map((t) => (t.type === 'function' ? t.function.name : ''));
			assert.deepEqual(names, ['COMPOSIO_SEARCH_TOOLS', 'COMPOSIO_GET_TOOL_SCHEMAS', 'COMPOSIO_MANAGE_CONNECTIONS', 'COMPOSIO_MULTI_EXECUTE_TOOL', 'COMPOSIO_REMOTE_WORKBENCH', 'COMPOSIO_REMOTE_BASH_TOOL']);
			const reattached = await composio.use(session.sessionId);
			assert.deepEqual(reattached.config.preload, { tools: [] });
			const multi = tools.find((t) => t.type === 'function' && t.function.name === 'COMPOSIO_MULTI_EXECUTE_TOOL');
			assert.ok(multi && multi.type === 'function');
			assert.equal(record(multi.function.parameters).type, 'object');
			assert.ok(typeof multi.function.description === 'string' && multi.function.description.length > 20);
			assert.equal(countRequests(emu, 'GET', '/tools'), 1);

			// Preloaded by name: those app tools are listed too, with their schemas.
			const preloaded = await composio.create('alice', { preload: { tools: ['GMAIL_SEND_EMAIL'] } });
			const listed = await preloaded.tools();
			const send = listed.find((t) => t.type === 'function' && t.function.name === 'GMAIL_SEND_EMAIL');
			assert.ok(send && send.type === 'function');
			assert.deepEqual(record(send.function.parameters).required, ['recipient_email', 'body']);
			assert.equal(listed.filter((t) => t.type === 'function' && !t.function.name.startsWith('COMPOSIO_')).length, 1);
			// "all" needs a positive allowlist: with one, every tool it allows; without, a 400.
			const all = await composio.create('alice', { toolkits: ['github'], preload: { tools: 'all' } });
			const allNames = (await all.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
			assert.ok(allNames.includes('GITHUB_CREATE_AN_ISSUE') && !allNames.some((n) => n.startsWith('GMAIL_')));
			assert.equal(statusOf(await rejection(composio.create('alice', { preload: { tools: 'all' } }))), 400);
		});

		it('respects manageConnections: false, toolkit allowlists and the session config it echoes', async () => {
			const session = await composio.create('alice', { toolkits: ['gmail', 'github'], manageConnections: false });
			const names = (await session.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
			assert.ok(!names.includes('COMPOSIO_MANAGE_CONNECTIONS'));
			assert.ok(names.includes('COMPOSIO_MULTI_EXECUTE_TOOL'));
			const reattached = await composio.use(session.sessionId);
			assert.equal(reattached.config.user_id, 'alice');
			assert.deepEqual(reattached.config.toolkits, { enabled: ['gmail', 'github'] });
			// The allowlist decides what runs: a Slack tool is refused in this session, a Gmail one is not.
			const slack = await session.execute('SLACK_LIST_ALL_CHANNELS', {}).then(
				(r) => r.error ?? '',
				(e: unknown) => messageOf(e),
			);
			assert.match(slack, /not (available|allowed|enabled)/i);
			const disabled = await composio.create('alice', { toolkits: { disable: ['slack'] }, preload: { tools: ['LINEAR_LIST_LINEAR_ISSUES'] } });
			const disabledNames = (await disabled.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
			assert.ok(!disabledNames.some((n) => n.startsWith('SLACK_')) && disabledNames.includes('LINEAR_LIST_LINEAR_ISSUES'));
		});

		it('pages session tools with a cursor', async () => {
			const session = await composio.create('alice', { toolkits: ['gmail', 'github', 'slack', 'linear'], preload: { tools: 'all' } });
			const slugs: string[] = [];
			let cursor: string | null = null;
			let pages = 0;
			do {
				const url = new URL(`${emu.baseUrl}/api/v3.1/tool_router/session/${session.sessionId}/tools`);
				url.searchParams.set('limit', '5');
				if (cursor) {
					url.searchParams.set('cursor', cursor);
				}
				const page = record(await (await fetch(url, { headers: { 'x-api-key': emu.apiKey } })).json());
				slugs.push(...list(page.items).map((i) => String(record(i).slug)));
				cursor = typeof page.next_cursor === 'string' ? page.next_cursor : null;
				pages++;
			} while (cursor);
			// The 4 toolkits' app tools preloaded, the meta tools, and the workbench and bash tools of a session that does not turn the workbench off.
			assert.ok(pages >= 3, `${pages} pages`);
			assert.equal(new Set(slugs).size, slugs.length);
			assert.ok(slugs.includes('COMPOSIO_SEARCH_TOOLS') && slugs.includes('LINEAR_CREATE_LINEAR_ISSUE'));
		});

		it('rejects unknown toolkits and auth configs at session creation, naming them', async () => {
			const badToolkit = await rejection(composio.create('alice', { toolkits: ['gmial'] }));
			assert.equal(statusOf(badToolkit), 404);
			assert.match(messageOf(badToolkit), /gmial/);
			const badConfig = await rejection(composio.create('alice', { authConfigs: { gmail: 'ac_nope' } }));
			assert.equal(statusOf(badConfig), 404);
			assert.match(messageOf(badConfig), /ac_nope/);
			const missing = await rejection(composio.use('trs_missing'));
			assert.equal(statusOf(missing), 404);
		});

		it('deletes a session', async () => {
			const session = await composio.create('alice');
			const deleted = await composio.toolRouter.delete(session.sessionId);
			assert.deepEqual(deleted, { sessionId: session.sessionId, deleted: true });
			assert.equal(statusOf(await rejection(composio.use(session.sessionId))), 404);
		});
	});

	describe('toolkits and connection status', () => {
		it('reports connection status across pages and filters by connection', async () => {
			emu.seedAccount('alice', 'gmail');
			const session = await composio.create('alice');
			const seen = new Map<string, boolean>();
			let cursor: string | undefined;
			let pages = 0;
			do {
				const page = await session.toolkits({ limit: 3, ...(cursor ? { cursor } : {}) });
				for (const item of page.items) {
					seen.set(item.slug, item.connection?.isActive ?? false);
				}
				assert.equal(page.totalPages, 3);
				cursor = page.cursor;
				pages++;
			} while (cursor);
			assert.equal(pages, 3);
			assert.deepEqual(Object.fromEntries(seen), { gmail: true, github: false, slack: false, linear: false, hackernews: false, posthog: false, shopify: false });

			const connected = await session.toolkits({ isConnected: true });
			assert.deepEqual(connected.items.map((i) => i.slug), ['gmail']);
			const gmail = connected.items[0];
			assert.equal(gmail?.connection?.authConfig?.id, 'ac_gmail_managed');
			assert.equal(gmail?.connection?.authConfig?.isComposioManaged, true);
			assert.equal(gmail?.connection?.connectedAccount?.status, 'ACTIVE');

			const searched = await session.toolkits({ search: 'issue' });
			assert.deepEqual(searched.items.map((i) => i.slug).sort(), ['github', 'linear']);
			const unknown = await rejection(session.toolkits({ toolkits: ['notion'] }));
			assert.equal(statusOf(unknown), 404);
			assert.match(messageOf(unknown), /notion/);
		});

		it('shows an EXPIRED account as inactive after setAccountStatus, and execution explains it', async () => {
			const id = emu.seedAccount('alice', 'github');
			emu.setAccountStatus(id, 'EXPIRED', 'Max auth failures reached');
			const session = await composio.create('alice');
			const page = await session.toolkits({ toolkits: ['github'] });
			assert.equal(page.items[0]?.connection?.isActive, false);
			assert.equal(page.items[0]?.connection?.connectedAccount?.status, 'EXPIRED');
			const account = await composio.connectedAccounts.get(id);
			assert.equal(account.status, 'EXPIRED');
			assert.equal(account.statusReason, 'Max auth failures reached');
			const error = await refusedWith(session.execute('GITHUB_LIST_REPOSITORY_ISSUES', { owner: 'acme', repo: 'webapp' }), 4302, 'ToolRouterV2_NoActiveConnection');
			assert.match(error, /EXPIRED/);
			assert.match(error, /COMPOSIO_MANAGE_CONNECTIONS/);
		});
	});

	describe('Connect Links and the hosted page', () => {
		it('authorize gives an INITIATED account and a link on linkHost; the page over HTTP completes it', async () => {
			const session = await composio.create('alice');
			const request = await session.authorize('gmail');
			assert.equal(request.status, 'INITIATED');
			assert.match(request.id, /^ca_/);
			const link = new URL(request.redirectUrl ?? '');
			assert.equal(link.hostname, LINK_HOST);
			assert.equal(link.port, new URL(emu.baseUrl).port);
			assert.match(link.pathname, /^\/link\/ln_/);
			assert.equal((await composio.connectedAccounts.get(request.id)).status, 'INITIATED');

			const page = await fetch(link);
			assert.equal(page.status, 200);
			assert.match(page.headers.get('content-type') ?? '', /text\/html/);
			const html = await page.text();
			assert.match(html, /<title>Connect Gmail — Composio Sandbox<\/title>/);
			assert.match(html, /alice/);
			assert.match(html, /value="authorize"/);
			assert.match(html, /value="deny"/);
			assert.ok(!/<script|https?:\/\/(?!github\.com)/i.test(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '')), 'the page must be self-contained');

			const waiting = request.waitForConnection(15_000);
			const submitted = await postConnectPage(link.href, { decision: 'authorize' });
			assert.equal(submitted.status, 200);
			assert.match(await submitted.text(), /Gmail connected — you can return to VS Code/);
			const account = await waiting;
			assert.equal(account.status, 'ACTIVE');
			assert.equal(account.toolkit.slug, 'gmail');

			const again = await fetch(link);
			assert.equal(again.status, 409);
			assert.match(await again.text(), /already used/);
		});

		it('Deny makes waitForConnection fail with the reason', async () => {
			const session = await composio.create('alice');
			const request = await session.authorize('github');
			const response = await postConnectPage(request.redirectUrl ?? '', { decision: 'deny' });
			assert.match(await response.text(), /Connection denied/);
			const error = await rejection(request.waitForConnection(10_000));
			assert.ok(error instanceof ConnectionRequestFailedError);
			assert.match(error.message, /FAILED/);
			assert.match(error.message, /User denied access/);
		});

		it('expires an unfinished link after linkTtlMs: EXPIRED account, 410 page', async () => {
			await emu.stop();
			const clock = new FakeClock();
			emu = await started({ linkTtlMs: 150, clock });
			composio = client(emu);
			const session = await composio.create('alice');
			const request = await session.authorize('slack');
			await clock.advance(149);
			assert.equal((await composio.connectedAccounts.get(request.id)).status, 'INITIATED', 'not expired a millisecond before its time');
			await clock.advance(1);
			const account = await composio.connectedAccounts.get(request.id);
			assert.equal(account.status, 'EXPIRED');
			assert.match(account.statusReason ?? '', /did not complete/);
			const page = await fetch(request.redirectUrl ?? '');
			assert.equal(page.status, 410);
			assert.match(await page.text(), /expired/);
			const error = await rejection(request.waitForConnection(5_000));
			assert.ok(error instanceof ConnectionRequestFailedError);
			assert.throws(() => emu.completeLink(request.redirectUrl ?? '', { decision: 'authorize' }), /expired/);
		});

		it('asks for an API key on the Linear page and refuses Authorize without one', async () => {
			const session = await composio.create('alice');
			const request = await session.authorize('linear');
			const html = await (await fetch(request.redirectUrl ?? '')).text();
			assert.match(html, /<label for="api_key">Linear API key<\/label>/);
			assert.match(html, /name="api_key" type="password"[^>]*required/);
			const refused = await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize', api_key: '  ' });
			assert.equal(refused.status, 400);
			assert.match(await refused.text(), /Enter your Linear API key/);
			assert.equal((await composio.connectedAccounts.get(request.id)).status, 'INITIATED');
			const accepted = await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize', api_key: 'lin_api_0123456789abcd' });
			assert.equal(accepted.status, 200);
			const account = await composio.connectedAccounts.get(request.id);
			assert.equal(account.status, 'ACTIVE');
			assert.equal(account.authConfig.authScheme, 'API_KEY');
			assert.ok(!JSON.stringify(account).includes('lin_api_0123456789abcd'), 'the key must not be echoed');
		});

		it('uses the session auth config override and shows its white-label app name', async () => {
			const session = await composio.create('alice', { authConfigs: { gmail: 'ac_gmail_custom' } });
			const request = await session.authorize('gmail');
			const html = await (await fetch(request.redirectUrl ?? '')).text();
			assert.match(html, /Acme Inbox Assistant/);
			const account = await composio.connectedAccounts.get(request.id);
			assert.equal(account.authConfig.id, 'ac_gmail_custom');
			assert.equal(account.authConfig.isComposioManaged, false);
		});

		it('redirects to an http(s) callback with status and connected_account_id, and ignores other schemes', async () => {
			const session = await composio.create('alice');
			const request = await session.authorize('gmail', { callbackUrl: 'http://127.0.0.1:9/done?from=test' });
			const response = await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize' });
			assert.equal(response.status, 303);
			const location = new URL(response.headers.get('location') ?? '');
			assert.equal(location.pathname, '/done');
			assert.equal(location.searchParams.get('from'), 'test');
			assert.equal(location.searchParams.get('status'), 'success');
			assert.equal(location.searchParams.get('connected_account_id'), request.id);

			const odd = await session.authorize('github', { callbackUrl: 'javascript:alert(1)' });
			const page = await postConnectPage(odd.redirectUrl ?? '', { decision: 'authorize' });
			assert.equal(page.status, 200);
			assert.match(await page.text(), /GitHub connected/);
		});

		it('escapes dynamic values on the page', async () => {
			const session = await composio.create('<script>alert("x")</script>');
			const request = await session.authorize('gmail', { alias: '"><img src=x onerror=alert(1)>' });
			const html = await (await fetch(request.redirectUrl ?? '')).text();
			assert.ok(!html.includes('<script>alert'));
			assert.ok(!html.includes('<img src=x'));
			assert.match(html, /&#60;script&#62;alert/);
		});

		it('creates low-level links with connectedAccounts.link and completes them in process', async () => {
			const request = await composio.connectedAccounts.link('bob', 'ac_slack_custom', { alias: 'team' });
			assert.equal(request.status, 'INITIATED');
			emu.completeLink(request.redirectUrl ?? '', { decision: 'authorize' });
			const account = await request.waitForConnection(5_000);
			assert.equal(account.status, 'ACTIVE');
			assert.equal(account.alias, 'team');
			assert.equal(account.authConfig.id, 'ac_slack_custom');
		});
	});

	describe('connected accounts', () => {
		it('lists two Gmail accounts with aliases and rejects a duplicate alias with 409', async () => {
			const session = await composio.create('alice');
			for (const alias of ['work', 'personal']) {
				const request = await session.authorize('gmail', { alias });
				emu.completeLink(request.redirectUrl ?? '', { decision: 'authorize' });
			}
			emu.seedAccount('bob', 'gmail', 'work');
			const listed = await composio.connectedAccounts.list({ userIds: ['alice'], toolkitSlugs: ['gmail'] });
			assert.deepEqual(listed.items.map((a) => a.alias), ['personal', 'work']);
			assert.ok(listed.items.every((a) => a.status === 'ACTIVE' && a.toolkit.slug === 'gmail'));
			assert.ok(listed.items.every((a) => !Number.isNaN(Date.parse(a.createdAt)) && !Number.isNaN(Date.parse(a.updatedAt))));

			const before = countRequests(emu, 'POST', '/link');
			const duplicate = await rejection(session.authorize('gmail', { alias: 'work' }));
			assert.equal(statusOf(duplicate), 409);
			assert.match(messageOf(duplicate), /alias 'work' already exists/);
			// The SDK retries 409 twice, like every 409 from Composio.
			assert.equal(countRequests(emu, 'POST', '/link') - before, 3);

			const active = await composio.connectedAccounts.list({ userIds: ['alice'], statuses: ['ACTIVE'], limit: 1 });
			assert.equal(active.items.length, 1);
			assert.equal(active.totalPages, 2);
			const next = await composio.connectedAccounts.list({ userIds: ['alice'], statuses: ['ACTIVE'], limit: 1, cursor: active.nextCursor ?? undefined });
			assert.equal(next.items.length, 1);
			assert.notEqual(next.items[0]?.id, active.items[0]?.id);
			const rename = (id: string, alias: string): Promise<Response> =>
				fetch(`${emu.baseUrl}/api/v3.1/connected_accounts/${id}`, { method: 'PATCH', headers: { 'x-api-key': emu.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ alias }) });
			const personal = listed.items[0]?.id ?? '';
			assert.equal((await rename(personal, 'work')).status, 409);
			assert.equal((await rename(personal, 'home')).status, 200);
			assert.equal((await composio.connectedAccounts.get(personal)).alias, 'home');
			const byConfig = await composio.connectedAccounts.list({ authConfigIds: ['ac_gmail_custom'] });
			assert.equal(byConfig.items.length, 0);
		});

		it('disables (INACTIVE), enables (ACTIVE) and deletes accounts', async () => {
			const id = emu.seedAccount('alice', 'slack');
			const session = await composio.create('alice');
			assert.deepEqual(await composio.connectedAccounts.disable(id), { success: true });
			const disabled = await composio.connectedAccounts.get(id);
			assert.equal(disabled.isDisabled, true);
			assert.equal(disabled.status, 'INACTIVE');
			assert.match(await refusedWith(session.execute('SLACK_LIST_ALL_CHANNELS', {}), 4302, 'ToolRouterV2_NoActiveConnection'), /No active connection/);

			await composio.connectedAccounts.enable(id);
			const enabled = await composio.connectedAccounts.get(id);
			assert.equal(enabled.isDisabled, false);
			assert.equal(enabled.status, 'ACTIVE');
			assert.equal((await session.execute('SLACK_LIST_ALL_CHANNELS', {})).error, null);

			assert.deepEqual(await composio.connectedAccounts.delete(id), { success: true });
			const gone = await rejection(composio.connectedAccounts.get(id));
			assert.equal(statusOf(gone), 404);
			const request = await session.authorize('slack');
			await composio.connectedAccounts.delete(request.id);
			assert.ok((await rejection(request.waitForConnection(2_000))) instanceof ComposioConnectedAccountNotFoundError);
		});

		it('lists and gets auth configs', async () => {
			const configs = await composio.authConfigs.list({ toolkit: 'gmail' });
			assert.deepEqual(configs.items.map((c) => c.id).sort(), ['ac_gmail_custom', 'ac_gmail_managed']);
			const custom = await composio.authConfigs.get('ac_gmail_custom');
			assert.equal(custom.isComposioManaged, false);
			assert.equal(custom.toolkit.slug, 'gmail');
			assert.equal(statusOf(await rejection(composio.authConfigs.get('ac_nope'))), 404);
		});
	});

	describe('execution', () => {
		it('answers an unconnected toolkit with the not-connected error, then reads the inbox once connected', async () => {
			const session = await composio.create('alice');
			const before = await refusedWith(session.execute('GMAIL_FETCH_EMAILS', { max_results: 5 }), 4302, 'ToolRouterV2_NoActiveConnection');
			assert.match(before, /not connected/);
			assert.match(before, /COMPOSIO_MANAGE_CONNECTIONS/);
			// Inside the multi-execute tool the same refusal is that tool's error in a 200 answer (a partial failure).
			const multi = await session.execute('COMPOSIO_MULTI_EXECUTE_TOOL', { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 5 } }], sync_response_to_workbench: false });
			assert.equal(multi.data.error_count, 1);
			assert.match(String(record(list(multi.data.results)[0]).error), /not connected/);

			emu.seedAccount('alice', 'gmail');
			const after = await session.execute('GMAIL_FETCH_EMAILS', { max_results: 5 });
			assert.equal(after.error, null);
			const messages = list(after.data.messages).map(record);
			assert.equal(messages.length, 5);
			const today = new Date().toDateString();
			for (const m of messages) {
				assert.equal(new Date(String(m.messageTimestamp)).toDateString(), today);
				assert.ok(typeof m.subject === 'string' && typeof m.sender === 'string' && typeof m.messageText === 'string');
			}
			const times = messages.map((m) => Date.parse(String(m.messageTimestamp)));
			assert.deepEqual(times, [...times].sort((a, b) => b - a));
			assert.equal(after.data.resultSizeEstimate, 6);

			const unread = await session.execute('GMAIL_FETCH_EMAILS', { query: 'is:unread from:priya' });
			assert.deepEqual(list(unread.data.messages).map((m) => record(m).subject), ['Q3 roadmap review moved to Thursday']);
			const important = await session.execute('GMAIL_FETCH_EMAILS', { label_ids: ['IMPORTANT'] });
			assert.equal(list(important.data.messages).length, 2);
		});

		it('sends email into the sent folder and validates required arguments', async () => {
			emu.seedAccount('alice', 'gmail');
			const session = await composio.create('alice');
			const missing = await session.execute('GMAIL_SEND_EMAIL', { subject: 'Hi' });
			assert.match(missing.error ?? '', /recipient_email/);
			const sent = await session.execute('GMAIL_SEND_EMAIL', { recipient_email: 'priya@acme.dev', subject: 'Roadmap', body: 'Thursday works.' });
			assert.equal(sent.error, null);
			assert.match(String(sent.data.id), /^[0-9a-f]{16}$/);
			const folder = await session.execute('GMAIL_FETCH_EMAILS', { label_ids: ['SENT'] });
			assert.deepEqual(list(folder.data.messages).map((m) => record(m).messageId), [sent.data.id]);
		});

		it('runs the GitHub, Slack and Linear tools', async () => {
			for (const tk of ['github', 'slack', 'linear']) {
				emu.seedAccount('alice', tk);
			}
			const session = await composio.create('alice');
			const open = await session.execute('GITHUB_LIST_REPOSITORY_ISSUES', { owner: 'acme', repo: 'webapp' });
			const openIssues = list(open.data.issues).map(record);
			assert.ok(openIssues.length >= 3 && openIssues.every((i) => i.state === 'open'));
			const all = await session.execute('GITHUB_LIST_REPOSITORY_ISSUES', { owner: 'acme', repo: 'webapp', state: 'all' });
			assert.ok(list(all.data.issues).length > openIssues.length);
			const created = await session.execute('GITHUB_CREATE_AN_ISSUE', { owner: 'acme', repo: 'webapp', title: 'Sandbox issue' });
			assert.equal(created.data.number, 43);
			assert.equal(created.data.html_url, 'https://github.com/acme/webapp/issues/43');
			const badRepo = await session.execute('GITHUB_LIST_REPOSITORY_ISSUES', { owner: 'acme', repo: 'nope' });
			assert.match(badRepo.error ?? '', /Not Found/);

			const channels = await session.execute('SLACK_LIST_ALL_CHANNELS', { exclude_archived: true });
			assert.ok(list(channels.data.channels).map((c) => record(c).name).includes('general'));
			const posted = await session.execute('SLACK_SEND_MESSAGE', { channel: '#general', text: 'Hello from the sandbox' });
			assert.equal(posted.data.channel, 'C01GENERAL');
			assert.match(String(posted.data.ts), /^\d+\.\d{6}$/);
			assert.equal((await session.execute('SLACK_SEND_MESSAGE', { channel: '#nope', text: 'x' })).error, 'channel_not_found');

			const issues = await session.execute('LINEAR_LIST_LINEAR_ISSUES', { team_id: 'ENG' });
			assert.ok(list(issues.data.issues).every((i) => String(record(i).identifier).startsWith('ENG-')));
			const linear = await session.execute('LINEAR_CREATE_LINEAR_ISSUE', { team_id: 'ENG', title: 'Sandbox task' });
			assert.equal(linear.data.identifier, 'ENG-119');
		});

		it('requires an explicit account with multiAccount.requireExplicitSelection, and honours pins', async () => {
			const work = emu.seedAccount('alice', 'gmail', 'work');
			const personal = emu.seedAccount('alice', 'gmail', 'personal');
			const strict = await composio.create('alice', { multiAccount: { enable: true, requireExplicitSelection: true } });
			const ambiguous = await strict.execute('GMAIL_FETCH_EMAILS', {});
			assert.match(ambiguous.error ?? '', /Multiple Gmail accounts/);
			assert.match(ambiguous.error ?? '', /'work'/);
			assert.match(ambiguous.error ?? '', /'personal'/);
			assert.equal((await strict.execute('GMAIL_FETCH_EMAILS', {}, { account: 'personal' })).error, null);
			assert.match((await strict.execute('GMAIL_FETCH_EMAILS', {}, { account: 'nope' })).error ?? '', /No connected Gmail account matches 'nope'/);

			const relaxed = await composio.create('alice');
			assert.equal((await relaxed.execute('GMAIL_FETCH_EMAILS', {})).error, null);
			const pinned = await composio.create('alice', { connectedAccounts: { gmail: work } });
			emu.setAccountStatus(work, 'REVOKED');
			assert.match(await refusedWith(pinned.execute('GMAIL_FETCH_EMAILS', {}), 4302, 'ToolRouterV2_NoActiveConnection'), /REVOKED/);
			assert.equal((await relaxed.execute('GMAIL_FETCH_EMAILS', {}, { account: personal })).error, null);
		});

		it('refuses an unknown tool slug and a toolkit the session does not allow with HTTP 400 and their codes', async () => {
			const session = await composio.create('alice', { toolkits: ['gmail'] });
			assert.match(await refusedWith(session.execute('GMAIL_TELEPORT', {}), 4301, 'ToolRouterV2_ToolNotFound'), /GMAIL_TELEPORT/);
			assert.match(await refusedWith(session.execute('SLACK_LIST_ALL_CHANNELS', {}), 4324, 'ToolRouterV2_ToolkitNotAllowed'), /Toolkit 'slack' is not allowed/);
		});

		it('runs tool calls from an OpenAI completion through the provider', async () => {
			emu.seedAccount('alice', 'gmail');
			const session = await composio.create('alice');
			const completion: OpenAI.ChatCompletion = {
				id: 'chatcmpl-1',
				object: 'chat.completion',
				created: 0,
				model: 'sandbox',
				choices: [
					{
						index: 0,
						finish_reason: 'tool_calls',
						logprobs: null,
						message: {
							role: 'assistant',
							content: null,
							refusal: null,
							tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: '{"max_results":2}' } }],
						},
					},
				],
			};
			const outputs = await composio.provider.handleToolCalls(session, completion);
			assert.equal(outputs.length, 1);
			assert.equal(outputs[0]?.tool_call_id, 'call_1');
			const raw = outputs[0]?.content;
			assert.equal(typeof raw, 'string');
			const content = record(JSON.parse(raw as string));
			assert.equal(content.successful, true);
			assert.equal(list(record(content.data).messages).length, 2);
		});
	});

	describe('meta tools', () => {
		it('COMPOSIO_MANAGE_CONNECTIONS returns a Connect Link, then the active accounts', async () => {
			const session = await composio.create('alice');
			const first = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail', 'notion'] });
			const gmail = record(record(first.data.results).gmail);
			assert.equal(gmail.status, 'initiated');
			assert.equal(new URL(String(gmail.redirect_url)).hostname, LINK_HOST);
			assert.match(String(gmail.connected_account_id), /^ca_/);
			assert.equal(record(record(first.data.results).notion).status, 'error');
			assert.match(first.error ?? '', /notion/);
			// Beside the results, the counts and the session block of Composio's reference.
			assert.deepEqual(first.data.summary, { total_toolkits: 2, active_connections: 0, initiated_connections: 1, failed_connections: 1 });
			assert.equal(record(first.data.session).id, session.sessionId);

			emu.completeLink(String(gmail.redirect_url), { decision: 'authorize' });
			const second = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'] });
			assert.equal(second.error, null);
			const active = record(record(second.data.results).gmail);
			assert.equal(active.status, 'active');
			assert.deepEqual(active.accounts, [{ id: gmail.connected_account_id, alias: null, status: 'active' }]);
			assert.equal(second.data.message, 'All connections are active');

			const again = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'], reinitiate_all: true });
			assert.equal(record(record(again.data.results).gmail).status, 'initiated');
		});

		it('COMPOSIO_MANAGE_CONNECTIONS takes per-toolkit entries: list, rename, remove, and add beside a connected account', async () => {
			const work = emu.seedAccount('alice', 'gmail', 'work');
			const home = emu.seedAccount('alice', 'gmail', 'home');
			const session = await composio.create('alice', { multiAccount: { enable: true } });
			const listed = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [{ name: 'gmail', action: 'list' }] });
			assert.equal(listed.error, null);
			const accounts = (record(record(listed.data.results).gmail).accounts as Array<{ id: string; alias: string }>).map((a) => [a.id, a.alias]).sort();
			assert.deepEqual(accounts, [[home, 'home'], [work, 'work']].sort());

			const renamed = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [{ name: 'gmail', action: 'rename', account_id: 'home', alias: 'family' }] });
			assert.equal(renamed.error, null);
			assert.equal(record(record(renamed.data.results).gmail).status, 'renamed');
			const removed = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [{ name: 'gmail', action: 'remove', account_id: work }] });
			assert.equal(record(record(removed.data.results).gmail).status, 'removed');
			assert.deepEqual((await composio.connectedAccounts.list({ userIds: ['alice'] })).items.map((a) => [a.id, a.alias]), [[home, 'family']]);

			// An explicit add on a multi-account session starts another account; a plain slug reports the connected one.
			const plain = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'] });
			assert.equal(record(record(plain.data.results).gmail).status, 'active');
			const another = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [{ name: 'gmail', action: 'add' }] });
			assert.equal(record(record(another.data.results).gmail).status, 'initiated');

			const missing = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [{ name: 'gmail', action: 'remove' }] });
			assert.match(missing.error ?? '', /account_id/);
			const unknown = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [{ name: 'gmail', action: 'wipe', account_id: home }] });
			assert.match(unknown.error ?? '', /Unknown action 'wipe'/);
			assert.equal((await composio.connectedAccounts.list({ userIds: ['alice'] })).items.length, 2, 'nothing else was removed');
		});

		it("uses the session's auth config, else the managed one Tool Router made: an account under another config is not this session's", async () => {
			const own = await composio.authConfigs.create('gmail', { type: 'use_custom_auth', authScheme: 'OAUTH2', name: 'Acme Mail', credentials: { client_id: 'acme-id', client_secret: 'acme-secret' } });
			emu.seedAccount('alice', 'gmail', 'own', own.id);
			const plain = await composio.create('alice');
			await refusedWith(plain.execute('GMAIL_FETCH_EMAILS', {}), 4302, 'ToolRouterV2_NoActiveConnection');
			const pinned = await composio.create('alice', { authConfigs: { gmail: own.id } });
			assert.equal((await pinned.execute('GMAIL_FETCH_EMAILS', {})).error, null);
			emu.seedAccount('alice', 'gmail', 'managed');
			assert.equal((await plain.execute('GMAIL_FETCH_EMAILS', {})).error, null, 'an account on the managed config works without a pin');
		});

		it('without multi-account, `account` must name the one connection the session uses; with it, any active account', async () => {
			const a = emu.seedAccount('alice', 'gmail', 'a');
			const b = emu.seedAccount('alice', 'gmail', 'b');
			const single = await composio.create('alice', { multiAccount: { enable: false } });
			const outcomes = await Promise.all([a, b].map(async (id) => (await single.execute('GMAIL_FETCH_EMAILS', {}, { account: id })).error));
			assert.equal(outcomes.filter((e) => e === null).length, 1, `one works: ${JSON.stringify(outcomes)}`);
			assert.match(outcomes.find((e) => e !== null) ?? '', /not this session's Gmail connection/);
			const multi = await composio.create('alice', { multiAccount: { enable: true } });
			for (const id of [a, b]) {
				assert.equal((await multi.execute('GMAIL_FETCH_EMAILS', {}, { account: id })).error, null);
			}
		});

		it('COMPOSIO_MANAGE_CONNECTIONS refuses a removal on a session that turned removal off', async () => {
			const id = emu.seedAccount('alice', 'gmail');
			const created = await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session`, {
				method: 'POST',
				headers: { 'x-api-key': emu.apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({ user_id: 'alice', manage_connections: { enable: true, enable_connection_removal: false } }),
			});
			const body = (await created.json()) as { session_id: string; config: { manage_connections: { enable_connection_removal: boolean } } };
			assert.equal(body.config.manage_connections.enable_connection_removal, false);
			const answer = await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session/${body.session_id}/execute`, {
				method: 'POST',
				headers: { 'x-api-key': emu.apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({ tool_slug: 'COMPOSIO_MANAGE_CONNECTIONS', arguments: { toolkits: [{ name: 'gmail', action: 'remove', account_id: id }] } }),
			});
			assert.match(((await answer.json()) as { error: string }).error, /turned off/);
			assert.equal((await composio.connectedAccounts.list({ userIds: ['alice'] })).items.length, 1);
		});

		it('COMPOSIO_MANAGE_CONNECTIONS is refused when manageConnections is false', async () => {
			const session = await composio.create('alice', { manageConnections: false });
			const result = await session.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'] });
			assert.match(result.error ?? '', /not enabled/);
			const notConnected = await refusedWith(session.execute('GMAIL_FETCH_EMAILS', {}), 4302, 'ToolRouterV2_NoActiveConnection');
			assert.ok(!notConnected.includes('COMPOSIO_MANAGE_CONNECTIONS'));
		});

		it('COMPOSIO_WAIT_FOR_CONNECTIONS is offered with waitForConnections and reports a finished connection', async () => {
			const session = await composio.create('alice', { manageConnections: { enable: true, waitForConnections: true } });
			const names = (await session.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
			assert.ok(names.includes('COMPOSIO_WAIT_FOR_CONNECTIONS'));
			const request = await session.authorize('linear');
			const waiting = session.execute('COMPOSIO_WAIT_FOR_CONNECTIONS', { toolkits: ['linear'], timeout_seconds: 15 });
			await postConnectPage(request.redirectUrl ?? '', { decision: 'authorize', api_key: 'lin_api_key' });
			const result = await waiting;
			assert.equal(result.error, null);
			assert.equal(result.data.all_active, true);
			assert.deepEqual(record(result.data.results).linear, { toolkit: 'linear', status: 'active', connected_account_id: request.id });
		});

		it('COMPOSIO_SEARCH_TOOLS finds tools by use case with connection status; session.search parses', async () => {
			emu.seedAccount('alice', 'slack');
			const session = await composio.create('alice');
			const result = await session.execute('COMPOSIO_SEARCH_TOOLS', { queries: [{ use_case: 'summarize my emails from today' }, { use_case: 'post a message to the general channel in slack' }] });
			assert.equal(result.error, null);
			const [mail, slack] = list(result.data.results).map(record);
			assert.equal(list(mail?.primary_tool_slugs)[0], 'GMAIL_FETCH_EMAILS');
			assert.equal(list(slack?.primary_tool_slugs)[0], 'SLACK_SEND_MESSAGE');
			const statuses = list(result.data.toolkit_connection_statuses).map(record);
			assert.equal(statuses.find((s) => s.toolkit === 'gmail')?.has_active_connection, false);
			assert.equal(statuses.find((s) => s.toolkit === 'slack')?.has_active_connection, true);
			assert.ok(record(record(result.data.tool_schemas).GMAIL_FETCH_EMAILS).input_schema);

			const parsed = await session.search({ query: 'create a github issue' });
			assert.equal(parsed.results[0]?.primaryToolSlugs[0], 'GITHUB_CREATE_AN_ISSUE');
		});

		it('COMPOSIO_GET_TOOL_SCHEMAS and COMPOSIO_MULTI_EXECUTE_TOOL', async () => {
			emu.seedAccount('alice', 'github');
			const session = await composio.create('alice');
			const schemas = await session.execute('COMPOSIO_GET_TOOL_SCHEMAS', { tool_slugs: ['GITHUB_CREATE_AN_ISSUE', 'NOPE_TOOL'] });
			assert.deepEqual(record(record(record(schemas.data.tool_schemas).GITHUB_CREATE_AN_ISSUE).input_schema).required, ['owner', 'repo', 'title']);
			assert.deepEqual(schemas.data.not_found, ['NOPE_TOOL']);
			assert.equal(record(schemas.data.tool_schemas).GITHUB_CREATE_AN_ISSUE !== undefined && 'output_schema' in record(record(schemas.data.tool_schemas).GITHUB_CREATE_AN_ISSUE), false, 'input schemas only, as Composio answers by default');
			const withOutput = await session.execute('COMPOSIO_GET_TOOL_SCHEMAS', { tool_slugs: ['GITHUB_CREATE_AN_ISSUE'], include: ['input_schema', 'output_schema'] });
			assert.ok(record(record(withOutput.data.tool_schemas).GITHUB_CREATE_AN_ISSUE).output_schema, 'the output schema when asked for');

			const multi = await session.execute('COMPOSIO_MULTI_EXECUTE_TOOL', {
				tools: [
					{ tool_slug: 'GITHUB_LIST_REPOSITORY_ISSUES', arguments: { owner: 'acme', repo: 'api' } },
					{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: {} },
				],
				sync_response_to_workbench: false,
			});
			assert.equal(multi.error, '1 out of 2 tools failed');
			const [issues, mail] = list(multi.data.results).map(record);
			assert.equal(record(issues?.response).successful, true);
			assert.equal(record(mail?.response).successful, false);
			assert.match(String(mail?.error), /COMPOSIO_MANAGE_CONNECTIONS/);
			assert.equal(multi.data.success_count, 1);
		});
	});

	describe('errors and faults', () => {
		it('answers a wrong API key with 401 in Composio error shape, without retries', async () => {
			const wrong = client(emu, 'not-the-key');
			const error = await rejection(wrong.create('alice'));
			assert.equal(statusOf(error), 401);
			assert.equal(emu.requests.length, 1);
			const body = record(await (await fetch(`${emu.baseUrl}/api/v3.1/connected_accounts`)).json());
			const details = record(body.error);
			assert.equal(details.status, 401);
			for (const field of ['message', 'code', 'request_id', 'suggested_fix', 'errors']) {
				assert.ok(field in details, `error.${field}`);
			}
		});

		it('retries an injected 429 with retry-after and then succeeds', async () => {
			emu.injectFault({ status: 429, retryAfterSeconds: 0.2, pathIncludes: '/tool_router/session', method: 'POST' });
			const session = await composio.create('alice');
			assert.match(session.sessionId, /^trs_/);
			assert.equal(countRequests(emu, 'POST', '/tool_router/session'), 2);
		});

		it('surfaces three injected 500s as status 500', async () => {
			emu.injectFault({ status: 500, count: 3, pathIncludes: '/connected_accounts' });
			const error = await rejection(composio.connectedAccounts.list({ userIds: ['alice'] }));
			assert.equal(statusOf(error), 500);
			assert.equal(countRequests(emu, 'GET', '/connected_accounts'), 3);
			assert.equal((await composio.connectedAccounts.list({ userIds: ['alice'] })).items.length, 0);
		});

		it('turns a dropped connection into a connection error', async () => {
			emu.injectFault({ drop: true, count: Infinity });
			const error = await rejection(composio.create('alice'));
			assert.equal(statusOf(error), undefined);
			assert.equal(error instanceof Error ? error.constructor.name : '', 'APIConnectionError');
			assert.equal(messageOf(error), 'Connection error.');
			assert.equal(emu.requests.length, 3);
			emu.clearFaults();
			assert.match((await composio.create('alice')).sessionId, /^trs_/);
		});

		it('turns a malformed 200 into an error', async () => {
			emu.injectFault({ malformed: true, pathIncludes: '/auth_configs' });
			const error = await rejection(composio.authConfigs.list());
			assert.ok(error instanceof SyntaxError, `got ${String(error)}`);
		});

		it('delays a request and then answers it normally', async () => {
			emu.injectFault({ delayMs: 1000, pathIncludes: '/auth_configs' });
			const finished: string[] = [];
			const delayed = composio.authConfigs.list().then((r) => {
				finished.push('delayed');
				return r;
			});
			await composio.connectedAccounts.list().then(() => finished.push('prompt'));
			const configs = await delayed;
			assert.equal(configs.items.length, 8);
			assert.deepEqual(finished, ['prompt', 'delayed']);
		});
	});

	describe('admin HTTP surface', () => {
		it('injects faults, seeds accounts, completes links, forces status, lists requests and resets', async () => {
			const admin = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${emu.baseUrl}/_emulator${path}`, { ...init, headers: { 'content-type': 'application/json' } });
			const seeded = record(await (await admin('/accounts', { method: 'POST', body: JSON.stringify({ userId: 'carol', toolkit: 'github', alias: 'oss' }) })).json());
			const id = String(seeded.id);
			assert.equal((await composio.connectedAccounts.get(id)).alias, 'oss');

			const forced = await admin(`/accounts/${id}/status`, { method: 'POST', body: JSON.stringify({ status: 'REVOKED', reason: 'Revoked via admin tool' }) });
			assert.equal(forced.status, 200);
			assert.equal((await composio.connectedAccounts.get(id)).status, 'REVOKED');

			const session = await composio.create('carol');
			const request = await session.authorize('gmail');
			const token = new URL(request.redirectUrl ?? '').pathname.split('/').pop() ?? '';
			const completed = record(await (await admin(`/links/${token}`, { method: 'POST', body: JSON.stringify({ decision: 'deny', reason: 'Not now' }) })).json());
			assert.equal(record(completed.account).status, 'FAILED');
			assert.equal(record(completed.account).status_reason, 'Not now');
			assert.equal((await admin(`/links/${token}`, { method: 'POST', body: JSON.stringify({ decision: 'authorize' }) })).status, 409);

			assert.equal((await admin('/faults', { method: 'POST', body: JSON.stringify({ status: 503, count: 'Infinity', pathIncludes: '/auth_configs' }) })).status, 201);
			assert.equal(statusOf(await rejection(composio.authConfigs.list())), 503);
			await admin('/faults', { method: 'DELETE' });
			assert.equal((await composio.authConfigs.list()).items.length, 8);

			const requests = record(await (await admin('/requests')).json());
			const paths = list(requests.requests).map((r) => String(record(r).path));
			assert.ok(paths.includes('/api/v3.1/tool_router/session'));
			assert.ok(!paths.some((p) => p.startsWith('/_emulator')));

			assert.equal((await admin('/reset', { method: 'POST' })).status, 200);
			assert.equal(emu.requests.length, 0);
			assert.equal(statusOf(await rejection(composio.connectedAccounts.get(id))), 404);
		});
	});

	describe('hosts and persistence', () => {
		it('listens on linkHost too, serving the page and the API there', async () => {
			const port = new URL(emu.baseUrl).port;
			assert.equal(new URL(emu.baseUrl).hostname, '127.0.0.1');
			const root = await fetch(`http://${LINK_HOST}:${port}/`);
			assert.equal(root.status, 200);
			const missing = await fetch(`http://${LINK_HOST}:${port}/link/ln_missing`);
			assert.equal(missing.status, 404);
			assert.match(await missing.text(), /Link not found/);
		});

		it('writes the state file asynchronously, coalescing changes made while a write runs', async () => {
			const dir = mkdtempSync(join(tmpdir(), 'composio-emulator-'));
			const original = fsPromises.writeFile;
			let writes = 0;
			fsPromises.writeFile = ((...args: Parameters<typeof original>) => {
				writes++;
				return original(...args);
			}) as typeof original;
			try {
				const stateFile = join(dir, 'state.json');
				await emu.stop();
				emu = await started({ stateFile });
				const ids = Array.from({ length: 20 }, (_, i) => emu.seedAccount(`user-${i}`, 'gmail'));
				assert.ok(!existsSync(stateFile), 'nothing was written synchronously');
				await emu.stop();
				assert.ok(writes >= 1 && writes <= 2, `20 changes in one tick took ${writes} writes (the one started by the first change, then one for the rest)`);
				const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { accounts: { id: string }[] };
				assert.deepEqual(saved.accounts.map((a) => a.id), ids, 'the last write holds every change');
			} finally {
				fsPromises.writeFile = original;
				rmSync(dir, { recursive: true, force: true });
			}
		});

		it('round-trips accounts, sessions, links and app data through the state file', async () => {
			const dir = mkdtempSync(join(tmpdir(), 'composio-emulator-'));
			try {
				const stateFile = join(dir, 'nested', 'state.json');
				await emu.stop();
				emu = await started({ stateFile });
				composio = client(emu);
				const accountId = emu.seedAccount('alice', 'gmail', 'work');
				const session = await composio.create('alice', { toolkits: ['gmail', 'github'] });
				await session.execute('GMAIL_SEND_EMAIL', { recipient_email: 'priya@acme.dev', body: 'Persist me' });
				const pending = await session.authorize('github');
				await emu.stop();
				assert.ok(existsSync(stateFile));
				assert.ok(!readdirSync(join(dir, 'nested')).some((f) => f.endsWith('.tmp')), 'no temporary file left behind');
				assert.doesNotThrow(() => JSON.parse(readFileSync(stateFile, 'utf8')) as unknown);

				emu = await started({ stateFile });
				composio = client(emu);
				const restored = await composio.use(session.sessionId);
				assert.deepEqual(restored.config.toolkits, { enabled: ['gmail', 'github'] });
				assert.equal((await composio.connectedAccounts.get(accountId)).alias, 'work');
				const sent = await restored.execute('GMAIL_FETCH_EMAILS', { label_ids: ['SENT'] });
				assert.equal(list(sent.data.messages).length, 1);
				// The old link keeps its token; only its host:port is from the previous run.
				const token = new URL(pending.redirectUrl ?? '').pathname;
				const page = await fetch(`http://${LINK_HOST}:${new URL(emu.baseUrl).port}${token}`);
				assert.equal(page.status, 200);
				emu.completeLink(token, { decision: 'authorize' });
				assert.equal((await composio.connectedAccounts.get(pending.id)).status, 'ACTIVE');
			} finally {
				// Its last write may still be running; stop() waits for it.
				await emu.stop();
				rmSync(dir, { recursive: true, force: true });
			}
		});
	});
});

describe('ComposioEmulator as shipped', function () {
	this.timeout(20_000);

	it('has no admin routes and keeps no request log', async () => {
		const shipped = new ComposioEmulator();
		await shipped.start();
		try {
			for (const [method, path] of [['GET', '/requests'], ['POST', '/faults'], ['POST', '/reset'], ['POST', '/accounts'], ['GET', '/accounts']] as const) {
				const res = await fetch(`${shipped.baseUrl}/_emulator${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
				assert.equal(res.status, 404, `${method} /_emulator${path}`);
			}
			const session = await client(shipped).create('alice', { toolkits: ['gmail'] });
			assert.ok(session.sessionId, 'the API works');
			for (const name of ['requests', 'injectFault', 'completeLink', 'seedAccount', 'seedEmails', 'setAccountStatus', 'reset']) {
				assert.ok(!(name in shipped), `no ${name}`);
			}
		} finally {
			await shipped.stop();
		}
	});
});
