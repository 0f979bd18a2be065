// `npm run test:stress`: the in-editor and browser suites on the current VS Code while every core
// is kept busy by a CPU hog this script starts and stops itself. The hog is one spinning child
// process per core; each also ends by itself after HOG_LIMIT_MS, so a hog outlives nothing even if
// this script is killed with SIGKILL. Prints one line per suite (passed, failed, seconds) and exits
// non-zero on any failure. `--runs N` repeats the suites N times in a row under the same hog.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedVsCodeVersion } from './editors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const node = process.execPath;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 1;
/** The longest a hog spins (per run asked for): far beyond the suites' own time limits. */
const HOG_LIMIT_MS = runs * 45 * 60_000;
const cores = availableParallelism();

/** One child per core, spinning until killed or until its own deadline. */
function startHog() {
	const spin = `const end = Date.now() + ${HOG_LIMIT_MS}; let x = 0; while (Date.now() < end) { x = (x + Math.sqrt(x + 1)) % 1e9; }`;
	return Array.from({ length: cores }, () => spawn(node, ['-e', spin], { stdio: 'ignore' }));
}

let hogs = [];
function stopHog() {
	for (const child of hogs) {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}
	}
	hogs = [];
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		stopHog();
		process.exit(130);
	});
}
process.on('exit', stopHog);

/** Runs one suite; resolves to [exit code, passed, failed, seconds] from mocha's summary lines. */
function suite(command, args, env, counts = true) {
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
		let passed = 0;
		let failed = 0;
		child.stdout.on('data', (d) => {
			process.stdout.write(d);
			for (const m of d.toString().matchAll(/^\s*(\d+) passing\b/gm)) passed += Number(m[1]);
			for (const m of d.toString().matchAll(/^\s*(\d+) failing\b/gm)) failed += Number(m[1]);
		});
		child.stderr.on('data', (d) => process.stderr.write(d));
		child.on('close', (exit) => {
			let code = exit ?? 1;
			if (counts && code === 0 && passed === 0) code = 1; // ran nothing: not a pass
			if (counts && code !== 0 && failed === 0) failed = 1;
			resolve([code, passed, failed, (Date.now() - started) / 1000]);
		});
	});
}

const build = await suite(node, ['esbuild.mjs', '--tests'], {}, false);
if (build[0] !== 0) {
	console.error('Build failed.');
	process.exit(1);
}
const version = installedVsCodeVersion('current');
const suites = [
	[`In-editor tests (VS Code ${version})`, node, ['out/test/editor/runIntegration.js']],
	[`Browser tests (VS Code ${version})`, node, [mocha, '--config', 'test/e2e/.mocharc.json']],
];
const summary = [];
let exitCode = 0;
const started = Date.now();
hogs = startHog();
console.log(`━━ CPU hog: ${hogs.length} spinning processes (one per core), for at most ${HOG_LIMIT_MS / 60_000} min`);
try {
	for (let run = 1; run <= runs && exitCode === 0; run++) {
		for (const [title, command, args] of suites) {
			console.log(`\n━━ Run ${run}/${runs}: ${title}, under load`);
			const [code, passed, failed, seconds] = await suite(command, args, { COMPOSIO_EDITOR: 'current' });
			summary.push(`run ${run}: ${title}: ${passed} passed, ${failed} failed (${seconds.toFixed(1)} s)`);
			if (code !== 0) {
				exitCode = code;
				break;
			}
		}
	}
} finally {
	stopHog();
}
console.log('\n━━ Stress summary');
for (const line of summary) console.log(`  ${line}`);
console.log(`stress: ${exitCode === 0 ? 'green' : 'FAILED'} (${((Date.now() - started) / 60_000).toFixed(1)} min under a ${cores}-core hog)`);
process.exit(exitCode);
