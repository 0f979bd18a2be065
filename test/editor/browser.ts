/** Debian's chromium driven by playwright-core, set up as this machine needs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { type BrowserContext, chromium, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserSession {
	readonly context: BrowserContext;
	readonly page: Page;
	close(): Promise<void>;
}

/** Launches headless chromium with a fresh profile. */
export async function launchBrowser(options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
	const profile = mkdtempSync(join(tmpdir(), 'composio-chromium-'));
	process.env.XDG_CONFIG_HOME ??= join(profile, 'xdg');
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
		viewport: options.viewport ?? { width: 1400, height: 900 },
		colorScheme: options.colorScheme ?? 'dark',
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		async close() {
			await context.close().catch(() => undefined);
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

/**
 * Formats a console message from the extension host as VS Code forwards it
 * (`'%c INFO', 'color: …', fmt, ...args`), or undefined for other messages.
 */
export async function extensionHostLine(msg: ConsoleMessage): Promise<string | undefined> {
	const args: unknown[] = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => undefined as unknown)));
	const [first, , fmt, ...rest] = args;
	if (typeof first !== 'string' || !first.startsWith('%c')) {
		return undefined;
	}
	return format(fmt, ...rest);
}
