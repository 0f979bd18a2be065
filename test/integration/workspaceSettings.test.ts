/**
 * Inside a real VS Code: the session the extension creates has the remote workbench off (neither
 * COMPOSIO_REMOTE_WORKBENCH nor COMPOSIO_REMOTE_BASH_TOOL among its tools) until the user's
 * `composio.workbench.enabled` turns it on; a workspace value for it, or for the endpoints, is not
 * applied; and a workspace `composio.approval` applies only where it asks more than the user's.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

const CODE_TOOLS = ['COMPOSIO_REMOTE_WORKBENCH', 'COMPOSIO_REMOTE_BASH_TOOL'];
const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('composio');

async function toolNames(): Promise<string[]> {
	const { services } = await activateExtension();
	const session = await services.session();
	return (await session.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
}

describe('Settings a workspace may not set, and the remote workbench', () => {
	afterEach(async () => {
		await config().update('workbench.enabled', undefined, vscode.ConfigurationTarget.Global);
		await config().update('approval', undefined, vscode.ConfigurationTarget.Global);
		await config().update('approval', undefined, vscode.ConfigurationTarget.Workspace);
	});

	it("the extension's session has neither workbench tool; the user's composio.workbench.enabled adds both", async () => {
		const { services } = await activateExtension();
		await services.secrets.delete('composioApiKey');
		const off = await toolNames();
		assert.ok(off.includes('COMPOSIO_MANAGE_CONNECTIONS'), off.join(', '));
		assert.deepEqual(off.filter((t) => CODE_TOOLS.includes(t)), []);

		await config().update('workbench.enabled', true, vscode.ConfigurationTarget.Global);
		const on = await toolNames();
		assert.deepEqual(on.filter((t) => CODE_TOOLS.includes(t)), CODE_TOOLS);
	});

	it('VS Code refuses a workspace value for an application-scoped setting', async () => {
		await assert.rejects(Promise.resolve(config().update('baseUrl', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Workspace)));
		await assert.rejects(Promise.resolve(config().update('workbench.enabled', true, vscode.ConfigurationTarget.Workspace)));
	});

	it('a workspace approval mode applies where it asks more, not where it asks less', async () => {
		const { services } = await activateExtension();
		await config().update('approval', 'writes', vscode.ConfigurationTarget.Global);
		await config().update('approval', 'never', vscode.ConfigurationTarget.Workspace);
		assert.equal(services.approval.mode(), 'writes', 'a looser workspace value is ignored');
		await config().update('approval', 'all', vscode.ConfigurationTarget.Workspace);
		assert.equal(services.approval.mode(), 'all', 'a stricter one applies');
	});
});
