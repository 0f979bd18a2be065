import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { ContextFittingModelClient } from '../../src/agent/contextFittingModelClient';
import { estimateTokens, messageTokens } from '../../src/agent/contextWindow';
import type { ModelChunk, ModelClient, ModelRequest } from '../../src/agent/modelClient';
import { ModelError } from '../../src/agent/modelErrors';
import { FakeModel } from './fakes/fakeModel';

const count = (text: string): Promise<number> => Promise.resolve(estimateTokens(text));

function history(turns: number): ChatCompletionMessageParam[] {
	return Array.from({ length: turns }, (_, i): ChatCompletionMessageParam[] => [
		{ role: 'user', content: `Question ${i}: ${'words '.repeat(50)}` },
		{ role: 'assistant', content: `Answer ${i}: ${'more words '.repeat(50)}` },
	]).flat();
}

async function collect(stream: AsyncIterable<ModelChunk>): Promise<ModelChunk[]> {
	const out: ModelChunk[] = [];
	for await (const c of stream) {
		out.push(c);
	}
	return out;
}

async function sentTokens(request: ModelRequest): Promise<number> {
	let sum = request.tools.length > 0 ? await count(JSON.stringify(request.tools)) : 0;
	for (const m of request.messages) {
		sum += await messageTokens(m, count);
	}
	return sum;
}

const TOOLS: ChatCompletionTool[] = [{ type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', description: 'Fetch emails', parameters: { type: 'object', properties: {} } } }];

describe('ContextFittingModelClient', () => {
	it('passes a request that fits through untouched, with no contextTrimmed chunk', async () => {
		const inner = new FakeModel([[{ type: 'text', delta: 'Hi' }, { type: 'done', finishReason: 'stop' }]]);
		const client = new ContextFittingModelClient(inner, { maxInputTokens: 100_000, count: (t) => count(t) }, { label: 'Test model' });
		const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hello' }];
		const chunks = await collect(client.stream({ messages, tools: TOOLS, signal: new AbortController().signal }));
		assert.deepEqual(chunks.map((c) => c.type), ['text', 'done']);
		assert.deepEqual(inner.requests[0]?.messages, messages);
		assert.equal(client.model, 'fake');
	});

	it('fits a long conversation into the limit (tool definitions and a margin included) and says so first', async () => {
		const inner = new FakeModel([[{ type: 'text', delta: 'ok' }, { type: 'done', finishReason: 'stop' }]]);
		const client = new ContextFittingModelClient(inner, { maxInputTokens: 2_000, count: (t) => count(t) }, { label: 'Small model' });
		const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'sys' }, ...history(40), { role: 'user', content: 'latest question' }];
		const chunks = await collect(client.stream({ messages, tools: TOOLS, signal: new AbortController().signal }));
		assert.equal(chunks[0]?.type, 'contextTrimmed');
		assert.deepEqual(chunks.slice(1).map((c) => c.type), ['text', 'done']);
		const trimmed = chunks[0];
		assert.ok(trimmed?.type === 'contextTrimmed' && trimmed.leftOut.summarizedMessages > 0 && trimmed.maxInputTokens === 2_000);
		const sent = inner.requests[0]!;
		assert.ok((await sentTokens(sent)) <= 2_000 * 0.97, 'what was sent fits, tools included');
		assert.deepEqual(sent.messages.at(-1), { role: 'user', content: 'latest question' });
		assert.equal(messages.length, 82, 'the caller’s messages are untouched');
	});

	it('when the model still says "context too long" before answering, fits again into less and tries once more', async () => {
		const tooLong = new ModelError('contextTooLong', 'too long');
		const requests: ModelRequest[] = [];
		const inner: ModelClient = {
			model: 'strict',
			// eslint-disable-next-line @typescript-eslint/require-await
			async *stream(request) {
				requests.push(request);
				if (requests.length === 1) {
					throw tooLong;
				}
				yield { type: 'text', delta: 'fits now' };
				yield { type: 'done', finishReason: 'stop' };
			},
		};
		const client = new ContextFittingModelClient(inner, { maxInputTokens: 100_000, count: (t) => count(t) }, { label: 'Strict model' });
		const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'sys' }, ...history(40), { role: 'user', content: 'latest' }];
		const chunks = await collect(client.stream({ messages, tools: [], signal: new AbortController().signal }));
		assert.equal(requests.length, 2);
		assert.equal(requests[0]?.messages.length, messages.length, 'the first try sent everything (it fitted by our count)');
		assert.ok(requests[1]!.messages.length < messages.length, 'the second try left earlier turns out');
		assert.ok((await sentTokens(requests[1]!)) <= (await sentTokens(requests[0])) * 0.6);
		assert.deepEqual(chunks.map((c) => c.type), ['contextTrimmed', 'text', 'done']);
	});

	it('gives up after the second "context too long", naming the model, with Choose Model as the way out', async () => {
		const inner: ModelClient = {
			model: 'strict',
			// eslint-disable-next-line require-yield
			async *stream() {
				await Promise.resolve();
				throw new ModelError('contextTooLong', 'This conversation is too long for the model’s context window.', { action: 'chooseModel' });
			},
		};
		const client = new ContextFittingModelClient(inner, { maxInputTokens: 100_000, count: (t) => count(t) }, { label: 'Strict model' });
		await assert.rejects(
			collect(client.stream({ messages: [{ role: 'user', content: 'x' }], tools: [], signal: new AbortController().signal })),
			(e: unknown) => e instanceof ModelError && e.kind === 'contextTooLong' && e.action === 'chooseModel',
		);
	});

	it('names the model when even the running task does not fit', async () => {
		const client = new ContextFittingModelClient(new FakeModel([]), { maxInputTokens: 300, count: (t) => count(t) }, { label: 'Tiny model (Test)' });
		await assert.rejects(
			collect(client.stream({ messages: [{ role: 'system', content: 'x'.repeat(3000) }, { role: 'user', content: 'hi' }], tools: [], signal: new AbortController().signal })),
			(e: unknown) => e instanceof ModelError && e.kind === 'contextTooLong' && /too long for Tiny model \(Test\)'s context window/.test(e.message),
		);
	});

	it('counts the tool definitions once per set of tools', async () => {
		const counted: string[] = [];
		const client = new ContextFittingModelClient(
			new FakeModel([]),
			{
				maxInputTokens: 100_000,
				count: (t) => {
					counted.push(t);
					return count(t);
				},
			},
			{ label: 'm' },
		);
		for (let i = 0; i < 3; i++) {
			await collect(client.stream({ messages: [{ role: 'user', content: 'hi' }], tools: TOOLS, signal: new AbortController().signal }));
		}
		assert.equal(counted.filter((t) => t === JSON.stringify(TOOLS)).length, 1);
	});
});
