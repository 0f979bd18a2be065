/**
 * What ships, measured: a production build (minified, as the VSIX holds it) and the VSIX itself.
 * Shared by the budgets in `npm test` and by `npm run bench`. Leaves the production build in dist/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../editor/codeServer';

/** One bundle: its size and the packages (node_modules folders) it holds. */
export interface BundleSize {
	readonly file: string;
	readonly bytes: number;
	/** Packages bundled into it, e.g. `openai`, `@composio/core`. */
	readonly packages: readonly string[];
}

/** The sizes of everything that ships. */
export interface ShippedSizes {
	/** dist/extension.js: what activation loads. */
	readonly activation: BundleSize;
	/** dist/lazy/*.js, by name: what loads on first use. */
	readonly lazy: Readonly<Record<string, BundleSize>>;
	/** dist/webview/chat.js. */
	readonly webview: BundleSize;
	readonly vsixBytes: number;
}

interface Metafile {
	outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

function packageOf(input: string): string | undefined {
	const parts = input.split('/');
	const at = parts.lastIndexOf('node_modules');
	if (at < 0) {
		return undefined;
	}
	const name = parts[at + 1] ?? '';
	return name.startsWith('@') ? `${name}/${parts[at + 2] ?? ''}` : name;
}

function bundle(meta: string, file: string): BundleSize {
	const metafile = JSON.parse(readFileSync(join(repoRoot, 'out', 'meta', `${meta}.json`), 'utf8')) as Metafile;
	const output = metafile.outputs[file];
	if (!output) {
		throw new Error(`${file} is not an output of the ${meta} build`);
	}
	const packages = new Set<string>();
	for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
		const name = packageOf(input);
		if (name && bytesInOutput > 0) {
			packages.add(name);
		}
	}
	return { file, bytes: output.bytes, packages: [...packages].sort() };
}

/** Builds for production, packages the VSIX, and measures both. Takes some seconds. */
export function measureShippedSizes(): ShippedSizes {
	// The packaging script builds with --production first (vscode:prepublish), then runs vsce.
	execFileSync(process.execPath, [join(repoRoot, 'test', 'editor', 'package.mjs')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
	const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
	return {
		activation: bundle('extension', 'dist/extension.js'),
		lazy: Object.fromEntries(['composio', 'agent', 'model', 'vscodeModel', 'vscodeChat', 'sandbox', 'authConfigs'].map((n) => [n, bundle(`lazy-${n}`, `dist/lazy/${n}.js`)])),
		webview: bundle('webview', 'dist/webview/chat.js'),
		vsixBytes: statSync(join(repoRoot, `${name}-${version}.vsix`)).size,
	};
}

/** Bytes as the tables print them: kB (1 kB = 1,000 bytes), or MB past a million. */
export function formatBytes(bytes: number): string {
	return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(2)} MB` : `${(bytes / 1000).toFixed(1)} kB`;
}
