/**
 * What a window reload or close leaves on disk. The extension host exits as soon as deactivation
 * returns (VS Code logs "Extension host terminating" and the process is gone some 30 ms later),
 * so anything shown but not yet written must be written synchronously when ChatSession is
 * disposed. Real HTTP: the real openai SDK against the scripted model, streaming slowly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatSession } from '../../src/agent/chatSession';
import { recoverInterrupted } from '../../src/agent/transcriptRepair';
import type { Conversation } from '../../src/agent/conversationFile';
import { ConversationStore } from '../../src/agent/conversationStore';
import type { TranscriptItem } from '../../src/protocol/transcript';
import { until } from '../shared/until';
import { useSandbox } from './fakes/sandboxSuite';

/** The conversation file as it is on disk this instant, read synchronously (nothing async ran since). */
function fileNow(dir: string, id: string): { items: TranscriptItem[]; updatedAt: number } {
	return JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as { items: TranscriptItem[]; updatedAt: number };
}

describe('Saving on shutdown (ChatSession.dispose, ConversationStore.saveSync)', function () {
	this.timeout(30_000);
	const suite = useSandbox({ model: { chunkDelayMs: 20, wordsPerChunk: 1 } });
	let dir: string;

	beforeEach(() => {
		dir = join(suite.dir, 'conversations');
	});

	function newChat(store = new ConversationStore(dir)): ChatSession {
		return new ChatSession({
			store,
			// A save interval far longer than the test: only the shutdown write can have saved the latest text.
			streamSaveIntervalMs: 60_000,
			setup: async () => ({
				session: await suite.session('shutdown-user'),
				model: suite.sandbox.modelClient(),
				maxTurns: 4,
			}),
		});
	}

	it('dispose mid-stream writes everything shown, synchronously, and a new window shows it final', async () => {
		const chat = newChat();
		const sent = chat.send('What can you do?');
		await until(() => chat.current.items.some((i) => i.kind === 'assistant' && i.text.length > 40), 'some streamed text');
		const shown = structuredClone(chat.current.items);
		chat.dispose();
		// Read before anything asynchronous can run: this is what survives a host that exits now.
		const onDisk = fileNow(dir, chat.current.id);
		assert.deepEqual(onDisk.items, shown, 'the disk holds exactly what was shown');

		await sent;
		await chat.idle();
		const next = newChat();
		await next.start();
		const answer = next.current.items.find((i) => i.kind === 'assistant');
		const before = shown.find((i) => i.kind === 'assistant');
		assert.ok(answer?.kind === 'assistant' && before?.kind === 'assistant');
		assert.ok(answer.text.startsWith(before.text), 'the reopened conversation has all the text that was shown');
		assert.equal(answer.streaming, undefined, 'and it is final');
		next.dispose();
	});

	it('a window that only opened a conversation writes nothing on dispose (it never overwrites a newer version)', async () => {
		const store = new ConversationStore(dir);
		const c: Conversation = store.create();
		c.title = 'Shared';
		c.items = [{ kind: 'user', id: 'u1', at: 1, text: 'first' }];
		await store.save(c);
		const viewer = newChat(new ConversationStore(dir));
		assert.equal(await viewer.open(c.id), true);

		// Another window carries the conversation on.
		const newer: Conversation = { ...c, updatedAt: c.updatedAt + 1000, items: [...c.items, { kind: 'user', id: 'u2', at: 2, text: 'second' }] };
		await new ConversationStore(dir).save(newer);
		viewer.dispose();
		await viewer.idle();
		assert.deepEqual(
			fileNow(dir, c.id).items.map((i) => i.id),
			['u1', 'u2'],
		);
	});

	it('saveSync while an asynchronous save of the same conversation is under way: the newest version ends up on disk', async () => {
		const store = new ConversationStore(dir);
		const c = store.create();
		c.items = [{ kind: 'user', id: 'u1', at: 1, text: 'old' }];
		const pending = store.save(c);
		assert.equal(store.isWriting(c.id), true);
		const latest: Conversation = { ...c, updatedAt: c.updatedAt + 1, items: [{ kind: 'user', id: 'u1', at: 1, text: 'new' }] };
		store.saveSync(latest);
		await pending;
		await store.flush();
		const item = fileNow(dir, c.id).items[0];
		assert.equal(item?.kind === 'user' ? item.text : '', 'new');
		const listed = await new ConversationStore(dir).list();
		assert.deepEqual(
			listed.map((s) => [s.id, s.updatedAt]),
			[[c.id, latest.updatedAt]],
		);
		const loaded = await new ConversationStore(dir).load(c.id);
		assert.ok(loaded);
		recoverInterrupted(loaded);
		assert.equal(loaded.items.length, 1);
	});
});
