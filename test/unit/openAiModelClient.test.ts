import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ModelChunk } from '../../src/agent/modelClient';
import { ModelError } from '../../src/agent/modelErrors';
import { toModelError } from '../../src/agent/openAiErrors';
import { OpenAiModelClient } from '../../src/agent/openAiModelClient';
import { TestScriptedModel } from '../shared/testScriptedModel';
import { freeLoopbackPort } from '../shared/ports';

const HELLO: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello there, who are you?' }];

function tools(names: string[]): ChatCompletionTool[] {
	return names.map((name) => ({ type: 'function', function: { name, description: name, parameters: { type: 'object', properties: {} } } }));
}

async function collect(stream: AsyncIterable<ModelChunk>): Promise<ModelChunk[]> {
	const chunks: ModelChunk[] = [];
	for await (const chunk of stream) {
		chunks.push(chunk);
	}
	return chunks;
}

/** Runs a request that is expected to fail and returns the ModelError. */
async function failure(client: OpenAiModelClient, messages: ChatCompletionMessageParam[] = HELLO, signal = new AbortController().signal): Promise<ModelError> {
	try {
		await collect(client.stream({ messages, tools: [], signal }));
	} catch (e) {
		assert.ok(e instanceof ModelError, `expected a ModelError, got ${String(e)}`);
		return e;
	}
	assert.fail('the stream should have failed');
}

