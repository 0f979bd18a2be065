/**
 * ConnectionsModel over a real ComposioService and the local Composio emulator (real HTTP, the
 * real SDK): loading, grouping, refresh coalescing, pending connections, failures and resets,
 * and the accounts snapshot every other reader shares (read, changed, aliasSet).
 */
import assert from 'node:assert/strict';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import type { ToolSession } from '../../src/composio/toolSession';
import { ComposioError } from '../../src/composio/composioErrors';
import type { AuthConfigApi } from '../../src/composio/authConfigs';
import type { ComposioSettings } from '../../src/composio/settings';
import { ConnectionsModel } from '../../src/composio/connectionsModel';
import { AccountIdentities, MemoryIdentityStore } from '../../src/composio/accountIdentities';
import { ToolkitLogos } from '../../src/agent/toolkitLogos';
import { nullLogger } from '../../src/common/logger';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { until } from '../shared/until';

/** An emulator and a ComposioService over it for the suite (started before it, stopped after); `session` opens the user's. */
function useEmulatorService(options: ConstructorParameters<typeof TestComposioEmulator>[0]): {
	emu: () => TestComposioEmulator;
	session: (userId: string) => Promise<ToolSession>;
	authConfigs: () => Promise<AuthConfigApi>;
	service: () => Promise<ComposioService>;
	settings: () => ComposioSettings;
} {
	let emu: TestComposioEmulator | undefined;
	let factory: ComposioClientFactory | undefined;
	let service: ComposioService | undefined;
	before(async () => {
		emu = new TestComposioEmulator(options);
		await emu.start();
		factory = new ComposioClientFactory({ logger: nullLogger });
		service = new ComposioService({ clientFactory: factory, pollIntervalMs: 25 });
	});
	after(async () => {
		service?.dispose();
		factory?.dispose();
		await emu?.stop();
	});
	const running = (): { emu: TestComposioEmulator; service: ComposioService } => {
		assert.ok(emu && service, 'the emulator runs');
		return { emu, service };
	};
	return {
		emu: () => running().emu,
		service: () => Promise.resolve(running().service),
		settings: () => ({ apiKey: running().emu.apiKey, baseUrl: running().emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: true }),
		session: (userId) => {
			const { emu: e, service: s } = running();
			return s.getSession(userId, { apiKey: e.apiKey, baseUrl: e.baseUrl, toolkits: [], authConfigs: {}, multiAccount: true });
		},
		authConfigs: () => {
			const { emu: e, service: s } = running();
			return Promise.resolve(s.authConfigs({ apiKey: e.apiKey, baseUrl: e.baseUrl, toolkits: [], authConfigs: {}, multiAccount: true }));
		},
	};
}

