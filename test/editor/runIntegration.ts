/**
 * Runs the mocha suites inside the extension host of a real VS Code (code-server; the one
 * `COMPOSIO_EDITOR` names, else the current one), driven by headless chromium. Each phase opens a folder with a test index; phases share one browser
 * profile (so SecretStorage persists between them, as it does across window reloads).
 * Prints the suites' report and exits non-zero on a failure or a timeout.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { installedEditor, repoRoot, startCodeServer, workbenchUrl } from './codeServer';
import { makeWorkspace, runPhase } from './phases';
import { installScriptedModels } from './scriptedModelsExtension';
import { TestSandbox } from '../shared/sandbox';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { LiveCheck, scrubProblems } from '../live/liveCheck';

interface Phase {
	readonly name: string;
	readonly folder: string;
	readonly index: string;
	/** Runs before the window opens. */
	readonly before?: () => void;
	/** Runs once the window passed; its exit code counts as the phase's. */
	readonly after?: () => Promise<number>;
}

/** The fixtures the live check must have recorded from the emulator (an INITIATED account only when a poll met it). */
const LIVE_CHECK_FIXTURES = ['session-create', 'session-tools', 'meta-search-tools', 'session-execute-not-connected', 'session-link', 'account-active', 'meta-manage-connections', 'accounts-list', 'session-execute'];

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
	// `npm run test:live`'s code path, with the emulator standing in for Composio and its Connect Link completed here.
	// Its own emulator, with a key like a real one, so the check that no fixture holds the key means something.
	const liveEmulator = new TestComposioEmulator({ apiKey: `ak_live_check_${randomBytes(12).toString('hex')}` });
	await liveEmulator.start();
	const liveCheck = new LiveCheck({ target: liveEmulator.baseUrl, key: liveEmulator.apiKey, toolkit: 'gmail', connectTimeoutMs: 60_000, autoConnect: true, print: (line) => console.log(line) });
	await liveCheck.start();
	phases.splice(4, 0, {
		name: 'the live check (npm run test:live) against the emulator',
		folder: makeWorkspace('live-check'),
		index: join(testsDir, 'phases', 'liveCheck.js'),
		before: () => liveCheck.watch(),
		after: async () => {
			const files = await liveCheck.finish(mkdtempSync(join(tmpdir(), 'composio-live-fixtures-')));
			const names = files.map((f) => basename(f, '.live.json'));
			const problems = [
				...LIVE_CHECK_FIXTURES.filter((n) => !names.includes(n)).map((n) => `no ${n}.live.json was recorded`),
				...scrubProblems(files, liveEmulator.apiKey, liveCheck.userId),
				...(liveCheck.connectError ? [`completing the Connect Link failed: ${liveCheck.connectError}`] : []),
			];
			console.log(`   live check: recorded ${names.join(', ')}${problems.length > 0 ? `\n   ${problems.join('\n   ')}` : ', scrubbed'}`);
			return problems.length > 0 ? 1 : 0;
		},
	});
	const server = await startCodeServer({ verbose: process.env.COMPOSIO_TEST_VERBOSE === '1', env: { COMPOSIO_TEST_SHARED: shared, ...sandbox.env, ...liveCheck.env }, developmentPayload: true });
	const browser = await launchBrowser();
	let exitCode = 0;
	try {
		for (const phase of phases) {
			console.log(`\n== In-editor tests on VS Code ${server.editor.vscodeVersion}: ${phase.name} (${server.origin}, folder ${phase.folder})`);
			phase.before?.();
			let code = await runPhase(browser.page, workbenchUrl(server, { folder: phase.folder, extensionTestsPath: phase.index }));
			if (code === 0 && phase.after) {
				code = await phase.after();
			}
			if (code !== 0) {
				console.error(`== Phase ${phase.name} failed (exit ${code}).`);
				exitCode = code;
				break;
			}
		}
	} finally {
		await server.stop();
		await sandbox.stop();
		await liveEmulator.stop();
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

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.error(e);
		process.exit(1);
	},
);
