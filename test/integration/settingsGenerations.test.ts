/**
 * The settings generations in the real extension host: a change of an endpoint setting ends the
 * generation at once (other composio.* settings do not), and a wait for a Connect Link that was
 * polling through the extension's own Composio session ends ('cancelled') and polls no more,
 * while a wait started after the change polls on. test/unit/oldKey.test.ts covers the requests
 * themselves (in flight, between retries) against an old and a new endpoint.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ComposioError } from '../../src/composio/composioErrors';
import { SANDBOX_ENV } from '../../src/sandbox/sandboxServers';
import { until } from '../shared/until';
import { activateExtension } from './helpers';
import { emulatorAdmin } from './pickers';

describe('Settings generations (no request under changed settings)', () => {
	const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('composio');

	it('an endpoint setting ends the generation at once; a setting that moves no request does not', async () => {
		const { services } = await activateExtension();
		const first = services.generations.signal;
		await config().update('agent.maxTurns', 13, vscode.ConfigurationTarget.Global);
		await config().update('agent.maxTurns', undefined, vscode.ConfigurationTarget.Global);
		assert.equal(first.aborted, false, 'composio.agent.maxTurns moves no request');
		await config().update('openai.baseUrl', 'http://127.0.0.1:9/v1', vscode.ConfigurationTarget.Global);
		assert.equal(first.aborted, true, 'composio.openai.baseUrl ended it');
		const second = services.generations.signal;
		assert.equal(second.aborted, false, 'a new generation began');
		await config().update('openai.baseUrl', undefined, vscode.ConfigurationTarget.Global);
		assert.equal(second.aborted, true);
	});

	it('a Connect Link wait in the extension ends when the settings change, and its account is polled no more', async () => {
		const { services } = await activateExtension();
		const emulatorUrl = process.env[SANDBOX_ENV.composioUrl] ?? '';
		assert.ok(emulatorUrl, 'the runner named its emulator');
		const polls = async (accountId: string): Promise<number> => {
			const { requests } = (await emulatorAdmin(emulatorUrl, 'GET', '/requests')) as { requests: Array<{ path: string }> };
			return requests.filter((r) => r.path.includes(`/connected_accounts/${accountId}`)).length;
		};
		const old = await services.session();
		const link = await old.authorize('gmail');
		const wait = old.waitForConnection(link.accountId, { signal: new AbortController().signal, timeoutMs: 60_000, intervalMs: 50 });
		wait.catch(() => undefined);
		await until(async () => (await polls(link.accountId)) >= 2, 'the wait to poll');
		await config().update('openai.baseUrl', 'http://127.0.0.1:9/v1', vscode.ConfigurationTarget.Global);
		try {
			await assert.rejects(wait, (e: unknown) => e instanceof ComposioError && e.kind === 'cancelled');
			const pollsAtEnd = await polls(link.accountId);
			// A wait under the new generation polls many times: time enough for the old one to show, were it still polling.
			const current = await services.session();
			const next = await current.authorize('gmail');
			const stop = new AbortController();
			const newWait = current.waitForConnection(next.accountId, { signal: stop.signal, timeoutMs: 60_000, intervalMs: 50 });
			newWait.catch(() => undefined);
			await until(async () => (await polls(next.accountId)) >= 6, 'the new wait to poll');
			stop.abort();
			assert.equal(await polls(link.accountId), pollsAtEnd, 'the old wait polled no more');
		} finally {
			await config().update('openai.baseUrl', undefined, vscode.ConfigurationTarget.Global);
		}
	});
});
