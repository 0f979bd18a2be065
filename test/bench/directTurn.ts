/**
 * The baseline for a turn with tools: the requests a turn needs, made directly with the `openai`
 * and `@composio/core` SDKs against the same local servers, with the same latency, while the
 * benchmark's editor window stays open with its chat idle: each chat completion streamed with the
 * messages and tool definitions the extension sent (Composio's and the editor's), each tool call
 * executed on a Composio session. Nothing else: no account list, as a turn of the extension's
 * makes none once the accounts are loaded. What the extension adds on top (agent loop, approval,
 * saves, host → webview, rendering) is the difference.
 */
import { performance } from 'node:perf_hooks';
import { Composio } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { TestSandbox } from '../shared/sandbox';

/** One model request of the turn the direct path replays, as the scripted model received it. */
export interface RecordedCompletion {
	readonly messages: unknown[];
	/** The tool definitions as sent. */
	readonly tools: unknown;
}

/** A message sent through the chat view, timed in the webview. */
export interface TurnTiming {
	/** From Enter to the first character of the answer on screen. */
	readonly firstTokenMs: number;
	/** From Enter to the turn's end (the whole answer on screen). */
	readonly fullMs: number;
}

/** Replays a recorded turn directly through the SDKs, timed from its first request. */
export interface DirectTurn {
	run(): Promise<TurnTiming>;
}

/** Prepares the direct path for `userId` (a session, made before any timing, as the extension's later messages have it). */
export async function prepareDirectTurn(sandbox: TestSandbox, userId: string, recorded: readonly RecordedCompletion[]): Promise<DirectTurn> {
	const composio = new Composio({ apiKey: sandbox.emulator.apiKey, baseURL: sandbox.emulator.baseUrl, provider: new OpenAIProvider(), allowTracking: false, disableVersionCheck: true });
	const session = await composio.create(userId, { manageConnections: true });
	const openai = new OpenAI({ apiKey: 'sandbox', baseURL: sandbox.model.baseUrl, maxRetries: 0 });
	return {
		async run(): Promise<TurnTiming> {
			const start = performance.now();
			let firstToken = 0;
			for (const request of recorded) {
				const stream = await openai.chat.completions.create({
					model: 'sandbox-scripted',
					messages: request.messages as ChatCompletionMessageParam[],
					...(Array.isArray(request.tools) && request.tools.length > 0 ? { tools: request.tools as ChatCompletionTool[] } : {}),
					stream: true,
					stream_options: { include_usage: true },
				});
				const calls: { name: string; arguments: string }[] = [];
				for await (const chunk of stream) {
					for (const choice of chunk.choices) {
						if (choice.delta.content && !firstToken) {
							firstToken = performance.now();
						}
						for (const part of choice.delta.tool_calls ?? []) {
							const call = (calls[part.index] ??= { name: '', arguments: '' });
							call.name += part.function?.name ?? '';
							call.arguments += part.function?.arguments ?? '';
						}
					}
				}
				for (const call of calls) {
					await session.execute(call.name, JSON.parse(call.arguments || '{}') as Record<string, unknown>);
				}
			}
			const end = performance.now();
			return { firstTokenMs: (firstToken || end) - start, fullMs: end - start };
		},
	};
}
