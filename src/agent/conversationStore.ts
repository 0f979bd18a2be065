/**
 * Conversations on disk: one JSON file per conversation plus an index of summaries, in a
 * directory the host chooses (the workspace storage folder). Writes are atomic (temporary
 * file, fsync, rename), so a crash leaves either the old or the new version of a file, never
 * half of one. Unreadable files are skipped and logged, never fatal.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, promises as fs, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { nullLogger, type Logger } from '../common/logger';
import { type ConversationSummary, type TranscriptItem, UNTITLED } from '../protocol/transcript';
import { isRecord } from '../common/isRecord';

/** A conversation: what the user sees (`items`) and what the model sees (`messages`, no system message). */
export interface Conversation {
	readonly id: string;
	/** From the first user message, at most 60 characters; "New chat" until then. */
	title: string;
	readonly createdAt: number;
	updatedAt: number;
	items: TranscriptItem[];
	messages: ChatCompletionMessageParam[];
}

export { UNTITLED } from '../protocol/transcript';
const MAX_TITLE = 60;
const FILE_VERSION = 1;
const INDEX_FILE = 'index.json';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
const CONVERSATION_FILE = /^([A-Za-z0-9_-]{1,100})\.json$/;

/** A title from a user message: one line, at most 60 characters, cut at a word when possible. */
export function titleFrom(text: string): string {
	const flat = text.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/\s+/g, ' ').trim();
	if (flat === '') {
		return UNTITLED;
	}
	if (flat.length <= MAX_TITLE) {
		return flat;
	}
	let cut = flat.slice(0, MAX_TITLE - 1);
	if (/[\uD800-\uDBFF]$/.test(cut)) {
		// Never end on half of a character made of two UTF-16 units (an emoji).
		cut = cut.slice(0, -1);
	}
	const space = cut.lastIndexOf(' ');
	return `${(space >= 30 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

/** The file text of a conversation. */
function fileText(conversation: Conversation): string {
	return JSON.stringify({
		version: FILE_VERSION,
		id: conversation.id,
		title: conversation.title,
		createdAt: conversation.createdAt,
		updatedAt: conversation.updatedAt,
		items: conversation.items,
		messages: conversation.messages,
	});
}

/** The number of user and assistant items, the "messages" of the summary. */
function messageCount(items: readonly TranscriptItem[]): number {
	let n = 0;
	for (const item of items) {
		if (item.kind === 'user' || item.kind === 'assistant') {
			n++;
		}
	}
	return n;
}

/** The summary the history list shows. */
export function summarize(conversation: Conversation): ConversationSummary {
	return { id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt, messageCount: messageCount(conversation.items) };
}

/** Checks a parsed conversation file; returns undefined when it is not one. */
function readConversation(value: unknown, id: string): Conversation | undefined {
	if (!isRecord(value) || value['id'] !== id || typeof value['title'] !== 'string' || typeof value['createdAt'] !== 'number' || typeof value['updatedAt'] !== 'number') {
		return undefined;
	}
	const items = value['items'];
	const messages = value['messages'];
	if (!Array.isArray(items) || !Array.isArray(messages)) {
		return undefined;
	}
	// Shallow checks: enough to render and to send; anything malformed is dropped, not fatal.
	const goodItems = items.filter((i): i is TranscriptItem => isRecord(i) && typeof i['id'] === 'string' && typeof i['kind'] === 'string' && typeof i['at'] === 'number');
	const goodMessages = messages.filter((m): m is ChatCompletionMessageParam => isRecord(m) && typeof m['role'] === 'string');
	return { id, title: value['title'], createdAt: value['createdAt'], updatedAt: value['updatedAt'], items: goodItems, messages: goodMessages };
}

function readSummary(value: unknown): ConversationSummary | undefined {
	if (!isRecord(value) || typeof value['id'] !== 'string' || !ID_PATTERN.test(value['id']) || typeof value['title'] !== 'string' || typeof value['updatedAt'] !== 'number') {
		return undefined;
	}
	const count = value['messageCount'];
	return { id: value['id'], title: value['title'], updatedAt: value['updatedAt'], messageCount: typeof count === 'number' ? count : 0 };
}

/**
 * Writes `data` to `path` atomically: a temporary file beside it, fsync, rename, then fsync the
 * directory (best effort). When any step before the rename fails, the temporary file is removed.
 */
async function atomicWrite(dir: string, path: string, data: string): Promise<void> {
	const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
	try {
		const handle = await fs.open(tmp, 'w');
		try {
			await handle.writeFile(data, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fs.rename(tmp, path);
	} catch (e) {
		await fs.rm(tmp, { force: true }).catch(() => undefined);
		throw e;
	}
	try {
		const dirHandle = await fs.open(dir, 'r');
		try {
			await dirHandle.sync();
		} finally {
			await dirHandle.close();
		}
	} catch {
		// Not every platform can fsync a directory (Windows); the rename is still atomic.
	}
}

/** `atomicWrite`, synchronously (no directory fsync: the rename is what makes it atomic). */
function atomicWriteSync(path: string, data: string): void {
	const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
	try {
		const fd = openSync(tmp, 'w');
		try {
			writeSync(fd, data, null, 'utf8');
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(tmp, path);
	} catch (e) {
		rmSync(tmp, { force: true });
		throw e;
	}
}

/** What a file was when a summary was made from it: its size and modification time. */
function stampOf(stat: { readonly size: number; readonly mtimeMs: number }): string {
	return `${stat.size}:${stat.mtimeMs}`;
}

type Operation = { readonly kind: 'write'; readonly json: string; readonly summary: ConversationSummary } | { readonly kind: 'delete' } | { readonly kind: 'index' };

/** A queue of one: the operation to run next (newer ones replace it), who waits for it, and who waits for the queue to drain. */
interface Slot {
	pending: Operation | undefined;
	waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
	running: boolean;
	idle: Array<() => void>;
}

function newSlot(): Slot {
	return { pending: undefined, waiters: [], running: false, idle: [] };
}

/** Options for `ConversationStore`. */
export interface ConversationStoreOptions {
	/** Where unreadable files are reported. */
	readonly logger?: Logger;
	/** Clock, for tests. */
	readonly now?: () => number;
}

/**
 * Persists conversations under `dir` (created when missing): `<id>.json` per conversation and
 * `index.json` with their summaries. Saves of one conversation are serialised and coalesced:
 * while one write runs, later saves replace each other and only the newest is written next, so
 * saving after every step is cheap and never reorders. The index is rebuilt from the files when
 * it is missing or unreadable, and reconciled with the directory on each `list()` (the first
 * `list()` also corrects summaries left stale by a crash between a conversation write and the
 * index write). Ids must be plain names: others are refused, so no path leaves `dir`.
 */
export class ConversationStore {
	private readonly logger: Logger;
	private readonly now: () => number;
	private index: Map<string, ConversationSummary> | undefined;
	private indexLoad: Promise<Map<string, ConversationSummary>> | undefined;
	/**
	 * The modification time of index.json as it was read, until the first `list()` has checked
	 * the files written since: a crash between writing a conversation and writing the index
	 * leaves that conversation's summary stale.
	 */
	private indexReadAtMtime: number | undefined;
	/**
	 * Each conversation file as this store last knew it (`size:mtime`), kept in index.json beside
	 * the summaries: another window on the same folder may write a conversation and then have its
	 * index overwritten by this one's older summary, so the first `list()` re-reads every file
	 * whose stamp differs from the one its summary was made from.
	 */
	private readonly stamps = new Map<string, string>();
	private readonly slots = new Map<string, Slot>();
	private readonly indexSlot: Slot = newSlot();
	/** Files already reported as unreadable (name → size and mtime), so each is logged once. */
	private readonly reported = new Map<string, string>();
	private dirReady: Promise<void> | undefined;

	constructor(
		private readonly dir: string,
		options: ConversationStoreOptions = {},
	) {
		this.logger = options.logger ?? nullLogger;
		this.now = options.now ?? Date.now;
	}

	/** A new, empty conversation. Not written until it is saved. */
	create(): Conversation {
		const now = this.now();
		return { id: `c${now.toString(36)}-${randomUUID().slice(0, 8)}`, title: UNTITLED, createdAt: now, updatedAt: now, items: [], messages: [] };
	}

	/** Summaries of the saved conversations, most recently updated first. */
	async list(): Promise<ConversationSummary[]> {
		const index = await this.reconciledIndex();
		return [...index.values()].sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
	}

	/** A saved conversation, or undefined when there is none with that id or its file is unreadable (logged). */
	async load(id: string): Promise<Conversation | undefined> {
		if (!ID_PATTERN.test(id)) {
			return undefined;
		}
		await this.settled(id);
		const path = this.pathOf(id);
		let text: string;
		try {
			text = await fs.readFile(path, 'utf8');
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
				this.logger.warn(`Could not read conversation ${id}: ${e instanceof Error ? e.message : String(e)}`);
			}
			return undefined;
		}
		let conversation: Conversation | undefined;
		try {
			conversation = readConversation(JSON.parse(text) as unknown, id);
		} catch {
			conversation = undefined;
		}
		if (!conversation) {
			this.logger.warn(`Conversation file ${id}.json is unreadable (corrupt or from an unknown version); skipping it.`);
			const index = await this.loadIndex();
			if (index.delete(id)) {
				void this.queueIndexWrite().catch(() => undefined);
			}
			return undefined;
		}
		return conversation;
	}

	/**
	 * Writes the conversation as it is now (a snapshot is taken synchronously, so later changes
	 * to the object do not leak into this write). Resolves when this version, or a newer one,
	 * is on disk. Rejects when the write fails (the previous version stays intact), and at once,
	 * writing nothing, when the id is not a plain name (letters, digits, `_`, `-`).
	 */
	save(conversation: Conversation): Promise<void> {
		if (!ID_PATTERN.test(conversation.id)) {
			return Promise.reject(new Error(`${JSON.stringify(conversation.id)} is not a valid conversation id.`));
		}
		return this.enqueue(conversation.id, { kind: 'write', json: fileText(conversation), summary: summarize(conversation) });
	}

	/**
	 * Writes the conversation as it is now, synchronously, for when the extension host shuts down:
	 * it exits as soon as deactivation returns, before any asynchronous write could finish. Atomic
	 * like `save`. When an asynchronous write of it is still under way, the same version is queued
	 * after it too, so if the process lives on, the older write cannot land last. The index is
	 * updated when it has been read; otherwise the next `list()` picks the newer file up. Throws
	 * when the write fails (the previous version stays intact) or the id is not a plain name.
	 */
	saveSync(conversation: Conversation): void {
		if (!ID_PATTERN.test(conversation.id)) {
			throw new Error(`${JSON.stringify(conversation.id)} is not a valid conversation id.`);
		}
		const json = fileText(conversation);
		const summary = summarize(conversation);
		mkdirSync(this.dir, { recursive: true });
		atomicWriteSync(this.pathOf(conversation.id), json);
		const written = statSync(this.pathOf(conversation.id));
		this.stamps.set(conversation.id, stampOf(written));
		if (this.index) {
			this.index.set(conversation.id, summary);
			atomicWriteSync(join(this.dir, INDEX_FILE), this.indexText(this.index));
		}
		if (this.slots.has(conversation.id)) {
			this.enqueue(conversation.id, { kind: 'write', json, summary }).catch(() => undefined);
		}
		if (this.indexSlot.running) {
			this.queueIndexWrite().catch(() => undefined);
		}
	}

	/** Whether a save or delete of this conversation is queued or under way. */
	isWriting(id: string): boolean {
		return this.slots.has(id);
	}

	/** Deletes a conversation (after any save of it in progress). Deleting an unknown id does nothing. */
	delete(id: string): Promise<void> {
		if (!ID_PATTERN.test(id)) {
			return Promise.resolve();
		}
		return this.enqueue(id, { kind: 'delete' });
	}

	/** Resolves once every queued write has finished. */
	async flush(): Promise<void> {
		await Promise.all([...this.slots.keys()].map((id) => this.settled(id)));
		await this.slotSettled(this.indexSlot);
	}

	private pathOf(id: string): string {
		return join(this.dir, `${id}.json`);
	}

	private ensureDir(): Promise<void> {
		this.dirReady ??= fs.mkdir(this.dir, { recursive: true }).then(
			() => undefined,
			(e: unknown) => {
				this.dirReady = undefined;
				throw e;
			},
		);
		return this.dirReady;
	}

	private settled(id: string): Promise<void> {
		const slot = this.slots.get(id);
		return slot ? this.slotSettled(slot) : Promise.resolve();
	}

	private slotSettled(slot: Slot): Promise<void> {
		if (!slot.running && !slot.pending) {
			return Promise.resolve();
		}
		return new Promise<void>((resolve) => slot.idle.push(resolve));
	}

	private enqueue(id: string, op: Operation): Promise<void> {
		let slot = this.slots.get(id);
		if (!slot) {
			slot = newSlot();
			this.slots.set(id, slot);
		}
		const settled = slot;
		return this.schedule(
			slot,
			op,
			async (pending) => {
				const index = await this.loadIndex();
				if (pending.kind === 'write') {
					await atomicWrite(this.dir, this.pathOf(id), pending.json);
					this.stamps.set(id, stampOf(await fs.stat(this.pathOf(id))));
					index.set(id, pending.summary);
				} else if (pending.kind === 'delete') {
					await fs.rm(this.pathOf(id), { force: true });
					index.delete(id);
					this.stamps.delete(id);
				}
				await this.queueIndexWrite();
			},
			`Saving conversation ${id}`,
			() => {
				if (this.slots.get(id) === settled) {
					this.slots.delete(id);
				}
			},
		);
	}

	/** Writes the index (coalesced like conversation saves). */
	private queueIndexWrite(): Promise<void> {
		// The content is taken from the in-memory index when the write runs, so queued writes coalesce.
		return this.schedule(
			this.indexSlot,
			{ kind: 'index' },
			async () => {
				const index = await this.loadIndex();
				await atomicWrite(this.dir, join(this.dir, INDEX_FILE), this.indexText(index));
			},
			'Saving the conversation index',
		);
	}

	/**
	 * Makes `op` the slot's next operation (replacing one not yet started) and resolves once it
	 * has run; starts the slot's worker when idle. The worker runs `run` for the newest pending
	 * operation until none is left, then calls `onIdle` and wakes whoever waits for the slot.
	 */
	private schedule(slot: Slot, op: Operation, run: (op: Operation) => Promise<void>, what: string, onIdle?: () => void): Promise<void> {
		slot.pending = op;
		const done = new Promise<void>((resolve, reject) => slot.waiters.push({ resolve, reject }));
		if (!slot.running) {
			void this.drain(slot, run, what, onIdle);
		}
		return done;
	}

	private async drain(slot: Slot, run: (op: Operation) => Promise<void>, what: string, onIdle?: () => void): Promise<void> {
		slot.running = true;
		while (slot.pending) {
			const op = slot.pending;
			const waiters = slot.waiters;
			slot.pending = undefined;
			slot.waiters = [];
			try {
				await this.ensureDir();
				await run(op);
				for (const w of waiters) {
					w.resolve();
				}
			} catch (e) {
				this.logger.error(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
				for (const w of waiters) {
					w.reject(e);
				}
			}
		}
		slot.running = false;
		onIdle?.();
		for (const resolve of slot.idle.splice(0)) {
			resolve();
		}
	}

	/** index.json's text: the summaries, and the stamps of the files they were made from. */
	private indexText(index: ReadonlyMap<string, ConversationSummary>): string {
		const stamps = Object.fromEntries([...index.keys()].flatMap((id) => (this.stamps.has(id) ? [[id, this.stamps.get(id)]] : [])));
		return JSON.stringify({ version: FILE_VERSION, conversations: [...index.values()], stamps });
	}

	/** The in-memory index, read from index.json once (rebuilt from the files when that is missing or unreadable). */
	private loadIndex(): Promise<Map<string, ConversationSummary>> {
		if (this.index) {
			return Promise.resolve(this.index);
		}
		this.indexLoad ??= (async () => {
			const map = new Map<string, ConversationSummary>();
			let text: string | undefined;
			let mtimeMs: number | undefined;
			try {
				mtimeMs = (await fs.stat(join(this.dir, INDEX_FILE))).mtimeMs;
				text = await fs.readFile(join(this.dir, INDEX_FILE), 'utf8');
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
					this.logger.warn(`Could not read the conversation index: ${e instanceof Error ? e.message : String(e)}`);
				}
			}
			if (text !== undefined) {
				try {
					const parsed: unknown = JSON.parse(text);
					const list = isRecord(parsed) && Array.isArray(parsed['conversations']) ? (parsed['conversations'] as unknown[]) : undefined;
					if (!list) {
						throw new Error('not an index');
					}
					const stamps = isRecord(parsed) && isRecord(parsed['stamps']) ? parsed['stamps'] : {};
					for (const entry of list) {
						const summary = readSummary(entry);
						if (summary) {
							map.set(summary.id, summary);
							const stamp = stamps[summary.id];
							if (typeof stamp === 'string' && !this.stamps.has(summary.id)) {
								this.stamps.set(summary.id, stamp);
							}
						}
					}
					this.indexReadAtMtime = mtimeMs;
				} catch {
					this.logger.warn('The conversation index is unreadable; rebuilding it from the conversation files.');
				}
			}
			this.index = map;
			return map;
		})();
		return this.indexLoad;
	}

	/**
	 * The index, with entries whose file is gone dropped and files missing from it read in. The
	 * first time, files modified since index.json was written are read again, so summaries a
	 * crash left stale are corrected (files as old as the index are re-read too: the clocks of
	 * some file systems are coarse).
	 */
	private async reconciledIndex(): Promise<Map<string, ConversationSummary>> {
		const index = await this.loadIndex();
		const staleSince = this.indexReadAtMtime;
		this.indexReadAtMtime = undefined;
		let names: string[];
		try {
			names = await fs.readdir(this.dir);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
				this.logger.warn(`Could not list the conversations folder: ${e instanceof Error ? e.message : String(e)}`);
			}
			return index;
		}
		const onDisk = new Set<string>();
		let changed = false;
		for (const name of names) {
			const id = CONVERSATION_FILE.exec(name)?.[1];
			if (!id || name === INDEX_FILE) {
				continue;
			}
			onDisk.add(id);
			const known = index.has(id);
			if (this.slots.has(id) || (known && staleSince === undefined)) {
				continue;
			}
			const path = this.pathOf(id);
			let stamp = '';
			try {
				const stat = await fs.stat(path);
				stamp = stampOf(stat);
				// Known, and unchanged since its summary was made (or, for an index without stamps, older than it).
				const made = this.stamps.get(id);
				if (known && staleSince !== undefined && (made !== undefined ? made === stamp : stat.mtimeMs < staleSince)) {
					continue;
				}
			} catch {
				continue;
			}
			if (this.reported.get(name) === stamp) {
				continue;
			}
			let conversation: Conversation | undefined;
			try {
				conversation = readConversation(JSON.parse(await fs.readFile(path, 'utf8')) as unknown, id);
			} catch {
				conversation = undefined;
			}
			// A save may have run while the file was read; its summary is the newer one.
			const current = index.get(id);
			if (this.slots.has(id) || (conversation && current && current.updatedAt > conversation.updatedAt)) {
				continue;
			}
			if (conversation) {
				this.stamps.set(id, stamp);
				const summary = summarize(conversation);
				if (!current || current.title !== summary.title || current.updatedAt !== summary.updatedAt || current.messageCount !== summary.messageCount) {
					index.set(id, summary);
					changed = true;
				}
			} else {
				this.reported.set(name, stamp);
				this.logger.warn(`Conversation file ${name} is unreadable (corrupt or from an unknown version); skipping it.`);
				if (index.delete(id)) {
					changed = true;
				}
			}
		}
		for (const id of [...index.keys()]) {
			if (!onDisk.has(id) && !this.slots.has(id)) {
				index.delete(id);
				changed = true;
			}
		}
		if (changed) {
			await this.queueIndexWrite().catch(() => undefined);
		}
		return index;
	}
}
