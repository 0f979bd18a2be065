/** Phase 3: the first workspace, in a freshly loaded window, still has its id. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activateExtension, sharedDir } from '../helpers';
import { runFiles } from '../index';

export function run(): Promise<void> {
	return runFiles([], 'Per-workspace user id, after a reload', {
		'is the one the first workspace had': async () => {
			const { services } = await activateExtension();
			assert.equal(await services.userIds.get(), readFileSync(join(sharedDir(), 'workspace-a.txt'), 'utf8'));
		},
	});
}