describe('ConnectionsModel (against the emulator)', function () {
	this.timeout(30_000);

	const suite = useEmulatorService({ apiKey: 'emu-key-connections-1' });
	let emu: TestComposioEmulator;
	let userId: string;
	let keyMissing: boolean;

	const session = (): Promise<ToolSession> => suite.session(userId);
	const listCalls = (): number => emu.requests.filter((r) => r.method === 'GET' && /\/connected_accounts$/.test(r.path)).length;

	function model(): ConnectionsModel {
		return new ConnectionsModel({ session, keyMissing: () => Promise.resolve(keyMissing), logger: nullLogger });
	}

	beforeEach(() => {
		emu = suite.emu();
		userId = `user-${Math.random().toString(36).slice(2, 10)}`;
		keyMissing = false;
	});

	it('starts idle, loads the accounts grouped by toolkit with the session’s names, and fires changes', async () => {
		emu.seedAccount(userId, 'gmail', 'work');
		emu.seedAccount(userId, 'gmail', 'personal');
		emu.seedAccount(userId, 'github');
		const m = model();
		let changes = 0;
		m.onDidChange(() => changes++);
		assert.equal(m.state.kind, 'idle');
		await m.ensureLoaded();
		assert.equal(m.state.kind, 'loaded');
		assert.ok(changes > 0);
		assert.ok(m.loadedAt > 0);
		assert.deepEqual(
			m.groups.map((g) => [g.name, g.accounts.map((a) => a.alias ?? '-')]),
			[
				['GitHub', ['-']],
				['Gmail', ['work', 'personal']],
			],
		);
		assert.equal(m.toolkitName('slack'), 'Slack', 'a toolkit without accounts is named from its slug');
		m.dispose();
	});

	it('coalesces refreshes asked for while one waits', async () => {
		const m = model();
		await m.refresh();
		const before = listCalls();
		await Promise.all([m.refresh(), m.refresh(), m.refresh(), m.refresh()]);
		const used = listCalls() - before;
		assert.ok(used >= 1 && used <= 2, `at most one running and one queued load (${used})`);
		m.dispose();
	});

	it('ensureLoaded while the first load runs waits for it instead of loading again (the chat and the tree both ask)', async () => {
		const m = model();
		const before = listCalls();
		const first = m.ensureLoaded();
		await new Promise((r) => setTimeout(r, 0));
		assert.equal(m.loading, true, 'the first load is under way');
		await Promise.all([first, m.ensureLoaded(), m.ensureLoaded()]);
		assert.equal(m.state.kind, 'loaded');
		assert.equal(listCalls() - before, 1, 'one load');
		m.dispose();
	});

	it('sees status changes made elsewhere on refresh', async () => {
		const id = emu.seedAccount(userId, 'slack');
		const m = model();
		await m.refresh();
		assert.equal(m.accounts.find((a) => a.id === id)?.status, 'ACTIVE');
		emu.setAccountStatus(id, 'EXPIRED');
		await m.refresh();
		assert.equal(m.accounts.find((a) => a.id === id)?.status, 'EXPIRED');
		m.dispose();
	});

	it('loads nothing while the key is missing', async () => {
		keyMissing = true;
		const m = model();
		const before = listCalls();
		await m.refresh();
		assert.equal(m.state.kind, 'keyMissing');
		assert.equal(listCalls(), before, 'no request without a key');
		m.dispose();
	});

	it('turns a failure into the error state with a user-facing message and its remedy', async () => {
		emu.injectFault({ status: 401, pathIncludes: '/connected_accounts', count: 3 });
		const m = model();
		await m.refresh();
		assert.equal(m.state.kind, 'error');
		if (m.state.kind === 'error') {
			assert.equal(m.state.error.action, 'setComposioKey');
			assert.doesNotMatch(m.state.error.message, /[{}]/, 'no JSON in the message');
		}
		emu.clearFaults();
		await m.refresh();
		assert.equal(m.state.kind, 'loaded', 'the next refresh recovers');
		m.dispose();
	});

	it('tracks a pending connection until it settles, then refreshes', async () => {
		const m = model();
		await m.refresh();
		const s = await session();
		const request = await s.authorize('linear');
		const wait = s.waitForConnection(request.accountId, { signal: new AbortController().signal, intervalMs: 20 });
		m.trackPending({ toolkit: 'linear', toolkitName: 'Linear', accountId: request.accountId }, wait);
		assert.deepEqual(
			m.pending.map((p) => p.accountId),
			[request.accountId],
		);
		emu.completeLink(request.redirectUrl, { decision: 'authorize' });
		assert.deepEqual(await wait, { status: 'ACTIVE' });
		await until(() => m.pending.length === 0 && m.accounts.find((a) => a.id === request.accountId)?.status === 'ACTIVE', 'the account to be listed active and no longer pending');
		assert.equal(m.pending.length, 0);
		assert.equal(m.accounts.find((a) => a.id === request.accountId)?.status, 'ACTIVE');
		m.dispose();
	});

	it('reset forgets everything and drops a load that was under way', async () => {
		emu.seedAccount(userId, 'gmail');
		const m = model();
		const load = m.refresh();
		while (!m.loading) {
			await new Promise((r) => setImmediate(r));
		}
		m.reset();
		await load;
		assert.equal(m.state.kind, 'idle', 'the stale result is dropped');
		assert.equal(m.accounts.length, 0);
		await m.refresh();
		assert.equal(m.accounts.length, 1);
		m.dispose();
	});

	describe('the accounts snapshot', () => {
		it('concurrent first reads share one list, and later reads list nothing', async () => {
			emu.seedAccount(userId, 'gmail');
			const m = model();
			const before = listCalls();
			const reads = await Promise.all([m.read(), m.read(), m.ensureLoaded().then(() => m.read()), m.read()]);
			assert.equal(listCalls() - before, 1, 'one list for four readers');
			assert.ok(reads.every((r) => r.length === 1 && r[0]?.toolkit === 'gmail'));
			for (let i = 0; i < 5; i++) {
				await m.read();
			}
			assert.equal(listCalls() - before, 1, 'a loaded snapshot is read without a request');
			m.dispose();
		});

		it('a read while a refresh runs waits for it; changed lists once more and sees what changed', async () => {
			const id = emu.seedAccount(userId, 'slack');
			const m = model();
			await m.read();
			const before = listCalls();
			emu.setAccountStatus(id, 'EXPIRED');
			const refreshing = m.refresh();
			const read = await m.read();
			await refreshing;
			assert.equal(read.find((a) => a.id === id)?.status, 'EXPIRED', 'the read waited for the refresh under way');
			assert.equal(listCalls() - before, 1);
			emu.setAccountStatus(id, 'ACTIVE');
			const [a, b] = await Promise.all([m.changed(), m.changed()]);
			assert.equal(listCalls() - before, 2, 'two callers of changed share one list');
			assert.equal(a.find((x) => x.id === id)?.status, 'ACTIVE');
			assert.equal(a, b);
			m.dispose();
		});

		it('rejects with the error and the remedy when listing fails or the key is missing, and reads again after', async () => {
			emu.injectFault({ status: 500, pathIncludes: '/connected_accounts', count: 10 });
			const m = model();
			await assert.rejects(m.read(), (e: unknown) => e instanceof ComposioError && e.kind === 'server');
			emu.clearFaults();
			assert.deepEqual(await m.read(), [], 'a read after a failure lists again');
			keyMissing = true;
			m.reset();
			await assert.rejects(m.read(), (e: unknown) => e instanceof ComposioError && e.action === 'setComposioKey');
			m.dispose();
		});

		it('aliasSet updates the snapshot in place, without a request, and fires a change', async () => {
			const id = emu.seedAccount(userId, 'github');
			const m = model();
			await m.read();
			let changes = 0;
			m.onDidChange(() => changes++);
			const before = listCalls();
			m.aliasSet(id, 'octocat');
			assert.equal((await m.read()).find((a) => a.id === id)?.alias, 'octocat');
			assert.equal(changes, 1);
			m.aliasSet(id, 'octocat');
			assert.equal(changes, 1, 'the same alias again changes nothing');
			assert.equal(listCalls(), before);
			m.dispose();
		});
	});
});

