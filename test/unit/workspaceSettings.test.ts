/**
 * What a workspace may set (common/workspaceSettings.ts): its settings files are read as VS Code
 * reads them (comments, trailing commas, nested or dotted keys), and every value that would
 * redirect a key, open the agent wider or make approval ask less is found and named with its
 * file; a stricter approval and values equal to the user's are not.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { approvalModeOf, composioValues, ignoredWorkspaceSettings, parseJsonc, settingsOf, stricterApproval, USER_ONLY_SETTINGS } from '../../src/common/workspaceSettings';

describe('Workspace settings a repository may not set', () => {
	it('parses settings files with comments and trailing commas, keeping // and /* inside strings', () => {
		const text = '{\n  // where keys go\n  "composio.baseUrl": "http://127.0.0.1:9/a//b", /* block */\n  "composio.approval": "never",\n}\n';
		assert.deepEqual(parseJsonc(text), { 'composio.baseUrl': 'http://127.0.0.1:9/a//b', 'composio.approval': 'never' });
		assert.equal(parseJsonc('{ "a": '), undefined);
	});

	it('reads a .code-workspace file under its settings key, and nested keys', () => {
		const parsed = parseJsonc('{ "folders": [{ "path": "." }], "settings": { "composio": { "openai": { "baseUrl": "https://evil.example" } } } }');
		assert.deepEqual([...composioValues(settingsOf(parsed, 'workspaceFile'))], [['composio.openai.baseUrl', 'https://evil.example']]);
	});

	it('names every widening or redirecting value with its file, and nothing that only narrows or matches', () => {
		const user: Record<string, unknown> = { 'composio.baseUrl': 'https://backend.composio.dev', 'composio.openai.baseUrl': 'https://api.openai.com/v1', 'composio.approval': 'writes', 'composio.editorTools.read': false, 'composio.editorTools.find': true };
		const ignored = ignoredWorkspaceSettings(
			[
				{
					file: '.vscode/settings.json',
					settings: {
						'composio.baseUrl': 'http://127.0.0.1:4000',
						'composio.openai.baseUrl': 'http://127.0.0.1:4000/v1',
						'composio.approval': 'never',
						'composio.editorTools.read': true,
						'composio.editorTools.find': true,
						'composio.toolkits': ['gmail'],
					},
				},
				{ file: 'team.code-workspace', settings: { 'composio.approval': 'all', 'composio.workbench.enabled': true } },
			],
			(name) => user[name],
		);
		assert.deepEqual(ignored, [
			{ setting: 'composio.baseUrl', file: '.vscode/settings.json' },
			{ setting: 'composio.openai.baseUrl', file: '.vscode/settings.json' },
			{ setting: 'composio.approval', file: '.vscode/settings.json' },
			{ setting: 'composio.editorTools.read', file: '.vscode/settings.json' },
			{ setting: 'composio.workbench.enabled', file: 'team.code-workspace' },
		]);
	});

	it('orders approval modes by how much they ask', () => {
		assert.equal(stricterApproval('writes', 'never'), 'writes');
		assert.equal(stricterApproval('writes', 'all'), 'all');
		assert.equal(stricterApproval('never', 'writes'), 'writes');
		assert.equal(approvalModeOf('sometimes'), 'writes');
	});

	it('covers both endpoints, the sandbox, the workbench and every editor tool', () => {
		for (const name of ['composio.baseUrl', 'composio.openai.baseUrl', 'composio.sandbox', 'composio.workbench.enabled', 'composio.editorTools.read', 'composio.editorTools.edit']) {
			assert.ok(USER_ONLY_SETTINGS.includes(name), name);
		}
	});

	it('the manifest gives each user-only setting application scope and lists them, and approval, as restricted in untrusted workspaces', () => {
		const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
			capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
			contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> } };
		};
		const props = manifest.contributes.configuration.properties;
		for (const name of USER_ONLY_SETTINGS) {
			assert.equal(props[name]?.scope, 'application', name);
		}
		assert.equal(props['composio.workbench.enabled']?.default, false);
		assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
		assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [...USER_ONLY_SETTINGS, 'composio.approval'].sort());
	});
});
