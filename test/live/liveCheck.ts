/**
 * The runner's half of the live check: a recording proxy in front of Composio (or of the emulator
 * standing in for it), the settings handed to the journey in the extension host
 * (test/integration/live/liveCheck.test.ts), the Connect Link passed on (printed for a person, or
 * completed on the emulator's page), and the recorded answers written as scrubbed fixtures.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { submitConnectPage } from '../shared/connectPage';
import { RecordingProxy } from './recordingProxy';
import { writeLiveFixtures } from './recordFixtures';
import { EMAIL } from './scrub';

/** The journey's hand-over files in the shared folder (the extension host writes them). */
const LINK_FILE = 'live-check-link.txt';
const STEPS_FILE = 'live-check.log';

export interface LiveCheckOptions {
	/** Composio's API origin, or the emulator's. */
	readonly target: string;
	readonly key: string;
	readonly toolkit: string;
	readonly connectTimeoutMs: number;
	/** Complete the Connect Link on the emulator's page instead of waiting for a person. */
	readonly autoConnect: boolean;
	/** Where lines go (the terminal). */
	readonly print: (line: string) => void;
}

export class LiveCheck {
	readonly userId = `live-check-${Date.now().toString(36)}`;
	readonly shared = mkdtempSync(join(tmpdir(), 'composio-live-check-'));
	private readonly proxy: RecordingProxy;
	private timer: NodeJS.Timeout | undefined;
	private linkSeen = false;
	private stepsShown = 0;
	/** Set when completing the Connect Link on the emulator failed. */
	connectError: string | undefined;

	constructor(private readonly options: LiveCheckOptions) {
		this.proxy = new RecordingProxy(options.target);
	}

	/** Starts the proxy; then `env` is what the editor must be started with. */
	async start(): Promise<void> {
		await this.proxy.start();
	}

	/** The environment of the editor whose extension host runs the journey. */
	get env(): Record<string, string> {
		return {
			COMPOSIO_LIVE_CHECK: JSON.stringify({ baseUrl: this.proxy.baseUrl, toolkit: this.options.toolkit, connectTimeoutMs: this.options.connectTimeoutMs, userId: this.userId, shared: this.shared }),
			COMPOSIO_LIVE_CHECK_KEY: this.options.key,
		};
	}

	/** Follows the journey while it runs: prints its steps, and passes the Connect Link on. */
	watch(): void {
		this.timer = setInterval(() => this.poll(), 250);
	}

	private poll(): void {
		const steps = join(this.shared, STEPS_FILE);
		if (existsSync(steps)) {
			const lines = readFileSync(steps, 'utf8').split('\n').filter((l) => l !== '');
			for (const line of lines.slice(this.stepsShown)) {
				this.options.print(`   live check: ${line}`);
			}
			this.stepsShown = lines.length;
		}
		const link = join(this.shared, LINK_FILE);
		if (!this.linkSeen && existsSync(link)) {
			this.linkSeen = true;
			const url = readFileSync(link, 'utf8').trim();
			if (this.options.autoConnect) {
				submitConnectPage(url, 'authorize').catch((e: unknown) => {
					this.connectError = e instanceof Error ? e.message : String(e);
				});
			} else {
				this.options.print(`\n   Open this Connect Link and sign in to ${this.options.toolkit} (within ${Math.round(this.options.connectTimeoutMs / 60_000)} minutes):\n\n   ${url}\n`);
			}
		}
	}

	/** Stops following and the proxy; writes what was recorded as fixtures into `dir`, scrubbed. Returns the files. */
	async finish(dir: string): Promise<string[]> {
		if (this.timer) {
			clearInterval(this.timer);
		}
		this.poll();
		await this.proxy.stop();
		return writeLiveFixtures(this.proxy.exchanges, dir, {
			secrets: [this.options.key],
			userId: { value: this.userId, replacement: 'live-check-user' },
			target: this.options.autoConnect ? 'the sandbox emulator standing in for Composio' : this.options.target,
			recordedAt: new Date().toISOString().slice(0, 10),
		});
	}
}

/**
 * What must hold of every fixture the live check wrote: none holds the key, the live user id or
 * an email address but the scrubbed one. The problems found, one line each.
 */
export function scrubProblems(files: readonly string[], key: string, userId: string): string[] {
	const problems: string[] = [];
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		if (text.includes(key)) {
			problems.push(`${file} holds the API key`);
		}
		if (text.includes(userId)) {
			problems.push(`${file} holds the live user id`);
		}
		const emails = [...text.matchAll(EMAIL)].map((m) => m[0]).filter((e) => e !== 'user@example.com');
		if (emails.length > 0) {
			problems.push(`${file} holds email addresses: ${[...new Set(emails)].join(', ')}`);
		}
	}
	return problems;
}
