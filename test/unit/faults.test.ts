/**
 * The fault matrix, at the ChatSession level: the real Composio SDK against the emulator and the
 * real openai SDK against the scripted model, over HTTP, with conversations in a temporary
 * folder. For every fault: a conversation already has a finished turn; the fault is injected;
 * a message is sent; the user sees one clear sentence with the right remedy (never JSON, a stack
 * or a key); everything shown before is intact in memory, in what the view was told, and on
 * disk (read back by a fresh store); then the fault clears and the same request succeeds.
 *
 * Composio faults that hit the start of a turn are injected when the turn has to open a new
 * Composio session (the first message in a window, or after the key or user id changed);
 * faults during a tool call hit a session already open.
 *
 * Run with FAULT_TABLE=1 to print what the user sees for each fault as a markdown table.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ChatSession } from '../../src/agent/chatSession';
import type { TurnSetupFactory } from '../../src/agent/chatTurn';
import type { Conversation } from '../../src/agent/conversationFile';
import { ConversationStore } from '../../src/agent/conversationStore';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import type { NoticeAction, TranscriptItem } from '../../src/protocol/transcript';
import type { EmulatorFault } from '../shared/testComposioEmulator';
import type { ModelFault } from '../shared/testScriptedModel';
import type { RecordingLogger } from './fakes/recordingLogger';
import { until } from '../shared/until';
import { useSandbox } from './fakes/sandboxSuite';
import { freeLoopbackPort } from '../shared/ports';

const USER = 'fault-matrix-user';
const COMPOSIO_KEY = 'ck_fault_matrix_5ecret_composio_key_0123';
const MODEL_KEY = 'sk-fault-matrix-5ecret-openai-key-4567';
const KEYS = [COMPOSIO_KEY, MODEL_KEY];

type Item<K extends TranscriptItem['kind']> = Extract<TranscriptItem, { kind: K }>;

/** What the chat view shows, rebuilt only from the events ChatSession fires (as the webview does). */
class ScreenModel {
	items: TranscriptItem[] = [];
	constructor(chat: ChatSession) {
		this.items = [...chat.current.items];
		chat.onDidChangeConversation((c) => (this.items = [...c.items]));
		chat.onDidAddItem((e) => this.items.push(e.item));
		chat.onDidUpdateItem((e) => {
			const i = this.items.findIndex((x) => x.id === e.item.id);
			if (i >= 0) {
				this.items[i] = e.item;
			}
		});
		chat.onDidAppendText((e) => {
			const i = this.items.findIndex((x) => x.id === e.itemId);
			const item = this.items[i];
			if (item?.kind === 'assistant') {
				this.items[i] = { ...item, text: item.text + e.delta };
			}
		});
	}
}

function itemsOf<K extends TranscriptItem['kind']>(items: readonly TranscriptItem[], kind: K): Array<Item<K>> {
	return items.filter((i): i is Item<K> => i.kind === kind);
}

/** One row of the table of what the user sees. */
interface Row {
	readonly fault: string;
	readonly sees: string;
	readonly wayOut: string;
}

const ACTION_LABELS: Record<NoticeAction, string> = {
	setComposioKey: 'Set Composio API Key',
	setOpenAiKey: 'Set OpenAI API Key',
	openLogs: 'Open Logs',
	retry: 'Retry',
	openSettings: 'Open Settings',
	chooseModel: 'Choose Model',
	findModelProviders: 'Get Models',
	useSandbox: 'Use the Sandbox',
};

