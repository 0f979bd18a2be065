/**
 * Nothing lost, with the real ConversationStore on the real file system, in real processes:
 * a window killed (SIGKILL) in the middle of saving a conversation reopens it whole, at most the
 * message being saved missing; two windows on the same workspace (the same conversations folder)
 * appending to their conversations at the same time lose nothing, and each lists both.
 * The writers are test/unit/fakes/saveLoop.ts, each its own Node process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation } from '../../src/agent/conversationFile';
import { ConversationStore } from '../../src/agent/conversationStore';

const SAVE_LOOP = join(__dirname, 'fakes', 'saveLoop.js');

interface Writer {
	/** Resolves once the writer has printed "saved <n>" for an n of at least `n`. */
	savedAtLeast(n: number): Promise<void>;
	kill(): void;
	/** Resolves when the process is gone, with every line it printed. */
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>;
}

function startWriter(dir: string, id: string, count: number): Writer {
	const child = spawn(process.execPath, [SAVE_LOOP, dir, id, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
	const lines: string[] = [];
	let buffer = '';
	let stderr = '';
	const waiters: Array<{ n: number; resolve: () => void }> = [];
	let saved = -1;
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		buffer += chunk;
		const parts = buffer.split('\n');
		buffer = parts.pop() ?? '';
		for (const line of parts) {
			lines.push(line);
			const m = /^saved (\d+)$/.exec(line);
			if (m) {
				saved = Number(m[1]);
				for (const w of waiters.filter((x) => saved >= x.n)) {
					waiters.splice(waiters.indexOf(w), 1);
					w.resolve();
				}
			}
		}
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>((resolve) =>
		child.on('close', (code, signal) => {
			if (buffer) {
				lines.push(buffer);
			}
			if (code !== 0 && signal === null) {
				process.stderr.write(stderr);
			}
			resolve({ code, signal, lines });
		}),
	);
	return {
		savedAtLeast: (n) =>
			saved >= n
				? Promise.resolve()
				: new Promise<void>((resolve, reject) => {
						waiters.push({ n, resolve });
						void exited.then(() => reject(new Error(`the writer of ${id} exited before saving message ${n}: ${stderr}`)));
					}),
		kill: () => child.kill('SIGKILL'),
		exited,
	};
}

/** The texts of a conversation's user items, and a check that they are m0, m1, … with none missing or repeated. */
function assertWhole(conversation: Conversation | undefined, what: string): number {
	assert.ok(conversation, `${what}: the conversation opens`);
	const texts = conversation.items.map((i) => (i.kind === 'user' ? i.text : `(${i.kind})`));
	texts.forEach((t, n) => assert.equal(t, `m${n}`, `${what}: message ${n} in order`));
	assert.equal(conversation.messages.length, texts.length, `${what}: the model's messages match the transcript`);
	return texts.length;
}

describe('Nothing lost (crash mid-save, two windows; real processes and files)', function () {
	this.timeout(120_000);
	let dir: string;

	beforeEach(async () => {
		dir = await fs.mkdtemp(join(tmpdir(), 'composio-crash-'));
	});

	afterEach(async () => {
		await fs.rm(dir, { recursive: true, force: true });
	});

	it('a window killed in the middle of a save, five times over: the conversation reopens whole, at most the message being saved missing', async () => {
		const id = 'crashy';
		let before = 0;
		for (let round = 0; round < 5; round++) {
			const writer = startWriter(dir, id, 0);
			// Kill it while it is busy saving: it saves without pause, so this lands inside a write step.
			await writer.savedAtLeast(before + 20 + round * 7);
			writer.kill();
			const { signal, lines } = await writer.exited;
			assert.equal(signal, 'SIGKILL', 'it was killed, it did not finish');
			const saving = lines.filter((l) => l.startsWith('saving ')).map((l) => Number(l.slice('saving '.length)));
			const inFlight = saving[saving.length - 1]!;
			const count = assertWhole(await new ConversationStore(dir).load(id), `after kill ${round + 1}`);
			// The messages are m0..m(inFlight); the one being saved when the process died may be missing.
			assert.ok(count === inFlight + 1 || count === inFlight, `reopened with ${count} messages; ${inFlight + 1} were shown, the last being saved`);
			const listed = (await new ConversationStore(dir).list()).find((s) => s.id === id);
			assert.equal(listed?.messageCount, count, 'the history list agrees with the file');
			before = count;
		}
		const leftovers = (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'));
		// A temporary file may be left by a kill; it is never read as a conversation (the list above holds one).
		assert.ok(leftovers.length <= 5, `at most one temporary file per kill (${leftovers.length})`);
	});

	it('two windows on the same workspace append to their conversations at the same time; neither loses a message, each lists both', async () => {
		const count = 150;
		const a = startWriter(dir, 'window-a', count);
		const b = startWriter(dir, 'window-b', count);
		// Each reads the other's files while both write: a list in the middle of it sees both.
		await Promise.all([a.savedAtLeast(10), b.savedAtLeast(10)]);
		const middle = await new ConversationStore(dir).list();
		assert.deepEqual(middle.map((s) => s.id).sort(), ['window-a', 'window-b']);
		const [ra, rb] = await Promise.all([a.exited, b.exited]);
		assert.equal(ra.code, 0);
		assert.equal(rb.code, 0);
		const store = new ConversationStore(dir);
		assert.equal(assertWhole(await store.load('window-a'), 'window a'), count);
		assert.equal(assertWhole(await store.load('window-b'), 'window b'), count);
		const listed = await store.list();
		assert.deepEqual(listed.map((s) => [s.id, s.messageCount]).sort(), [['window-a', count], ['window-b', count]]);
		// A window that went on: it appends to its own after the other has written, and still loses nothing of either.
		const again = startWriter(dir, 'window-a', count + 20);
		await again.exited;
		assert.equal(assertWhole(await new ConversationStore(dir).load('window-a'), 'window a, later'), count + 20);
		assert.equal(assertWhole(await new ConversationStore(dir).load('window-b'), 'window b, later'), count);
	});
});
