import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/vscode/workbench/commandIds';
import { until } from '../shared/until';
import { activateExtension, answerWith, EXTENSION_ID, ScriptedPrompts } from './helpers';

interface Manifest {
	activationEvents?: string[];
	contributes: {
		commands: { command: string; category: string }[];
		views?: Record<string, { id: string }[]>;
		walkthroughs?: { id: string }[];
		mcpServerDefinitionProviders?: { id: string }[];
		chatParticipants?: { id: string }[];
		languageModelTools?: { name: string }[];
	};
}

/** The activation events that name something of the extension's own, by event kind, with the ids it contributes. */
function ownActivationTargets(manifest: Manifest): Record<string, readonly string[]> {
	const c = manifest.contributes;
	return {
		onView: Object.values(c.views ?? {}).flatMap((views) => views.map((v) => v.id)),
		onCommand: c.commands.map((cmd) => cmd.command),
		onWalkthrough: (c.walkthroughs ?? []).map((w) => w.id),
		onMcpServerDefinitionProvider: (c.mcpServerDefinitionProviders ?? []).map((p) => p.id),
		onChatParticipant: (c.chatParticipants ?? []).map((p) => p.id),
		onLanguageModelTool: (c.languageModelTools ?? []).map((t) => t.name),
	};
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
	it('activates lazily: only once the window has started or on its own views, commands and providers (never "*"), and exposes its test API', async () => {
		const ext = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(ext, 'extension is loaded');
		const manifest = ext.packageJSON as Manifest;
		// Events VS Code derives from the contributions (views, commands, providers) need not be
		// listed; whatever is listed must be one of these lazy kinds and name this extension's own.
		const own = ownActivationTargets(manifest);
		for (const event of manifest.activationEvents ?? []) {
			if (event === 'onStartupFinished') {
				continue; // after the window has started, never during startup
			}
			const colon = event.indexOf(':');
			const kind = colon < 0 ? event : event.slice(0, colon);
			const id = colon < 0 ? '' : event.slice(colon + 1);
			assert.ok(own[kind]?.includes(id), `"${event}" names a view, command or provider of this extension (not "*", workspaceContains or another extension's)`);
		}
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
		await until(() => api.services.chatView.isReady, 'the chat webview to say ready');
	});

	it('stores a key set through the command in SecretStorage only, never in a settings file', async () => {
		const api = await activateExtension();
		const { services } = api;
		const key = `ck_test_${Date.now()}_secretvalue`;
		answerWith({ prompts: new ScriptedPrompts([key]) });
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
		answerWith({ prompts: new ScriptedPrompts(['has spaces in it']) });
		const stored = await vscode.commands.executeCommand<boolean>(CommandIds.setOpenAiApiKey);
		assert.equal(stored, false);
		assert.equal(await services.context.secrets.get('composio.openai.apiKey'), undefined);
	});

	it('clears both keys after confirmation', async () => {
		const { services } = await activateExtension();
		// Both keys are set here, whatever ran before: clearing must remove each of them.
		answerWith({ prompts: new ScriptedPrompts(['ck_test_clear_both_0123456789']) });
		assert.equal(await vscode.commands.executeCommand<boolean>(CommandIds.setComposioApiKey), true);
		answerWith({ prompts: new ScriptedPrompts(['sk-test-openai-key-123']) });
		assert.equal(await vscode.commands.executeCommand<boolean>(CommandIds.setOpenAiApiKey), true);
		assert.equal(await services.context.secrets.get('composio.apiKey'), 'ck_test_clear_both_0123456789');
		assert.equal(await services.context.secrets.get('composio.openai.apiKey'), 'sk-test-openai-key-123');
		answerWith({ prompts: new ScriptedPrompts(['Clear Keys']) });
		assert.equal(await vscode.commands.executeCommand<boolean>(CommandIds.clearApiKeys), true);
		assert.equal(await services.context.secrets.get('composio.apiKey'), undefined);
		assert.equal(await services.context.secrets.get('composio.openai.apiKey'), undefined);
	});
});
