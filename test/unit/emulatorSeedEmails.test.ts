/**
 * The emulator's test hook for app data: messages seeded into a user's inbox come back,
 * byte for byte and newest first, from GMAIL_FETCH_EMAILS through the real Composio SDK.
 */
import assert from 'node:assert/strict';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import { nullLogger } from '../../src/common/logger';
import { TestComposioEmulator } from '../shared/testComposioEmulator';

const USER = 'seed-emails-user';

interface FetchedMessage {
	sender: string;
	subject: string;
	messageText: string;
}

describe('TestComposioEmulator.seedEmails (test hook)', function () {
	this.timeout(20_000);
	const emu = new TestComposioEmulator();
	let factory: ComposioClientFactory;
	let service: ComposioService;

	before(() => emu.start());
	after(() => emu.stop());
	beforeEach(() => {
		emu.reset();
		factory = new ComposioClientFactory({ logger: nullLogger, maxRetries: 0 });
		service = new ComposioService({ clientFactory: factory });
	});
	afterEach(() => {
		service.dispose();
		factory.dispose();
	});

	async function fetchInbox(): Promise<FetchedMessage[]> {
		const session = await service.getSession(USER, { apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false });
		const result = await session.execute('GMAIL_FETCH_EMAILS', { max_results: 50 }, { signal: new AbortController().signal });
		assert.equal(result.error, null);
		return (result.data as { messages: FetchedMessage[] }).messages;
	}

	it('puts hostile text at the top of the inbox as given, keeping the seeded mail unless told to replace it', async () => {
		emu.seedAccount(USER, 'gmail');
		const hostile = '<img src=x onerror=alert(1)>';
		const ids = emu.seedEmails(USER, [
			{ from: hostile, subject: '"><script>alert(1)</script>', body: 'first' },
			{ from: 'b@example.com', subject: 'second', body: hostile },
		]);
		assert.equal(ids.length, 2);
		const inbox = await fetchInbox();
		assert.deepEqual(
			inbox.slice(0, 2).map((m) => [m.sender, m.subject, m.messageText]),
			[
				[hostile, '"><script>alert(1)</script>', 'first'],
				['b@example.com', 'second', hostile],
			],
		);
		assert.ok(inbox.length > 2, 'the seeded inbox is still there');

		emu.seedEmails(USER, [{ from: 'only@example.com', subject: 'only' }], { replace: true });
		assert.deepEqual(
			(await fetchInbox()).map((m) => m.subject),
			['only'],
		);
	});

	it('takes the same over its admin route, and refuses malformed input', async () => {
		emu.seedAccount(USER, 'gmail');
		const url = `${emu.baseUrl}/_emulator/users/${USER}/emails`;
		const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace: true, emails: [{ from: 'x@example.com', subject: 'over http' }] }) });
		assert.equal(ok.status, 201);
		assert.deepEqual(
			(await fetchInbox()).map((m) => m.subject),
			['over http'],
		);
		const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emails: [{ subject: 'no sender' }] }) });
		assert.equal(bad.status, 400);
		await bad.text();
	});
});
