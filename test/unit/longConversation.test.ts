/**
 * A conversation many times longer than a small model's context window, end to end over HTTP:
 * the real Composio SDK against the local emulator, the real openai SDK against the scripted
 * model, which here refuses (like a real model) any request longer than its window. Every
 * message still gets its answer, what was sent always fits, and the chat shows it all.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatSession } from '../../src/agent/chatSession';
import { ContextFittingModelClient } from '../../src/agent/contextFittingModelClient';
import { estimateTokens, openAiInputLimit } from '../../src/agent/contextWindow';
import { ConversationStore } from '../../src/agent/conversationStore';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import { TestSandbox } from '../shared/sandbox';
import { scriptedPromptTokens } from '../shared/scriptedTokens';
import { assertConsistent } from './fakes/assertions';
import { RecordingLogger } from './fakes/recordingLogger';

const USER = 'long-conversation-user';
/** The small model’s window, in tokens: input and answer together (the sandbox session offers every app tool’s schema, where a real one offers the meta tools). */
const WINDOW = 8_500;

/** Read-only tasks the scripted model answers from the emulator's apps, with what each answer says. */
const TASKS: ReadonlyArray<{ ask: string; says: RegExp }> = [
	{ ask: 'Summarize my emails', says: /Inbox summary/ },
	{ ask: 'List the open issues in acme/webapp', says: /Issues in acme\/webapp/ },
	{ ask: 'List my Slack channels', says: /channels/i },
	{ ask: 'What can you do?', says: /what I can do/ },
];

describe('A conversation ten times longer than a small model’s window (emulator + scripted model over HTTP)', function () {
	this.timeout(180_000);

	const sandbox = new TestSandbox({ model: { chunkDelayMs: 0, wordsPerChunk: 40, contextWindow: WINDOW } });
	const { emulator: emu, model: scripted } = sandbox;
	let root: string;

	before(async () => {
		await sandbox.start();
		root = await fs.mkdtemp(join(tmpdir(), 'long-conversation-'));
	});

	after(async () => {
		await sandbox.stop();
		await fs.rm(root, { recursive: true, force: true });
	});

	it('answers every message, every request fits the window, and the chat keeps the whole transcript', async () => {
		for (const toolkit of ['gmail', 'github', 'slack']) {
			emu.seedAccount(USER, toolkit);
		}
		const log = new RecordingLogger();
		const factory = new ComposioClientFactory({ logger: log, maxRetries: 0 });
		const service = new ComposioService({ clientFactory: factory, pollIntervalMs: 25 });
		const limit = openAiInputLimit('sandbox-scripted', WINDOW);
		const chat = new ChatSession({
			store: new ConversationStore(join(root, 'conversations'), { logger: log }),
			logger: log,
			setup: async () => ({
				// Built per turn, as the extension does.
				model: new ContextFittingModelClient(
					new OpenAiModelClient({ baseUrl: scripted.baseUrl, model: 'sandbox-scripted', maxRetries: 0 }),
					{ maxInputTokens: limit.maxInputTokens, count: (text) => Promise.resolve(estimateTokens(text)) },
					{ label: 'sandbox-scripted (OpenAI-compatible)' },
				),
				session: await service.getSession(USER, { apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false }),
				maxTurns: 8,
			}),
		});
		try {
			let turns = 0;
			let conversationTokens = 0;
			while (conversationTokens < 10 * WINDOW) {
				const task = TASKS[turns % TASKS.length]!;
				const before = chat.current.items.length;
				assert.equal(await chat.send(task.ask), 'completed');
				turns++;
				const added = chat.current.items.slice(before);
				const answer = added.filter((i) => i.kind === 'assistant').at(-1);
				assert.ok(answer?.kind === 'assistant', `turn ${turns} ("${task.ask}") got no answer: ${JSON.stringify(added.map((i) => (i.kind === 'notice' ? i.text : i.kind)))}`);
				assert.match(answer.text, task.says, `turn ${turns} ("${task.ask}"): ${answer.text.slice(0, 300)}`);
				assert.ok(!added.some((i) => i.kind === 'notice' && i.level === 'error'), `turn ${turns} failed`);
				// At most one "left out" notice per turn, however many requests the turn made.
				assert.ok(added.filter((i) => i.kind === 'notice' && i.text.startsWith('Earlier context was left out')).length <= 1);
				conversationTokens = scriptedPromptTokens(chat.current.messages, []);
			}
			await chat.idle();

			// What the model was sent always fitted: it would have refused anything longer.
			assert.ok(scripted.requests.length >= turns);
			const largest = Math.max(...scripted.requests.map((r) => r.promptTokens));
			assert.ok(largest <= WINDOW, `a request of ${largest} tokens was sent to a ${WINDOW}-token model`);
			// The conversation itself is ten times the window, and all of it is still shown and kept.
			assert.ok(conversationTokens >= 10 * WINDOW);
			assert.equal(chat.current.items.filter((i) => i.kind === 'user').length, turns);
			assert.equal(chat.current.messages.filter((m) => m.role === 'user').length, turns);
			assertConsistent(chat.current.messages);
			// The chat said when earlier context was left out.
			const notices = chat.current.items.filter((i) => i.kind === 'notice' && /Earlier context was left out so the conversation fits the model's context window/.test(i.text));
			assert.ok(notices.length > 0);
			// A late request carries the summary of what was left out, and the newest turns as they were.
			const last = scripted.requests.at(-1)!;
			const system = last.messages[0] as { role: string; content: string };
			assert.equal(system.role, 'system');
			assert.match(system.content, /Earlier parts of this conversation were left out to fit the context window/);
			console.log(`      first request ${scripted.requests[0]?.promptTokens} tokens (tools ${(scripted.requests[0]?.promptTokens ?? 0) - scriptedPromptTokens(scripted.requests[0]?.messages ?? [], [])}); ${turns} turns, conversation ${conversationTokens} tokens (${(conversationTokens / WINDOW).toFixed(1)}× the ${WINDOW}-token window); largest request ${largest} tokens; ${notices.length} turns showed the notice`);
		} finally {
			chat.dispose();
			await chat.idle();
			service.dispose();
			factory.dispose();
		}
	});
});
