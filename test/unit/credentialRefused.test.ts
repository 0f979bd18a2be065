/**
 * A credential its provider revoked while Composio still says ACTIVE, end to end over HTTP (the
 * real SDKs against the emulator and the scripted model): the tool answers with the provider's
 * refusal (`invalid_grant`), the account list still reads ACTIVE, and the chat offers Reconnect
 * for that account all the same; once reconnected, the call runs again and the task finishes.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialRefused } from '../../src/agent/accountHealth';
import { ChatSession } from '../../src/agent/chatSession';
import { ConversationStore } from '../../src/agent/conversationStore';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { AccountIdentities, MemoryIdentityStore } from '../../src/composio/accountIdentities';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import type { TranscriptItem } from '../../src/protocol/transcript';
import { TestSandbox } from '../shared/sandbox';
import { until } from '../shared/until';
import { assertConsistent } from './fakes/assertions';
import { RecordingLogger } from './fakes/recordingLogger';

type AuthItem = Extract<TranscriptItem, { kind: 'auth' }>;

describe('A provider’s refusal of a credential Composio still calls ACTIVE', function () {
	this.timeout(60_000);

	it('is told from other failures by its words', () => {
		for (const said of ['Gmail API error: invalid_grant (Token has been expired or revoked.)', 'Bad credentials', '401 Unauthorized', 'token_revoked', 'The access token is invalid']) {
			assert.ok(credentialRefused(said), said);
		}
		for (const said of ['Gmail is not connected.', 'Rate limit exceeded', 'Repository not found', 'Missing required field "to"']) {
			assert.ok(!credentialRefused(said), said);
		}
	});

	const sandbox = new TestSandbox({ model: { chunkDelayMs: 0, wordsPerChunk: 40 } });
	const { emulator: emu, model: scripted } = sandbox;
	let root: string;

	before(async () => {
		await sandbox.start();
		root = await fs.mkdtemp(join(tmpdir(), 'credential-refused-'));
	});

	after(async () => {
		await sandbox.stop();
		await fs.rm(root, { recursive: true, force: true });
	});

	it('the chat offers Reconnect for the account the call ran as, and the call runs again once it is reconnected', async () => {
		const user = `refused-${Math.random().toString(36).slice(2)}`;
		const old = emu.seedAccount(user, 'gmail');
		emu.setAccountProfile(old, { revokedUpstream: true });
		const log = new RecordingLogger();
		const factory = new ComposioClientFactory({ logger: log, maxRetries: 0 });
		const service = new ComposioService({ clientFactory: factory, pollIntervalMs: 25 });
		const identities = new AccountIdentities(new MemoryIdentityStore(), { logger: log });
		const chat = new ChatSession({
			store: new ConversationStore(join(root, user), { logger: log }),
			logger: log,
			setup: async () => ({
				model: new OpenAiModelClient({ baseUrl: scripted.baseUrl, model: 'sandbox-scripted', maxRetries: 0 }),
				session: await service.getSession(user, { apiKey: emu.apiKey, baseUrl: emu.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false }),
				maxTurns: 8,
				authPollIntervalMs: 25,
				identities,
			}),
		});
		try {
			assert.equal(emu.accounts().find((a) => a.id === old)?.status, 'ACTIVE', 'precondition: Composio still says ACTIVE');
			const card = (): AuthItem | undefined => chat.current.items.find((i): i is AuthItem => i.kind === 'auth');
			const sending = chat.send('Summarize my emails');
			await until(() => card()?.status === 'waiting', 'the Reconnect card');
			const shown = card()!;
			assert.equal(shown.reconnect?.accountId, old, 'a Reconnect of the account the call ran as');
			assert.match(shown.reason ?? '', /Gmail refused its sign-in: .*invalid_grant/);
			emu.completeLink(shown.url, { decision: 'authorize' });
			assert.equal(await sending, 'completed');
			const answer = [...chat.current.items].reverse().find((i) => i.kind === 'assistant');
			assert.match(answer?.kind === 'assistant' ? answer.text : '', /Inbox summary/);
			const gmail = emu.accounts().filter((a) => a.user_id === user && a.toolkit.slug === 'gmail');
			assert.deepEqual(gmail.map((a) => [a.id === old ? 'old' : 'new', a.status]), [['new', 'ACTIVE']], 'the refused account is replaced');
			assertConsistent(chat.current.messages);
		} finally {
			chat.dispose();
			await chat.idle();
			identities.dispose();
			service.dispose();
			factory.dispose();
		}
	});
});
