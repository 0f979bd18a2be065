/**
 * Who each account is, and Reconnect in place of a call whose account went bad, over real HTTP:
 * the real Composio SDK against the local emulator (whose Gmail, GitHub and Slack answer their
 * profile tools with simulated identities) and the real openai SDK against the scripted model.
 */
import assert from 'node:assert/strict';
import { ChatSession } from '../../src/agent/chatSession';
import type { TurnSetupFactory } from '../../src/agent/chatTurn';
import { ConversationStore } from '../../src/agent/conversationStore';
import { buildSystemPrompt } from '../../src/agent/systemPrompt';
import { MemoryAlwaysAllowedStore } from '../../src/agent/toolApproval';
import { AccountIdentities, searchIdentities, findField, MemoryIdentityStore } from '../../src/composio/accountIdentities';
import { ComposioService } from '../../src/composio/composioService';
import { ConnectionsModel } from '../../src/composio/connectionsModel';
import type { ToolSession } from '../../src/composio/toolSession';
import type { TranscriptItem } from '../../src/protocol/transcript';
import { submitConnectPage } from '../shared/connectPage';
import { until } from '../shared/until';
import { useSandbox } from './fakes/sandboxSuite';

const USER = 'alex';

type Item<K extends TranscriptItem['kind']> = Extract<TranscriptItem, { kind: K }>;

