// `npm test`: every stage in order, stopping at the first failure, then one closing line
// that totals the tests run ("tests: N passed, N failed"). The in-editor and browser tests run on
// the current VS Code (all of them) and on the floor `engines.vscode` promises (the in-editor
// tests and the browser journeys tagged @floor); each summary line names its VS Code version.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedVsCodeVersion } from './editors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const node = process.execPath;

/** The journeys that must work on the floor too: in-chat auth with auto-resume, approval, the connections view. */
const FLOOR_JOURNEYS = '@floor';

/**
 * A stage: [title, command, args, counts tests, environment]. Titles are functions where they
 * name an editor's version, known only once setup has installed it.
 */
const stages = [
	['Setup', node, ['test/editor/setup.mjs'], false],
	['Type check', 'npm', ['run', '--silent', 'typecheck'], false],
	['Lint', 'npm', ['run', '--silent', 'lint'], false],
	['Build', node, ['esbuild.mjs', '--tests'], false],
	['Unit tests', node, [mocha, '--config', 'test/unit/.mocharc.json'], true],
	['Contract tests (Composio\'s published answers)', node, [mocha, '--config', 'test/contract/.mocharc.json'], true],
	[() => `In-editor tests (VS Code ${installedVsCodeVersion('current')})`, node, ['out/test/editor/runIntegration.js'], true, { COMPOSIO_EDITOR: 'current' }],
	[() => `Browser tests (VS Code ${installedVsCodeVersion('current')})`, node, [mocha, '--config', 'test/e2e/.mocharc.json'], true, { COMPOSIO_EDITOR: 'current' }],
	[() => `In-editor tests (VS Code ${installedVsCodeVersion('floor')})`, node, ['out/test/editor/runIntegration.js'], true, { COMPOSIO_EDITOR: 'floor' }],
	[() => `Browser tests, key journeys (VS Code ${installedVsCodeVersion('floor')})`, node, [mocha, '--config', 'test/e2e/.mocharc.json', '--grep', FLOOR_JOURNEYS], true, { COMPOSIO_EDITOR: 'floor' }],
	['VSIX contents', node, ['test/editor/package.mjs', '--check'], false],
	// Last: it leaves a production build in dist/.
	['Budgets', node, [mocha, '--config', 'test/budgets/.mocharc.json'], true],
];

let passed = 0;
let failed = 0;
const summary = [];
const started = Date.now();

function run(title, command, args, counts, env = {}) {
	return new Promise((resolve) => {
		console.log(`\n━━ ${title}`);
		const stageStarted = Date.now();
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
		let stagePassed = 0;
		let stageFailed = 0;
		const scan = (text) => {
			for (const m of text.matchAll(/^\s*(\d+) passing\b/gm)) {
				stagePassed += Number(m[1]);
			}
			for (const m of text.matchAll(/^\s*(\d+) failing\b/gm)) {
				stageFailed += Number(m[1]);
			}
		};
		child.stdout.on('data', (d) => {
			process.stdout.write(d);
			if (counts) {
				scan(d.toString());
			}
		});
		child.stderr.on('data', (d) => process.stderr.write(d));
		child.on('close', (exit) => {
			const seconds = ((Date.now() - stageStarted) / 1000).toFixed(1);
			let code = exit ?? 1;
			if (counts && code === 0 && stagePassed === 0) {
				console.error(`${title} ran no tests.`);
				code = 1;
			}
			if (counts) {
				if (code !== 0 && stageFailed === 0) {
					stageFailed = 1; // a stage that died before reporting, or ran nothing, still counts as a failure
				}
				passed += stagePassed;
				failed += stageFailed;
				summary.push(`${title}: ${stagePassed} passed, ${stageFailed} failed (${seconds} s)`);
			} else {
				summary.push(`${title}: ${code === 0 ? 'ok' : `failed (exit ${code})`} (${seconds} s)`);
			}
			resolve(code);
		});
	});
}

let exitCode = 0;
for (const [title, command, args, counts, env] of stages) {
	const code = await run(typeof title === 'function' ? title() : title, command, args, counts, env);
	if (code !== 0) {
		exitCode = code;
		break;
	}
}
console.log('\n━━ Summary');
for (const line of summary) {
	console.log(`  ${line}`);
}
console.log(`tests: ${passed} passed, ${failed} failed (${((Date.now() - started) / 60_000).toFixed(1)} min)`);
process.exit(exitCode);
