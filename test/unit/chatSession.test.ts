/**
 * ChatSession over real HTTP: the real Composio SDK against the local emulator and the real
 * openai SDK against the scripted model, with conversations in a temporary folder. Covers what
 * the chat view sees (items, streamed text, turn states), the in-chat Connect Link flow, busy
 * refusals, cancellation, failing setups, retry after model faults, switching and deleting
 * conversations, repair of conversations saved mid-turn, and a window reload.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { INTERRUPTED_TOOL_RESULT } from '../../src/agent/agentLoop';
import type { TurnSetup } from '../../src/agent/agentTurn';
import { ChatSession } from '../../src/agent/chatSession';
import type { TurnSetupFactory } from '../../src/agent/chatTurn';
import type { TextDelta } from '../../src/agent/conversationEvents';
import { recoverInterrupted } from '../../src/agent/transcriptRepair';
import { systemClock, type Clock } from '../../src/common/clock';
import type { Conversation } from '../../src/agent/conversationFile';
import { ConversationStore } from '../../src/agent/conversationStore';
import type { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { ComposioError } from '../../src/composio/composioErrors';
import type { ComposioService } from '../../src/composio/composioService';
import type { TurnState } from '../../src/protocol/chatProtocol';
import type { ConversationSummary, TranscriptItem } from '../../src/protocol/transcript';
import type { RecordingLogger } from './fakes/recordingLogger';
import { until } from '../shared/until';
import { useSandbox } from './fakes/sandboxSuite';
import { assertConsistent } from './fakes/assertions';
import { submitConnectPage } from '../shared/connectPage';

const USER = 'chat-session-user';

type Item<K extends TranscriptItem['kind']> = Extract<TranscriptItem, { kind: K }>;

/** A clock whose time moves forward one millisecond per reading, so the order of conversations never depends on timing. */
function steppingClock(start = 1_700_000_000_000): Clock {
	let t = start;
	return { now: () => ++t, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
}

/** Everything a ChatSession reports, in order, as the chat view would receive it. */
class Recorder {
	readonly added: TranscriptItem[] = [];
	readonly updated: TranscriptItem[] = [];
	readonly deltas: TextDelta[] = [];
	readonly states: TurnState[] = [];
	readonly conversations: Array<{ id: string; items: readonly TranscriptItem[] }> = [];
	historyChanges = 0;

	constructor(chat: ChatSession) {
		chat.onDidAddItem((e) => this.added.push(e.item));
		chat.onDidUpdateItem((e) => this.updated.push(e.item));
		chat.onDidAppendText((e) => this.deltas.push(e));
		chat.onDidChangeTurnState((e) => this.states.push(e.state));
		chat.onDidChangeConversation((c) => this.conversations.push({ id: c.id, items: c.items }));
		chat.onDidChangeHistory(() => this.historyChanges++);
	}
}

function itemsOf<K extends TranscriptItem['kind']>(chat: ChatSession, kind: K): Array<Item<K>> {
	return chat.current.items.filter((i): i is Item<K> => i.kind === kind);
}

function kinds(chat: ChatSession): string[] {
	// A multi-execute shows the app tools it runs: tool COMPOSIO_MULTI_EXECUTE_TOOL[GMAIL_FETCH_EMAILS] done.
	return chat.current.items.map((i) => (i.kind === 'tool' ? `tool ${i.name}${i.runs ? `[${i.runs.join(', ')}]` : ''} ${i.status}` : i.kind === 'auth' ? `auth ${i.toolkit} ${i.status}` : i.kind));
}

function userContents(messages: readonly ChatCompletionMessageParam[]): unknown[] {
	return messages.filter((m) => m.role === 'user').map((m) => m.content);
}

describe('ChatSession (emulator + scripted model over HTTP)', function () {
	this.timeout(60_000);

	const suite = useSandbox({ model: { chunkDelayMs: 1 } });
	const emu = suite.sandbox.emulator;
	const scripted = suite.sandbox.model;
	let log: RecordingLogger;
	let service: ComposioService;
	let model: OpenAiModelClient;
	let dir: string;

	beforeEach(() => {
		log = suite.log;
		service = suite.service;
		model = suite.sandbox.modelClient();
		dir = join(suite.dir, 'conversations');
	});

	/** A turn setup on the emulator and the scripted model. Polls for connections every 25 ms unless told otherwise. */
	function realSetup(over: Partial<TurnSetup> = {}): TurnSetupFactory {
		return async () => {
			const session = await service.getSession(USER, suite.sandbox.settings());
			return { model, session, maxTurns: 8, authPollIntervalMs: 25, ...over };
		};
	}

	function newStore(): ConversationStore {
		return new ConversationStore(dir, { logger: log });
	}

	function newChat(options: { setup?: TurnSetupFactory; store?: ConversationStore; streamSaveIntervalMs?: number; clock?: Clock } = {}): ChatSession {
		const chat = new ChatSession({
			store: options.store ?? newStore(),
			setup: options.setup ?? realSetup(),
			logger: log,
			...(options.streamSaveIntervalMs !== undefined ? { streamSaveIntervalMs: options.streamSaveIntervalMs } : {}),
			clock: options.clock ?? steppingClock(),
		});
		// Stop its turn and let its last save land before the folder goes.
		suite.cleanup(async () => {
			chat.dispose();
			await chat.idle();
		});
		return chat;
	}

	/** The conversation as a fresh store on the same folder reads it (what a reload would see). */
	async function onDisk(id: string): Promise<Conversation | undefined> {
		return newStore().load(id);
	}

	/** After a turn ended: nothing left running, streaming or waiting; the transcript is consistent; the disk holds exactly what is shown. */
	async function assertSettled(chat: ChatSession): Promise<void> {
		await chat.idle();
		assert.equal(chat.state, 'idle');
		const items = chat.current.items;
		assert.ok(!items.some((i) => i.kind === 'tool' && i.status === 'running'), `running tool: ${kinds(chat).join(', ')}`);
		assert.ok(!items.some((i) => i.kind === 'auth' && i.status === 'waiting'), `waiting card: ${kinds(chat).join(', ')}`);
		assert.ok(!items.some((i) => i.kind === 'assistant' && i.streaming), 'streaming assistant item');
		assertConsistent(chat.current.messages);
		const saved = await onDisk(chat.current.id);
		assert.ok(saved, 'the conversation is on disk');
		assert.deepEqual(saved.items, chat.current.items);
		assert.deepEqual(saved.messages, chat.current.messages);
		assert.equal(saved.title, chat.current.title);
	}

	it('send: a user item, tool items running→done, a streamed assistant item that is closed, running→idle, saved', async () => {
		emu.seedAccount(USER, 'gmail');
		const chat = newChat();
		const rec = new Recorder(chat);
		const id = chat.current.id;

		assert.equal(await chat.send('  Summarize my emails  '), 'completed');

		assert.deepEqual(kinds(chat), ['user', 'tool COMPOSIO_MANAGE_CONNECTIONS done', 'tool COMPOSIO_MULTI_EXECUTE_TOOL[GMAIL_FETCH_EMAILS] done', 'assistant']);
		assert.equal(chat.current.id, id);
		assert.equal(chat.current.title, 'Summarize my emails');
		const [user] = itemsOf(chat, 'user');
		assert.equal(user?.text, 'Summarize my emails');

		// Tool items: added running, then updated to done with the full result, each under one id.
		for (const tool of itemsOf(chat, 'tool')) {
			const added = rec.added.find((i) => i.id === tool.id);
			assert.ok(added?.kind === 'tool' && added.status === 'running' && added.toolkit === 'gmail', JSON.stringify(added));
			assert.ok(rec.updated.some((i) => i.id === tool.id && i.kind === 'tool' && i.status === 'done'));
			assert.ok(tool.result && tool.result.length > 0);
		}
		const fetch = itemsOf(chat, 'tool')[1];
		assert.deepEqual(fetch?.runs, ['GMAIL_FETCH_EMAILS']);
		assert.deepEqual(JSON.parse(fetch?.args ?? ''), { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 10 } }], sync_response_to_workbench: false });
		assert.match(fetch?.result ?? '', /Q3 roadmap review/);

		// The assistant item: added streaming, grown by deltas, closed without `streaming`.
		const [answer] = itemsOf(chat, 'assistant');
		assert.ok(answer);
		const added = rec.added.find((i) => i.id === answer.id);
		assert.ok(added?.kind === 'assistant' && added.streaming === true);
		const deltas = rec.deltas.filter((d) => d.itemId === answer.id);
		assert.ok(deltas.length > 3, `streamed in ${deltas.length} deltas`);
		assert.ok(deltas.every((d) => d.conversationId === id));
		assert.equal(added.text + deltas.map((d) => d.delta).join(''), answer.text);
		assert.equal(answer.streaming, undefined);
		assert.ok(rec.updated.some((i) => i.id === answer.id && i.kind === 'assistant' && i.streaming === undefined));
		assert.match(answer.text, /Inbox summary/);
		assert.match(answer.text, /Q3 roadmap review moved to Thursday/);
		// The model transcript holds the same answer.
		const last = chat.current.messages[chat.current.messages.length - 1];
		assert.ok(last?.role === 'assistant' && last.content === answer.text);

		assert.deepEqual(rec.states, ['running', 'idle']);
		assert.ok(rec.historyChanges >= 1);
		await assertSettled(chat);
		assert.deepEqual(
			(await chat.list()).map((s) => [s.id, s.title, s.messageCount]),
			[[id, 'Summarize my emails', 2]],
		);
	});

	it('saves streamed text while it streams, at most a save interval behind', async () => {
		scripted.setPace({ chunkDelayMs: 30, wordsPerChunk: 1 });
		const chat = newChat({ streamSaveIntervalMs: 20 });
		const sent = chat.send('What can you do?');
		await until(async () => {
			const saved = await onDisk(chat.current.id);
			const item = saved?.items.find((i) => i.kind === 'assistant');
			return item?.kind === 'assistant' && item.streaming === true && item.text.length > 0;
		}, 'a save with partial, streaming text');
		chat.cancel();
		assert.equal(await sent, 'completed');
		await assertSettled(chat);
	});

	it('the history is up to date when onDidChangeHistory fires at the end of a turn', async () => {
		const chat = newChat({
			setup: () => Promise.reject(new ComposioError('auth', 'Set your Composio API key to start.', { action: 'setComposioKey' })),
		});
		const listed: Array<Promise<ConversationSummary[]>> = [];
		chat.onDidChangeHistory(() => listed.push(chat.list()));
		assert.equal(await chat.send('Summarize my emails'), 'completed');
		assert.equal(listed.length, 1);
		assert.deepEqual(await listed[0], [{ id: chat.current.id, title: 'Summarize my emails', updatedAt: chat.current.updatedAt, messageCount: 1 }]);
	});

	it('empty text without context sends nothing; context alone is a message titled after the file', async () => {
		const chat = newChat();
		assert.equal(await chat.send('   '), 'empty');
		assert.deepEqual(chat.current.items, []);
		assert.deepEqual(await chat.list(), []);

		const context = [{ path: 'src/app.ts', languageId: 'typescript', startLine: 1, endLine: 2, text: 'const x = 1;\nexport { x };' }];
		assert.equal(await chat.send('', context), 'completed');
		const [user] = itemsOf(chat, 'user');
		assert.deepEqual(user?.context, context);
		assert.equal(chat.current.title, 'About src/app.ts');
		const [sentContent] = userContents(chat.current.messages);
		assert.ok(typeof sentContent === 'string');
		assert.match(sentContent, /Selection from src\/app\.ts \(lines 1-2\)/);
		await assertSettled(chat);
	});

	describe('in-chat authentication', () => {
		it('"Summarize my emails" → a waiting card with the emulator\'s link; "done" goes to the wait (not connected yet, then connected) and the answer arrives', async () => {
			// Only the user's messages check the connection here: no polling during the test.
			const chat = newChat({ setup: realSetup({ authPollIntervalMs: 600_000 }) });
			const rec = new Recorder(chat);
			const sent = chat.send('Summarize my emails');

			await until(() => chat.state === 'waitingForAuth', 'waitingForAuth');
			const [card] = itemsOf(chat, 'auth');
			assert.ok(card);
			assert.equal(card.status, 'waiting');
			assert.equal(card.toolkit, 'gmail');
			assert.equal(card.toolkitName, 'Gmail');
			assert.ok(card.url.startsWith(`${emu.baseUrl}/link/`), card.url);
			assert.match(card.accountId ?? '', /^ca_/);
			// The model's "please connect" text carries the same link.
			assert.ok(itemsOf(chat, 'assistant').some((a) => a.text.includes(card.url)));
			// The waiting card is on disk already.
			await until(async () => (await onDisk(chat.current.id))?.items.some((i) => i.id === card.id && i.kind === 'auth' && i.status === 'waiting') === true, 'the waiting card saved');

			// "done" before authorizing: routed to the wait, which says not yet and keeps waiting.
			const noticesBefore = itemsOf(chat, 'notice').length;
			assert.equal(await chat.send('done'), 'routedToAuth');
			await until(() => itemsOf(chat, 'notice').length > noticesBefore, 'the not-yet notice');
			assert.equal(itemsOf(chat, 'notice').at(-1)?.text, "Gmail isn't connected yet — finish on the Connect page, then say done (or press Stop).");
			assert.equal(chat.state, 'waitingForAuth');
			assert.equal(itemsOf(chat, 'auth')[0]?.status, 'waiting');
			assert.deepEqual(
				itemsOf(chat, 'user').map((u) => u.text),
				['Summarize my emails', 'done'],
			);

			// Authorize on the emulator's Connect page over HTTP, then say done again.
			await submitConnectPage(card.url, 'authorize');
			assert.equal(await chat.send('done'), 'routedToAuth');
			assert.equal(await sent, 'completed');

			const connected = itemsOf(chat, 'auth');
			assert.equal(connected.length, 1, 'one card, updated in place');
			assert.equal(connected[0]?.id, card.id);
			assert.equal(connected[0]?.status, 'connected');
			assert.ok(itemsOf(chat, 'notice').some((n) => n.text === 'Connected Gmail — continuing'));
			const answer = itemsOf(chat, 'assistant').at(-1);
			assert.match(answer?.text ?? '', /Inbox summary/);
			assert.match(answer?.text ?? '', /Q3 roadmap review moved to Thursday/);
			assert.deepEqual(rec.states, ['running', 'waitingForAuth', 'running', 'idle']);
			// The model saw the user's own words as the continuation.
			assert.deepEqual(userContents(chat.current.messages), ['Summarize my emails', 'done']);
			assert.deepEqual(
				kinds(chat),
				[
					'user',
					'tool COMPOSIO_MANAGE_CONNECTIONS done',
					'auth gmail connected',
					'assistant',
					'user',
					'notice',
					'user',
					'notice',
					'tool COMPOSIO_MULTI_EXECUTE_TOOL[GMAIL_FETCH_EMAILS] done',
					'assistant',
				],
			);
			await assertSettled(chat);
		});

		it('resumes by itself once the link is completed, and "New link" replaces the card\'s link', async () => {
			const chat = newChat();
			const sent = chat.send('Summarize my emails');
			await until(() => chat.state === 'waitingForAuth', 'waitingForAuth');
			const [card] = itemsOf(chat, 'auth');
			assert.ok(card);
			assert.equal(await chat.renewLinkForItem(card.id), true);
			const renewed = itemsOf(chat, 'auth');
			assert.equal(renewed.length, 1);
			assert.ok(renewed[0]?.url && renewed[0].url !== card.url && renewed[0].status === 'waiting');
			assert.equal(await chat.renewLinkForItem('no-such-item'), false);

			emu.completeLink(renewed[0].url, { decision: 'authorize' });
			assert.equal(await sent, 'completed');
			assert.equal(itemsOf(chat, 'auth')[0]?.status, 'connected');
			assert.deepEqual(userContents(chat.current.messages), ['Summarize my emails', "I've connected Gmail. Please continue."]);
			assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /Inbox summary/);
			assert.equal(await chat.renewLink('gmail'), false, 'nothing waits any more');
			await assertSettled(chat);
		});
	});

	it('send while a turn runs (and does not wait for a connection) answers busy and changes nothing', async () => {
		scripted.setPace({ chunkDelayMs: 30, wordsPerChunk: 1 });
		const chat = newChat();
		const rec = new Recorder(chat);
		const sent = chat.send('What can you do?');
		await until(() => itemsOf(chat, 'assistant').length > 0, 'the answer streaming');
		const addedBefore = rec.added.length;
		const title = chat.current.title;

		assert.equal(await chat.send('Another question'), 'busy');
		assert.equal(await chat.retry(), 'busy');

		assert.ok(!rec.added.slice(addedBefore).some((i) => i.kind === 'user'), 'no user item was added');
		assert.equal(chat.current.title, title);
		assert.equal(chat.state, 'running');
		chat.cancel();
		assert.equal(await sent, 'completed');
		assert.deepEqual(
			itemsOf(chat, 'user').map((u) => u.text),
			['What can you do?'],
		);
		assert.deepEqual(userContents(chat.current.messages), ['What can you do?']);
		await assertSettled(chat);
		const saved = await onDisk(chat.current.id);
		assert.ok(saved && !JSON.stringify(saved).includes('Another question'));
	});

	describe('cancel leaves a consistent, saved conversation', () => {
		it('mid-stream: the partial answer stays, closed, and is what the model transcript keeps', async () => {
			scripted.setPace({ chunkDelayMs: 30, wordsPerChunk: 1 });
			const chat = newChat();
			const rec = new Recorder(chat);
			const sent = chat.send('What can you do?');
			await until(() => rec.deltas.length >= 3, 'some streamed text');
			chat.cancel();
			assert.equal(await sent, 'completed');
			const [answer] = itemsOf(chat, 'assistant');
			assert.ok(answer && answer.text.length > 0 && answer.streaming === undefined);
			const last = chat.current.messages[chat.current.messages.length - 1];
			assert.ok(last?.role === 'assistant' && last.content === answer.text);
			assert.equal(rec.states.at(-1), 'idle');
			await assertSettled(chat);
		});

		it('mid-tool: the running tool item fails as cancelled and its call is answered', async () => {
			emu.seedAccount(USER, 'gmail');
			emu.injectFault({ pathIncludes: '/execute', delayMs: 20_000, count: 1 });
			const chat = newChat();
			const sent = chat.send('Summarize my emails');
			await until(() => itemsOf(chat, 'tool').some((t) => t.status === 'running'), 'a running tool');
			chat.cancel();
			assert.equal(await sent, 'completed');
			const [tool] = itemsOf(chat, 'tool');
			assert.equal(tool?.status, 'failed');
			assert.equal(chat.current.messages.at(-1)?.role, 'tool');
			await assertSettled(chat);
		});

		it('mid-wait: the card is cancelled', async () => {
			const chat = newChat();
			const sent = chat.send('Summarize my emails');
			await until(() => chat.state === 'waitingForAuth', 'waitingForAuth');
			chat.cancel();
			assert.equal(await sent, 'completed');
			assert.equal(itemsOf(chat, 'auth')[0]?.status, 'cancelled');
			await assertSettled(chat);
			// The conversation goes on normally afterwards.
			assert.equal(await chat.send('What can you do?'), 'completed');
			await assertSettled(chat);
		});
	});

	it('a failing setup ends the turn with an error notice carrying its action and keeps the message; retry then runs it once', async () => {
		let failing = true;
		const working = realSetup();
		const chat = newChat({
			setup: async (signal) => {
				if (failing) {
					throw new ComposioError('auth', 'Set your Composio API key to start.', { action: 'setComposioKey', detail: 'no Composio API key' });
				}
				return working(signal);
			},
		});
		const rec = new Recorder(chat);
		assert.equal(await chat.send('Summarize my emails'), 'completed');
		assert.deepEqual(kinds(chat), ['user', 'notice']);
		const [notice] = itemsOf(chat, 'notice');
		assert.deepEqual(
			{ level: notice?.level, text: notice?.text, action: notice?.action },
			{ level: 'error', text: 'Set your Composio API key to start.', action: 'setComposioKey' },
		);
		assert.deepEqual(userContents(chat.current.messages), ['Summarize my emails']);
		assert.deepEqual(rec.states, ['running', 'idle']);
		assert.match(log.lines.join('\n'), /Could not start the turn/);
		await assertSettled(chat);

		failing = false;
		emu.seedAccount(USER, 'gmail');
		assert.equal(await chat.retry(), 'completed');
		assert.deepEqual(
			itemsOf(chat, 'user').map((u) => u.text),
			['Summarize my emails'],
		);
		assert.deepEqual(userContents(chat.current.messages), ['Summarize my emails']);
		assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /Inbox summary/);
		await assertSettled(chat);
	});

	describe('retry after a model fault runs the request again without repeating the user\'s message', () => {
		it('the first model call fails (HTTP 500)', async () => {
			const chat = newChat();
			scripted.injectFault({ status: 500 });
			assert.equal(await chat.send('What can you do?'), 'completed');
			const [notice] = itemsOf(chat, 'notice');
			assert.equal(notice?.level, 'error');
			assert.equal(notice.action, 'retry');
			assert.deepEqual(userContents(chat.current.messages), ['What can you do?']);
			await assertSettled(chat);

			assert.equal(await chat.retry(), 'completed');
			assert.deepEqual(kinds(chat), ['user', 'notice', 'assistant']);
			assert.deepEqual(userContents(chat.current.messages), ['What can you do?']);
			assert.match(itemsOf(chat, 'assistant')[0]?.text ?? '', /Summarize my emails/);
			await assertSettled(chat);
		});

		it('the model call after a tool ran fails (HTTP 500): the transcript ends with the tool result', async () => {
			emu.seedAccount(USER, 'gmail');
			const chat = newChat();
			let injected = false;
			chat.onDidUpdateItem((e) => {
				if (!injected && e.item.kind === 'tool' && e.item.status === 'done') {
					injected = true;
					scripted.injectFault({ status: 500 });
				}
			});
			assert.equal(await chat.send('Summarize my emails'), 'completed');
			assert.deepEqual(kinds(chat), ['user', 'tool COMPOSIO_MANAGE_CONNECTIONS done', 'notice']);
			assert.equal(itemsOf(chat, 'notice')[0]?.action, 'retry');
			assert.deepEqual(
				chat.current.messages.map((m) => m.role),
				['user', 'assistant', 'tool'],
			);
			await assertSettled(chat);

			assert.equal(await chat.retry(), 'completed');
			assert.deepEqual(
				itemsOf(chat, 'user').map((u) => u.text),
				['Summarize my emails'],
			);
			assert.deepEqual(userContents(chat.current.messages), ['Summarize my emails']);
			assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /Inbox summary/);
			await assertSettled(chat);
		});

		it('the answer stream is cut: the partial text stays shown, the retry answers in full', async () => {
			const chat = newChat();
			scripted.injectFault({ cutAfterChunks: 4 });
			assert.equal(await chat.send('What can you do?'), 'completed');
			const partial = itemsOf(chat, 'assistant')[0];
			assert.ok(partial && partial.text.length > 0 && partial.streaming === undefined);
			assert.equal(itemsOf(chat, 'notice')[0]?.action, 'retry');
			await assertSettled(chat);

			assert.equal(await chat.retry(), 'completed');
			assert.equal(itemsOf(chat, 'user').length, 1);
			assert.deepEqual(userContents(chat.current.messages), ['What can you do?']);
			const full = itemsOf(chat, 'assistant').at(-1);
			assert.ok(full && full.text.length > partial.text.length && full.text.startsWith(partial.text));
			await assertSettled(chat);
		});

		it('after an answer, retry sends the last message again as a new one', async () => {
			const chat = newChat();
			assert.equal(await chat.send('What can you do?'), 'completed');
			assert.equal(await chat.retry(), 'completed');
			assert.deepEqual(
				itemsOf(chat, 'user').map((u) => u.text),
				['What can you do?', 'What can you do?'],
			);
			assert.deepEqual(userContents(chat.current.messages), ['What can you do?', 'What can you do?']);
			assert.equal(await newChat().retry(), 'empty', 'nothing to retry in an empty conversation');
			await assertSettled(chat);
		});
	});

	describe('conversations', () => {
		async function titles(chat: ChatSession): Promise<string[]> {
			return (await chat.list()).map((s: ConversationSummary) => s.title);
		}

		it('newConversation, open and delete (deleting the current one opens the next newest)', async () => {
			const chat = newChat();
			const rec = new Recorder(chat);
			await chat.send('Hello there, who are you?');
			const a = chat.current.id;
			const aItems = [...chat.current.items];

			await chat.newConversation();
			assert.notEqual(chat.current.id, a);
			assert.deepEqual(chat.snapshot(), { id: chat.current.id, title: 'New chat', items: [], state: 'idle' });
			assert.deepEqual(rec.conversations.at(-1), { id: chat.current.id, items: [] });
			assert.deepEqual(await titles(chat), ['Hello there, who are you?'], 'an empty conversation is not saved');
			await chat.send('What is the weather like on Mars?');
			const b = chat.current.id;
			await chat.newConversation();
			await chat.send('What can you do?');
			const c = chat.current.id;
			await chat.idle();
			assert.deepEqual(await titles(chat), ['What can you do?', 'What is the weather like on Mars?', 'Hello there, who are you?']);

			assert.equal(await chat.open(a), true);
			assert.equal(chat.current.id, a);
			assert.deepEqual(chat.current.items, aItems);
			assert.deepEqual(rec.conversations.at(-1), { id: a, items: aItems });
			assert.equal(await chat.open('c-no-such-conversation'), false);
			assert.equal(chat.current.id, a, 'a failed open keeps the current conversation');
			assert.equal(await chat.open('../outside'), false);

			// Deleting another conversation keeps the current one.
			const historyBefore = rec.historyChanges;
			await chat.delete(b);
			assert.equal(chat.current.id, a);
			assert.ok(rec.historyChanges > historyBefore);
			assert.deepEqual(await titles(chat), ['What can you do?', 'Hello there, who are you?']);

			// Deleting the current one opens the newest other one; the last one leaves a new chat.
			await chat.delete(a);
			assert.equal(chat.current.id, c);
			assert.equal(itemsOf(chat, 'user')[0]?.text, 'What can you do?');
			await chat.delete(c);
			assert.deepEqual(chat.current.items, []);
			assert.ok(![a, b, c].includes(chat.current.id));
			assert.deepEqual(await chat.list(), []);
			await chat.idle();
			assert.deepEqual(await newStore().list(), []);
			assert.deepEqual(
				(await fs.readdir(dir)).filter((n) => n !== 'index.json'),
				[],
			);
		});

		it('switching conversations cancels the running turn first and saves it consistently', async () => {
			const chat = newChat();
			await chat.send('Hello there, who are you?');
			const first = chat.current.id;
			await chat.newConversation();
			scripted.setPace({ chunkDelayMs: 30, wordsPerChunk: 1 });
			const sent = chat.send('What can you do?');
			const running = chat.current.id;
			await until(() => itemsOf(chat, 'assistant').length > 0, 'the answer streaming');
			assert.equal(await chat.open(first), true);
			assert.equal(await sent, 'completed');
			assert.equal(chat.current.id, first);
			assert.equal(chat.state, 'idle');
			await chat.idle();
			const saved = await onDisk(running);
			assert.ok(saved);
			assert.ok(!saved.items.some((i) => i.kind === 'assistant' && i.streaming));
			assertConsistent(saved.messages);
		});
	});

	describe('conversations saved in the middle of a turn', () => {
		/** What the disk held when the editor died mid-turn: streaming text, a running tool, a waiting card, a dangling tool call. */
		function interrupted(store: ConversationStore): Conversation {
			const c = store.create();
			c.title = 'Summarize my emails';
			c.updatedAt = c.createdAt + 10;
			c.items = [
				{ kind: 'user', id: 'user-1', at: 1, text: 'Summarize my emails' },
				{ kind: 'tool', id: 'tool-1', at: 2, name: 'COMPOSIO_MANAGE_CONNECTIONS', toolkit: 'gmail', args: '{}', status: 'done', result: '{}' },
				{ kind: 'auth', id: 'auth-1', at: 3, toolkit: 'gmail', toolkitName: 'Gmail', url: 'http://127.0.0.1:9/link/ln_x', accountId: 'ca_x', status: 'waiting' },
				{ kind: 'assistant', id: 'assistant-1', at: 4, text: 'Please connect', streaming: true },
				{ kind: 'tool', id: 'tool-2', at: 5, name: 'GMAIL_FETCH_EMAILS', toolkit: 'gmail', args: '{}', status: 'running' },
			];
			c.messages = [
				{ role: 'user', content: 'Summarize my emails' },
				{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'COMPOSIO_MANAGE_CONNECTIONS', arguments: '{"toolkits":["gmail"]}' } }] },
				{ role: 'tool', tool_call_id: 'call_1', content: '{}' },
				{ role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: '{}' } }] },
			];
			return c;
		}

		function assertRecovered(items: readonly TranscriptItem[], messages: readonly ChatCompletionMessageParam[]): void {
			assert.deepEqual(
				items.map((i) => (i.kind === 'tool' ? `tool ${i.status}` : i.kind === 'auth' ? `auth ${i.status}` : i.kind)),
				['user', 'tool done', 'auth cancelled', 'assistant', 'tool failed', 'notice'],
			);
			const notice = items[items.length - 1];
			assert.ok(notice?.kind === 'notice' && notice.action === 'retry' && /Interrupted/.test(notice.text), 'a notice says why it stops and offers Retry');
			const assistant = items.find((i) => i.kind === 'assistant');
			assert.ok(assistant?.kind === 'assistant' && assistant.text === 'Please connect' && !('streaming' in assistant));
			const tool = items.find((i) => i.id === 'tool-2');
			assert.ok(tool?.kind === 'tool' && tool.error === 'Interrupted before it finished.');
			assertConsistent(messages);
			const answer = messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_2');
			assert.ok(answer?.role === 'tool' && answer.content === INTERRUPTED_TOOL_RESULT);
		}

		it('recoverInterrupted fixes streaming text, running tools, waiting cards and dangling tool calls, and is idempotent', () => {
			const c = interrupted(newStore());
			recoverInterrupted(c);
			assertRecovered(c.items, c.messages);
			const once = JSON.stringify(c);
			recoverInterrupted(c);
			assert.equal(JSON.stringify(c), once);
		});

		it('opening such a conversation shows it repaired, and the next message runs on a consistent transcript', async () => {
			const store = newStore();
			const saved = interrupted(store);
			await store.save(saved);
			const chat = newChat({ store });
			const rec = new Recorder(chat);
			assert.equal(await chat.open(saved.id), true);
			assertRecovered(chat.current.items, chat.current.messages);
			assertRecovered(rec.conversations.at(-1)?.items ?? [], chat.current.messages);
			assert.equal(chat.state, 'idle');

			assert.equal(await chat.send('What can you do?'), 'completed');
			await assertSettled(chat);
			// The model was sent the repaired transcript: the dangling call has its "interrupted" result.
			const sent = scripted.requests.at(-1)?.messages ?? [];
			const result = sent.find((m): m is { role: string; tool_call_id: string; content: unknown } => typeof m === 'object' && m !== null && 'tool_call_id' in m && m.tool_call_id === 'call_2');
			assert.equal(result?.content, INTERRUPTED_TOOL_RESULT);
			assert.match(itemsOf(chat, 'assistant').at(-1)?.text ?? '', /Summarize my emails/);
		});

		it('a reload mid-stream shows the text saved so far, final', async () => {
			scripted.setPace({ chunkDelayMs: 30, wordsPerChunk: 1 });
			const first = newChat({ streamSaveIntervalMs: 20 });
			const sent = first.send('What can you do?');
			await until(async () => {
				const saved = await onDisk(first.current.id);
				return saved?.items.some((i) => i.kind === 'assistant' && i.streaming === true && i.text.length > 0) === true;
			}, 'partial text on disk');

			// The "reload": a new window reads the folder while the old one is still streaming.
			const second = newChat();
			await second.start();
			assert.equal(second.current.id, first.current.id);
			const shown = itemsOf(second, 'assistant')[0];
			assert.ok(shown && shown.text.length > 0 && !('streaming' in shown));
			assert.ok(first.current.items.some((i) => i.kind === 'assistant' && i.text.startsWith(shown.text)));
			assertConsistent(second.current.messages);

			first.cancel();
			assert.equal(await sent, 'completed');
		});
	});

	describe('window reload', () => {
		it('a second ChatSession on the same folder opens the most recent conversation with everything that was shown', async () => {
			const first = newChat();
			await first.send('What is the weather like on Mars?');
			const older = first.current.id;
			await first.newConversation();
			const sent = first.send('Summarize my emails');
			await until(() => first.state === 'waitingForAuth', 'waitingForAuth');
			const card = itemsOf(first, 'auth')[0];
			assert.ok(card);
			await submitConnectPage(card.url, 'authorize');
			assert.equal(await sent, 'completed');
			// A second request needs GitHub; the user stops while its card waits.
			const issues = first.send('List the open issues');
			await until(() => itemsOf(first, 'auth').some((a) => a.toolkit === 'github' && a.status === 'waiting'), 'the GitHub card');
			first.cancel();
			assert.equal(await issues, 'completed');
			assert.deepEqual(
				itemsOf(first, 'auth').map((a) => `${a.toolkit} ${a.status}`),
				['gmail connected', 'github cancelled'],
			);
			await first.idle();
			const shown = first.snapshot();
			const messages = structuredClone(first.current.messages);
			first.dispose();

			const second = newChat();
			const rec = new Recorder(second);
			await second.start();
			assert.equal(second.current.id, shown.id);
			assert.notEqual(second.current.id, older);
			assert.deepEqual(second.snapshot(), shown);
			assert.deepEqual(rec.conversations.at(-1), { id: shown.id, items: shown.items });
			assert.deepEqual(second.current.messages, messages);
			assert.deepEqual(
				(await second.list()).map((s) => s.id),
				[shown.id, older],
			);

			// The conversation goes on where it was.
			emu.seedAccount(USER, 'github');
			assert.equal(await second.send('List the open issues'), 'completed');
			assert.deepEqual(second.current.messages.slice(0, messages.length), messages);
			await assertSettled(second);
		});

		it('with no saved conversation, start opens a new one; when the newest file is broken, the next newest', async () => {
			const empty = newChat();
			await empty.start();
			assert.deepEqual(empty.current.items, []);

			const first = newChat();
			await first.send('Hello there, who are you?');
			const older = first.current.id;
			await first.newConversation();
			await first.send('What can you do?');
			const newest = first.current.id;
			await first.idle();
			first.dispose();
			await fs.writeFile(join(dir, `${newest}.json`), '{"version": 1, "id": "');

			const second = newChat();
			await second.start();
			assert.equal(second.current.id, older);
			assert.equal(itemsOf(second, 'user')[0]?.text, 'Hello there, who are you?');
			assert.match(log.lines.join('\n'), /unreadable/);
		});

		/** Three saved conversations, oldest first, and the session that made them (disposed). */
		async function threeConversations(): Promise<string[]> {
			const first = newChat();
			const ids: string[] = [];
			for (const text of ['Hello there, who are you?', 'What is the weather like on Mars?', 'What can you do?']) {
				await first.newConversation();
				await first.send(text);
				ids.push(first.current.id);
			}
			await first.idle();
			first.dispose();
			return ids;
		}

		/** Damages a conversation file the way a disk might: garbage content, an old modification time, so the index still lists it. */
		async function damage(id: string): Promise<void> {
			const path = join(dir, `${id}.json`);
			await fs.writeFile(path, '\u0000\u0000\u0000');
			const past = new Date(Date.now() - 3_600_000);
			await fs.utimes(path, past, past);
		}

		it('the first list drops conversations whose files changed into something unreadable since their summaries were made', async () => {
			const [a, b, c] = await threeConversations();
			await damage(b!);
			await damage(c!);
			assert.deepEqual(
				(await newStore().list()).map((s) => s.id),
				[a],
				'the files differ from the stamps their summaries were made from, so they are read again',
			);
		});

		it('start skips damaged conversations the index still lists and opens the newest intact one', async () => {
			const [a, b, c] = await threeConversations();
			await damage(b!);
			await damage(c!);
			// An index from before the files' stamps were kept: only the modification times tell, and the damage hid behind old ones.
			const indexPath = join(dir, 'index.json');
			const index = JSON.parse(await fs.readFile(indexPath, 'utf8')) as Record<string, unknown>;
			delete index['stamps'];
			await fs.writeFile(indexPath, JSON.stringify(index));
			const second = newChat();
			assert.deepEqual(
				(await newStore().list()).map((s) => s.id),
				[c, b, a],
				'the index still lists the damaged ones',
			);
			await second.start();
			assert.equal(second.current.id, a);
			assert.equal(itemsOf(second, 'user')[0]?.text, 'Hello there, who are you?');
		});

		it('deleting the current conversation skips a damaged next one and opens the newest intact one', async () => {
			const [a, b, c] = await threeConversations();
			await damage(b!);
			const second = newChat();
			await second.start();
			assert.equal(second.current.id, c);
			await second.delete(c!);
			assert.equal(second.current.id, a);
			assert.equal(itemsOf(second, 'user')[0]?.text, 'Hello there, who are you?');
		});
	});
});
