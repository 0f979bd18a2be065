import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import {
	DEFAULT_CONTEXT_WINDOW,
	estimateTokens,
	fitConversation,
	messageTokens,
	openAiInputLimit,
	SHORTENED_RESULT_CHARS,
	tokenUpperBound,
	utf8Length,
} from '../../src/agent/contextWindow';
import { contentText } from '../../src/agent/languageModelMessages';
import { ModelError } from '../../src/agent/modelErrors';
import { assertConsistent } from './fakes/assertions';

/** A tokenizer for tests: four characters a token, and a record of what was counted. */
class Counter {
	readonly counted: string[] = [];
	readonly count = (text: string): Promise<number> => {
		this.counted.push(text);
		return Promise.resolve(Math.ceil(text.length / 4));
	};
}

async function total(messages: readonly ChatCompletionMessageParam[], counter: Counter): Promise<number> {
	let sum = 0;
	for (const m of messages) {
		sum += await messageTokens(m, counter.count);
	}
	return sum;
}

const SYSTEM: ChatCompletionMessageParam = { role: 'system', content: 'You are the Composio agent. '.repeat(10) };

/** One finished task: a request, a tool round with a big result, an answer. */
function task(n: number, resultChars = 4000): ChatCompletionMessageParam[] {
	return [
		{ role: 'user', content: `Task ${n}: summarize my emails about project ${n}` },
		{ role: 'assistant', content: null, tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: `{"query":"project ${n}"}` } }] },
		{ role: 'tool', tool_call_id: `call_${n}`, content: JSON.stringify({ data: { messages: [{ body: `mail ${n} `.repeat(resultChars / 8) }] } }) },
		{ role: 'assistant', content: `Project ${n} is on track; ${'details '.repeat(20)}` },
	];
}

describe('Context window: limits and estimates', () => {
	it('knows common OpenAI models by prefix, keeps room for the answer, and assumes a small window for unknown ones', () => {
		assert.deepEqual(openAiInputLimit('gpt-4.1-mini'), { contextWindow: 1_047_576, maxInputTokens: 1_047_576 - 16_384, known: true });
		assert.equal(openAiInputLimit('gpt-4o-mini-2024-07-18').contextWindow, 128_000);
		assert.equal(openAiInputLimit('gpt-4').contextWindow, 8_192);
		assert.equal(openAiInputLimit('gpt-4-turbo-preview').contextWindow, 128_000);
		assert.equal(openAiInputLimit('openai/gpt-4o').contextWindow, 128_000, 'a provider/ prefix is ignored');
		assert.equal(openAiInputLimit('gpt-5-mini').contextWindow, 400_000);
		const unknown = openAiInputLimit('llama3.2:3b');
		assert.deepEqual(unknown, { contextWindow: DEFAULT_CONTEXT_WINDOW, maxInputTokens: DEFAULT_CONTEXT_WINDOW - 2048, known: false });
	});

	it('takes the setting over the table; ignores nonsense', () => {
		assert.deepEqual(openAiInputLimit('gpt-4o', 32_000), { contextWindow: 32_000, maxInputTokens: 24_000, known: true });
		assert.equal(openAiInputLimit('gpt-4o', 'big').contextWindow, 128_000);
		assert.equal(openAiInputLimit('gpt-4o', 10).contextWindow, 128_000);
		assert.equal(openAiInputLimit('gpt-4o', null).contextWindow, 128_000);
	});

	it('counts UTF-8 bytes exactly, and estimates high (a token per three bytes)', () => {
		assert.equal(utf8Length('abc'), 3);
		assert.equal(utf8Length('é'), 2);
		assert.equal(utf8Length('日本'), 6);
		assert.equal(utf8Length('😀'), 4);
		assert.equal(utf8Length('😀'), Buffer.byteLength('😀'));
		assert.equal(estimateTokens('a'.repeat(300)), 100);
		assert.equal(tokenUpperBound('日本'), 6);
	});
});

