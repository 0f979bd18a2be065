// Installs what `npm start` and `npm test` need on a fresh machine, and skips what is there:
// Debian packages (chromium for the browser tests; libkrb5-dev and ripgrep to build code-server
// offline) and code-server itself in this folder. Says plainly what is missing when it can't.
//   node test/editor/setup.mjs [--no-browser]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const needBrowser = !process.argv.includes('--no-browser');
const CODE_SERVER_VERSION = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies['code-server'];
const codeServerDir = join(here, 'node_modules', 'code-server');

function say(line) {
	console.log(`[setup] ${line}`);
}

function fail(lines) {
	for (const line of lines) {
		console.error(`[setup] ${line}`);
	}
	process.exit(1);
}

function codeServerReady() {
	try {
		const pkg = JSON.parse(readFileSync(join(codeServerDir, 'package.json'), 'utf8'));
		return (
			pkg.version === CODE_SERVER_VERSION &&
			existsSync(join(codeServerDir, 'out', 'node', 'entry.js')) &&
			existsSync(join(codeServerDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))
		);
	} catch {
		return false;
	}
}

const debNeeded = [];
const haveCodeServer = codeServerReady();
if (needBrowser && !existsSync('/usr/bin/chromium')) {
	debNeeded.push('chromium');
}
if (!haveCodeServer) {
	if (!existsSync('/usr/include/gssapi/gssapi.h')) {
		debNeeded.push('libkrb5-dev');
	}
	if (!existsSync('/usr/bin/rg')) {
		debNeeded.push('ripgrep');
	}
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

if (haveCodeServer) {
	say(`code-server ${CODE_SERVER_VERSION}: present.`);
} else {
	say(`Installing code-server ${CODE_SERVER_VERSION} into test/editor (about a minute) …`);
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
	const env = {
		...process.env,
		npm_config_unsafe_perm: 'true', // its postinstall refuses to run as root otherwise
		npm_config_yes: 'true', // node-pty's postinstall runs npx node-gyp
	};
	const args = existsSync(join(here, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
	const result = spawnSync('npm', args, { cwd: here, stdio: 'inherit', env });
	if (result.status !== 0 || !codeServerReady()) {
		fail([
			`Installing code-server failed (npm exit ${result.status}).`,
			'It needs the Debian packages libkrb5-dev and ripgrep, and the npm registry.',
			'Run `node test/editor/setup.mjs` again to retry; the output above says what broke.',
		]);
	}
	say('code-server installed.');
}
