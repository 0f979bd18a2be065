/**
 * The index of saved conversations: `index.json` beside the conversation files, holding each
 * one's summary and the stamp (size and modification time) of the file it was made from. It is
 * read once, rebuilt from the files when missing or unreadable, and reconciled with the folder
 * so that what a crash or another window left stale is corrected.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../common/isRecord';
import type { Logger } from '../common/logger';
import type { ConversationSummary } from '../protocol/transcript';
import { type Conversation, conversationIdOf, conversationPath, FILE_VERSION, readConversation, readSummary, summarize } from './conversationFile';

const INDEX_FILE = 'index.json';

/** What a file was when a summary was made from it: its size and modification time. */
function stampOf(stat: { readonly size: number; readonly mtimeMs: number }): string {
	return `${stat.size}:${stat.mtimeMs}`;
}

/**
 * The summaries of the conversations in `dir`, in memory once read. The owner (the store)
 * tells it what it wrote and removed, writes `text()` to `path` when it changed, and calls
 * `reconcile` before listing.
 */
export class ConversationIndex {
	private summaries: Map<string, ConversationSummary> | undefined;
	private reading: Promise<void> | undefined;
	/**
	 * The modification time of index.json as it was read, until the first `reconcile()` has
	 * checked the files written since: a crash between writing a conversation and writing the
	 * index leaves that conversation's summary stale.
	 */
	private readAtMtime: number | undefined;
	/**
	 * Each conversation file as this store last knew it (`size:mtime`), kept in index.json beside
	 * the summaries: another window on the same folder may write a conversation and then have its
	 * index overwritten by this one's older summary, so the first `reconcile()` re-reads every
	 * file whose stamp differs from the one its summary was made from.
	 */
	private readonly stamps = new Map<string, string>();
	/** Files already reported as unreadable (name → size and mtime), so each is logged once. */
	private readonly reported = new Map<string, string>();

	/** Where the index is written. */
	readonly path: string;

	constructor(
		private readonly dir: string,
		private readonly logger: Logger,
	) {
		this.path = join(dir, INDEX_FILE);
	}

	/** Whether index.json has been read (or found missing or unreadable, and started empty). */
	get isRead(): boolean {
		return this.summaries !== undefined;
	}

	/** The summaries, most recently updated first (empty until read). */
	list(): ConversationSummary[] {
		return [...(this.summaries?.values() ?? [])].sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
	}

	/** A conversation's file was written: its stamp, and its summary once the index has been read. */
	wrote(id: string, summary: ConversationSummary, stat: { readonly size: number; readonly mtimeMs: number }): void {
		this.stamps.set(id, stampOf(stat));
		this.summaries?.set(id, summary);
	}

	/** A conversation's file is gone or unreadable. True when the index held it (so it changed). */
	remove(id: string): boolean {
		this.stamps.delete(id);
		return this.summaries?.delete(id) ?? false;
	}

	/** index.json's text: the summaries, and the stamps of the files they were made from. */
	text(): string {
		const summaries = this.summaries ?? new Map<string, ConversationSummary>();
		const stamps = Object.fromEntries([...summaries.keys()].flatMap((id) => (this.stamps.has(id) ? [[id, this.stamps.get(id)]] : [])));
		return JSON.stringify({ version: FILE_VERSION, conversations: [...summaries.values()], stamps });
	}

	/** Reads index.json, once (started empty when it is missing or unreadable, to be rebuilt from the files by `reconcile`). */
	read(): Promise<void> {
		if (this.summaries) {
			return Promise.resolve();
		}
		this.reading ??= (async () => {
			const map = new Map<string, ConversationSummary>();
			let text: string | undefined;
			let mtimeMs: number | undefined;
			try {
				mtimeMs = (await fs.stat(this.path)).mtimeMs;
				text = await fs.readFile(this.path, 'utf8');
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
					this.readAtMtime = mtimeMs;
				} catch {
					this.logger.warn('The conversation index is unreadable; rebuilding it from the conversation files.');
				}
			}
			this.summaries = map;
		})();
		return this.reading;
	}

	/**
	 * Brings the index in line with the folder: entries whose file is gone are dropped and files
	 * missing from it read in. The first time, files modified since index.json was written are
	 * read again, so summaries a crash left stale are corrected (files as old as the index are
	 * re-read too: the clocks of some file systems are coarse). Files `isWriting` names are left
	 * alone: a save of theirs is under way and brings its own summary. True when the index changed
	 * (the owner then writes it).
	 */
	async reconcile(isWriting: (id: string) => boolean): Promise<boolean> {
		await this.read();
		const index = this.summaries ?? new Map<string, ConversationSummary>();
		const staleSince = this.readAtMtime;
		this.readAtMtime = undefined;
		let names: string[];
		try {
			names = await fs.readdir(this.dir);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
				this.logger.warn(`Could not list the conversations folder: ${e instanceof Error ? e.message : String(e)}`);
			}
			return false;
		}
		const onDisk = new Set<string>();
		let changed = false;
		for (const name of names) {
			const id = conversationIdOf(name);
			if (!id || name === INDEX_FILE) {
				continue;
			}
			onDisk.add(id);
			const known = index.has(id);
			if (isWriting(id) || (known && staleSince === undefined)) {
				continue;
			}
			const path = conversationPath(this.dir, id);
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
			if (isWriting(id) || (conversation && current && current.updatedAt > conversation.updatedAt)) {
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
			if (!onDisk.has(id) && !isWriting(id)) {
				index.delete(id);
				changed = true;
			}
		}
		return changed;
	}
}