describe('Context window: fitting a conversation (fitConversation)', () => {
	it('sends a conversation that fits unchanged, without counting anything when it is clearly small', async () => {
		const counter = new Counter();
		const messages = [SYSTEM, ...task(1, 400)];
		const fit = await fitConversation({ messages, budget: 10_000, count: counter.count });
		assert.deepEqual(fit.messages, messages);
		assert.deepEqual(fit.leftOut, { summarizedMessages: 0, shortenedToolResults: 0, shortenedMessages: 0 });
		assert.equal(counter.counted.length, 0);
	});

	it('shortens old tool results first, oldest first, and stops as soon as it fits', async () => {
		const counter = new Counter();
		const messages = [SYSTEM, ...task(1), ...task(2), ...task(3), { role: 'user', content: 'And project 4?' } satisfies ChatCompletionMessageParam];
		const before = await total(messages, counter);
		// Room for everything but about one and a half big results.
		const budget = before - 1500;
		const fit = await fitConversation({ messages, budget, count: counter.count });
		assert.equal(fit.leftOut.summarizedMessages, 0, 'no turn was dropped');
		assert.equal(fit.leftOut.shortenedToolResults, 2, 'the two oldest results were shortened, the third was not needed');
		assert.ok(fit.tokens <= budget);
		assert.equal(fit.tokens, await total(fit.messages, counter));
		const results = fit.messages.filter((m) => m.role === 'tool').map((m) => contentText(m.content));
		assert.match(results[0]!, /^\{"note":"Shortened to fit the context window; the full result \([\d,]+ characters\) was read earlier\.","start":/);
		assert.match(results[1]!, /Shortened/);
		assert.doesNotMatch(results[2]!, /Shortened/);
		const shortened = JSON.parse(results[0]!) as { start: string };
		assert.equal(shortened.start.length, SHORTENED_RESULT_CHARS);
		assert.equal(fit.messages.length, messages.length);
		assert.notEqual(messages[3]!.content, fit.messages[3]!.content);
		assert.equal(messages[3]!.content, task(1)[2]!.content, 'the caller’s transcript is untouched');
	});

	it('then drops the oldest turns behind a summary in the system prompt, keeping the running task whole', async () => {
		const counter = new Counter();
		const history = Array.from({ length: 30 }, (_, i) => task(i + 1, 800)).flat();
		const running: ChatCompletionMessageParam[] = [
			{ role: 'user', content: 'Now summarize project 31' },
			{ role: 'assistant', content: null, tool_calls: [{ id: 'call_31', type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: '{}' } }] },
			{ role: 'tool', tool_call_id: 'call_31', content: JSON.stringify({ data: 'x'.repeat(3000) }) },
			{ role: 'user', content: "I've connected Gmail. Please continue." },
		];
		const messages = [SYSTEM, ...history, ...running];
		const keepFrom = messages.length - running.length;
		const before = await total(messages, counter);
		const budget = Math.floor(before / 4);
		const fit = await fitConversation({ messages, keepFrom, budget, count: counter.count });
		assert.ok(fit.tokens <= budget, `${fit.tokens} > ${budget}`);
		assert.equal(fit.tokens, await total(fit.messages, counter));
		assert.ok(fit.leftOut.summarizedMessages > 0 && fit.leftOut.summarizedMessages % 4 === 0, 'whole turns were dropped');
		assert.equal(fit.leftOut.shortenedToolResults, 30, 'every old result was shortened before any turn was dropped');
		// The running task is sent as it is, even though a continuation came after its request.
		assert.deepEqual(fit.messages.slice(-running.length), running);
		// The newest earlier turns are kept; the dropped ones are summarized in the system prompt, newest included.
		const system = contentText(fit.messages[0]!.content);
		assert.ok(system.startsWith(contentText(SYSTEM.content)));
		assert.match(system, /Earlier parts of this conversation were left out to fit the context window/);
		const lastDropped = fit.leftOut.summarizedMessages / 4;
		assert.match(system, new RegExp(`The user said: "Task ${lastDropped}: summarize my emails about project ${lastDropped}"; tools used: GMAIL_FETCH_EMAILS; the answer began: "Project ${lastDropped} is on track;`));
		assert.equal((fit.messages[1] as { content: string }).content, `Task ${lastDropped + 1}: summarize my emails about project ${lastDropped + 1}`);
		assertConsistent(fit.messages);
		// Every tool message answers a call right before it.
		const calls = new Set(fit.messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.id) : [])));
		for (const m of fit.messages) {
			if (m.role === 'tool') {
				assert.ok(calls.has(m.tool_call_id), `orphan tool result ${m.tool_call_id}`);
			}
		}
	});

	it('gives the same answer for the same conversation (a stable prefix from one request to the next)', async () => {
		const messages = [SYSTEM, ...Array.from({ length: 12 }, (_, i) => task(i)).flat(), { role: 'user', content: 'next' } satisfies ChatCompletionMessageParam];
		const a = await fitConversation({ messages, budget: 2000, count: new Counter().count });
		const b = await fitConversation({ messages, budget: 2000, count: new Counter().count });
		assert.deepEqual(a, b);
	});

	it('lists only the newest dropped requests when the summary itself would be too long', async () => {
		const counter = new Counter();
		const messages = [SYSTEM, ...Array.from({ length: 200 }, (_, i) => task(i, 200)).flat(), { role: 'user', content: 'next' } satisfies ChatCompletionMessageParam];
		const fit = await fitConversation({ messages, budget: 1200, count: counter.count });
		const system = contentText(fit.messages[0]!.content);
		assert.match(system, /- \(\d+ earlier exchanges not listed\)/);
		assert.ok(fit.tokens <= 1200);
	});

	it('cuts a long message of the running task (a large attached file) when nothing else is left', async () => {
		const counter = new Counter();
		const big = `Explain this file:\n${'const x = 1;\n'.repeat(4000)}`;
		const messages: ChatCompletionMessageParam[] = [SYSTEM, { role: 'user', content: big }];
		const fit = await fitConversation({ messages, budget: 3000, count: counter.count });
		assert.equal(fit.leftOut.shortenedMessages, 1);
		const sent = contentText(fit.messages[1]!.content);
		assert.ok(sent.startsWith('Explain this file:\nconst x = 1;'));
		assert.match(sent, /\[… [\d,]+ more characters left out to fit the context window\]$/);
		assert.ok(fit.tokens <= 3000);
	});

	it('throws "context too long" when even the system prompt and the running task cut down cannot fit', async () => {
		const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'x'.repeat(4000) }, { role: 'user', content: 'hi' }];
		await assert.rejects(fitConversation({ messages, budget: 500, count: new Counter().count }), (e: unknown) => e instanceof ModelError && e.kind === 'contextTooLong' && e.action === 'chooseModel');
	});

	it('works without a system prompt (the summary becomes the first message)', async () => {
		const counter = new Counter();
		const messages = [...Array.from({ length: 10 }, (_, i) => task(i, 800)).flat(), { role: 'user', content: 'next' } satisfies ChatCompletionMessageParam];
		const fit = await fitConversation({ messages, budget: 500, count: counter.count });
		assert.equal(fit.messages[0]!.role, 'user');
		assert.match(contentText(fit.messages[0]!.content), /^Earlier parts of this conversation were left out/);
		assert.deepEqual(fit.messages.at(-1), { role: 'user', content: 'next' });
		assert.ok(fit.tokens <= 500);
	});
});
