/**
 * Live mode, part 2 of 2 (after liveBeforeReload.ts, in the same folder): the extension activates
 * at startup with a key set and loads nothing heavy and asks nothing of the network; the status
 * bar shows the accounts the workspace remembers. Then the connections load when asked.
 * Puts the key and the settings back at the end.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from '../../shared/until';
import { activateExtension, EXTENSION_ID, loadedFiles, sandboxRequests } from '../helpers';
import { runFiles } from '../index';

export function run(): Promise<void> {
	const root = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri.fsPath ?? '';
	return runFiles([], 'Live mode, after a reload', {
		'activates at startup without loading an SDK or asking Composio anything; the status bar shows what was last seen': async () => {
			const ext = vscode.extensions.getExtension(EXTENSION_ID);
			assert.ok(ext);
			await until(() => ext.isActive, 'the extension to activate at startup');
			const { services } = await activateExtension();
			assert.equal(await services.environment.isSandbox(), false, 'live mode, with a key');
			await services.statusBar.update();
			assert.equal(services.statusBar.view?.text, '$(plug) Composio: 1 app connected', 'the last known summary, from workspace state');
			assert.match(services.statusBar.view?.tooltip ?? '', /when last checked/);
			assert.equal(services.connections.state.kind, 'idle', 'nothing loaded');
			assert.deepEqual(loadedFiles(root), ['extension.js'], 'only the activation bundle was evaluated');
			assert.deepEqual((await sandboxRequests()).composio, [], 'no request reached Composio');
		},
		'asks Composio once the connections are needed': async () => {
			const { services } = await activateExtension();
			try {
				await services.connections.refresh();
				assert.equal(services.connections.state.kind, 'loaded');
				assert.ok(loadedFiles(root).includes('lazy/composio.js'));
				const { composio } = await sandboxRequests();
				assert.ok(composio.includes('POST /api/v3.1/tool_router/session') && composio.some((r) => r.startsWith('GET /api/v3.1/connected_accounts')), composio.join(', '));
				await services.statusBar.update();
				assert.doesNotMatch(services.statusBar.view?.tooltip ?? '', /when last checked/);
			} finally {
				await services.secrets.delete('composioApiKey');
				for (const setting of ['baseUrl', 'openai.baseUrl']) {
					await vscode.workspace.getConfiguration('composio').update(setting, undefined, vscode.ConfigurationTarget.Global);
				}
			}
		},
	});
}
