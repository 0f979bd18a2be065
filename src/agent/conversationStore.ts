/**
 * Conversations on disk: one JSON file per conversation plus an index of summaries, in a
 * directory the host chooses (the workspace storage folder). Writes are atomic (temporary
 * file, fsync, rename), so a crash leaves either the old or the new version of a file, never
 * half of one. Unreadable files are skipped and logged, never fatal. The file format is
 * `conversationFile.ts`, the index `conversationIndex.ts`, the writes `atomicFile.ts`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, promises as fs, statSync } from 'node:fs';
import { nullLogger, type Logger } from '../common/logger';
import { type ConversationSummary, UNTITLED } from '../protocol/transcript';
import { atomicWrite, atomicWriteSync } from './atomicFile';
import { CoalescingQueue } from './coalescingQueue';
import { type Conversation, conversationPath, fileText, isConversationId, readConversation, summarize } from './conversationFile';
import { ConversationIndex } from './conversationIndex';

/** What a conversation's queue does next: write this version, or delete the file. */
type Operation = { readonly kind: 'write'; readonly json: string; readonly summary: ConversationSummary } | { readonly kind: 'delete' };

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
	private readonly index: ConversationIndex;
	/** One queue per conversation with a save or delete queued or under way. */
	private readonly queues = new Map<string, CoalescingQueue<Operation>>();
	/** Writes the index as it is when each write runs, so queued writes coalesce. */
	private readonly indexQueue: CoalescingQueue<'index'>;
	private dirReady: Promise<void> | undefined;

	constructor(
		private readonly dir: string,
		options: ConversationStoreOptions = {},
	) {
		this.logger = options.logger ?? nullLogger;
		this.now = options.now ?? Date.now;
		this.index = new ConversationIndex(dir, this.logger);
		this.indexQueue = new CoalescingQueue<'index'>(
			async () => {
				await this.ensureDir();
				await this.index.read();
				await atomicWrite(this.dir, this.index.path, this.index.text());
			},
			{ what: 'Saving the conversation index', logger: this.logger },
		);
	}

	/** A new, empty conversation. Not written until it is saved. */
	create(): Conversation {
		const now = this.now();
		return { id: `c${now.toString(36)}-${randomUUID().slice(0, 8)}`, title: UNTITLED, createdAt: now, updatedAt: now, items: [], messages: [] };
	}

	/** Summaries of the saved conversations, most recently updated first. */
	async list(): Promise<ConversationSummary[]> {
		if (await this.index.reconcile((id) => this.queues.has(id))) {
			await this.queueIndexWrite().catch(() => undefined);
		}
		return this.index.list();
	}

	/** A saved conversation, or undefined when there is none with that id or its file is unreadable (logged). */
	async load(id: string): Promise<Conversation | undefined> {
		if (!isConversationId(id)) {
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
			await this.index.read();
			if (this.index.remove(id)) {
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
		if (!isConversationId(conversation.id)) {
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
		if (!isConversationId(conversation.id)) {
			throw new Error(`${JSON.stringify(conversation.id)} is not a valid conversation id.`);
		}
		const json = fileText(conversation);
		const summary = summarize(conversation);
		mkdirSync(this.dir, { recursive: true });
		atomicWriteSync(this.pathOf(conversation.id), json);
		const written = statSync(this.pathOf(conversation.id));
		this.index.wrote(conversation.id, summary, written);
		if (this.index.isRead) {
			atomicWriteSync(this.index.path, this.index.text());
		}
		if (this.queues.has(conversation.id)) {
			this.enqueue(conversation.id, { kind: 'write', json, summary }).catch(() => undefined);
		}
		if (this.indexQueue.isRunning) {
			this.queueIndexWrite().catch(() => undefined);
		}
	}

	/** Whether a save or delete of this conversation is queued or under way. */
	isWriting(id: string): boolean {
		return this.queues.has(id);
	}

	/** Deletes a conversation (after any save of it in progress). Deleting an unknown id does nothing. */
	delete(id: string): Promise<void> {
		if (!isConversationId(id)) {
			return Promise.resolve();
		}
		return this.enqueue(id, { kind: 'delete' });
	}

	/** Resolves once every queued write has finished. */
	async flush(): Promise<void> {
		await Promise.all([...this.queues.keys()].map((id) => this.settled(id)));
		await this.indexQueue.settled();
	}

	private pathOf(id: string): string {
		return conversationPath(this.dir, id);
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
		return this.queues.get(id)?.settled() ?? Promise.resolve();
	}

	/** Queues a write or delete of one conversation, after what its queue already holds. */
	private enqueue(id: string, op: Operation): Promise<void> {
		let queue = this.queues.get(id);
		if (!queue) {
			queue = this.newQueue(id);
			this.queues.set(id, queue);
		}
		return queue.schedule(op);
	}

	/** A conversation's queue: it writes or deletes the file, then the index, and is forgotten once it runs dry. */
	private newQueue(id: string): CoalescingQueue<Operation> {
		const queue: CoalescingQueue<Operation> = new CoalescingQueue<Operation>(
			async (op) => {
				await this.ensureDir();
				await this.index.read();
				if (op.kind === 'write') {
					await atomicWrite(this.dir, this.pathOf(id), op.json);
					this.index.wrote(id, op.summary, await fs.stat(this.pathOf(id)));
				} else {
					await fs.rm(this.pathOf(id), { force: true });
					this.index.remove(id);
				}
				await this.queueIndexWrite();
			},
			{
				what: `Saving conversation ${id}`,
				logger: this.logger,
				onIdle: () => {
					if (this.queues.get(id) === queue) {
						this.queues.delete(id);
					}
				},
			},
		);
		return queue;
	}

	/** Writes the index (coalesced like conversation saves: its text is taken when the write runs). */
	private queueIndexWrite(): Promise<void> {
		return this.indexQueue.schedule('index');
	}
}
