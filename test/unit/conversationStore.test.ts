/**
 * ConversationStore on a real temporary directory: persistence round trips through a second
 * store instance, list order, delete, coalesced saves (counted at the file system), recovery
 * from a crash mid-write (leftover temp files, broken conversation files, a corrupt or stale
 * index), refusal of ids that could leave the directory, and titles.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { type Conversation, summarize, titleFrom, UNTITLED } from '../../src/agent/conversationFile';
import { ConversationStore } from '../../src/agent/conversationStore';
import type { TranscriptItem } from '../../src/protocol/transcript';
import { RecordingLogger } from './fakes/recordingLogger';

/** A clock that moves forward one millisecond per reading, so order never depends on timing. */
function steppingClock(start = 1_700_000_000_000): () => number {
	let t = start;
	return () => ++t;
}

/** A conversation as a chat session builds it: user text, a tool call and its result, an auth card, an answer. */
function fullConversation(store: ConversationStore, title: string, updatedAt: number): Conversation {
	const c = store.create();
	const items: TranscriptItem[] = [
		{ kind: 'user', id: 'user-1', at: updatedAt - 9, text: title, context: [{ path: 'src/a.ts', languageId: 'typescript', startLine: 2, endLine: 4, text: 'const a = 1;' }] },
		{ kind: 'tool', id: 'tool-1', at: updatedAt - 8, name: 'COMPOSIO_MANAGE_CONNECTIONS', toolkit: 'gmail', args: '{\n  "toolkits": [\n    "gmail"\n  ]\n}', status: 'done', result: '{"data":{}}' },
		{ kind: 'auth', id: 'auth-1', at: updatedAt - 7, toolkit: 'gmail', toolkitName: 'Gmail', url: 'http://127.0.0.1:1/link/ln_1', accountId: 'ca_1', status: 'connected' },
		{ kind: 'auth', id: 'auth-2', at: updatedAt - 6, toolkit: 'github', toolkitName: 'GitHub', url: 'http://127.0.0.1:1/link/ln_2', status: 'failed', reason: 'Denied.' },
		{ kind: 'notice', id: 'notice-1', at: updatedAt - 5, level: 'info', text: 'Connected Gmail — continuing' },
		{ kind: 'tool', id: 'tool-2', at: updatedAt - 4, name: 'GMAIL_FETCH_EMAILS', toolkit: 'gmail', args: '{}', status: 'failed', result: '{"error":"x"}', error: 'x' },
		{ kind: 'assistant', id: 'assistant-1', at: updatedAt - 3, text: 'Here is **your** summary.' },
		{ kind: 'notice', id: 'notice-2', at: updatedAt - 2, level: 'error', text: 'The model failed.', action: 'retry' },
	];
	const messages: ChatCompletionMessageParam[] = [
		{ role: 'user', content: title },
		{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'COMPOSIO_MANAGE_CONNECTIONS', arguments: '{"toolkits":["gmail"]}' } }] },
		{ role: 'tool', tool_call_id: 'call_1', content: '{"data":{"results":{}}}' },
		{ role: 'assistant', content: 'Please connect Gmail.' },
		{ role: 'user', content: "I've connected Gmail. Please continue." },
		{ role: 'assistant', content: 'Here is **your** summary.' },
	];
	return { ...c, title, updatedAt, items, messages };
}

/**
 * The store's file system, as a writable object: tests wrap single functions of Node's own
 * `fs.promises` (the store imports the same object) to count or fail writes, and restore them.
 */
const nodeFs = fs as { -readonly [K in keyof typeof fs]: (typeof fs)[K] };

/** Runs `body` with `nodeFs[name]` replaced, restoring it afterwards. */
async function replacing<K extends keyof typeof nodeFs, T>(name: K, replacement: (typeof nodeFs)[K], body: () => Promise<T>): Promise<T> {
	const original = nodeFs[name];
	nodeFs[name] = replacement;
	try {
		return await body();
	} finally {
		nodeFs[name] = original;
	}
}

/** Counts renames onto files in `dir` (every atomic write ends with one), by file name. */
function countingRenames<T>(dir: string, body: (renamed: string[]) => Promise<T>): Promise<T> {
	const original = nodeFs.rename;
	const renamed: string[] = [];
	return replacing(
		'rename',
		async (from, to) => {
			if (String(to).startsWith(dir)) {
				renamed.push(basename(String(to)));
			}
			return original(from, to);
		},
		() => body(renamed),
	);
}

function diskFull(): Error {
	return Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
}

async function exists(path: string): Promise<boolean> {
	return fs.stat(path).then(
		() => true,
		() => false,
	);
}

