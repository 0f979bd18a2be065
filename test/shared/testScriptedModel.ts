/**
 * The scripted model as the tests run it: the shipped server (src/sandbox/scriptedModel/scriptedModel.ts) plus
 * what only tests need, none of which ships: a log of every chat completion request, injected
 * failures (error statuses, streams cut short), a context window it refuses longer requests by,
 * a latency added to every request, a pace that changes while it runs, and a reply that replaces
 * the script's next answer. The same over HTTP under `/_scripted/*` for test drivers in other
 * processes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '../../src/common/isRecord';
import { type CompletionRequest, ScriptedModel, type ScriptedModelOptions } from '../../src/sandbox/scriptedModel/scriptedModel';
import type { ScriptInput, ScriptedToolSpec, ScriptedTurn } from '../../src/sandbox/scriptedModel/script';
import { scriptedPromptTokens } from './scriptedTokens';

/** How to run the tests' scripted model. */
export interface TestScriptedModelOptions extends ScriptedModelOptions {
	/**
	 * The model's context window in tokens (as `scriptedPromptTokens` counts them): longer
	 * requests are refused with OpenAI's 400 `context_length_exceeded`, as a real model does.
	 * Default: no limit.
	 */
	contextWindow?: number;
}

/**
 * A failure to inject into upcoming chat completion requests. `status` answers with that HTTP
 * error (OpenAI's error JSON); `cutAfterChunks` streams that many SSE events and then destroys
 * the socket. `count` requests are affected (default 1).
 */
export interface ModelFault {
	status?: number;
	/** With `status`: OpenAI's error `code` and `message` to answer with instead of the usual ones for that status. */
	code?: string;
	message?: string;
	retryAfterSeconds?: number;
	cutAfterChunks?: number;
	count?: number;
}

/** Streaming pace, changeable while running. */
export interface ScriptedModelPace {
	chunkDelayMs?: number;
	wordsPerChunk?: number;
	/** Added before every chat completion request is answered. */
	latencyMs?: number;
}

/** What the scripted model received in one chat completion request. */
export interface ScriptedModelRequest {
	messages: unknown[];
	/** Names of the tools offered. */
	tools: string[];
	/** The tool definitions as sent. */
	toolDefinitions: unknown;
	/** `Date.now()` when it arrived. */
	at: number;
	/** Its size as `scriptedPromptTokens` counts it (messages and tool definitions). */
	promptTokens: number;
	/** The model name it asked for. */
	model: string;
}

function isCount(value: unknown, min: number): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** Checks a fault from an admin request; returns undefined when it is not valid. */
function parseFault(value: unknown): ModelFault | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const { status, retryAfterSeconds, cutAfterChunks, count, code, message } = value;
	if (status !== undefined && !(isCount(status, 400) && status <= 599)) {
		return undefined;
	}
	if (retryAfterSeconds !== undefined && !(typeof retryAfterSeconds === 'number' && retryAfterSeconds >= 0)) {
		return undefined;
	}
	if (cutAfterChunks !== undefined && !isCount(cutAfterChunks, 0)) {
		return undefined;
	}
	if (count !== undefined && !isCount(count, 1)) {
		return undefined;
	}
	if (status === undefined && cutAfterChunks === undefined) {
		return undefined;
	}
	if ((code !== undefined && typeof code !== 'string') || (message !== undefined && typeof message !== 'string')) {
		return undefined;
	}
	return {
		...(status !== undefined ? { status } : {}),
		...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
		...(cutAfterChunks !== undefined ? { cutAfterChunks } : {}),
		...(count !== undefined ? { count } : {}),
		...(typeof code === 'string' ? { code } : {}),
		...(typeof message === 'string' ? { message } : {}),
	};
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	const parts: Buffer[] = [];
	for await (const part of req) {
		parts.push(Buffer.isBuffer(part) ? part : Buffer.from(String(part)));
	}
	const text = Buffer.concat(parts).toString('utf8');
	try {
		return text.trim() ? (JSON.parse(text) as unknown) : undefined;
	} catch {
		return undefined;
	}
}

/** The scripted model with the tests' controls; see the file comment. */
export class TestScriptedModel extends ScriptedModel {
	/** Every chat completion request received, oldest first (including ones answered with a fault). */
	readonly requests: ScriptedModelRequest[] = [];
	private faults: ModelFault[] = [];
	private contextWindow: number | undefined;
	private latencyMs = 0;
	/** Streams to cut short: the response and after how many events (set by `intercept` for `writeEvents`). */
	private readonly cuts = new WeakMap<ServerResponse, number>();
	/** Replies that replace the script's next answers, oldest first. */
	private readonly replies: string[] = [];
	/**
	 * Decides the next turn before the scripts do (undefined: the scripts decide), e.g. a model
	 * that obeys an instruction planted in a tool result.
	 */
	script: ((input: ScriptInput) => ScriptedTurn | undefined) | undefined;

	constructor(options: TestScriptedModelOptions = {}) {
		super(options);
		this.contextWindow = options.contextWindow;
	}

	/** Sets (or, with undefined, lifts) the context window later requests are checked against. */
	setContextWindow(tokens: number | undefined): void {
		this.contextWindow = tokens;
	}

	/** Queues a fault for upcoming chat completion requests (faults apply in order). */
	injectFault(fault: ModelFault): void {
		this.faults.push({ ...fault });
	}

	/** Removes all queued faults. */
	clearFaults(): void {
		this.faults = [];
	}

	/** Changes the streaming pace (and latency) for later responses. */
	setPace(pace: ScriptedModelPace): void {
		if (pace.chunkDelayMs !== undefined) {
			this.chunkDelayMs = pace.chunkDelayMs;
		}
		if (pace.wordsPerChunk !== undefined) {
			this.wordsPerChunk = pace.wordsPerChunk;
		}
		if (pace.latencyMs !== undefined) {
			this.latencyMs = pace.latencyMs;
		}
	}

