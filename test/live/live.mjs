// `npm run test:live`: skips at once without COMPOSIO_API_KEY; otherwise installs what it needs
// (the current VS Code and chromium, idempotently), builds, and runs the live check
// (out/test/live/runLive.js, from test/live/runLive.ts).
import { spawnSync } from 'node:child_process';

if (!process.env.COMPOSIO_API_KEY) {
	console.log(
		'npm run test:live: skipped. It checks the extension against the real Composio and needs COMPOSIO_API_KEY set to a Composio API key (and internet).\n' +
			'With it, it creates a user id of its own (live-check-…), a tool router session and one connected account (deleted at the end), and records the answers as contract fixtures.',
	);
	process.exit(0);
}
for (const args of [['test/editor/setup.mjs', '--only', 'current'], ['esbuild.mjs', '--tests'], ['out/test/live/runLive.js']]) {
	const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
	if (run.status !== 0) {
		process.exit(run.status ?? 1);
	}
}