describe('ConnectionsModel with a catalog of Composio’s size (1,200 toolkits)', function () {
	this.timeout(30_000);

	const suite = useEmulatorService({ apiKey: 'emu-key-catalog-1', catalogSize: 1200 });
	const userId = `user-catalog-${Math.random().toString(36).slice(2, 10)}`;
	const session = (): Promise<ToolSession> => suite.session(userId);
	const toolkitRequests = (): number => suite.emu().requests.filter((r) => r.method === 'GET' && /\/toolkits$/.test(r.path)).length;

	it('a refresh names only the toolkits the user has accounts in: one request, then none until a new toolkit appears', async () => {
		const emu = suite.emu();
		emu.seedAccount(userId, 'gmail');
		emu.seedAccount(userId, 'github');
		const m = new ConnectionsModel({ session, keyMissing: () => Promise.resolve(false), logger: nullLogger });
		let before = toolkitRequests();
		await m.refresh();
		assert.equal(toolkitRequests() - before, 1, 'one toolkit request for the first refresh');
		assert.deepEqual(
			m.groups.map((g) => g.name),
			['GitHub', 'Gmail'],
		);
		before = toolkitRequests();
		await m.refresh();
		assert.equal(toolkitRequests() - before, 0, 'names already known are not asked again');
		emu.seedAccount(userId, 'slack');
		await m.refresh();
		assert.equal(toolkitRequests() - before, 1, 'a new toolkit is named with one request');
		assert.equal(m.toolkitName('slack'), 'Slack');
		m.dispose();
	});

	it('names an account’s own auth config with one list a session, and lists nothing while every account is on a managed one', async () => {
		const emu = suite.emu();
		const other = `${userId}-configs`;
		emu.seedAccount(other, 'gmail');
		const listsOfConfigs = (): number => emu.requests.filter((r) => r.method === 'GET' && /\/auth_configs$/.test(r.path)).length;
		const m = new ConnectionsModel({ session: () => suite.session(other), keyMissing: () => Promise.resolve(false), logger: nullLogger, authConfigs: suite.authConfigs });
		let before = listsOfConfigs();
		await m.refresh();
		assert.equal(listsOfConfigs() - before, 0, 'the toolkit status says the account is on the managed config: nothing to list');
		assert.equal(m.ownAuthConfig(m.accounts[0] ?? assert.fail('an account')), undefined);
		const own = emu.seedAccount(other, 'slack', undefined, 'ac_slack_custom');
		before = listsOfConfigs();
		await m.refresh();
		await m.refresh();
		assert.equal(listsOfConfigs() - before, 1, 'one list for the account on its own config, then none');
		assert.equal(m.ownAuthConfig(m.accounts.find((a) => a.id === own) ?? assert.fail('the slack account'))?.name, 'Slack (Acme Slack Helper)');
		m.dispose();
	});

	it("marks an account the workspace's sessions do not use: on an own app without a pin, or off the pinned auth config", async () => {
		const emu = suite.emu();
		const other = `${userId}-unused`;
		const managed = emu.seedAccount(other, 'slack');
		const own = emu.seedAccount(other, 'slack', 'own', 'ac_slack_custom');
		const unpinned = new ConnectionsModel({ session: () => suite.session(other), keyMissing: () => Promise.resolve(false), logger: nullLogger, authConfigs: suite.authConfigs });
		await unpinned.refresh();
		const find = (m: ConnectionsModel, id: string) => m.accounts.find((a) => a.id === id) ?? assert.fail(id);
		assert.equal(unpinned.notUsedHere(find(unpinned, managed)), false, 'Composio picks its managed app without a pin');
		assert.equal(unpinned.notUsedHere(find(unpinned, own)), true, 'an own app is not used without a pin');
		// The same account works once the session pins its config (through the real session, against the emulator's precedence).
		const pinnedSession = (await suite.service()).getSession(other, { ...suite.settings(), authConfigs: { slack: 'ac_slack_custom' } });
		const pinned = new ConnectionsModel({ session: () => pinnedSession, keyMissing: () => Promise.resolve(false), logger: nullLogger, authConfigs: suite.authConfigs });
		await pinned.refresh();
		assert.equal(pinned.notUsedHere(find(pinned, own)), false);
		assert.equal(pinned.notUsedHere(find(pinned, managed)), true, 'the managed account is off the pinned config');
		const session = await pinnedSession;
		assert.equal((await session.execute('SLACK_LIST_ALL_CHANNELS', {}, { account: own })).error, null, 'the pinned session runs as the own-app account');
		unpinned.dispose();
		pinned.dispose();
	});

	it('without multi-account only the most recent account of a toolkit is used: the older is marked and never looked up', async () => {
		const emu = suite.emu();
		const other = `${userId}-single`;
		const older = emu.seedAccount(other, 'gmail', 'older');
		// Connected a moment apart: wait for the clock to move on, so "most recent" is one of them.
		const at = Date.now();
		await until(() => Date.now() > at + 1, 'the next millisecond');
		const newer = emu.seedAccount(other, 'gmail', 'newer');
		const single = (await suite.service()).getSession(other, { ...suite.settings(), multiAccount: false });
		const identities = new AccountIdentities(new MemoryIdentityStore(), { logger: nullLogger });
		const m = new ConnectionsModel({ session: () => single, keyMissing: () => Promise.resolve(false), logger: nullLogger, identities });
		await m.refresh();
		const find = (id: string) => m.accounts.find((a) => a.id === id) ?? assert.fail(id);
		assert.equal(m.whyNotUsedHere(find(older)), 'newerAccount');
		assert.equal(m.whyNotUsedHere(find(newer)), undefined);
		await until(() => identities.get(newer)?.name !== undefined, 'the newer account looked up');
		const lookups = (id: string): number => emu.requests.filter((r) => /\/execute$/.test(r.path) && JSON.stringify(r.body).includes(id)).length;
		assert.equal(lookups(older), 0, 'no profile call for an account the session refuses');
		assert.equal(identities.get(older)?.error, undefined);
		// With multi-account both are used.
		const multi = new ConnectionsModel({ session: () => suite.session(other), keyMissing: () => Promise.resolve(false), logger: nullLogger });
		await multi.refresh();
		assert.equal(multi.notUsedHere(multi.accounts.find((a) => a.id === older) ?? assert.fail('older')), false);
		m.dispose();
		multi.dispose();
	});

	it('the catalog itself is 1,200 toolkits, 20 a page: what listing it all for every refresh would cost', async () => {
		const s = await session();
		const before = toolkitRequests();
		const all = await s.toolkits();
		assert.equal(all.length, 1200);
		assert.equal(toolkitRequests() - before, 60);
		const logos = new ToolkitLogos(nullLogger);
		const at = toolkitRequests();
		assert.match((await logos.logo(s, 'gmail')) ?? '', /^data:image\/svg\+xml/);
		await logos.logo(s, 'gmail');
		assert.equal(toolkitRequests() - at, 1, 'a Connect card’s logo asks for its one toolkit, once');
	});
});
