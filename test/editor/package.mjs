// Packages the extension as a VSIX with @vscode/vsce (no skip flags), checks that it holds only
// what ships and that vsce printed no warning, and prints its size. `npm run package` builds with
// --production first; `npm test` runs it with --check, which packages into a temporary folder.
//   node test/editor/package.mjs [--check]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const check = process.argv.includes('--check');

/** Runs vsce; fails on a non-zero exit or on any warning it prints (stdout or stderr). */
function run(args) {
	const result = spawnSync(process.execPath, [vsce, ...args, '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	const output = `${result.stdout}${result.stderr}`;
	const warnings = output.split('\n').filter((line) => /\bWARNING\b/i.test(line));
	if (result.status !== 0 || warnings.length > 0) {
		console.error(output);
		console.error(warnings.length > 0 ? `vsce printed ${warnings.length} warning(s):\n  ${warnings.join('\n  ')}` : `vsce ${args[0]} failed (exit ${result.status}).`);
		process.exit(1);
	}
	return result.stdout;
}

const files = run(['ls']).split('\n').map((l) => l.trim()).filter(Boolean);
const forbidden = files.filter((f) => /^(src|test|out|node_modules|\.ci|\.sandbox-state|test-results)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
const required = ['package.json', 'package.nls.json', 'l10n/bundle.l10n.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png', 'dist/extension.js', 'dist/lazy/composio.js', 'dist/lazy/agent.js', 'dist/lazy/model.js', 'dist/lazy/sandbox.js', 'dist/webview/chat.js', 'media/chat.css'];
const missing = required.filter((f) => !files.includes(f));
console.log(`VSIX contents (${files.length} files):\n  ${files.join('\n  ')}`);
if (forbidden.length > 0 || missing.length > 0) {
	if (forbidden.length > 0) {
		console.error(`These must not ship: ${forbidden.join(', ')}`);
	}
	if (missing.length > 0) {
		console.error(`These must ship but are missing (build first): ${missing.join(', ')}`);
	}
	process.exit(1);
}
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const folder = check ? mkdtempSync(join(tmpdir(), 'composio-vsix-')) : root;
const out = join(folder, `${name}-${version}.vsix`);
try {
	run(['package', '--out', out]);
	const size = statSync(out).size;
	console.log(`${check ? 'Packaged (check)' : 'Built'} ${check ? `${name}-${version}.vsix` : out}: ${(size / 1024).toFixed(1)} KiB (${size} bytes), no vsce warnings`);
} finally {
	if (check) {
		rmSync(folder, { recursive: true, force: true });
	}
}