describe('Fault matrix: what the user sees, and that nothing is lost (ChatSession, emulator + scripted model over HTTP)', function () {
	this.timeout(60_000);

	const suite = useSandbox({ emulator: { apiKey: COMPOSIO_KEY }, model: { chunkDelayMs: 1, requireKey: MODEL_KEY } });
	const emu = suite.sandbox.emulator;
	const scripted = suite.sandbox.model;
	const rows: Row[] = [];
	let log: RecordingLogger;
	let dir: string;
	let chat: ChatSession;
	let store: ConversationStore;
	let screen: ScreenModel;
	/** Where the next turn finds Composio and the model; a test points them elsewhere to simulate an outage. */
	let composioUrl: string;
	let modelUrl: string;
	let sdkRetries: number;

	after(() => {
		if (process.env.FAULT_TABLE === '1') {
			console.log(['| Fault | What the user sees | Way out |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.fault} | ${r.sees.replace(/\|/g, '\\|')} | ${r.wayOut} |`)].join('\n'));
		}
	});

	beforeEach(() => {
		log = suite.log;
		sdkRetries = 0;
		composioUrl = emu.baseUrl;
		modelUrl = scripted.baseUrl;
		dir = join(suite.dir, 'conversations');
		store = new ConversationStore(dir, { logger: log });
		chat = new ChatSession({ store, setup: setup(), logger: log });
		screen = new ScreenModel(chat);
		suite.cleanup(async () => {
			chat.dispose();
			await chat.idle();
		});
	});

	/** The turn setup the product uses, on whatever `composioUrl` and `modelUrl` say now. */
	function setup(): TurnSetupFactory {
		return async () => {
			const session = await suite.service.getSession(USER, suite.sandbox.settings({ baseUrl: composioUrl }));
			const model = new OpenAiModelClient({ baseUrl: modelUrl, model: 'sandbox-scripted', apiKey: MODEL_KEY, maxRetries: sdkRetries });
			return { model, session, maxTurns: 8, authPollIntervalMs: 25 };
		};
	}

	/** The finished turn every test starts from: Gmail connected, "Summarize my emails" answered with two tool cards. */
	async function previousTurn(): Promise<{ items: TranscriptItem[]; messages: ChatCompletionMessageParam[]; gmailAccount: string }> {
		const gmailAccount = emu.seedAccount(USER, 'gmail');
		assert.equal(await chat.send('Summarize my emails'), 'completed');
		await chat.idle();
		const items = structuredClone(chat.current.items);
		assert.deepEqual(
			items.map((i) => i.kind),
			['user', 'tool', 'tool', 'assistant'],
		);
		assert.ok(!items.some((i) => i.kind === 'notice'));
		return { items, messages: structuredClone(chat.current.messages), gmailAccount };
	}

	/** Everything shown before the fault is still there, in memory, on screen and on disk; nothing anywhere holds a key. */
	async function assertIntact(before: { items: TranscriptItem[]; messages: ChatCompletionMessageParam[] }, options: { turnRunning?: boolean } = {}): Promise<void> {
		const load = (): Promise<Conversation | undefined> => new ConversationStore(dir, { logger: log }).load(chat.current.id);
		if (options.turnRunning) {
			// The turn still waits; its last change is saved at once, so the disk catches up without it ending.
			await until(async () => JSON.stringify((await load())?.items) === JSON.stringify(chat.current.items), 'the disk to hold what is shown');
		} else {
			await chat.idle();
		}
		assert.deepEqual(chat.current.items.slice(0, before.items.length), before.items, 'the earlier turn is intact in memory');
		assert.deepEqual(chat.current.messages.slice(0, before.messages.length), before.messages, 'the model transcript is intact');
		assert.deepEqual(screen.items, chat.current.items, 'the view was told exactly what is in memory');
		const disk = await load();
		assert.ok(disk, 'the conversation is on disk');
		assert.deepEqual(disk.items, chat.current.items, 'the disk holds what is shown');
		assert.deepEqual(disk.messages, chat.current.messages);
		// Writes still queued (the index is saved a moment after the conversation) finish first;
		// a temporary file renamed into place while this reads is read under its final name.
		await store.flush();
		const files = await fs.readdir(dir);
		for (const file of files) {
			const text = await fs.readFile(join(dir, file), 'utf8').catch((e: unknown) => {
				if (file.endsWith('.tmp') && (e as NodeJS.ErrnoException).code === 'ENOENT') {
					return '';
				}
				throw e;
			});
			for (const key of KEYS) {
				assert.ok(!text.includes(key), `${file} holds no key`);
			}
		}
		for (const key of KEYS) {
			assert.ok(!JSON.stringify(chat.current).includes(key), 'the conversation holds no key');
			assert.ok(!log.lines.some((l) => l.includes(key)), 'the log holds no key');
		}
	}

	/** The newest error notice: one plain sentence with the expected remedy. Returns it for the table. */
	function assertNotice(expected: { text: string | RegExp; action: NoticeAction }): Item<'notice'> {
		const notices = itemsOf(chat.current.items, 'notice').filter((n) => n.level === 'error');
		assert.equal(notices.length, 1, `one error notice: ${JSON.stringify(notices)}`);
		const notice = notices[0]!;
		if (typeof expected.text === 'string') {
			assert.equal(notice.text, expected.text);
		} else {
			assert.match(notice.text, expected.text);
		}
		assert.equal(notice.action, expected.action);
		assertPlainSentence(notice.text);
		return notice;
	}

	function assertPlainSentence(text: string): void {
		assert.match(text, /^[A-Z][^\n]*[.!?]$/, `a sentence: ${text}`);
		assert.doesNotMatch(text, /[{}[\]<>]|"error"|\bat \S+ \(|\bError:|Traceback|status_code|request_id/, `no JSON, markup or stack: ${text}`);
		for (const key of KEYS) {
			assert.ok(!text.includes(key), 'no key');
		}
	}

	/** After the fault cleared: the request runs again and is answered; no new error; the user's message was not repeated. */
	async function assertRecovered(userMessages: number, answer: RegExp): Promise<void> {
		await chat.idle();
		assert.equal(itemsOf(chat.current.items, 'user').length, userMessages, 'the message was not repeated');
		const last = chat.current.items[chat.current.items.length - 1];
		assert.ok(last?.kind === 'assistant', `ends with an answer: ${chat.current.items.map((i) => i.kind).join(', ')}`);
		assert.match(last.text, answer);
		assert.equal(itemsOf(chat.current.items, 'notice').filter((n) => n.level === 'error').length, 1, 'no new error');
	}

	function record(fault: string, notice: Item<'notice'>, extra = ''): void {
		rows.push({ fault, sees: `"${notice.text}"${extra}`, wayOut: notice.action ? ACTION_LABELS[notice.action] : '' });
	}

	describe('Composio, when a turn opens its session', () => {
		const cases: Array<{ name: string; fault: EmulatorFault; text: string; action: NoticeAction }> = [
			{ name: 'Composio 401 (key rejected)', fault: { status: 401 }, text: 'Composio rejected the API key.', action: 'setComposioKey' },
			{ name: 'Composio 403 (key not allowed)', fault: { status: 403 }, text: 'Composio rejected the API key.', action: 'setComposioKey' },
			{ name: 'Composio 429 with retry-after: 30', fault: { status: 429, retryAfterSeconds: 30 }, text: 'Composio is rate-limiting requests; try again in 30 seconds.', action: 'retry' },
			{ name: 'Composio 500', fault: { status: 500 }, text: 'Composio is unreachable.', action: 'retry' },
			{ name: 'Composio 503', fault: { status: 503 }, text: 'Composio is unreachable.', action: 'retry' },
			{ name: 'Composio connection dropped', fault: { drop: true }, text: 'Composio is unreachable.', action: 'retry' },
			{ name: 'Composio malformed JSON (200 with an HTML body)', fault: { malformed: true }, text: 'Composio is unreachable.', action: 'retry' },
		];
		for (const c of cases) {
			it(`${c.name} → "${c.text}" with ${ACTION_LABELS[c.action]}; Retry works once it clears`, async () => {
				const before = await previousTurn();
				suite.service.dropSessions();
				emu.injectFault({ ...c.fault, method: 'POST', pathIncludes: '/tool_router/session', count: Infinity });
				assert.equal(await chat.send('Summarize my emails'), 'completed');
				const notice = assertNotice({ text: c.text, action: c.action });
				assert.deepEqual(
					chat.current.items.slice(before.items.length).map((i) => i.kind),
					['user', 'notice'],
					'the new message stays, followed by the notice',
				);
				await assertIntact(before);
				record(c.name, notice);

				emu.clearFaults();
				assert.equal(await chat.retry(), 'completed');
				await assertRecovered(2, /Inbox summary/);
				await assertIntact(before);
			});
		}

		it('Composio connection refused (nothing listening) → "Composio is unreachable." with Retry; Retry works once it is back', async () => {
			const before = await previousTurn();
			composioUrl = `http://127.0.0.1:${await freeLoopbackPort()}`;
			assert.equal(await chat.send('Summarize my emails'), 'completed');
			const notice = assertNotice({ text: 'Composio is unreachable.', action: 'retry' });
			await assertIntact(before);
			record('Composio connection refused', notice);

			composioUrl = emu.baseUrl;
			assert.equal(await chat.retry(), 'completed');
			await assertRecovered(2, /Inbox summary/);
			await assertIntact(before);
		});

		it('Composio slow answers (1 s on every request, under the timeouts) → the turn simply takes longer', async () => {
			const before = await previousTurn();
			suite.service.dropSessions();
			emu.injectFault({ delayMs: 1000, count: Infinity });
			const started = Date.now();
			assert.equal(await chat.send('Summarize my emails'), 'completed');
			assert.ok(Date.now() - started >= 1000, 'the delay applied');
			assert.equal(itemsOf(chat.current.items, 'notice').length, 0, 'no notice');
			const last = chat.current.items[chat.current.items.length - 1];
			assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text));
			await assertIntact(before);
			rows.push({ fault: 'Composio slow answers (1 s on every request, under the 60 s timeout)', sees: 'Nothing unusual: the tool cards run longer, then the answer', wayOut: '—' });
		});

		it('Composio slower than the request timeout → "Composio is unreachable." with Retry', async () => {
			suite.renewService({ factory: { requestTimeoutMs: 500 } });
			const before = await previousTurn();
			suite.service.dropSessions();
			emu.injectFault({ delayMs: 3000, method: 'POST', pathIncludes: '/tool_router/session', count: 1 });
			assert.equal(await chat.send('Summarize my emails'), 'completed');
			const notice = assertNotice({ text: 'Composio is unreachable.', action: 'retry' });
			await assertIntact(before);
			record('Composio slower than the request timeout', notice);
			assert.equal(await chat.retry(), 'completed');
			await assertRecovered(2, /Inbox summary/);
		});

		it("with the SDK's own retries (as shipped), a single 429 with retry-after or 503 is absorbed: no notice", async () => {
			sdkRetries = 2;
			// The SDK's own retries, as shipped (its default is two).
			suite.renewService({ factory: { maxRetries: 2 } });
			const before = await previousTurn();
			suite.service.dropSessions();
			emu.injectFault({ status: 429, retryAfterSeconds: 1, method: 'POST', pathIncludes: '/tool_router/session', count: 1 });
			emu.injectFault({ status: 503, pathIncludes: '/execute', count: 1 });
			assert.equal(await chat.send('Summarize my emails'), 'completed');
			assert.equal(itemsOf(chat.current.items, 'notice').length, 0);
			assert.equal(emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/tool_router/session')).length, 3, 'first session, then a 429 and its retry');
			const last = chat.current.items[chat.current.items.length - 1];
			assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text));
			await assertIntact(before);
		});
	});

	describe('Composio, during a tool call (session already open)', () => {
		/** `stops`: the turn ends with an error notice offering this remedy instead of the model explaining. */
		const cases: Array<{ name: string; fault: EmulatorFault; error: string; stops?: 'setComposioKey' }> = [
			{ name: 'Composio 401 during a tool call', fault: { status: 401 }, error: 'Composio rejected the API key.', stops: 'setComposioKey' },
			{ name: 'Composio 429 during a tool call', fault: { status: 429 }, error: 'Composio is rate-limiting requests; try again in a moment.' },
			{ name: 'Composio 500 during a tool call', fault: { status: 500 }, error: 'Composio is unreachable.' },
		];
		for (const c of cases) {
			it(`${c.name} → the tool card fails with "${c.error}" and the agent says it could not finish; asking again works`, async () => {
				const before = await previousTurn();
				emu.injectFault({ ...c.fault, pathIncludes: '/execute', count: Infinity });
				assert.equal(await chat.send('Summarize my emails'), 'completed');
				const added = chat.current.items.slice(before.items.length);
				const failed = itemsOf(added, 'tool').filter((t) => t.status === 'failed');
				assert.equal(failed.length, 1, JSON.stringify(added));
				assert.equal(failed[0]?.error, c.error);
				assertPlainSentence(failed[0]?.error ?? '');
				const answer = added[added.length - 1];
				if (c.stops) {
					// A rejected key fails every call: the turn stops with the remedy instead of asking the model.
					assert.ok(answer?.kind === 'notice' && answer.level === 'error' && answer.action === c.stops, JSON.stringify(answer));
					assert.equal(answer.text, c.error);
				} else {
					assert.ok(answer?.kind === 'assistant' && answer.text.length > 0, 'the agent explains');
				}
				for (const key of KEYS) {
					assert.ok(!JSON.stringify(answer).includes(key));
				}
				await assertIntact(before);
				rows.push({
					fault: c.name,
					sees: c.stops ? `The tool card turns red (Failed) and the turn stops with "${c.error}"` : `The tool card turns red (Failed) with "${c.error}"; the agent explains it could not finish`,
					wayOut: c.stops ? 'Set Composio API Key' : 'Ask again',
				});

				emu.clearFaults();
				assert.equal(await chat.send('Summarize my emails'), 'completed');
				await chat.idle();
				const last = chat.current.items[chat.current.items.length - 1];
				assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text));
				await assertIntact(before);
			});
		}
	});

	describe('A connection that fails while the chat waits for it', () => {
		/** The Gmail account from the earlier turn stops working; asking again makes the agent offer a Connect Link, and the chat waits. */
		async function waitingCard(before: { gmailAccount: string }): Promise<{ sent: Promise<unknown>; card: Item<'auth'> & { accountId: string } }> {
			emu.setAccountStatus(before.gmailAccount, 'REVOKED', 'Access was removed in the Google account settings.');
			const sent = chat.send('Summarize my emails');
			await until(() => chat.state === 'waitingForAuth', 'the wait for Gmail');
			const card = itemsOf(chat.current.items, 'auth').at(-1);
			assert.ok(card?.status === 'waiting' && card.accountId !== undefined);
			return { sent, card: { ...card, accountId: card.accountId } };
		}

		const failures: Array<{ status: 'FAILED' | 'REVOKED'; reason?: string; text: RegExp; shownReason: string }> = [
			{ status: 'FAILED', reason: 'The user denied access on the consent screen.', text: /^Connecting Gmail failed: The user denied access on the consent screen\. I can't continue without access to Gmail\./, shownReason: 'The user denied access on the consent screen.' },
			{ status: 'REVOKED', text: /^Connecting Gmail failed: The connection ended in revoked state\./, shownReason: 'The connection ended in revoked state.' },
		];
		for (const c of failures) {
			it(`${c.status} → the card says "Connecting Gmail failed." with the reason, the agent explains; New link (asking again) gives a link that works`, async () => {
				const before = await previousTurn();
				const { sent, card } = await waitingCard(before);
				emu.setAccountStatus(card.accountId, c.status, c.reason);
				assert.equal(await sent, 'completed');
				const ended = itemsOf(chat.current.items, 'auth').at(-1);
				assert.equal(ended?.id, card.id, 'the same card, updated');
				assert.equal(ended?.status, 'failed');
				assert.equal(ended?.reason, c.shownReason);
				assertPlainSentence(c.shownReason);
				const answer = chat.current.items[chat.current.items.length - 1];
				assert.ok(answer?.kind === 'assistant');
				assert.match(answer.text, c.text);
				assert.ok(!itemsOf(chat.current.items, 'notice').some((n) => n.level === 'error'));
				assert.equal(chat.state, 'idle');
				await assertIntact(before);
				rows.push({
					fault: `Connection ${c.status} while the chat waits for it`,
					sees: `The card: "Connecting Gmail failed." and "${c.shownReason}"; the agent: "${answer.text.split('. ')[0] ?? ''}."`,
					wayOut: 'New link (on the card)',
				});

				// The card's New link, once the turn has ended, asks again (ChatController → retry): a new card and link.
				const again = chat.retry();
				await until(() => chat.state === 'waitingForAuth', 'a new wait');
				const fresh = itemsOf(chat.current.items, 'auth').at(-1);
				assert.ok(fresh && fresh.id !== card.id && fresh.status === 'waiting' && fresh.url !== card.url, 'a new card with a new link');
				emu.completeLink(fresh.url, { decision: 'authorize' });
				assert.equal(await again, 'completed');
				await chat.idle();
				assert.equal(itemsOf(chat.current.items, 'auth').at(-1)?.status, 'connected');
				const last = chat.current.items[chat.current.items.length - 1];
				assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text));
				await assertIntact(before);
			});
		}

		it('EXPIRED → the card says "This link expired. Get a new one to continue." and the chat keeps waiting; New link renews it in place and connecting finishes the task', async () => {
			const before = await previousTurn();
			const { sent, card } = await waitingCard(before);
			emu.setAccountStatus(card.accountId, 'EXPIRED');
			await until(() => itemsOf(chat.current.items, 'auth').at(-1)?.status === 'expired', 'the card to show the expiry');
			const expired = itemsOf(chat.current.items, 'auth').at(-1);
			assert.equal(expired?.id, card.id);
			assert.equal(expired?.reason, 'The Connect Link expired.');
			assert.equal(chat.state, 'waitingForAuth', 'the turn waits for a new link');
			assert.ok(!itemsOf(chat.current.items, 'notice').some((n) => n.level === 'error'));
			await assertIntact(before, { turnRunning: true });
			rows.push({ fault: 'Connection EXPIRED while the chat waits for it', sees: 'The card: "This link expired. Get a new one to continue." and "The Connect Link expired."; the chat keeps waiting', wayOut: 'New link (on the card)' });

			assert.equal(await chat.renewLinkForItem(card.id), true);
			const renewed = itemsOf(chat.current.items, 'auth').at(-1);
			assert.ok(renewed?.id === card.id && renewed.status === 'waiting' && renewed.url !== card.url, 'the same card, a fresh link');
			emu.completeLink(renewed.url, { decision: 'authorize' });
			assert.equal(await sent, 'completed');
			await chat.idle();
			assert.equal(itemsOf(chat.current.items, 'auth').at(-1)?.status, 'connected');
			const last = chat.current.items[chat.current.items.length - 1];
			assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text));
			await assertIntact(before);
		});
	});

	describe('The model', () => {
		const cases: Array<{ name: string; fault: ModelFault; text: string; action: NoticeAction }> = [
			{ name: 'Model 401 (key rejected)', fault: { status: 401 }, text: 'The model provider rejected the API key. Set a valid OpenAI API key and try again.', action: 'setOpenAiKey' },
			{ name: 'Model 429 with retry-after: 20', fault: { status: 429, retryAfterSeconds: 20 }, text: 'The model provider is limiting requests right now. Try again in 20 seconds.', action: 'retry' },
			{ name: 'Model 500', fault: { status: 500 }, text: 'The model provider had a server error (HTTP 500). Try again.', action: 'retry' },
		];
		for (const c of cases) {
			it(`${c.name} → "${c.text}" with ${ACTION_LABELS[c.action]}; Retry works once it clears`, async () => {
				const before = await previousTurn();
				scripted.injectFault({ ...c.fault, count: 5 });
				assert.equal(await chat.send('What can you do?'), 'completed');
				const notice = assertNotice({ text: c.text, action: c.action });
				assert.deepEqual(
					chat.current.items.slice(before.items.length).map((i) => i.kind),
					['user', 'notice'],
				);
				await assertIntact(before);
				record(c.name, notice);

				scripted.clearFaults();
				assert.equal(await chat.retry(), 'completed');
				await assertRecovered(2, /Summarize my emails/);
				await assertIntact(before);
			});
		}

		it('the model\'s stream cut mid-answer → the streamed part stays, "The model\'s reply was cut off before it finished. Try again." with Retry; Retry answers in full', async () => {
			const before = await previousTurn();
			scripted.injectFault({ cutAfterChunks: 5 });
			assert.equal(await chat.send('What can you do?'), 'completed');
			const notice = assertNotice({ text: "The model's reply was cut off before it finished. Try again.", action: 'retry' });
			const partial = itemsOf(chat.current.items.slice(before.items.length), 'assistant')[0];
			assert.ok(partial && partial.text.length > 0 && partial.streaming === undefined, 'the streamed part stays, final');
			await assertIntact(before);
			record('Model stream cut mid-answer', notice, ' (the text streamed so far stays)');

			assert.equal(await chat.retry(), 'completed');
			await chat.idle();
			assert.equal(itemsOf(chat.current.items, 'user').length, 2);
			const full = chat.current.items[chat.current.items.length - 1];
			assert.ok(full?.kind === 'assistant' && full.text.startsWith(partial.text) && full.text.length > partial.text.length);
			await assertIntact(before);
		});

		it('the model unreachable (nothing listening) → "Could not reach the model provider…" with Retry; Retry works once it is back', async () => {
			const before = await previousTurn();
			modelUrl = `http://127.0.0.1:${await freeLoopbackPort()}/v1`;
			assert.equal(await chat.send('What can you do?'), 'completed');
			const notice = assertNotice({ text: 'Could not reach the model provider. Check your network and the base URL in settings, then try again.', action: 'retry' });
			await assertIntact(before);
			record('Model unreachable', notice);

			modelUrl = scripted.baseUrl;
			assert.equal(await chat.retry(), 'completed');
			await assertRecovered(2, /Summarize my emails/);
		});

		it("with the SDK's own retries (as shipped), a single 503 is absorbed: no notice", async () => {
			sdkRetries = 2;
			const before = await previousTurn();
			scripted.injectFault({ status: 503, count: 1 });
			assert.equal(await chat.send('What can you do?'), 'completed');
			assert.equal(itemsOf(chat.current.items, 'notice').length, 0);
			const last = chat.current.items[chat.current.items.length - 1];
			assert.ok(last?.kind === 'assistant' && /Summarize my emails/.test(last.text));
			await assertIntact(before);
		});
	});
});
