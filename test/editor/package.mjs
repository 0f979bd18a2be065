// Packages the extension as a VSIX with @vscode/vsce, checks that it holds only what ships,
// and prints its size. Run through `npm run package` (which builds with --production first).
//   node test/editor/package.mjs [--check]   --check: list and verify the contents only
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const run = (args) => execFileSync(process.execPath, [vsce, ...args, '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const files = run(['ls']).split('\n').map((l) => l.trim()).filter(Boolean);
const forbidden = files.filter((f) => /^(src|test|out|node_modules|\.ci|\.sandbox-state|test-results)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
const required = ['package.json', 'README.md', 'dist/extension.js', 'dist/webview/chat.js', 'media/chat.css'];
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
if (process.argv.includes('--check')) {
	process.exit(0);
}
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = `${name}-${version}.vsix`;
run(['package', '--out', out, '--skip-license', '--allow-missing-repository']);
const size = statSync(join(root, out)).size;
console.log(`Built ${out}: ${(size / 1024).toFixed(1)} KiB (${size} bytes)`);
