/** Phase 2: a second workspace gets its own user id. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activateExtension, sharedDir } from '../helpers';
import { runFiles } from '../index';

export function run(): Promise<void> {
	return runFiles([], 'Per-workspace user id, second workspace', {
		'differs from the first workspace': async () => {
			const { services } = await activateExtension();
			const a = readFileSync(join(sharedDir(), 'workspace-a.txt'), 'utf8');
			const b = await services.userIds.get();
			assert.match(b, /^vscode-/);
			assert.notEqual(b, a);
			writeFileSync(join(sharedDir(), 'workspace-b.txt'), b);
		},
	});
}
