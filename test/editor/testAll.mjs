// `npm test`: every stage in order, stopping at the first failure, then one closing line
// that totals the tests run ("tests: N passed, N failed").
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const node = process.execPath;

/** [title, command, args, counts tests] */
const stages = [
	['Setup', node, ['test/editor/setup.mjs'], false],
	['Type check', 'npm', ['run', '--silent', 'typecheck'], false],
	['Lint', 'npm', ['run', '--silent', 'lint'], false],
	['Build', node, ['esbuild.mjs', '--tests'], false],
	['Unit tests', node, [mocha, '--config', 'test/unit/.mocharc.json'], true],
	['In-editor tests', node, ['out/test/editor/runIntegration.js'], true],
	['Browser tests', node, [mocha, '--config', 'test/e2e/.mocharc.json'], true],
	['VSIX contents', node, ['test/editor/package.mjs', '--check'], false],
];

let passed = 0;
let failed = 0;
const summary = [];

function run(title, command, args, counts) {
	return new Promise((resolve) => {
		console.log(`\n━━ ${title}`);
		const started = Date.now();
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
		child.on('close', (code) => {
			const seconds = ((Date.now() - started) / 1000).toFixed(1);
			if (counts) {
				passed += stagePassed;
				failed += stageFailed;
				summary.push(`${title}: ${stagePassed} passed, ${stageFailed} failed (${seconds} s)`);
			} else {
				summary.push(`${title}: ${code === 0 ? 'ok' : `failed (exit ${code})`} (${seconds} s)`);
			}
			resolve(code ?? 1);
		});
	});
}

let exitCode = 0;
for (const [title, command, args, counts] of stages) {
	const code = await run(title, command, args, counts);
	if (code !== 0) {
		exitCode = code;
		if (counts && failed === 0) {
			failed += 1; // a stage that died before reporting still counts as a failure
		}
		break;
	}
}
console.log('\n━━ Summary');
for (const line of summary) {
	console.log(`  ${line}`);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(exitCode);
