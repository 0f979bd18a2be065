// Builds the extension host bundle, the webview bundle, the sandbox CLI and (with --tests) the test suites.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what the VSIX ships)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       also bundle test/unit and test/integration into out/
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** @type {import('esbuild').BuildOptions} */
const common = {
	bundle: true,
	minify: production,
	sourcemap: production ? false : 'linked',
	logLevel: 'info',
	legalComments: production ? 'none' : 'inline',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
	{
		...common,
		entryPoints: { extension: 'src/extension.ts' },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
		// The Composio and OpenAI SDKs are ESM; the bundle gives them a CJS home.
		mainFields: ['module', 'main'],
		define: { 'import.meta.url': 'importMetaUrl' },
		banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
	},
	{
		...common,
		entryPoints: { 'webview/chat': 'src/webview/main.ts' },
		outdir: 'dist',
		platform: 'browser',
		format: 'iife',
		target: 'es2022',
	},
	{
		...common,
		entryPoints: { sandbox: 'src/sandbox/cli.ts' },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
	},
];

/** Lists the .ts files below a folder, recursively. */
function tsFiles(dir, suffix) {
	try {
		return readdirSync(dir, { recursive: true })
			.map(String)
			.filter((f) => f.endsWith(suffix) && !f.includes('node_modules'))
			.map((f) => join(dir, f));
	} catch {
		return [];
	}
}

if (tests) {
	const entryPoints = [...tsFiles('test/unit', '.ts'), ...tsFiles('test/integration', '.ts'), ...tsFiles('test/e2e', '.ts'), ...tsFiles('test/bench', '.ts'), ...readdirSync('test/editor').filter((f) => f.endsWith('.ts')).map((f) => join('test/editor', f))];
	builds.push({
		bundle: true,
		sourcemap: 'inline',
		logLevel: 'warning',
		entryPoints,
		outbase: 'test',
		outdir: 'out/test',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		// Tests load the real SDKs and mocha from node_modules, as the product does once bundled.
		packages: 'external',
	});
	// The test-only extension that offers scripted models through VS Code's language model API:
	// installed into a throwaway extensions folder, so it carries its dependencies.
	builds.push({
		bundle: true,
		sourcemap: 'inline',
		logLevel: 'warning',
		entryPoints: { extension: 'test/lmExtension/extension.ts' },
		outdir: 'out/test/lmExtension',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
		mainFields: ['module', 'main'],
	});
}

/** Codicons ship as a font and a stylesheet; the webview loads them from dist. */
function copyAssets() {
	mkdirSync('dist/codicons', { recursive: true });
	cpSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/codicons/codicon.css');
	cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/codicons/codicon.ttf');
}

copyAssets();
if (watch) {
	const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
	await Promise.all(contexts.map((c) => c.watch()));
	console.log('[watch] watching for changes');
} else {
	await Promise.all(builds.map((b) => esbuild.build(b)));
}