describe('ConversationStore', () => {
	let root: string;
	let dir: string;
	let log: RecordingLogger;

	beforeEach(async () => {
		root = await fs.mkdtemp(join(tmpdir(), 'conversation-store-'));
		dir = join(root, 'conversations');
		log = new RecordingLogger();
	});

	afterEach(async () => {
		await fs.rm(root, { recursive: true, force: true });
	});

	function newStore(): ConversationStore {
		return new ConversationStore(dir, { logger: log, now: steppingClock() });
	}

	it('creates empty, untitled conversations with unique, file-safe ids and writes nothing until saved', async () => {
		const store = newStore();
		const a = store.create();
		const b = store.create();
		assert.notEqual(a.id, b.id);
		assert.match(a.id, /^[A-Za-z0-9_-]+$/);
		assert.equal(a.title, UNTITLED);
		assert.deepEqual([a.items, a.messages], [[], []]);
		assert.equal(a.createdAt, a.updatedAt);
		assert.deepEqual(await store.list(), []);
		assert.equal(await store.load(a.id), undefined);
		assert.equal(await exists(dir), false, 'nothing was written');
	});

	it('round-trips items (tool calls, results, auth cards with their states) and model messages through a new store on the same folder', async () => {
		const store = newStore();
		const a = fullConversation(store, 'Summarize my emails', 2_000);
		const b = fullConversation(store, 'List the open issues', 3_000);
		await Promise.all([store.save(a), store.save(b)]);

		const reopened = newStore();
		assert.deepEqual(await reopened.list(), [summarize(b), summarize(a)]);
		assert.deepEqual(summarize(a), { id: a.id, title: 'Summarize my emails', updatedAt: 2_000, messageCount: 2 });
		const loaded = await reopened.load(a.id);
		assert.deepEqual(loaded, a);
		assert.deepEqual(await reopened.load(b.id), b);
		// Each conversation is its own file, next to the index.
		assert.deepEqual((await fs.readdir(dir)).sort(), [`${a.id}.json`, `${b.id}.json`, 'index.json'].sort());
		assert.deepEqual(log.warnings(), []);
	});

	it('lists the most recently updated first, and a later save moves a conversation up', async () => {
		const store = newStore();
		const old = { ...store.create(), title: 'old', updatedAt: 100 };
		const mid = { ...store.create(), title: 'mid', updatedAt: 200 };
		const recent = { ...store.create(), title: 'recent', updatedAt: 300 };
		for (const c of [mid, recent, old]) {
			c.items.push({ kind: 'user', id: 'u', at: c.updatedAt, text: c.title });
			await store.save(c);
		}
		assert.deepEqual(
			(await store.list()).map((s) => s.title),
			['recent', 'mid', 'old'],
		);
		old.updatedAt = 400;
		await store.save(old);
		assert.deepEqual(
			(await store.list()).map((s) => s.title),
			['old', 'recent', 'mid'],
		);
		assert.deepEqual(
			(await newStore().list()).map((s) => s.title),
			['old', 'recent', 'mid'],
			'the order survives a new store instance',
		);
	});

	it('deletes a conversation: its file, its index entry and its load are gone; unknown ids are a no-op', async () => {
		const store = newStore();
		const a = fullConversation(store, 'first', 1_000);
		const b = fullConversation(store, 'second', 2_000);
		await store.save(a);
		await store.save(b);
		await store.delete(a.id);
		assert.equal(await exists(join(dir, `${a.id}.json`)), false);
		assert.equal(await store.load(a.id), undefined);
		assert.deepEqual(
			(await store.list()).map((s) => s.id),
			[b.id],
		);
		assert.deepEqual(
			(await newStore().list()).map((s) => s.id),
			[b.id],
		);
		await store.delete(a.id);
		await store.delete('c-never-existed');
		assert.deepEqual(await store.load(b.id), b);
	});

	it('a delete queued behind a save of the same conversation wins', async () => {
		const store = newStore();
		const a = fullConversation(store, 'doomed', 1_000);
		const saved = store.save(a);
		const deleted = store.delete(a.id);
		await Promise.all([saved, deleted]);
		assert.equal(await exists(join(dir, `${a.id}.json`)), false);
		assert.deepEqual(await store.list(), []);
		assert.deepEqual(await newStore().list(), []);
	});

	it('coalesces many rapid saves of one conversation: two file writes, and the file ends as the newest version', async () => {
		const store = newStore();
		const c = fullConversation(store, 'busy conversation', 1_000);
		await countingRenames(dir, async (renamed) => {
			const saves: Promise<void>[] = [];
			for (let v = 1; v <= 50; v++) {
				c.items.push({ kind: 'assistant', id: `a-${v}`, at: 1_000 + v, text: `version ${v}` });
				c.updatedAt = 1_000 + v;
				saves.push(store.save(c));
			}
			await Promise.all(saves);
			const writes = renamed.filter((name) => name === `${c.id}.json`);
			// The first save was already being written; the 49 that came meanwhile collapse into one.
			assert.equal(writes.length, 2, `conversation file writes: ${renamed.join(', ')}`);
			assert.ok(renamed.filter((name) => name === 'index.json').length <= 2, `index writes: ${renamed.join(', ')}`);
		});
		const onDisk = JSON.parse(await fs.readFile(join(dir, `${c.id}.json`), 'utf8')) as { items: TranscriptItem[]; updatedAt: number };
		assert.equal(onDisk.items.length, c.items.length);
		assert.equal(onDisk.updatedAt, 1_050);
		assert.deepEqual(await newStore().load(c.id), c);
		assert.deepEqual(await newStore().list(), [summarize(c)]);
	});

	it('each save resolves only once its version (or a newer one) is on disk, and takes a snapshot', async () => {
		const store = newStore();
		const c = fullConversation(store, 'snapshots', 1_000);
		const first = store.save(c);
		// Changing the object after save() does not leak into that write.
		c.title = 'changed afterwards';
		c.items.push({ kind: 'assistant', id: 'late', at: 1_001, text: 'late' });
		await first;
		const written = await newStore().load(c.id);
		assert.equal(written?.title, 'snapshots');
		assert.ok(!written.items.some((i) => i.id === 'late'));

		// A load right after an unawaited save waits for it.
		c.updatedAt = 2_000;
		void store.save(c);
		const loaded = await store.load(c.id);
		assert.equal(loaded?.title, 'changed afterwards');
		assert.equal(loaded.updatedAt, 2_000);
		await store.flush();
	});

	it('rebuilds a missing index from the conversation files', async () => {
		const store = newStore();
		const a = fullConversation(store, 'alpha', 1_000);
		const b = fullConversation(store, 'beta', 2_000);
		await store.save(a);
		await store.save(b);
		await fs.rm(join(dir, 'index.json'));

		const reopened = newStore();
		assert.deepEqual(await reopened.list(), [summarize(b), summarize(a)]);
		await reopened.flush();
		const index = JSON.parse(await fs.readFile(join(dir, 'index.json'), 'utf8')) as { conversations: unknown[] };
		assert.equal(index.conversations.length, 2, 'the rebuilt index was written back');
		assert.deepEqual(log.warnings(), [], 'a missing index is normal, not a warning');
	});

	it('picks up conversation files the index does not know (a crash after the first write, before the index)', async () => {
		const store = newStore();
		const a = fullConversation(store, 'in the index', 1_000);
		await store.save(a);
		const orphan = fullConversation(store, 'not in the index', 5_000);
		await fs.writeFile(join(dir, `${orphan.id}.json`), JSON.stringify({ version: 1, ...orphan }));
		const reopened = newStore();
		assert.deepEqual(await reopened.list(), [summarize(orphan), summarize(a)]);
		assert.deepEqual(await reopened.load(orphan.id), orphan);
	});

	it('shows the newest summary when a crash came between writing a conversation and writing the index', async () => {
		const store = newStore();
		const a = fullConversation(store, 'alpha', 1_000);
		const b = fullConversation(store, 'beta', 2_000);
		await store.save(a);
		await store.save(b);
		// The newer version of `a` reached its file, but the index still holds the old summary.
		const newer: Conversation = { ...a, title: 'alpha, later', updatedAt: 3_000, items: [...a.items, { kind: 'user', id: 'user-2', at: 2_999, text: 'more' }] };
		await fs.writeFile(join(dir, `${a.id}.json`), JSON.stringify({ version: 1, ...newer }));

		const reopened = newStore();
		assert.deepEqual(await reopened.list(), [summarize(newer), summarize(b)]);
		assert.deepEqual(await reopened.load(a.id), newer);
	});

	it('survives a crash mid-write: leftover temp files, a broken conversation file and a corrupt index lose only the broken conversation', async () => {
		const store = newStore();
		const intact = fullConversation(store, 'intact', 1_000);
		const interrupted = fullConversation(store, 'interrupted while saving', 2_000);
		const broken = fullConversation(store, 'broken', 3_000);
		const garbage = fullConversation(store, 'garbage', 4_000);
		for (const c of [intact, interrupted, broken, garbage]) {
			await store.save(c);
		}
		// The crash: `interrupted` was being rewritten (its temp file holds half of the new version),
		// `broken` is truncated, `garbage` is not JSON at all, the index is half written, and an
		// index temp file was left behind too.
		const newVersion = JSON.stringify({ version: 1, ...interrupted, title: 'never finished' });
		await fs.writeFile(join(dir, `${interrupted.id}.json.1a2b3c4d.tmp`), newVersion.slice(0, newVersion.length / 2));
		const brokenText = await fs.readFile(join(dir, `${broken.id}.json`), 'utf8');
		await fs.writeFile(join(dir, `${broken.id}.json`), brokenText.slice(0, brokenText.length / 3));
		await fs.writeFile(join(dir, `${garbage.id}.json`), '\u0000\u0000 not json');
		const indexText = await fs.readFile(join(dir, 'index.json'), 'utf8');
		await fs.writeFile(join(dir, 'index.json'), indexText.slice(0, 25));
		await fs.writeFile(join(dir, 'index.json.5e6f7a8b.tmp'), '{"version":1,"conver');

		const reopened = newStore();
		assert.deepEqual(await reopened.list(), [summarize(interrupted), summarize(intact)]);
		assert.deepEqual(await reopened.load(intact.id), intact);
		assert.deepEqual(await reopened.load(interrupted.id), interrupted, 'the old version of the interrupted save is intact');
		assert.equal(await reopened.load(broken.id), undefined);
		assert.equal(await reopened.load(garbage.id), undefined);
		const warnings = log.warnings().join('\n');
		assert.match(warnings, /index is unreadable/);
		assert.match(warnings, new RegExp(`${broken.id}\\.json is unreadable`));
		assert.match(warnings, new RegExp(`${garbage.id}\\.json is unreadable`));

		// Listing again does not report the same broken files again.
		const before = log.warnings().length;
		await reopened.list();
		assert.equal(log.warnings().length, before);

		// The rebuilt index is valid again, and the store keeps working.
		await reopened.flush();
		const index = JSON.parse(await fs.readFile(join(dir, 'index.json'), 'utf8')) as { conversations: Array<{ id: string }> };
		assert.deepEqual(index.conversations.map((s) => s.id).sort(), [intact.id, interrupted.id].sort());
		const next = fullConversation(reopened, 'after the crash', 5_000);
		await reopened.save(next);
		assert.deepEqual(
			(await newStore().list()).map((s) => s.title),
			['after the crash', 'interrupted while saving', 'intact'],
		);
	});

	it('an index entry whose file became unreadable is dropped when loading it fails, without throwing', async () => {
		const store = newStore();
		const good = fullConversation(store, 'good', 1_000);
		const bad = fullConversation(store, 'bad', 2_000);
		await store.save(good);
		await store.save(bad);
		await fs.writeFile(join(dir, `${bad.id}.json`), '{"id": "');

		const reopened = newStore();
		assert.equal(await reopened.load(bad.id), undefined);
		assert.deepEqual(await reopened.list(), [summarize(good)]);
		assert.match(log.warnings().join('\n'), /unreadable/);
		await reopened.flush();
		assert.deepEqual(await newStore().list(), [summarize(good)]);
	});

	it('drops malformed items and messages but keeps the rest of the conversation', async () => {
		const store = newStore();
		const c = fullConversation(store, 'partly damaged', 1_000);
		await fs.mkdir(dir, { recursive: true });
		const raw = { version: 1, ...c, items: [...c.items, { kind: 'user' }, 'text', null], messages: [...c.messages, 42, { content: 'no role' }] };
		await fs.writeFile(join(dir, `${c.id}.json`), JSON.stringify(raw));
		assert.deepEqual(await store.load(c.id), c);
	});

	it('a file whose id does not match its name is not loaded', async () => {
		const store = newStore();
		const c = fullConversation(store, 'renamed', 1_000);
		await fs.mkdir(dir, { recursive: true });
		await fs.writeFile(join(dir, 'c-other.json'), JSON.stringify({ version: 1, ...c }));
		assert.equal(await store.load('c-other'), undefined);
		assert.deepEqual(await store.list(), []);
	});

	describe('refuses ids that are not plain names (no path traversal)', () => {
		const badIds = ['../victim', '..', '.', 'a/b', 'a\\b', '/etc/passwd', 'x.json', '', 'nul\u0000', 'x'.repeat(101), 'index.json'];

		it('load and delete ignore them and never touch files outside the folder', async () => {
			const store = newStore();
			await fs.mkdir(dir, { recursive: true });
			// A file that a traversing load would accept and a traversing delete would remove.
			const victim = { ...store.create(), id: '../victim', title: 'outside', items: [], messages: [] };
			const victimPath = join(root, 'victim.json');
			await fs.writeFile(victimPath, JSON.stringify({ version: 1, ...victim }));
			for (const id of badIds) {
				assert.equal(await store.load(id), undefined, JSON.stringify(id));
				await store.delete(id);
			}
			assert.equal(await exists(victimPath), true);
			assert.deepEqual(await store.list(), []);
		});

		it('save rejects them and writes nothing', async () => {
			const store = newStore();
			for (const id of badIds) {
				const c: Conversation = { ...fullConversation(store, 'evil', 1_000), id };
				await assert.rejects(store.save(c), /not a valid conversation id/, JSON.stringify(id));
			}
			await store.flush();
			const written = (await fs.readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
			assert.deepEqual(
				written.map((e) => join(e.parentPath, e.name)),
				[],
			);
			assert.deepEqual(await store.list(), []);
		});
	});

	it('a failing write rejects the save, is logged, and keeps the previous version', async () => {
		const store = newStore();
		const c = fullConversation(store, 'v1', 1_000);
		await store.save(c);
		await replacing(
			'rename',
			() => Promise.reject(diskFull()),
			() => assert.rejects(store.save({ ...c, title: 'v2' }), /ENOSPC/),
		);
		assert.match(log.warnings().join('\n'), /Saving conversation .* failed: ENOSPC/);
		assert.equal((await newStore().load(c.id))?.title, 'v1');
		assert.deepEqual(
			(await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')),
			[],
			'the temporary file was removed',
		);
		// The store is still usable afterwards.
		await store.save({ ...c, title: 'v3' });
		assert.equal((await newStore().load(c.id))?.title, 'v3');
	});

	it('a disk that fills up while the temporary file is written leaves no temporary file behind', async () => {
		const store = newStore();
		const c = fullConversation(store, 'v1', 1_000);
		await store.save(c);
		const open = nodeFs.open;
		await replacing(
			'open',
			async (...args: Parameters<typeof open>) => {
				const handle = await open(...args);
				if (String(args[0]).endsWith('.tmp')) {
					handle.writeFile = () => Promise.reject(diskFull());
				}
				return handle;
			},
			() => assert.rejects(store.save({ ...c, title: 'v2' }), /ENOSPC/),
		);
		assert.deepEqual(
			(await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')),
			[],
		);
		assert.equal((await newStore().load(c.id))?.title, 'v1');
	});
});

describe('titleFrom', () => {
	it('keeps a short message as it is, on one line', () => {
		assert.equal(titleFrom('Summarize my emails'), 'Summarize my emails');
		assert.equal(titleFrom('  Summarize\n\tmy   emails  '), 'Summarize my emails');
	});

	it('is "New chat" for empty or whitespace-only text', () => {
		assert.equal(titleFrom(''), UNTITLED);
		assert.equal(titleFrom(' \n\t '), UNTITLED);
	});

	it('leaves out fenced code, closed or not', () => {
		assert.equal(titleFrom('Explain ```ts\nconst a = 1;\n``` please'), 'Explain please');
		assert.equal(titleFrom('Why does this fail? ```\nthrow new Error()'), 'Why does this fail?');
		assert.equal(titleFrom('```\nonly code\n```'), UNTITLED);
	});

	it('cuts a long message at a word, without trailing punctuation, to at most 60 characters with an ellipsis', () => {
		const long = 'Please create a GitHub issue about the login button, which is misaligned on small screens';
		const title = titleFrom(long);
		assert.ok(title.length <= 60, `${title.length}: ${title}`);
		assert.equal(title, 'Please create a GitHub issue about the login button, which…');
		assert.equal(titleFrom(`${'a'.repeat(40)} end. ${'z'.repeat(30)}`), `${'a'.repeat(40)} end…`);
	});

	it('cuts a long message without usable spaces inside the word', () => {
		const title = titleFrom('x'.repeat(200));
		assert.equal(title, `${'x'.repeat(59)}…`);
		assert.equal(titleFrom(`short ${'y'.repeat(100)}`), `short ${'y'.repeat(53)}…`);
	});

	it('exactly 60 characters is kept whole', () => {
		const sixty = 'a'.repeat(60);
		assert.equal(titleFrom(sixty), sixty);
	});

	it('never splits a character made of two UTF-16 units', () => {
		const title = titleFrom(`${'a'.repeat(58)}😀${'b'.repeat(10)}`);
		assert.ok(title.length <= 60);
		assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(title), `lone high surrogate in ${JSON.stringify(title)}`);
		assert.equal(title, `${'a'.repeat(58)}…`);
	});
});
