/**
 * Live mode, part 1 of 2: a Composio key, `composio.baseUrl` pointing at the runner's emulator
 * (and `composio.openai.baseUrl` at its model, which needs no key),
 * one connected account, the connections loaded once (so the workspace remembers them). The next
 * window (liveAfterReload.ts) then starts in live mode, where an extension that loaded anything
 * at activation would ask Composio for a session at once.
 */
import { until } from '../../shared/until';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SANDBOX_ENV } from '../../../src/sandbox/sandboxServers';
import { activateExtension } from '../helpers';
import { runFiles } from '../index';
import { emulatorAdmin } from '../pickers';

export function run(): Promise<void> {
	return runFiles([], 'Live mode, before a reload', {
		'stores a key, points Composio at the emulator and loads the connections once': async () => {
			const { services } = await activateExtension();
			const emulatorUrl = process.env[SANDBOX_ENV.composioUrl] ?? '';
			const key = process.env[SANDBOX_ENV.composioKey] ?? '';
			assert.ok(emulatorUrl && key, 'the runner named its emulator');
			await vscode.workspace.getConfiguration('composio').update('baseUrl', emulatorUrl, vscode.ConfigurationTarget.Global);
			// A model endpoint that needs no key, so nothing is missing.
			await vscode.workspace.getConfiguration('composio').update('openai.baseUrl', process.env[SANDBOX_ENV.modelUrl], vscode.ConfigurationTarget.Global);
			await services.secrets.set('composioApiKey', key);
			assert.equal(await services.environment.isSandbox(), false, 'live mode');
			await emulatorAdmin(emulatorUrl, 'POST', '/accounts', { userId: await services.userIds.get(), toolkit: 'gmail' });
			await services.connections.refresh();
			assert.equal(services.connections.state.kind, 'loaded');
			await services.statusBar.update();
			assert.equal(services.statusBar.view?.text, '$(plug) Composio: 1 app connected');
			// The refresh learns who the account is and names it in the background: that PATCH lands before the log is cleared.
			await until(() => services.connections.accounts.every((a) => a.alias !== undefined), 'the account named by who it is');
			await emulatorAdmin(emulatorUrl, 'DELETE', '/requests');
		},
	});
}
