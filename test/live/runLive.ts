/**
 * `npm run test:live`: the live check against the real Composio, for anyone with a key and
 * internet; never part of `npm test`. Without `COMPOSIO_API_KEY` it says what it needs and exits.
 * With it, a real VS Code (code-server) runs the journey in its extension host
 * (test/integration/live/liveCheck.test.ts) for a fresh user id: a session, its tools, a Connect
 * Link printed here for you to complete, one read-only tool, who the account is, a disconnect.
 * What Composio answered is written, scrubbed, as contract fixtures (`<scenario>.live.json` in
 * test/contract/fixtures/, or `COMPOSIO_LIVE_FIXTURES`), which `npm test` then holds the emulator to.
 */
import { join } from 'node:path';
import { launchBrowser } from '../editor/browser';
import { repoRoot, startCodeServer, workbenchUrl } from '../editor/codeServer';
import { makeWorkspace, runPhase } from '../editor/phases';
import { LiveCheck, scrubProblems } from './liveCheck';

async function main(): Promise<number> {
	const key = process.env.COMPOSIO_API_KEY ?? '';
	if (!key) {
		// test/live/live.mjs (npm run test:live) says why and skips before this runs.
		console.error('COMPOSIO_API_KEY is not set: run npm run test:live.');
		return 1;
	}
	const target = process.env.COMPOSIO_BASE_URL ?? 'https://backend.composio.dev';
	const toolkit = process.env.COMPOSIO_LIVE_TOOLKIT ?? 'gmail';
	const minutes = Number(process.env.COMPOSIO_LIVE_WAIT_MINUTES ?? '10');
	const check = new LiveCheck({ target, key, toolkit, connectTimeoutMs: Math.max(1, minutes) * 60_000, autoConnect: false, print: (line) => console.log(line) });
	await check.start();
	console.log(`Live check against ${target} for ${toolkit}, as user ${check.userId}.`);
	const server = await startCodeServer({ verbose: process.env.COMPOSIO_TEST_VERBOSE === '1', env: check.env, developmentPayload: true });
	const browser = await launchBrowser();
	let code = 1;
	try {
		check.watch();
		code = await runPhase(browser.page, workbenchUrl(server, { folder: makeWorkspace('live-check'), extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'phases', 'liveCheck.js') }), (minutes + 5) * 60_000);
	} finally {
		await browser.close();
		await server.stop();
	}
	const dir = process.env.COMPOSIO_LIVE_FIXTURES ?? join(repoRoot, 'test', 'contract', 'fixtures');
	const files = await check.finish(dir);
	const problems = scrubProblems(files, key, check.userId);
	console.log(`\nRecorded ${files.length} fixtures in ${dir}${problems.length > 0 ? `, but:\n${problems.join('\n')}` : '.'}`);
	return code !== 0 ? code : problems.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.error(e);
		process.exit(1);
	},
);
