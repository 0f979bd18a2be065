/**
 * The live check's journey, in the real extension host (`npm run test:live` against Composio;
 * `npm test` runs it against the emulator standing in). Its settings come from the runner in
 * `COMPOSIO_LIVE_CHECK` (JSON: the base URL of the runner's recording proxy, the toolkit, the
 * longest wait for the Connect Link, a fresh user id, the folder to hand the link over in) and
 * the key in `COMPOSIO_LIVE_CHECK_KEY`. What it creates (the account) it deletes; the settings
 * it changes it puts back.
 */
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { PROFILE_TOOLS } from '../../../src/composio/accountIdentities';
import type { ToolSession } from '../../../src/composio/toolSession';
import { until } from '../../shared/until';
import { activateExtension } from '../helpers';

/** What the runner hands the journey. */
export interface LiveCheckConfig {
	readonly baseUrl: string;
	readonly toolkit: string;
	readonly connectTimeoutMs: number;
	readonly userId: string;
	/** The folder the journey writes `live-check-link.txt` (the Connect Link) and `live-check.log` (its steps) into. */
	readonly shared: string;
}

export const LINK_FILE = 'live-check-link.txt';
export const STEPS_FILE = 'live-check.log';

function readConfig(): LiveCheckConfig {
	const text = process.env.COMPOSIO_LIVE_CHECK;
	assert.ok(text, 'COMPOSIO_LIVE_CHECK is set by the runner');
	return JSON.parse(text) as LiveCheckConfig;
}

describe('The live check: a fresh user, a Connect Link, a read-only tool, who the account is, a disconnect', function () {
	const config = readConfig();
	const key = process.env.COMPOSIO_LIVE_CHECK_KEY ?? '';
	this.timeout(config.connectTimeoutMs + 180_000);
	const profile = PROFILE_TOOLS[config.toolkit];
	let api: TestApi;
	let previousUserId = '';
	let session: ToolSession | undefined;
	let accountId: string | undefined;
	const step = (line: string): void => appendFileSync(join(config.shared, STEPS_FILE), `${line}\n`);
	const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('composio');

	before(async () => {
		assert.ok(key, 'COMPOSIO_LIVE_CHECK_KEY is set by the runner');
		assert.ok(profile, `${config.toolkit} has a read-only profile tool (one of ${Object.keys(PROFILE_TOOLS).join(', ')})`);
		api = await activateExtension();
		previousUserId = await api.services.userIds.get();
		await api.services.userIds.set(config.userId);
		await settings().update('baseUrl', config.baseUrl, vscode.ConfigurationTarget.Global);
		await api.services.secrets.set('composioApiKey', key);
		await until(async () => (await api.services.resolveEnvironment()).mode === 'live', 'live mode on the runner\'s endpoint');
	});

	after(async () => {
		if (session && accountId) {
			await session.disconnect(accountId).catch(() => undefined);
		}
		await api.services.secrets.delete('composioApiKey');
		await settings().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
		if (previousUserId) {
			await api.services.userIds.set(previousUserId);
		}
	});

	it('runs the journey', async () => {
		const toolkit = config.toolkit;
		const s = await api.services.sessionWithKey();
		session = s;
		step(`session ${s.sessionId} for user ${config.userId}`);

		const names = (await s.tools()).flatMap((t) => (t.type === 'function' ? [t.function.name] : []));
		assert.ok(names.includes('COMPOSIO_SEARCH_TOOLS') && names.includes('COMPOSIO_MULTI_EXECUTE_TOOL'), names.join(', '));
		step(`tools: ${names.join(', ')}`);
		const search = await s.execute('COMPOSIO_SEARCH_TOOLS', { queries: [{ use_case: `read my ${toolkit} profile` }] });
		assert.equal(search.error, null, search.error ?? '');

		// Not connected yet: Composio refuses the tool, and the extension reads that as the tool's answer.
		const before = await s.execute(profile!.slug, {});
		assert.equal(before.refusal, 'notConnected', JSON.stringify(before));
		step(`before connecting, ${profile!.slug}: ${before.error ?? ''}`);

		const request = await s.authorize(toolkit);
		writeFileSync(join(config.shared, LINK_FILE), request.redirectUrl);
		step(`Connect Link for ${toolkit} (account ${request.accountId}): waiting up to ${Math.round(config.connectTimeoutMs / 1000)} s`);
		const outcome = await s.waitForConnection(request.accountId, { signal: new AbortController().signal, timeoutMs: config.connectTimeoutMs, intervalMs: 2_000 });
		assert.equal(outcome.status, 'ACTIVE', `the account is active (${outcome.status}${'reason' in outcome && outcome.reason ? `: ${outcome.reason}` : ''})`);
		accountId = request.accountId;
		step(`connected: ${accountId}`);

		const manage = await s.execute('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: [toolkit] });
		assert.equal(manage.error, null, manage.error ?? '');

		// One read-only tool, the way the agent runs app tools.
		const read = await s.execute('COMPOSIO_MULTI_EXECUTE_TOOL', { tools: [{ tool_slug: profile!.slug, arguments: {} }], sync_response_to_workbench: false });
		assert.equal(read.error, null, read.error ?? '');
		step(`${profile!.slug} ran through COMPOSIO_MULTI_EXECUTE_TOOL`);

		const account = (await s.listAccounts(toolkit)).find((a) => a.id === accountId);
		assert.ok(account, 'the account is listed');
		const identity = await api.services.identities.learn(s, account, { retry: true });
		assert.ok(identity?.name, `who the account is (${identity?.error ?? 'no name'})`);
		step(`the account is ${identity.name}`);

		await s.disconnect(account.id);
		assert.ok(!(await s.listAccounts(toolkit)).some((a) => a.id === account.id), 'the account is gone');
		accountId = undefined;
		step('disconnected; the account is deleted');
	});
});