describe('OpenAiModelClient', () => {
	const model = new TestScriptedModel({ chunkDelayMs: 1 });
	let client: OpenAiModelClient;

	before(async () => {
		await model.start();
		client = new OpenAiModelClient({ baseUrl: model.baseUrl, model: 'sandbox-scripted', maxRetries: 0 });
	});

	after(async () => {
		await model.stop();
	});

	afterEach(() => {
		model.clearFaults();
	});

	it('streams a text answer as text deltas, then usage, then done (no key needed)', async () => {
		const chunks = await collect(client.stream({ messages: HELLO, tools: [], signal: new AbortController().signal }));
		const types = chunks.map((c) => c.type);
		const texts = chunks.filter((c): c is Extract<ModelChunk, { type: 'text' }> => c.type === 'text');
		assert.ok(texts.length > 3, `expected several text deltas, got ${texts.length}`);
		assert.deepEqual(types, [...texts.map(() => 'text'), 'usage', 'done']);
		assert.match(texts.map((t) => t.delta).join(''), /what I can do/);
		const usage = chunks.at(-2);
		assert.ok(usage?.type === 'usage' && usage.promptTokens > 0 && usage.completionTokens > 0);
		assert.deepEqual(chunks.at(-1), { type: 'done', finishReason: 'stop' });
		// With no tools offered, the request carries none.
		assert.deepEqual(model.requests.at(-1)?.tools, []);
	});

	it('assembles streamed tool-call deltas into one toolCalls chunk', async () => {
		const chunks = await collect(
			client.stream({
				messages: [{ role: 'user', content: 'Create a GitHub issue titled "Tabs render twice"' }],
				tools: tools(['GITHUB_CREATE_AN_ISSUE']),
				signal: new AbortController().signal,
			}),
		);
		assert.deepEqual(
			chunks.map((c) => c.type),
			['toolCalls', 'usage', 'done'],
		);
		const calls = chunks[0]?.type === 'toolCalls' ? chunks[0].calls : [];
		assert.equal(calls.length, 1);
		assert.match(calls[0]!.id, /^call_/);
		assert.equal(calls[0]!.name, 'GITHUB_CREATE_AN_ISSUE');
		const args = JSON.parse(calls[0]!.arguments) as Record<string, unknown>;
		assert.equal(args['title'], 'Tabs render twice');
		assert.equal(args['owner'], 'acme');
		assert.deepEqual(chunks.at(-1), { type: 'done', finishReason: 'tool_calls' });
	});

	const faults: { status: number; kind: ModelError['kind']; action: ModelError['action'] }[] = [
		{ status: 401, kind: 'auth', action: 'setOpenAiKey' },
		{ status: 403, kind: 'auth', action: 'setOpenAiKey' },
		{ status: 404, kind: 'notFound', action: 'openSettings' },
		{ status: 429, kind: 'rateLimited', action: 'retry' },
		{ status: 500, kind: 'server', action: 'retry' },
		{ status: 503, kind: 'server', action: 'retry' },
		{ status: 400, kind: 'badRequest', action: 'openSettings' },
	];
	for (const f of faults) {
		it(`maps HTTP ${f.status} to a '${f.kind}' error with action '${String(f.action)}'`, async () => {
			model.injectFault({ status: f.status });
			const error = await failure(client);
			assert.equal(error.kind, f.kind);
			assert.equal(error.action, f.action);
			assert.equal(error.status, f.status);
			assert.doesNotMatch(error.message, /[{}]/, 'no JSON in the message');
			assert.ok(!(error.stack ?? '').split('\n')[0]!.includes('{'));
		});
	}

	it('names the model in a notFound message and the wait in a rateLimited one', async () => {
		model.injectFault({ status: 404 });
		assert.match((await failure(client)).message, /"sandbox-scripted"/);
		model.injectFault({ status: 429, retryAfterSeconds: 12 });
		assert.match((await failure(client)).message, /12 seconds/);
	});

	it("maps a model's own \"context too long\" answer (400 context_length_exceeded) to contextTooLong with Choose Model", async () => {
		model.injectFault({ status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens." });
		const coded = await failure(client);
		assert.equal(coded.kind, 'contextTooLong');
		assert.equal(coded.action, 'chooseModel');
		assert.match(coded.message, /too long for sandbox-scripted's context window/);
		assert.match(coded.detail ?? '', /maximum context length is 8192 tokens/);
		// Servers that only say it in words (and 413) count too.
		model.injectFault({ status: 400, code: 'invalid_request', message: 'Input is too long for requested model.' });
		assert.equal((await failure(client)).kind, 'contextTooLong');
		model.injectFault({ status: 413 });
		assert.equal((await failure(client)).kind, 'contextTooLong');
		// The scripted model refuses what is longer than its window, as a real model does.
		model.setContextWindow(10);
		try {
			const refused = await failure(client);
			assert.equal(refused.kind, 'contextTooLong');
			assert.match(refused.detail ?? '', /maximum context length is 10 tokens/);
		} finally {
			model.setContextWindow(undefined);
		}
	});

	it('maps a stream cut mid-way to streamCut with retry', async () => {
		model.injectFault({ cutAfterChunks: 2 });
		const seen: ModelChunk[] = [];
		let error: unknown;
		try {
			for await (const chunk of client.stream({ messages: HELLO, tools: [], signal: new AbortController().signal })) {
				seen.push(chunk);
			}
		} catch (e) {
			error = e;
		}
		assert.ok(error instanceof ModelError);
		assert.equal(error.kind, 'streamCut');
		assert.equal(error.action, 'retry');
		assert.ok(!seen.some((c) => c.type === 'done'));
	});

	it('maps a stream that ends cleanly but without a finish reason to streamCut', async () => {
		// A bare server standing in for a provider that drops the end of its reply.
		const server = createHttpServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const chunk = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Half an ans' }, finish_reason: null }] };
			res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const partial = new OpenAiModelClient({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 });
			const error = await failure(partial);
			assert.equal(error.kind, 'streamCut');
			assert.equal(error.action, 'retry');
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it('maps an unreachable server to unreachable with retry', async () => {
		const port = await freeLoopbackPort();
		const offline = new OpenAiModelClient({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 });
		const error = await failure(offline);
		assert.equal(error.kind, 'unreachable');
		assert.equal(error.action, 'retry');
	});

	it('succeeds after a single 500 when retries are allowed', async () => {
		const retrying = new OpenAiModelClient({ baseUrl: model.baseUrl, model: 'sandbox-scripted', maxRetries: 2 });
		const before = model.requests.length;
		model.injectFault({ status: 500, retryAfterSeconds: 0 });
		const chunks = await collect(retrying.stream({ messages: HELLO, tools: [], signal: new AbortController().signal }));
		assert.deepEqual(chunks.at(-1), { type: 'done', finishReason: 'stop' });
		assert.equal(model.requests.length, before + 2);
	});

	it('ends promptly with a cancelled error when aborted mid-stream', async () => {
		const slow = new TestScriptedModel({ chunkDelayMs: 100, wordsPerChunk: 1 });
		await slow.start();
		try {
			const slowClient = new OpenAiModelClient({ baseUrl: slow.baseUrl, model: 'm', maxRetries: 0 });
			const controller = new AbortController();
			const texts: string[] = [];
			let error: unknown;
			try {
				for await (const chunk of slowClient.stream({ messages: HELLO, tools: [], signal: controller.signal })) {
					if (chunk.type === 'text') {
						texts.push(chunk.delta);
						if (texts.length === 2) {
							controller.abort();
						}
					}
				}
			} catch (e) {
				error = e;
			}
			assert.ok(error instanceof ModelError, String(error));
			assert.equal(error.kind, 'cancelled');
			assert.equal(error.action, undefined);
			// The full answer is dozens of one-word chunks; the abort stopped it right away.
			assert.ok(texts.length <= 3, `got ${texts.length} chunks after aborting`);
		} finally {
			await slow.stop();
		}
	});

	it('throws cancelled at once for a signal that is already aborted, without a request', async () => {
		const before = model.requests.length;
		const controller = new AbortController();
		controller.abort();
		const error = await failure(client, HELLO, controller.signal);
		assert.equal(error.kind, 'cancelled');
		assert.equal(model.requests.length, before);
	});

	it('never puts the API key in an error', async () => {
		const locked = new TestScriptedModel({ chunkDelayMs: 0, requireKey: 'the-right-key' });
		await locked.start();
		try {
			const key = 'sk-proj-SECRETsecret1234567890abcdef';
			const wrong = new OpenAiModelClient({ apiKey: key, baseUrl: locked.baseUrl, model: 'm', maxRetries: 0 });
			const error = await failure(wrong);
			assert.equal(error.kind, 'auth');
			assert.equal(error.action, 'setOpenAiKey');
			assert.match(error.message, /rejected the API key/);
			for (const text of [error.message, error.detail ?? '', String(error), JSON.stringify(error), error.stack ?? '']) {
				assert.ok(!text.includes(key) && !text.includes('SECRETsecret'), text);
			}
			// The right key works.
			const right = new OpenAiModelClient({ apiKey: 'the-right-key', baseUrl: locked.baseUrl, model: 'm', maxRetries: 0 });
			const chunks = await collect(right.stream({ messages: HELLO, tools: [], signal: new AbortController().signal }));
			assert.equal(chunks.at(-1)?.type, 'done');
			// No key at all against a server that needs one is an auth error too.
			const none = new OpenAiModelClient({ baseUrl: locked.baseUrl, model: 'm', maxRetries: 0 });
			assert.equal((await failure(none)).kind, 'auth');
		} finally {
			await locked.stop();
		}
	});

	it('redacts key-like text in provider messages mapped by toModelError', () => {
		const error = toModelError(new Error('bad key sk-live-abcdef1234567890'));
		assert.ok(!`${error.message} ${error.detail ?? ''}`.includes('abcdef1234567890'));
		assert.equal(toModelError(error), error);
		const abort = new Error('aborted');
		abort.name = 'AbortError';
		assert.equal(toModelError(abort).kind, 'cancelled');
	});
});
