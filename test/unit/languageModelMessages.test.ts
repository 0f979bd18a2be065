import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { fromLmMessages, parseToolInput, toLmMessages, toLmTools, toolCallFromLm, UNPARSED_ARGUMENTS_KEY } from '../../src/agent/languageModelMessages';

/** A transcript as the agent loop writes it: a task with two tool rounds (one with two calls), an answer, and a follow-up. */
const TRANSCRIPT: ChatCompletionMessageParam[] = [
	{ role: 'system', content: 'You are the Composio agent.' },
	{ role: 'user', content: 'Summarize my emails from today' },
	{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'COMPOSIO_MANAGE_CONNECTIONS', arguments: '{"toolkits":["gmail"]}' } }] },
	{ role: 'tool', tool_call_id: 'call_1', content: '{"data":{"results":{"gmail":{"status":"active"}}}}' },
	{
		role: 'assistant',
		content: 'Fetching both folders.',
		tool_calls: [
			{ id: 'call_2', type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: '{"label":"INBOX"}' } },
			{ id: 'call_3', type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', arguments: '{"label":"SPAM"}' } },
		],
	},
	{ role: 'tool', tool_call_id: 'call_2', content: '{"data":{"messages":[]}}' },
	{ role: 'tool', tool_call_id: 'call_3', content: '{"data":{"messages":[]}}' },
	{ role: 'assistant', content: 'You have no new email today.' },
	{ role: 'user', content: 'Thanks!' },
];

describe('VS Code language model mapping (languageModelMessages)', () => {
	it('turns the system prompt into a user message of its own at the start (never merged with what the user said)', () => {
		const lm = toLmMessages(TRANSCRIPT);
		assert.deepEqual(lm[0], { role: 'user', parts: [{ kind: 'text', text: 'You are the Composio agent.' }] });
		assert.deepEqual(lm[1], { role: 'user', parts: [{ kind: 'text', text: 'Summarize my emails from today' }] });
	});

	it('maps tool calls to tool call parts with parsed input, and a round of results to one user message', () => {
		const lm = toLmMessages(TRANSCRIPT);
		assert.deepEqual(
			lm.map((m) => `${m.role}: ${m.parts.map((p) => p.kind).join(',')}`),
			['user: text', 'user: text', 'assistant: toolCall', 'user: toolResult', 'assistant: text,toolCall,toolCall', 'user: toolResult,toolResult', 'assistant: text', 'user: text'],
		);
		assert.deepEqual(lm[2]?.parts[0], { kind: 'toolCall', callId: 'call_1', name: 'COMPOSIO_MANAGE_CONNECTIONS', input: { toolkits: ['gmail'] } });
		assert.deepEqual(lm[5]?.parts, [
			{ kind: 'toolResult', callId: 'call_2', text: '{"data":{"messages":[]}}' },
			{ kind: 'toolResult', callId: 'call_3', text: '{"data":{"messages":[]}}' },
		]);
		// After the system prompt, roles alternate, as models that insist on it need.
		for (let i = 2; i < lm.length; i++) {
			assert.notEqual(lm[i]?.role, lm[i - 1]?.role);
		}
	});

	it('puts a user message that follows tool results into the same user message, after the results', () => {
		const lm = toLmMessages([
			{ role: 'user', content: 'go' },
			{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'T', arguments: '{}' } }] },
			{ role: 'tool', tool_call_id: 'c', content: 'ok' },
			{ role: 'user', content: "I've connected Gmail. Please continue." },
		]);
		assert.deepEqual(lm[2]?.parts, [
			{ kind: 'toolResult', callId: 'c', text: 'ok' },
			{ kind: 'text', text: "I've connected Gmail. Please continue." },
		]);
	});

	it('leaves out empty assistant replies and reads text parts and refusals', () => {
		const lm = toLmMessages([
			{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
			{ role: 'assistant', content: '' },
			{ role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
		]);
		assert.deepEqual(lm, [
			{ role: 'user', parts: [{ kind: 'text', text: 'ab' }] },
			{ role: 'assistant', parts: [{ kind: 'text', text: 'No.' }] },
		]);
	});

	it('shows the model what it sent when its arguments were not a JSON object, and gives that text back unchanged', () => {
		assert.deepEqual(parseToolInput(''), {});
		assert.deepEqual(parseToolInput('{"a":1}'), { a: 1 });
		assert.deepEqual(parseToolInput('{"a":'), { [UNPARSED_ARGUMENTS_KEY]: '{"a":' });
		assert.deepEqual(parseToolInput('[1,2]'), { [UNPARSED_ARGUMENTS_KEY]: '[1,2]' });
		assert.deepEqual(toolCallFromLm({ callId: 'x', name: 'T', input: { [UNPARSED_ARGUMENTS_KEY]: '{"a":' } }, 0), { id: 'x', name: 'T', arguments: '{"a":' });
	});

	it('reads tool call parts from the response as the loop takes them (JSON arguments, an id even when the provider gave none)', () => {
		assert.deepEqual(toolCallFromLm({ callId: 'call_9', name: 'GMAIL_SEND_EMAIL', input: { to: 'a@b.c', body: 'hi' } }, 0), { id: 'call_9', name: 'GMAIL_SEND_EMAIL', arguments: '{"to":"a@b.c","body":"hi"}' });
		assert.equal(toolCallFromLm({ callId: '', name: 'T', input: undefined }, 3).id, 'call_3');
		assert.equal(toolCallFromLm({ callId: '', name: 'T', input: undefined }, 3).arguments, '{}');
	});

	it('maps function tools to name, description and input schema', () => {
		const tools: ChatCompletionTool[] = [
			{ type: 'function', function: { name: 'GMAIL_FETCH_EMAILS', description: 'Fetch emails', parameters: { type: 'object', properties: { label: { type: 'string' } } } } },
			{ type: 'function', function: { name: 'NO_SCHEMA' } },
		];
		assert.deepEqual(toLmTools(tools), [
			{ name: 'GMAIL_FETCH_EMAILS', description: 'Fetch emails', inputSchema: { type: 'object', properties: { label: { type: 'string' } } } },
			{ name: 'NO_SCHEMA', description: '' },
		]);
	});

	it('round-trips the transcript through VS Code form and back (the system prompt comes back as user text)', () => {
		const back = fromLmMessages(toLmMessages(TRANSCRIPT));
		const expected: ChatCompletionMessageParam[] = [{ role: 'user', content: 'You are the Composio agent.' }, ...TRANSCRIPT.slice(1)];
		assert.deepEqual(back, expected);
	});
});
