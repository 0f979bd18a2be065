/**
 * The guard that holds the emulator to the SDK's own schemas (test/shared/sdkSchemaGuard.ts,
 * loaded for every unit and contract test): an answer with one field broken makes the SDK log
 * its schema failure, which the guard turns into a failed test.
 */
import assert from 'node:assert/strict';
import { Composio, OpenAIProvider } from '@composio/core';
import { ReplayServer } from '../contract/replayServer';
import { loadFixtures } from '../contract/fixtures';
import { mochaHooks, takeSchemaFailures } from '../shared/sdkSchemaGuard';

describe('The SDK schema guard', () => {
	const account = loadFixtures().get('account-active')?.response as Record<string, unknown>;

	async function readAccount(body: unknown): Promise<void> {
		const server = new ReplayServer([{ method: 'GET', path: /^\/api\/v3\.1\/connected_accounts\/[^/]+$/, status: 200, body }]);
		await server.start();
		try {
			const composio = new Composio({ apiKey: 'ak_guard', baseURL: server.baseUrl, allowTracking: false, disableVersionCheck: true, provider: new OpenAIProvider() });
			await composio.connectedAccounts.get('ca_1');
		} finally {
			await server.stop();
		}
	}

	it('notes nothing for an answer that fits the schema', async () => {
		await readAccount(account);
		assert.deepEqual(takeSchemaFailures(), []);
	});

	it('fails the test when one field of an answer breaks the SDK\'s schema', async () => {
		await readAccount({ ...account, status: 42 });
		const noted = takeSchemaFailures();
		assert.equal(noted.length, 1, 'the SDK logged its schema failure');
		assert.match(noted[0] ?? '', /Transform validation failed[\s\S]*status/);
		// Had the test not taken it, the guard's after-each hook fails the test with it.
		await readAccount({ ...account, status: 42 });
		assert.throws(() => mochaHooks.afterEach(), /The Composio SDK's own schema did not fit an answer during this test:[\s\S]*status/);
	});
});
