/**
 * Runs the mocha suites inside the extension host of a real VS Code (code-server; the one
 * `COMPOSIO_EDITOR` names, else the current one), driven by headless chromium. Each phase opens a folder with a test index; phases share one browser
 * profile (so SecretStorage persists between them, as it does across window reloads).
 * Prints the suites' report and exits non-zero on a failure or a timeout.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { extensionHostLine, launchBrowser } from './browser';
import { installedEditor, repoRoot, startCodeServer, workbenchUrl } from './codeServer';
import { installScriptedModels } from './scriptedModelsExtension';
import { TestSandbox } from '../shared/sandbox';

interface Phase {
	readonly name: string;
	readonly folder: string;
	readonly index: string;
}

// A guard against a hung window, not a pass criterion: the main phase holds the soak test, slow under load.
const PHASE_TIMEOUT_MS = 15 * 60_000;

function makeWorkspace(name: string): string {
	const dir = mkdtempSync(join(tmpdir(), `composio-ws-${name}-`));
	mkdirSync(join(dir, 'src'), { recursive: true });
	writeFileSync(join(dir, 'src', 'sample.ts'), 'export function add(a: number, b: number): number {\n\treturn a + b;\n}\n');
	writeFileSync(join(dir, 'README.md'), `# ${name}\n\nA workspace for the Composio Agent tests.\n`);
	return dir;
}

async function main(): Promise<number> {
	const testsDir = join(repoRoot, 'out', 'test', 'integration');
	const first = makeWorkspace('first');
	const live = makeWorkspace('live');
	const phases: Phase[] = [
		{ name: 'main', folder: first, index: join(testsDir, 'index.js') },
		{ name: 'another workspace', folder: makeWorkspace('second'), index: join(testsDir, 'phases', 'otherWorkspace.js') },
		{ name: 'first workspace, reloaded', folder: first, index: join(testsDir, 'phases', 'firstWorkspaceAgain.js') },
		{ name: 'a live journey in a window of its own', folder: makeWorkspace('journey'), index: join(testsDir, 'phases', 'liveJourney.js') },
		// Activation in live mode: a key set in one window, the next window starts with it.
		{ name: 'live mode', folder: live, index: join(testsDir, 'phases', 'liveBeforeReload.js') },
		{ name: 'live mode, reloaded', folder: live, index: join(testsDir, 'phases', 'liveAfterReload.js') },
	];
	// Phases are separate windows; they pass facts (such as a workspace's user id) through this folder.
	const shared = mkdtempSync(join(tmpdir(), 'composio-shared-'));
	// The sandbox servers in their tests' build, so the suites can drive them over /_emulator and /_scripted.
	// Connect Links stay on 127.0.0.1: the extension opens them through the editor's forwarding route.
	// The emulator lists a catalog of Composio's size, so nothing that reads the whole of it goes unnoticed.
	const sandbox = new TestSandbox({ emulator: { catalogSize: 1200 } });
	await sandbox.start();
	const server = await startCodeServer({ verbose: process.env.COMPOSIO_TEST_VERBOSE === '1', env: { COMPOSIO_TEST_SHARED: shared, ...sandbox.env }, developmentPayload: true });
	const browser = await launchBrowser();
	let exitCode = 0;
	try {
		for (const phase of phases) {
			console.log(`\n== In-editor tests on VS Code ${server.editor.vscodeVersion}: ${phase.name} (${server.origin}, folder ${phase.folder})`);
			const code = await runPhase(browser.page, workbenchUrl(server, { folder: phase.folder, extensionTestsPath: phase.index }));
			if (code !== 0) {
				console.error(`== Phase ${phase.name} failed (exit ${code}).`);
				exitCode = code;
				break;
			}
		}
	} finally {
		await server.stop();
		await sandbox.stop();
	}
	try {
		if (exitCode === 0) {
			exitCode = await runModelsPhase(browser.page, testsDir);
		}
	} finally {
		await browser.close();
	}
	return exitCode;
}

/**
 * VS Code's language models: a window of its own, on a server with the test-only scripted
 * models installed. Their provider API is stable from VS Code 1.104; an older editor cannot
 * run this phase, and the runner says so.
 */
async function runModelsPhase(page: Page, testsDir: string): Promise<number> {
	const version = installedEditor().vscodeVersion;
	if (!atLeast(version, '1.104.0')) {
		console.log(`\n== In-editor tests on VS Code ${version}: VS Code language models — not run: this VS Code has no language model provider API (1.104+).`);
		return 0;
	}
	const server = await startCodeServer({ verbose: process.env.COMPOSIO_TEST_VERBOSE === '1', developmentPayload: true, prepareExtensions: (dir) => installScriptedModels(dir) });
	try {
		const folder = makeWorkspace('models');
		console.log(`\n== In-editor tests on VS Code ${version}: VS Code language models (${server.origin}, folder ${folder})`);
		const code = await runPhase(page, workbenchUrl(server, { folder, extensionTestsPath: join(testsDir, 'phases', 'vscodeModels.js') }));
		if (code !== 0) {
			console.error(`== Phase VS Code language models failed (exit ${code}).`);
		}
		return code;
	} finally {
		await server.stop();
	}
}

/** True when version `a` (x.y.z) is at least `b`. */
function atLeast(a: string, b: string): boolean {
	const [x, y] = [a, b].map((v) => v.split('.').map((n) => Number.parseInt(n, 10) || 0));
	for (let i = 0; i < 3; i++) {
		if ((x![i] ?? 0) !== (y![i] ?? 0)) {
			return (x![i] ?? 0) > (y![i] ?? 0);
		}
	}
	return true;
}

let settle: ((code: number) => void) | undefined;
let exposed = false;

async function runPhase(page: Page, url: string): Promise<number> {
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
			console.error(`Timed out after ${PHASE_TIMEOUT_MS / 1000} s waiting for the in-editor tests to finish.`);
			resolve(124);
		}, PHASE_TIMEOUT_MS);
	});
	const code = await Promise.race([done, timeout]);
	clearTimeout(timer);
	// Let the last console lines arrive.
	await new Promise((r) => setTimeout(r, 300));
	return code;
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.error(e);
		process.exit(1);
	},
);
