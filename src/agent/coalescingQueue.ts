/**
 * A queue of one, for writes where only the newest version matters: while one operation runs,
 * later ones replace each other, and only the newest runs next. Operations never overlap and
 * never run out of order, so writing after every change is cheap.
 */
import type { Logger } from '../common/logger';

/** Options for `CoalescingQueue`. */
export interface CoalescingQueueOptions {
	/** What the queue does, for the log line of a failed operation ("Saving conversation c1"). */
	readonly what: string;
	/** Where failed operations are reported. */
	readonly logger: Logger;
	/** Called each time the queue runs dry, before `settled()` resolves. */
	readonly onIdle?: () => void;
}

/**
 * Runs `run` for the newest scheduled operation until none is left. Contract: `schedule`
 * resolves once its operation, or one that replaced it before it started, has run; it rejects
 * with that run's error (logged) and the queue goes on with the next one.
 */
export class CoalescingQueue<Op> {
	/** The operation to run next (newer ones replace it) and who waits for it. */
	private pending: Op | undefined;
	private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
	private running = false;
	/** Who waits for the queue to run dry. */
	private readonly idle: Array<() => void> = [];

	constructor(
		private readonly run: (op: Op) => Promise<void>,
		private readonly options: CoalescingQueueOptions,
	) {}

	/** Whether an operation is under way. */
	get isRunning(): boolean {
		return this.running;
	}

	/** Makes `op` the next operation (replacing one not yet started) and resolves once it has run; starts the queue when idle. */
	schedule(op: Op): Promise<void> {
		this.pending = op;
		const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
		if (!this.running) {
			void this.drain();
		}
		return done;
	}

	/** Resolves once nothing is queued or running (at once when idle). */
	settled(): Promise<void> {
		if (!this.running && this.pending === undefined) {
			return Promise.resolve();
		}
		return new Promise<void>((resolve) => this.idle.push(resolve));
	}

	private async drain(): Promise<void> {
		this.running = true;
		while (this.pending !== undefined) {
			const op = this.pending;
			const waiters = this.waiters;
			this.pending = undefined;
			this.waiters = [];
			try {
				await this.run(op);
				for (const w of waiters) {
					w.resolve();
				}
			} catch (e) {
				this.options.logger.error(`${this.options.what} failed: ${e instanceof Error ? e.message : String(e)}`);
				for (const w of waiters) {
					w.reject(e);
				}
			}
		}
		this.running = false;
		this.options.onIdle?.();
		for (const resolve of this.idle.splice(0)) {
			resolve();
		}
	}
}