	/** The next chat completion answers with `text` (streamed at the current pace) instead of the script's answer. */
	replyNext(text: string): void {
		this.replies.push(text);
	}

	protected override nextTurn(messages: unknown[], tools: ScriptedToolSpec[]): ScriptedTurn {
		const text = this.replies.shift();
		if (text !== undefined) {
			return { type: 'text', text };
		}
		return this.script?.({ messages, tools }) ?? super.nextTurn(messages, tools);
	}

	private takeFault(): ModelFault | undefined {
		const fault = this.faults[0];
		if (!fault) {
			return undefined;
		}
		const remaining = (fault.count ?? 1) - 1;
		if (remaining <= 0) {
			this.faults.shift();
		} else {
			fault.count = remaining;
		}
		return fault;
	}

	protected override async intercept(request: CompletionRequest, _req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const promptTokens = scriptedPromptTokens(request.messages, request.toolDefinitions);
		this.requests.push({ messages: request.messages, tools: request.tools, toolDefinitions: request.toolDefinitions, at: Date.now(), promptTokens, model: request.model });
		if (this.latencyMs > 0) {
			await this.sleep(this.latencyMs);
			if (!this.listening) {
				return true;
			}
		}
		const fault = this.takeFault();
		if (fault?.status !== undefined) {
			this.log(`chat.completions → injected ${fault.status}`);
			const headers: Record<string, string> = {};
			if (fault.retryAfterSeconds !== undefined) {
				headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds));
				headers['retry-after-ms'] = String(Math.round(fault.retryAfterSeconds * 1000));
			}
			this.sendError(res, fault.status, fault.message, fault.code, headers);
			return true;
		}
		if (this.contextWindow !== undefined && promptTokens > this.contextWindow) {
			this.log(`chat.completions → 400 (${promptTokens} tokens, window ${this.contextWindow})`);
			this.sendError(
				res,
				400,
				`This model's maximum context length is ${this.contextWindow} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
				'context_length_exceeded',
			);
			return true;
		}
		if (fault?.cutAfterChunks !== undefined) {
			if (!request.stream) {
				res.destroy();
				return true;
			}
			this.cuts.set(res, fault.cutAfterChunks);
		}
		return false;
	}

	protected override async writeEvents(res: ServerResponse, events: readonly string[], end = true): Promise<boolean> {
		const cutAfter = this.cuts.get(res);
		if (cutAfter === undefined) {
			return super.writeEvents(res, events, end);
		}
		const cutAt = Math.min(cutAfter, events.length - 1);
		if (await super.writeEvents(res, events.slice(0, cutAt), false)) {
			this.log(`chat.completions → cut after ${cutAt} chunks`);
			res.socket?.destroy();
		}
		return false;
	}

	protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
		if (path.startsWith('/_scripted/')) {
			await this.handleAdmin(req.method ?? 'GET', path, req, res);
			return;
		}
		await super.handle(req, res);
	}

	private async handleAdmin(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (path === '/_scripted/faults' && method === 'POST') {
			const body = await readJson(req);
			const list = Array.isArray(body) ? body : [body];
			const faults = list.map(parseFault);
			if (faults.length === 0 || faults.some((f) => f === undefined)) {
				this.sendError(res, 400, 'Expected a fault {status?, code?, message?, retryAfterSeconds?, cutAfterChunks?, count?} or a list of them.');
				return;
			}
			for (const f of faults) {
				if (f) {
					this.injectFault(f);
				}
			}
			this.sendJson(res, 200, { faults: this.faults });
			return;
		}
		if (path === '/_scripted/faults' && method === 'DELETE') {
			this.clearFaults();
			this.sendJson(res, 200, { faults: [] });
			return;
		}
		if (path === '/_scripted/requests' && method === 'GET') {
			this.sendJson(res, 200, { requests: this.requests });
			return;
		}
		if (path === '/_scripted/requests' && method === 'DELETE') {
			this.requests.length = 0;
			this.sendJson(res, 200, { requests: [] });
			return;
		}
		if (path === '/_scripted/reply' && method === 'POST') {
			const body = await readJson(req);
			const text = isRecord(body) ? body['text'] : undefined;
			if (typeof text !== 'string') {
				this.sendError(res, 400, 'Expected {text: string}.');
				return;
			}
			this.replyNext(text);
			this.sendJson(res, 200, { queued: this.replies.length });
			return;
		}
		if (path === '/_scripted/pace' && method === 'POST') {
			const body = await readJson(req);
			const delay = isRecord(body) ? body['chunkDelayMs'] : undefined;
			const words = isRecord(body) ? body['wordsPerChunk'] : undefined;
			const latency = isRecord(body) ? body['latencyMs'] : undefined;
			if (!isRecord(body) || (delay !== undefined && !isCount(delay, 0)) || (words !== undefined && !isCount(words, 1)) || (latency !== undefined && !isCount(latency, 0))) {
				this.sendError(res, 400, 'Expected {chunkDelayMs?: integer >= 0, wordsPerChunk?: integer >= 1, latencyMs?: integer >= 0}.');
				return;
			}
			this.setPace({ ...(delay !== undefined ? { chunkDelayMs: delay } : {}), ...(words !== undefined ? { wordsPerChunk: words } : {}), ...(latency !== undefined ? { latencyMs: latency } : {}) });
			this.sendJson(res, 200, { chunkDelayMs: this.chunkDelayMs, wordsPerChunk: this.wordsPerChunk, latencyMs: this.latencyMs });
			return;
		}
		this.sendError(res, 404, `Unknown endpoint: ${method} ${path}`, 'unknown_url');
	}
}
