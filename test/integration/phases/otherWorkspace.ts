/** Phase 2: a second workspace gets its own user id; it has no git repository. */
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
		'the diff tool says plainly that this workspace has no git repository': async () => {
			const { services } = await activateExtension();
			const result = await (await services.editorTools.toolbox()).run('VSCODE_GET_DIFF', {}, { signal: new AbortController().signal, gated: true });
			assert.equal(result.error, 'No git repository is open in this workspace, so there are no uncommitted changes to show.');
		},
	});
}
