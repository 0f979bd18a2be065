/**
 * The in-editor test entry point: VS Code loads this file in the extension host and calls
 * `run()`. The same shape @vscode/test-electron expects, so it works there unchanged.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * Runs these compiled mocha files, and these tests defined in code; rejects when any test fails.
 * `COMPOSIO_TEST_GREP` (in the editor's environment) runs only the tests whose titles match it.
 */
export function runFiles(files: string[], title?: string, tests: Record<string, () => Promise<void>> = {}): Promise<void> {
	const grep = process.env.COMPOSIO_TEST_GREP;
	const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
	for (const file of files) {
		mocha.addFile(file);
	}
	if (title) {
		const suite = Mocha.Suite.create(mocha.suite, title);
		for (const [name, fn] of Object.entries(tests)) {
			suite.addTest(new Mocha.Test(name, fn));
		}
	}
	return new Promise((resolve, reject) => {
		mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-editor test(s) failed.`)) : resolve()));
	});
}

/** Runs every *.test.js beside this file. */
export function run(): Promise<void> {
	return runFiles(
		readdirSync(__dirname)
			.filter((f) => f.endsWith('.test.js'))
			.sort()
			.map((f) => join(__dirname, f)),
	);
}
