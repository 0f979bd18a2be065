import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/vscode/commandIds';
import { activateExtension, EXTENSION_ID, ScriptedPrompts, waitFor } from './helpers';

interface Manifest {
	activationEvents: string[];
	contributes: { commands: { command: string; category: string }[] };
}

/** Every settings-like file the editor could have written: user settings, workspace settings, global storage. */
function settingsFiles(context: vscode.ExtensionContext): string[] {
	const files: string[] = [];
	const userDir = join(context.globalStorageUri.fsPath, '..', '..');
	const candidates = [join(userDir, 'settings.json')];
	for (const folder of vscode.workspace.workspaceFolders ?? []) {
		candidates.push(join(folder.uri.fsPath, '.vscode', 'settings.json'));
	}
	const walk = (dir: string) => {
		if (!existsSync(dir)) {
			return;
		}
		for (const name of readdirSync(dir)) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) {
				walk(p);
			} else {
				files.push(p);
			}
		}
	};
	walk(context.globalStorageUri.fsPath);
	if (context.storageUri) {
		walk(context.storageUri.fsPath);
	}
	return [...candidates.filter((p) => existsSync(p)), ...files];
}

describe('Extension in a real VS Code', () => {
	it('activates lazily (no "*" activation) and exposes its test API', async () => {
		const ext = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(ext, 'extension is loaded');
		const manifest = ext.packageJSON as Manifest;
		assert.ok(!manifest.activationEvents.includes('*'));
		const api = await activateExtension();
		assert.ok(ext.isActive);
		assert.ok(api.services);
	});

	it('registers every command in package.json, all under the Composio category', async () => {
		const ext = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(ext);
		const manifest = ext.packageJSON as Manifest;
		const registered = new Set(await vscode.commands.getCommands(true));
		const contributed = manifest.contributes.commands.map((c) => c.command);
		for (const id of contributed) {
			assert.ok(registered.has(id), `${id} is registered`);
		}
		for (const c of manifest.contributes.commands) {
			assert.equal(c.category, 'Composio', `${c.command} category`);
		}
		assert.deepEqual(new Set(Object.values(CommandIds)), new Set(contributed), 'CommandIds matches package.json');
	});

	it('resolves the chat view, which says ready', async () => {
		const api = await activateExtension();
		await vscode.commands.executeCommand(CommandIds.openChat);
		await waitFor(() => api.services.chatView.isReady, 'the chat webview to say ready');
	});

	it('stores a key set through the command in SecretStorage only, never in a settings file', async () => {
		const api = await activateExtension();
		const { services } = api;
		const key = `ck_test_${Date.now()}_secretvalue`;
		services.prompts = new ScriptedPrompts([key]);
		const stored = await vscode.commands.executeCommand<boolean>(CommandIds.setComposioApiKey);
		assert.equal(stored, true);
		assert.equal(await services.context.secrets.get('composio.apiKey'), key, 'the key is in SecretStorage');
		assert.equal(await services.secrets.source('composioApiKey'), 'stored');

		const files = settingsFiles(services.context);
		assert.ok(files.length > 0, 'there is at least one settings file to check');
		for (const file of files) {
			assert.ok(!readFileSync(file, 'utf8').includes(key), `${file} does not hold the key`);
		}
		const config = JSON.stringify(vscode.workspace.getConfiguration('composio'));
		assert.ok(!config.includes(key), 'the composio configuration does not hold the key');
		for (const k of services.context.globalState.keys()) {
			assert.ok(!JSON.stringify(services.context.globalState.get(k)).includes(key), `globalState ${k} does not hold the key`);
		}
	});

	it('refuses a malformed key and keeps nothing', async () => {
		const { services } = await activateExtension();
		await services.secrets.delete('openAiApiKey');
		services.prompts = new ScriptedPrompts(['has spaces in it']);
		const stored = await vscode.commands.executeCommand<boolean>(CommandIds.setOpenAiApiKey);
		assert.equal(stored, false);
		assert.equal(await services.context.secrets.get('composio.openai.apiKey'), undefined);
	});

	it('clears both keys after confirmation', async () => {
		const { services } = await activateExtension();
		services.prompts = new ScriptedPrompts(['sk-test-openai-key-123']);
		assert.equal(await vscode.commands.executeCommand<boolean>(CommandIds.setOpenAiApiKey), true);
		services.prompts = new ScriptedPrompts(['Clear Keys']);
		assert.equal(await vscode.commands.executeCommand<boolean>(CommandIds.clearApiKeys), true);
		assert.equal(await services.context.secrets.get('composio.apiKey'), undefined);
		assert.equal(await services.context.secrets.get('composio.openai.apiKey'), undefined);
	});
});
