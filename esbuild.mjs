// Builds the extension host bundles, the webview bundle, the sandbox CLI and (with --tests) the test suites.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what the VSIX ships)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       also bundle test/unit and test/integration into out/
//
// The extension host code is split so that activation loads only what registers the views,
// commands, status bar and providers (dist/extension.js). What is heavy loads on first use, each
// from a bundle of its own under dist/lazy/: in the source, `import('./composio/composioRuntime')`
// and the like (see LAZY_BUNDLES) become `require('./lazy/composio.js')` in the built file.
// Each build's metafile goes to out/meta/<name>.json (sizes and inputs, for the budgets and the benchmark).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Bundles loaded on first use: name → entry module. Only `import()` may reach an entry. */
const LAZY_BUNDLES = {
	composio: 'src/composio/composioRuntime.ts',
	agent: 'src/agent/agentRuntime.ts',
	model: 'src/agent/modelRuntime.ts',
	vscodeModel: 'src/vscode/models/vsCodeModelRuntime.ts',
	vscodeChat: 'src/vscode/vscodeChat/vsCodeChatRuntime.ts',
	sandbox: 'src/sandbox/sandboxRuntime.ts',
	authConfigs: 'src/vscode/connections/authConfigRuntime.ts',
};

/**
 * Turns `import()` of a lazy bundle's entry into a `require` of its built file (relative to the
 * importing bundle), and refuses a static import of one, which would pull it into activation.
 */
function lazyBundles(outfile) {
	const names = new Map(Object.entries(LAZY_BUNDLES).map(([name, entry]) => [resolve(entry), name]));
	return {
		name: 'lazy-bundles',
		setup(build) {
			build.onResolve({ filter: /Runtime$/ }, (args) => {
				const name = names.get(resolve(args.resolveDir, `${args.path}.ts`));
				if (!name) {
					return undefined;
				}
				if (args.kind !== 'dynamic-import') {
					return { errors: [{ text: `${args.path} is the entry of the lazy bundle "${name}": load it with import(), or import only its types.` }] };
				}
				let path = relative(dirname(outfile), join('dist', 'lazy', `${name}.js`)).replaceAll('\\', '/');
				if (!path.startsWith('.')) {
					path = `./${path}`;
				}
				return { path, external: true };
			});
		},
	};
}

/** @type {import('esbuild').BuildOptions} */
const common = {
	bundle: true,
	minify: production,
	sourcemap: production ? false : 'linked',
	logLevel: 'info',
	legalComments: production ? 'none' : 'inline',
	metafile: true,
};

/** Options shared by every bundle that runs in the extension host. */
function hostBundle(name, entry) {
	const outfile = join('dist', `${name}.js`);
	return {
		...common,
		entryPoints: { [name]: entry },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
		// `import()` becomes `require()`: the lazy bundles are CommonJS files beside this one.
		supported: { 'dynamic-import': false },
		plugins: [lazyBundles(outfile)],
		// The Composio and OpenAI SDKs are ESM; the bundle gives them a CJS home.
		mainFields: ['module', 'main'],
		define: { 'import.meta.url': 'importMetaUrl' },
		banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
	};
}

/** @type {Record<string, import('esbuild').BuildOptions>} */
const builds = {
	extension: hostBundle('extension', 'src/extension.ts'),
	...Object.fromEntries(Object.entries(LAZY_BUNDLES).map(([name, entry]) => [`lazy-${name}`, hostBundle(`lazy/${name}`, entry)])),
	webview: {
		...common,
		entryPoints: { 'webview/chat': 'src/webview/main.ts' },
		outdir: 'dist',
		platform: 'browser',
		format: 'iife',
		target: 'es2022',
	},
	sandboxCli: {
		...common,
		entryPoints: { sandbox: 'src/sandbox/cli.ts' },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
	},
};

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
	const entryPoints = [...tsFiles('test/unit', '.ts'), ...tsFiles('test/integration', '.ts'), ...tsFiles('test/e2e', '.ts'), ...tsFiles('test/bench', '.ts'), ...tsFiles('test/budgets', '.ts'), ...tsFiles('test/contract', '.ts'), ...tsFiles('test/live', '.ts'), 'test/shared/sdkSchemaGuard.ts', ...readdirSync('test/editor').filter((f) => f.endsWith('.ts')).map((f) => join('test/editor', f))];
	builds.tests = {
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
	};
	// The test-only extension that offers scripted models through VS Code's language model API:
	// installed into a throwaway extensions folder, so it carries its dependencies.
	builds.lmExtension = {
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
	};
}

/** Codicons ship as a font and a stylesheet; the webview loads them from dist. */
function copyAssets() {
	mkdirSync('dist/codicons', { recursive: true });
	cpSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/codicons/codicon.css');
	cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/codicons/codicon.ttf');
}

/** Keeps each build's metafile (what went into which output, and how big it came out). */
function saveMetafile(name, result) {
	if (result.metafile) {
		mkdirSync('out/meta', { recursive: true });
		writeFileSync(join('out', 'meta', `${name}.json`), JSON.stringify(result.metafile));
	}
}

copyAssets();
if (watch) {
	const contexts = await Promise.all(Object.values(builds).map((options) => esbuild.context({ ...options, metafile: false })));
	await Promise.all(contexts.map((c) => c.watch()));
	console.log('[watch] watching for changes');
} else {
	await Promise.all(Object.entries(builds).map(async ([name, options]) => saveMetafile(name, await esbuild.build(options))));
}