describe('Account identities and Reconnect (emulator + scripted model over HTTP)', function () {
	this.timeout(60_000);
	const suite = useSandbox({ model: { chunkDelayMs: 1 } });
	const emu = suite.sandbox.emulator;
	let identities: AccountIdentities;
	let service: ComposioService;

	beforeEach(() => {
		identities = new AccountIdentities(new MemoryIdentityStore(), { logger: suite.log });
		service = new ComposioService({ clientFactory: suite.factory, pollIntervalMs: 25, onAccountActive: (s, a, r) => identities.accountActive(s, a, r) });
		suite.cleanup(() => {
			service.dispose();
			identities.dispose();
		});
	});

	function session(over: { multiAccount?: boolean } = {}): Promise<ToolSession> {
		return service.getSession(USER, suite.sandbox.settings(over));
	}

	/** Connects an account through a Connect Link and its page, signing in as `identity`; resolves with its id once ACTIVE. */
	async function connect(s: ToolSession, toolkit: string, identity?: string, alias?: string): Promise<string> {
		const request = await s.authorize(toolkit, alias ? { alias } : {});
		await submitConnectPage(request.redirectUrl, 'authorize', identity ? { identity } : {});
		const outcome = await s.waitForConnection(request.accountId, { signal: new AbortController().signal, intervalMs: 10 });
		assert.equal(outcome.status, 'ACTIVE');
		return request.accountId;
	}

	describe('the emulator answers the profile tools', () => {
		it('Gmail, GitHub and Slack say who each account is; the Connect page offers "Sign in as"', async () => {
			const s = await session();
			const request = await s.authorize('gmail');
			const page = await (await fetch(request.redirectUrl)).text();
			assert.match(page, /Sign in as: Google account \(email address\)/);
			assert.match(page, /value="alex@example\.com"/);
			await submitConnectPage(request.redirectUrl, 'authorize', { identity: 'alex@home.example' });
			const gmail = await s.execute('GMAIL_GET_PROFILE', {}, { account: request.accountId });
			assert.equal(gmail.error, null);
			assert.equal(findField(gmail.data, ['emailAddress']), 'alex@home.example');

			const github = emu.seedAccount(USER, 'github');
			const slack = emu.seedAccount(USER, 'slack', 'team');
			const gh = await s.execute('GITHUB_GET_THE_AUTHENTICATED_USER', {}, { account: github });
			assert.equal(findField(gh.data, ['login']), 'alex');
			const sl = await s.execute('SLACK_TEST_AUTH', {}, { account: slack });
			assert.equal(findField(sl.data, ['user']), 'alex-team');
			assert.equal(findField(sl.data, ['team']), 'Acme Sandbox');

			emu.setAccountProfile(github, { fails: true });
			const failed = await s.execute('GITHUB_GET_THE_AUTHENTICATED_USER', {}, { account: github });
			assert.match(failed.error ?? '', /403/);
		});
	});

	describe('learning identities', () => {
		it('a tool search that names the account in use (current_user_info, and user_info per account) gives who it is, and its profile tool never runs', async () => {
			const s = await session({ multiAccount: true });
			const work = emu.seedAccount(USER, 'gmail', 'work');
			emu.setAccountProfile(work, { identity: 'alex@work.example' });
			const search = await s.execute('COMPOSIO_SEARCH_TOOLS', { queries: [{ use_case: 'fetch my emails' }] });
			assert.equal(search.error, null);
			assert.deepEqual(searchIdentities(search.data), [{ accountId: work, toolkit: 'gmail', name: 'alex@work.example' }]);
			await identities.fromSearch(search.data);
			assert.equal(identities.nameOf(work), 'alex@work.example');
			assert.equal(identities.get(work)?.source, 'search');
			const profiles = (): number => emu.requests.filter((r) => /\/execute$/.test(r.path) && JSON.stringify(r.body).includes('GMAIL_GET_PROFILE')).length;
			const before = profiles();
			const [account] = await s.listAccounts('gmail');
			assert.ok(account);
			assert.equal((await identities.learn(s, account))?.name, 'alex@work.example');
			assert.equal(profiles(), before, 'known from the search: no profile call');
		});

		it('an account is looked up once it is ACTIVE, kept, and named in Composio when it has no alias', async () => {
			const s = await session();
			const home = await connect(s, 'gmail', 'alex@home.example');
			await until(() => identities.get(home)?.name === 'alex@home.example', 'the identity learned');
			assert.equal(identities.get(home)?.source, 'profile');
			await until(async () => (await s.listAccounts('gmail')).find((a) => a.id === home)?.alias === 'alex@home.example', 'the alias set');

			// A second account with an alias of its own keeps it.
			const work = await connect(s, 'gmail', 'alex@work.example', 'work');
			await until(() => identities.nameOf(work) === 'alex@work.example', 'the second identity');
			assert.equal((await s.listAccounts('gmail')).find((a) => a.id === work)?.alias, 'work');

			// Learned once: another ACTIVE check asks no profile tool again.
			const before = emu.requests.filter((r) => r.path.endsWith('/execute')).length;
			await s.connectionStatus(home);
			await identities.learn(s, (await s.listAccounts('gmail')).find((a) => a.id === home)!);
			assert.equal(emu.requests.filter((r) => r.path.endsWith('/execute')).length, before);
		});

		it('an account whose profile tool fails still connects; the failure is kept, and a retry learns it', async () => {
			const s = await session();
			const request = await s.authorize('github');
			emu.completeLink(request.redirectUrl, { decision: 'authorize', identity: 'alex-oss', profileFails: true });
			assert.equal((await s.waitForConnection(request.accountId, { signal: new AbortController().signal, intervalMs: 10 })).status, 'ACTIVE');
			await until(() => identities.get(request.accountId)?.error !== undefined, 'the failure recorded');
			assert.equal(identities.nameOf(request.accountId), undefined);
			assert.match(identities.get(request.accountId)?.error ?? '', /403/);
			assert.equal((await s.listAccounts('github'))[0]?.alias, undefined, 'no alias without an identity');

			// The Connections model shows it, and its retry works once the profile answers.
			const model = new ConnectionsModel({ session: () => Promise.resolve(s), keyMissing: () => Promise.resolve(false), logger: suite.log, identities });
			suite.cleanup(() => model.dispose());
			await model.refresh();
			assert.match(model.identity(request.accountId)?.error ?? '', /403/);
			emu.setAccountProfile(request.accountId, { fails: false });
			const retried = await model.lookUpIdentity(request.accountId);
			assert.equal(retried?.name, 'alex-oss');
			assert.equal(retried?.error, undefined);
		});

		it('a toolkit without a profile tool in the session falls back on the account, and the Connections model looks up accounts connected elsewhere', async () => {
			const s = await session();
			const linear = emu.seedAccount(USER, 'linear');
			const gmail = emu.seedAccount(USER, 'gmail');
			const model = new ConnectionsModel({ session: () => Promise.resolve(s), keyMissing: () => Promise.resolve(false), logger: suite.log, identities });
			suite.cleanup(() => model.dispose());
			await model.refresh();
			await until(() => identities.get(linear) !== undefined && identities.get(gmail) !== undefined, 'both looked up');
			assert.equal(identities.get(linear)?.name, undefined);
			assert.equal(identities.get(linear)?.error, undefined, 'nothing to retry');
			assert.equal(identities.nameOf(gmail), 'alex@example.com');
		});

		it('the system prompt names every account with who it is', () => {
			const prompt = buildSystemPrompt({
				identities: true,
				accounts: [
					{ toolkit: 'gmail', id: 'ca_1', alias: 'alex@home.example', name: 'alex@home.example' },
					{ toolkit: 'gmail', id: 'ca_2', alias: 'office', name: 'alex@work.example' },
					{ toolkit: 'github', id: 'ca_3', name: 'alex' },
				],
			});
			assert.match(prompt, /Connected accounts \(who each one is\):/);
			assert.match(prompt, /- Gmail \(gmail\): "alex@home\.example", "office" = alex@work\.example/);
			assert.match(prompt, /- GitHub \(github\): alex \(id ca_3, no alias\)/);
		});
	});

	describe('in the chat', () => {
		function newChat(setup: TurnSetupFactory, approval = false): ChatSession {
			const chat = new ChatSession({
				store: new ConversationStore(`${suite.dir}/conversations`, { logger: suite.log }),
				setup,
				logger: suite.log,
				...(approval ? { approval: { store: new MemoryAlwaysAllowedStore(), mode: () => 'writes' as const } } : {}),
			});
			suite.cleanup(async () => {
				chat.dispose();
				await chat.idle();
			});
			return chat;
		}

		function realSetup(over: { multiAccount?: boolean } = {}): TurnSetupFactory {
			return async () => ({ model: suite.sandbox.modelClient(), session: await session(over), maxTurns: 8, authPollIntervalMs: 20, identities, ...over });
		}

		function itemsOf<K extends TranscriptItem['kind']>(chat: ChatSession, kind: K): Array<Item<K>> {
			return chat.current.items.filter((i): i is Item<K> => i.kind === kind);
		}

		it('a Connect card says who connected ("Connected as …")', async () => {
			const chat = newChat(realSetup());
			const sent = chat.send('Summarize my emails');
			await until(() => chat.state === 'waitingForAuth', 'waiting');
			const card = itemsOf(chat, 'auth')[0];
			await submitConnectPage(card?.url ?? '', 'authorize', { identity: 'alex@home.example' });
			assert.equal(await sent, 'completed');
			assert.equal(itemsOf(chat, 'auth')[0]?.identity, 'alex@home.example');
			assert.ok(itemsOf(chat, 'notice').some((n) => n.text === 'Connected Gmail as alex@home.example — continuing'));
		});

		it('a call whose account expired shows a Reconnect card instead of the failure, runs again once reconnected, and the task finishes', async () => {
			const s = await session();
			const old = await connect(s, 'gmail', 'alex@home.example');
			await until(() => identities.nameOf(old) === 'alex@home.example', 'identity');
			await until(async () => (await s.listAccounts('gmail'))[0]?.alias === 'alex@home.example', 'alias');
			emu.setAccountStatus(old, 'EXPIRED', 'Max auth failures reached');

			const chat = newChat(realSetup());
			const sent = chat.send('Summarize my emails');
			await until(() => chat.state === 'waitingForAuth', 'the Reconnect card waits');
			const card = itemsOf(chat, 'auth')[0];
			assert.deepEqual(card?.reconnect, { accountId: old, name: 'alex@home.example' });
			assert.equal(card?.reason, 'Max auth failures reached');
			const tool = itemsOf(chat, 'tool').find((t) => t.runs?.includes('GMAIL_FETCH_EMAILS') === true);
			assert.equal(tool?.status, 'running', 'the failure is not shown');
			assert.match(tool?.note ?? '', /needs to be reconnected/);

			await submitConnectPage(card?.url ?? '', 'authorize');
			assert.equal(await sent, 'completed');
			assert.equal(itemsOf(chat, 'auth')[0]?.status, 'connected');
			assert.equal(itemsOf(chat, 'auth')[0]?.identity, 'alex@home.example');
			assert.equal(itemsOf(chat, 'tool').find((t) => t.runs?.includes('GMAIL_FETCH_EMAILS') === true)?.status, 'done');
			assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /Inbox summary/);
			// The model never saw the failure, and nobody typed anything.
			assert.ok(!chat.current.messages.some((m) => m.role === 'tool' && JSON.stringify(m.content).includes('No active connection')));
			assert.deepEqual(itemsOf(chat, 'user').map((u) => u.text), ['Summarize my emails']);
			// The old account is gone; the new one kept the alias.
			const accounts = await s.listAccounts('gmail');
			assert.deepEqual(accounts.map((a) => [a.id === card?.accountId, a.status, a.alias]), [[true, 'ACTIVE', 'alex@home.example']]);
		});

		it('an account that expired on Composio’s side after the accounts were loaded: turns list none, and the Connect Link the model gets lists them once and becomes the Reconnect card', async () => {
			const s = await session();
			const old = await connect(s, 'gmail', 'alex@home.example');
			await until(() => identities.nameOf(old) === 'alex@home.example', 'identity');
			await until(async () => (await s.listAccounts('gmail'))[0]?.alias === 'alex@home.example', 'alias');
			// The one snapshot the extension reads, loaded as the Connections view loads it.
			const model = new ConnectionsModel({ session: () => Promise.resolve(s), keyMissing: () => Promise.resolve(false), logger: suite.log, identities });
			suite.cleanup(() => model.dispose());
			await model.refresh();
			const lists = (): number => emu.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3.1/connected_accounts').length;
			const chat = newChat(async (signal) => ({ ...(await realSetup()(signal)), accounts: model }));
			const before = lists();
			assert.equal(await chat.send('Summarize my emails'), 'completed');
			assert.equal(lists(), before, 'a turn lists no accounts: the snapshot has them');

			emu.setAccountStatus(old, 'EXPIRED', 'Max auth failures reached');
			const sent = chat.send('Summarize my emails again');
			await until(() => chat.state === 'waitingForAuth', 'the Reconnect card waits');
			assert.equal(lists(), before + 1, 'the Connect Link for a toolkit the snapshot had as connected listed the accounts again, once');
			const cards = itemsOf(chat, 'auth');
			assert.equal(cards.length, 1, 'one card: the Reconnect, not a Connect card for a second account');
			assert.deepEqual(cards[0]?.reconnect, { accountId: old, name: 'alex@home.example' });
			assert.equal(cards[0]?.reason, 'Max auth failures reached');
			const told = chat.current.messages.filter((m) => m.role === 'tool').at(-1);
			assert.ok(JSON.stringify(told?.content).includes(cards[0]?.url ?? '-'), 'the model was told the Reconnect link');

			await submitConnectPage(cards[0]?.url ?? '', 'authorize');
			assert.equal(await sent, 'completed');
			assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /Inbox summary/);
			const accounts = await s.listAccounts('gmail');
			assert.deepEqual(accounts.map((a) => [a.status, a.alias]), [['ACTIVE', 'alex@home.example']], 'the reconnected account took the old one’s place and alias');
		});

		it('a denied Reconnect ends the turn with an explanation and the call failed', async () => {
			const s = await session();
			const old = emu.seedAccount(USER, 'gmail');
			emu.setAccountStatus(old, 'REVOKED', 'Revoked via user-initiated revoke endpoint');
			const chat = newChat(realSetup());
			const sent = chat.send('Summarize my emails');
			await until(() => chat.state === 'waitingForAuth', 'waiting');
			emu.completeLink(itemsOf(chat, 'auth')[0]?.url ?? '', { decision: 'deny' });
			assert.equal(await sent, 'completed');
			assert.equal(itemsOf(chat, 'tool').find((t) => t.runs?.includes('GMAIL_FETCH_EMAILS') === true)?.status, 'failed');
			assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /^Reconnecting Gmail failed: User denied access\./);
			assert.equal((await s.listAccounts('gmail')).find((a) => a.id === old)?.status, 'REVOKED', 'the old account stays');
		});

		it('with several accounts, "my work …" picks the account by who it is, and the approval card says whom a send acts as', async () => {
			const s = await session({ multiAccount: true });
			await connect(s, 'gmail', 'alex@home.example');
			const work = await connect(s, 'gmail', 'alex@work.example');
			await until(() => identities.nameOf(work) === 'alex@work.example', 'identity');
			await until(async () => (await s.listAccounts('gmail')).every((a) => a.alias), 'aliases');

			const chat = newChat(realSetup({ multiAccount: true }), true);
			assert.equal(await chat.send('Summarize my work email'), 'completed');
			const fetch = itemsOf(chat, 'tool').find((t) => t.runs?.includes('GMAIL_FETCH_EMAILS') === true);
			assert.match(fetch?.args ?? '', /"account": "alex@work\.example"/);
			assert.equal(fetch?.status, 'done');

			const sent = chat.send('Send an email to bob@example.com from my work account saying hello');
			await until(() => itemsOf(chat, 'tool').some((t) => t.status === 'awaitingApproval'), 'the approval card');
			const card = itemsOf(chat, 'tool').find((t) => t.status === 'awaitingApproval');
			assert.equal(card?.approval?.[0]?.as, 'alex@work.example');
			assert.equal(await chat.approve(card?.id ?? '', 'deny'), true);
			assert.equal(await sent, 'completed');
		});
	});
});
