/** The VS Code language model suite: run in its own window, on a VS Code (1.104+) with the test-only scripted models installed. */
import { join } from 'node:path';
import { runFiles } from '../index';

export function run(): Promise<void> {
	return runFiles([join(__dirname, '..', 'models', 'vscodeModels.test.js')]);
}
