/**
 * No request with an old key: when the Composio key and endpoint change (the settings generation
 * ends: ComposioService.endGeneration, which the extension calls from SettingsGenerations), a
 * request in flight is aborted, a retry the SDK had planned is never sent, a wait for a Connect
 * Link stops polling, and every request after the change goes to the new endpoint with the new
 * key. Likewise a model request under an ended generation is aborted and none is sent after.
 * Real SDKs over real HTTP: two emulators (the old endpoint and the new one, each recording the
 * key of every request) and the scripted model; a connection recorder sees every TCP connection.
 */
import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ModelError } from '../../src/agent/modelErrors';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioError } from '../../src/composio/composioErrors';
import { ComposioService } from '../../src/composio/composioService';
import type { ComposioSettings } from '../../src/composio/settings';
import { recordConnections, type ConnectionRecorder } from '../shared/connectionRecorder';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { TestScriptedModel } from '../shared/testScriptedModel';
import { until } from '../shared/until';
import { RecordingLogger } from './fakes/recordingLogger';

const OLD_KEY = 'ck_old_key_1111';
const NEW_KEY = 'ck_new_key_2222';
const USER = 'old-key-user';

function settings(emulator: TestComposioEmulator): ComposioSettings {
	return { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false };
}

function hostPort(baseUrl: string): string {
	const url = new URL(baseUrl);
	return `${url.hostname}:${url.port}`;
}

async function rejectsCancelled(promise: Promise<unknown>, what: string): Promise<void> {
	await assert.rejects(promise, (e: unknown) => {
		assert.ok(e instanceof ComposioError, `${what}: a ComposioError, got ${String(e)}`);
		assert.equal(e.kind, 'cancelled', `${what}: cancelled, got ${e.kind} (${e.detail})`);
		return true;
	});
}

