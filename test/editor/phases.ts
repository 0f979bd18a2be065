/**
 * Running in-editor test phases: each opens a workbench window whose extension host runs a mocha
 * index; the window reports its exit code through `codeAutomationExit`. Shared by the in-editor
 * runner (runIntegration.ts) and the live check (test/live/runLive.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { extensionHostLine } from './browser';

// A guard against a hung window, not a pass criterion: the main phase holds the soak test, slow under load.
const PHASE_TIMEOUT_MS = 15 * 60_000;

/** A new workspace folder with a small source file and a README. */
export function makeWorkspace(name: string): string {
	const dir = mkdtempSync(join(tmpdir(), `composio-ws-${name}-`));
	mkdirSync(join(dir, 'src'), { recursive: true });
	writeFileSync(join(dir, 'src', 'sample.ts'), 'export function add(a: number, b: number): number {\n\treturn a + b;\n}\n');
	writeFileSync(join(dir, 'README.md'), `# ${name}\n\nA workspace for the Composio Agent tests.\n`);
	return dir;
}


let settle: ((code: number) => void) | undefined;
let exposed = false;

/**
 * Opens `url` (a workbench with an extension tests path) and resolves with the exit code the
 * tests report through `codeAutomationExit`, or 124 after `timeoutMs`. Prints the extension
 * host's console lines (the suites' report) as they come.
 */
export async function runPhase(page: Page, url: string, timeoutMs = PHASE_TIMEOUT_MS): Promise<number> {
	const done = new Promise<number>((resolve) => (settle = resolve));
	if (!exposed) {
		exposed = true;
		await page.exposeFunction('codeAutomationExit', (code: number) => settle?.(code));
		await page.exposeFunction('codeAutomationLog', () => undefined);
		page.on('console', (msg) => {
			void extensionHostLine(msg).then((line) => {
				// The workbench's extension gallery query fails offline; that line is noise here.
				if (line !== undefined && !line.includes('ENOTFOUND open-vsx.org')) {
					console.log(line);
				}
			});
		});
		page.on('pageerror', (err) => console.error(`[workbench] ${err.message}`));
	}
	await page.goto(url);
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<number>((resolve) => {
		timer = setTimeout(() => {
			console.error(`Timed out after ${timeoutMs / 1000} s waiting for the in-editor tests to finish.`);
			resolve(124);
		}, timeoutMs);
	});
	const code = await Promise.race([done, timeout]);
	clearTimeout(timer);
	// Let the last console lines arrive.
	await new Promise((r) => setTimeout(r, 300));
	return code;
}
