import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { userIdSecretKey } from '../../src/composio/userIds';
import { CommandIds } from '../../src/vscode/workbench/commandIds';
import { currentWorkspaceIdentity, UserIdStore } from '../../src/vscode/settings/userIdStore';
import type { SecretStore } from '../../src/common/secrets';
import { activateExtension, answerWith, ScriptedPrompts, sharedDir } from './helpers';

const GENERATED = /^vscode-[A-Za-z0-9_-]{16}$/;

describe('Per-workspace user id', () => {
	after(async () => {
		// The next phases (another workspace, then this one again) compare against this.
		const { services } = await activateExtension();
		writeFileSync(join(sharedDir(), 'workspace-a.txt'), await services.userIds.get());
	});

	it('is generated on first use, URL-safe, and kept in SecretStorage under a workspace-namespaced key', async () => {
		const { services } = await activateExtension();
		const [first, second] = await Promise.all([services.userIds.get(), services.userIds.get()]);
		assert.match(first, GENERATED);
		assert.equal(second, first, 'concurrent first calls agree on one id');
		const key = userIdSecretKey(currentWorkspaceIdentity());
		assert.notEqual(key, userIdSecretKey(undefined), 'a folder window does not use the shared default key');
		assert.equal(await services.context.secrets.get(key), first);
	});

	it('Show User ID shows it and Copy puts it on the clipboard', async () => {
		const { services } = await activateExtension();
		const prompts = new ScriptedPrompts(['Copy']);
		answerWith({ prompts });
		await vscode.env.clipboard.writeText('');
		const shown = await vscode.commands.executeCommand<string>(CommandIds.showUserId);
		assert.equal(shown, await services.userIds.get());
		assert.ok(prompts.asked[0]?.includes(shown), 'the notice names the id');
		assert.equal(await vscode.env.clipboard.readText(), shown);
	});

	it('an id set while the first read is still under way is kept (the read does not store a generated id over it)', async () => {
		const stored = new Map<string, string>();
		let release: () => void = () => undefined;
		const slowFirstRead = new Promise<void>((resolve) => (release = resolve));
		let reads = 0;
		const secrets = {
			// The first read sees the store as it is when asked (nothing yet) and answers late.
			getRaw: async (key: string) => {
				const value = stored.get(key);
				if (reads++ === 0) {
					await slowFirstRead;
				}
				return value;
			},
			setRaw: (key: string, value: string) => Promise.resolve(void stored.set(key, value)),
		} as unknown as SecretStore;
		const store = new UserIdStore(secrets, () => 'file:///race');
		const first = store.get();
		const setting = store.set('chosen-by-the-user');
		release();
		await Promise.all([first, setting]);
		assert.equal(await store.get(), 'chosen-by-the-user');
		assert.deepEqual([...stored.values()], ['chosen-by-the-user']);
		store.dispose();
	});

	it('Set User ID refuses an invalid id, stores a valid one, and the next session uses it', async () => {
		const { services } = await activateExtension();
		const before = await services.session();
		answerWith({ prompts: new ScriptedPrompts(['not valid!']) });
		assert.equal(await vscode.commands.executeCommand(CommandIds.setUserId), undefined);
		answerWith({ prompts: new ScriptedPrompts(['alice@example.com']) });
		assert.equal(await vscode.commands.executeCommand(CommandIds.setUserId), 'alice@example.com');
		assert.equal(await services.userIds.get(), 'alice@example.com');
		const after = await services.session();
		assert.equal(after.userId, 'alice@example.com');
		assert.notEqual(after.sessionId, before.sessionId, 'changing the id drops the cached session');
	});

	it('Reset User ID asks first, then generates a new id', async () => {
		const { services } = await activateExtension();
		const current = await services.userIds.get();
		answerWith({ prompts: new ScriptedPrompts([undefined]) });
		assert.equal(await vscode.commands.executeCommand(CommandIds.resetUserId), undefined);
		assert.equal(await services.userIds.get(), current, 'dismissing keeps the id');
		answerWith({ prompts: new ScriptedPrompts(['Reset']) });
		const fresh = await vscode.commands.executeCommand<string>(CommandIds.resetUserId);
		assert.match(fresh ?? '', GENERATED);
		assert.notEqual(fresh, current);
		assert.equal(await services.userIds.get(), fresh);
	});
});