describe('No request with an old key (settings generations; two emulators over HTTP)', function () {
	this.timeout(60_000);
	const oldEndpoint = new TestComposioEmulator({ apiKey: OLD_KEY });
	const newEndpoint = new TestComposioEmulator({ apiKey: NEW_KEY });
	let service: ComposioService;
	let log: RecordingLogger;
	let recorder: ConnectionRecorder;

	before(() => Promise.all([oldEndpoint.start(), newEndpoint.start()]));
	after(() => Promise.all([oldEndpoint.stop(), newEndpoint.stop()]));
	beforeEach(() => {
		oldEndpoint.reset();
		newEndpoint.reset();
		// The SDK's own retries are on (2, as shipped): they must end with the generation too.
		log = new RecordingLogger();
		service = new ComposioService({ clientFactory: new ComposioClientFactory({ logger: log }), pollIntervalMs: 20 });
		recorder = recordConnections();
	});
	afterEach(() => {
		recorder.dispose();
		service.dispose();
	});

	/**
	 * After the change: no request reached the old endpoint (counted when its headers arrive), the
	 * new one got only the new key, and no connection went to any host but the two endpoints. (The
	 * old endpoint may see a bare TCP connection that carries no request: undici reopening after
	 * the aborted request's socket was destroyed.)
	 */
	function assertNothingOld(oldArrivalsAtChange: number, connectionsAtChange: number): void {
		const late = oldEndpoint.arrivals.slice(oldArrivalsAtChange);
		assert.deepEqual(late, [], 'no request reached the old endpoint after the change');
		assert.ok(newEndpoint.arrivals.length > 0, 'the new endpoint was used');
		assert.deepEqual([...new Set(newEndpoint.arrivals.map((r) => r.apiKey))], [NEW_KEY], 'every request after the change carried the new key');
		const endpoints = new Set([hostPort(oldEndpoint.baseUrl), hostPort(newEndpoint.baseUrl)]);
		const others = [...new Set(recorder.targets.slice(connectionsAtChange))].filter((t) => !endpoints.has(t));
		assert.deepEqual(others, [], 'no connection to any other endpoint');
	}

	it('mid-request: the request in flight under the old key is aborted, and the next goes to the new endpoint with the new key', async () => {
		// The old endpoint holds every answer: the session being created waits on it.
		oldEndpoint.injectFault({ delayMs: 30_000, count: Infinity });
		const pending = service.getSession(USER, settings(oldEndpoint));
		pending.catch(() => undefined);
		await until(() => oldEndpoint.requests.length === 1, 'the session request to reach the old endpoint');
		const atChange = oldEndpoint.arrivals.length;
		const connections = recorder.targets.length;
		service.endGeneration();
		await rejectsCancelled(pending, 'the request in flight');
		const session = await service.getSession(USER, settings(newEndpoint));
		await session.tools();
		await session.listAccounts();
		assertNothingOld(atChange, connections);
		assert.equal(oldEndpoint.arrivals[0]?.apiKey, OLD_KEY, 'the old request did carry the old key (the check is not vacuous)');
	});

	it('between retries: a retry the SDK planned under the old key is never sent', async () => {
		// A 503 with retry-after: the SDK answers by sleeping a second, then retrying.
		oldEndpoint.injectFault({ status: 503, retryAfterSeconds: 1, count: Infinity });
		const pending = service.getSession(USER, settings(oldEndpoint));
		pending.catch(() => undefined);
		// The SDK has the 503 and sleeps before its retry (its HTTP client says so in the log).
		await until(() => log.lines.some((l) => /retrying, \d+ attempts remaining/.test(l)), 'the SDK to plan its retry');
		assert.equal(oldEndpoint.arrivals.length, 1, 'one attempt so far');
		const atChange = oldEndpoint.arrivals.length;
		const connections = recorder.targets.length;
		service.endGeneration();
		// Once the SDK call has settled, its retry loop is over: whatever it would have retried, it has not.
		await rejectsCancelled(pending, 'the request between retries');
		await (await service.getSession(USER, settings(newEndpoint))).tools();
		assertNothingOld(atChange, connections);
	});

	it('mid-wait for a Connect Link: the wait ends (cancelled) and stops polling; a wait under the new key polls only the new endpoint', async () => {
		const old = await service.getSession(USER, settings(oldEndpoint));
		const link = await old.authorize('gmail');
		const polls = (e: TestComposioEmulator, id: string): number => e.requests.filter((r) => r.path.includes(`/connected_accounts/${id}`)).length;
		const wait = old.waitForConnection(link.accountId, { signal: new AbortController().signal, timeoutMs: 60_000, intervalMs: 20 });
		wait.catch(() => undefined);
		await until(() => polls(oldEndpoint, link.accountId) >= 3, 'the wait to poll the old endpoint');
		// Hold the next poll at the endpoint, so the change comes while a poll is in flight and nothing else is on its way.
		oldEndpoint.injectFault({ pathIncludes: '/connected_accounts/', delayMs: 30_000, count: Infinity });
		const held = oldEndpoint.requests.length;
		await until(() => oldEndpoint.requests.length > held, 'a poll to be held at the old endpoint');
		const atChange = oldEndpoint.arrivals.length;
		const connections = recorder.targets.length;
		service.endGeneration();
		await rejectsCancelled(wait, 'the wait for the Connect Link');

		// Under the new settings, a wait polls a good many times: time enough for any old poll to show.
		const current = await service.getSession(USER, settings(newEndpoint));
		const next = await current.authorize('gmail');
		const stop = new AbortController();
		const newWait = current.waitForConnection(next.accountId, { signal: stop.signal, timeoutMs: 60_000, intervalMs: 20 });
		newWait.catch(() => undefined);
		await until(() => polls(newEndpoint, next.accountId) >= 10, 'the new wait to poll the new endpoint');
		stop.abort();
		await rejectsCancelled(newWait, 'the new wait, stopped by the test');
		assertNothingOld(atChange, connections);
		assert.ok(oldEndpoint.arrivals.slice(0, atChange).every((r) => r.apiKey === OLD_KEY), 'before the change, the old key went to the old endpoint (the check is not vacuous)');
	});
});

describe('No model request after the settings change (OpenAiModelClient generation)', function () {
	this.timeout(30_000);
	const model = new TestScriptedModel({ chunkDelayMs: 50, wordsPerChunk: 1 });
	const HELLO: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello there, who are you?' }];

	before(() => model.start());
	after(() => model.stop());

	it('a stream in flight is aborted (cancelled), and the client sends nothing more', async () => {
		const generation = new AbortController();
		const client = new OpenAiModelClient({ baseUrl: model.baseUrl, model: 'sandbox-scripted', generation: generation.signal });
		const before = model.requests.length;
		const stream = client.stream({ messages: HELLO, tools: [], signal: new AbortController().signal });
		const first = await stream.next();
		assert.equal(first.value?.type, 'text', 'the answer had started streaming');
		generation.abort();
		await assert.rejects(
			(async () => {
				for (let r = await stream.next(); !r.done; r = await stream.next()) {
					// drain
				}
			})(),
			(e: unknown) => e instanceof ModelError && e.kind === 'cancelled',
		);
		const after = model.requests.length;
		assert.equal(after, before + 1);
		await assert.rejects(
			(async () => {
				for await (const chunk of client.stream({ messages: HELLO, tools: [], signal: new AbortController().signal })) {
					void chunk;
				}
			})(),
			(e: unknown) => e instanceof ModelError && e.kind === 'cancelled',
		);
		assert.equal(model.requests.length, after, 'no request under the ended generation');
	});
});
