/**
 * The baseline for a turn with tools: the requests a turn needs, made directly with the `openai`
 * and `@composio/core` SDKs against the same local servers, with the same latency, in the same
 * conditions as the extension's turn: inside the benchmark window's own extension host (run by
 * the probe extension, `runDirectTurns`), so through the same Node, the same `fetch` VS Code gives
 * every extension (its proxy support) and the same event loop, while the chat stays open and
 * idle. Each chat completion is streamed with the messages and tool definitions the extension sent
 * (Composio's and the editor's), each tool call executed on a Composio session. Nothing else: no
 * account list, as a turn of the extension's makes none once the accounts are loaded. What the
 * extension adds on top (webview → host, setup, agent loop, approval, saves, host → webview,
 * rendering) is the difference.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Composio } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

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

/** What the direct path talks to, and the turn it replays. */
export interface DirectTurnConfig {
	readonly composio: { readonly apiKey: string; readonly baseUrl: string };
	readonly modelBaseUrl: string;
	readonly userId: string;
	readonly recorded: readonly RecordedCompletion[];
	/** Timed runs, after one untimed. */
	readonly runs: number;
}

/** Prepares the direct path (a session, made before any timing, as the extension's later messages have it). */
export async function prepareDirectTurn(config: DirectTurnConfig): Promise<DirectTurn> {
	const composio = new Composio({ apiKey: config.composio.apiKey, baseURL: config.composio.baseUrl, provider: new OpenAIProvider(), allowTracking: false, disableVersionCheck: true });
	const session = await composio.create(config.userId, { manageConnections: true });
	const openai = new OpenAI({ apiKey: 'sandbox', baseURL: config.modelBaseUrl, maxRetries: 0 });
	const recorded = config.recorded;
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

/**
 * Runs the direct path as the probe extension calls it, in the extension host: the config from
 * the JSON file `input`, one untimed run, then `runs` timed ones, written as JSON to `output`.
 */
export async function runDirectTurns(input: string, output: string): Promise<void> {
	const config = JSON.parse(readFileSync(input, 'utf8')) as DirectTurnConfig;
	const turn = await prepareDirectTurn(config);
	await turn.run();
	const timings: TurnTiming[] = [];
	for (let i = 0; i < config.runs; i++) {
		timings.push(await turn.run());
	}
	// Whole or not at all, for the benchmark waiting on the file.
	writeFileSync(`${output}.part`, JSON.stringify(timings));
	renameSync(`${output}.part`, output);
}
