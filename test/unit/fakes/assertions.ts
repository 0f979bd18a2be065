import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** Every assistant tool call has a tool message among the tool messages right after it. */
export function assertConsistent(messages: readonly ChatCompletionMessageParam[]): void {
	for (let i = 0; i < messages.length; i++) {
		const m = messages[i];
		if (m?.role !== 'assistant' || !m.tool_calls) {
			continue;
		}
		const answered = new Set<string>();
		for (let j = i + 1; j < messages.length && messages[j]?.role === 'tool'; j++) {
			const t = messages[j];
			if (t?.role === 'tool') {
				answered.add(t.tool_call_id);
			}
		}
		for (const call of m.tool_calls) {
			assert.ok(answered.has(call.id), `tool call ${call.id} has no result: ${JSON.stringify(messages.map((x) => x.role))}`);
		}
	}
}
