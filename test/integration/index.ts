/**
 * The in-editor test entry point: VS Code loads this file in the extension host and calls
 * `run()`. The same shape @vscode/test-electron expects, so it works there unchanged.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** Runs every *.test.js beside this file; rejects when any test fails. */
export function run(): Promise<void> {
	const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
	for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
		mocha.addFile(join(__dirname, file));
	}
	return new Promise((resolve, reject) => {
		mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-editor test(s) failed.`)) : resolve()));
	});
}
