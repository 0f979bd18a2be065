import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decideNextTurn } from './scriptedModelScripts';
import type { ScriptInput, ScriptedToolSpec, ScriptedTurn } from './scriptedModelScripts';
import { isRecord } from '../common/isRecord';

/** The model id the scripted model lists; any requested model name is accepted and echoed. */
export const SCRIPTED_MODEL_ID = 'sandbox-scripted';

/** Settings for `ScriptedModel`. */
export interface ScriptedModelOptions {
	/** Loopback address to bind; default 127.0.0.1. */
	host?: string;
	/** Port; default 0 (any free port). */
	port?: number;
	/** Pause between SSE chunks in milliseconds; default 15. */
	chunkDelayMs?: number;
	/** Words per streamed text chunk; default 3. */
	wordsPerChunk?: number;
	/** When set, requests without `Authorization: Bearer <requireKey>` get 401. */
	requireKey?: string;
	/** Receives one line per request; never contains keys. */
	log?: (line: string) => void;
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
}

/** What the scripted model received in one chat completion request. */
export interface ScriptedModelRequest {
	messages: unknown[];
	/** Names of the tools offered. */
	tools: string[];
	/** `Date.now()` when it arrived. */
	at: number;
	/** Its size as `scriptedPromptTokens` counts it (messages and tool definitions). */
	promptTokens: number;
	/** The model name it asked for. */
	model: string;
}

const ERROR_TYPES: Record<number, { type: string; code: string; message: string }> = {
	400: { type: 'invalid_request_error', code: 'invalid_request', message: 'The request was not valid.' },
	401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
	403: { type: 'invalid_request_error', code: 'forbidden', message: 'This key is not allowed to use this model.' },
	404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
	429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again shortly.' },
	500: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.' },
	502: { type: 'server_error', code: 'bad_gateway', message: 'Bad gateway.' },
	503: { type: 'server_error', code: 'overloaded', message: 'The engine is currently overloaded. Please try again later.' },
};

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

function toolSpecs(tools: unknown): ScriptedToolSpec[] {
	if (!Array.isArray(tools)) {
		return [];
	}
	const specs: ScriptedToolSpec[] = [];
	for (const t of tools) {
		if (isRecord(t) && isRecord(t['function']) && typeof t['function']['name'] === 'string') {
			specs.push({ name: t['function']['name'], parameters: t['function']['parameters'] });
		}
	}
	return specs;
}

/** Splits text into chunks of `wordsPerChunk` words, keeping every character (so they rejoin exactly). */
function splitWords(text: string, wordsPerChunk: number): string[] {
	const tokens = text.match(/\s*\S+/g) ?? [];
	const trailing = /\s+$/.exec(text)?.[0] ?? '';
	const chunks: string[] = [];
	for (let i = 0; i < tokens.length; i += wordsPerChunk) {
		chunks.push(tokens.slice(i, i + wordsPerChunk).join(''));
	}
	if (trailing) {
		chunks.push(trailing);
	}
	return chunks.length > 0 ? chunks : [''];
}

/** Splits a JSON string into a few pieces, as real models stream tool arguments. */
function splitArguments(json: string): string[] {
	const size = Math.max(8, Math.ceil(json.length / 4));
	const pieces: string[] = [];
	for (let i = 0; i < json.length; i += size) {
		pieces.push(json.slice(i, i + size));
	}
	return pieces.length > 0 ? pieces : [''];
}

function approxTokens(text: string): number {
	return Math.max(1, Math.ceil(text.length / 4));
}

/** The text a tokenizer would see of one Chat Completions message: its content and each tool call's name and arguments. */
function messageText(m: unknown): string {
	if (!isRecord(m)) {
		return '';
	}
	const content = m['content'];
	let text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('') : '';
	const calls = m['tool_calls'];
	if (Array.isArray(calls)) {
		for (const c of calls) {
			const fn = isRecord(c) ? c['function'] : undefined;
			if (isRecord(fn)) {
				text += `\n${String(fn['name'])} ${String(fn['arguments'])}`;
			}
		}
	}
	return text;
}

/**
 * Tokens of a request as the scripted model counts them: about four characters a token, plus
 * four a message, plus the tool definitions as JSON. Its context window (and the tests' scripted
 * VS Code model) is checked against this.
 */
export function scriptedPromptTokens(messages: readonly unknown[], tools: unknown): number {
	let tokens = Array.isArray(tools) && tools.length > 0 ? Math.ceil(JSON.stringify(tools).length / 4) : 0;
	for (const m of messages) {
		tokens += 4 + Math.ceil(messageText(m).length / 4);
	}
	return tokens;
}

function describe(turn: ScriptedTurn): string {
	return turn.type === 'text' ? `text (${turn.text.length} chars)` : `tool call ${turn.name}`;
}

/**
 * A local OpenAI-compatible Chat Completions server whose replies come from a deterministic
 * script over the conversation (see scriptedModelScripts.ts). Serves `POST /v1/chat/completions`
 * (streaming SSE or plain JSON) and `GET /v1/models`, plus admin endpoints for other processes:
 * `POST|DELETE /_scripted/faults`, `GET /_scripted/requests`, `POST /_scripted/pace`.
 * Binds to loopback only. `stop()` closes every open connection.
 */
export class ScriptedModel {
	/** Every chat completion request received, oldest first (including ones answered with a fault). */
	readonly requests: ScriptedModelRequest[] = [];
	/**
	 * Tests only: decides the next turn before the scripts do (undefined: the scripts decide), e.g.
	 * a model that obeys an instruction planted in a tool result.
	 */
	script: ((input: ScriptInput) => ScriptedTurn | undefined) | undefined;

	private readonly host: string;
	private readonly port: number;
	private readonly requireKey: string | undefined;
	private readonly log: (line: string) => void;
	private chunkDelayMs: number;
	private wordsPerChunk: number;
	private faults: ModelFault[] = [];
	private contextWindow: number | undefined;
	private server: Server | undefined;
	private boundPort = 0;
	/** Pending pauses between chunks; `stop()` ends them early. */
	private readonly timers = new Map<NodeJS.Timeout, () => void>();

	constructor(options: ScriptedModelOptions = {}) {
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
		this.chunkDelayMs = options.chunkDelayMs ?? 15;
		this.wordsPerChunk = options.wordsPerChunk ?? 3;
		this.requireKey = options.requireKey;
		this.log = options.log ?? ((): void => undefined);
		this.contextWindow = options.contextWindow;
	}

	/** Sets (or, with undefined, lifts) the context window later requests are checked against. */
	setContextWindow(tokens: number | undefined): void {
		this.contextWindow = tokens;
	}

	/** Starts listening; resolves once the port is bound. */
	async start(): Promise<void> {
		if (this.server) {
			return;
		}
		const server = createServer((req, res) => {
			this.handle(req, res).catch((e: unknown) => {
				this.log(`scripted model: internal error ${e instanceof Error ? e.message : String(e)}`);
				if (!res.headersSent) {
					this.sendError(res, 500);
				} else {
					res.destroy();
				}
			});
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, this.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.server = server;
		this.boundPort = (server.address() as AddressInfo).port;
		this.log(`scripted model listening on ${this.baseUrl}`);
	}

	/** Stops listening, ends streams in progress and closes all connections. */
	async stop(): Promise<void> {
		const server = this.server;
		if (!server) {
			return;
		}
		this.server = undefined;
		for (const [timer, resolve] of this.timers) {
			clearTimeout(timer);
			resolve();
		}
		this.timers.clear();
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		server.closeAllConnections();
		await closed;
	}

	/** The OpenAI SDK `baseURL` for this server, e.g. `http://127.0.0.1:PORT/v1`. */
	get baseUrl(): string {
		return `http://${this.host}:${this.boundPort}/v1`;
	}

	/** Queues a fault for upcoming chat completion requests (faults apply in order). */
	injectFault(fault: ModelFault): void {
		this.faults.push({ ...fault });
	}

	/** Removes all queued faults. */
	clearFaults(): void {
		this.faults = [];
	}

	/** Changes the streaming pace for later responses. */
	setPace(pace: ScriptedModelPace): void {
		if (pace.chunkDelayMs !== undefined) {
			this.chunkDelayMs = pace.chunkDelayMs;
		}
		if (pace.wordsPerChunk !== undefined) {
			this.wordsPerChunk = pace.wordsPerChunk;
		}
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

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
		const method = req.method ?? 'GET';

		if (path.startsWith('/_scripted/')) {
			await this.handleAdmin(method, path, req, res);
			return;
		}
		if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
			if (!this.authorized(req, res)) {
				return;
			}
			this.sendJson(res, 200, {
				object: 'list',
				data: [{ id: SCRIPTED_MODEL_ID, object: 'model', created: 1_700_000_000, owned_by: 'composio-sandbox' }],
			});
			return;
		}
		if (method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
			await this.handleCompletion(req, res);
			return;
		}
		this.sendError(res, 404, `Unknown endpoint: ${method} ${path}`, 'unknown_url');
	}

	private authorized(req: IncomingMessage, res: ServerResponse): boolean {
		if (this.requireKey === undefined) {
			return true;
		}
		const header = req.headers.authorization ?? '';
		if (header === `Bearer ${this.requireKey}`) {
			return true;
		}
		this.sendError(res, 401);
		return false;
	}

	private async handleAdmin(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (path === '/_scripted/faults' && method === 'POST') {
			const body = await readJson(req);
			const list = Array.isArray(body) ? body : [body];
			const faults = list.map(parseFault);
			if (faults.length === 0 || faults.some((f) => f === undefined)) {
				this.sendError(res, 400, 'Expected a fault {status?, retryAfterSeconds?, cutAfterChunks?, count?} or a list of them.');
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
		if (path === '/_scripted/pace' && method === 'POST') {
			const body = await readJson(req);
			const delay = isRecord(body) ? body['chunkDelayMs'] : undefined;
			const words = isRecord(body) ? body['wordsPerChunk'] : undefined;
			if (!isRecord(body) || (delay !== undefined && !isCount(delay, 0)) || (words !== undefined && !isCount(words, 1))) {
				this.sendError(res, 400, 'Expected {chunkDelayMs?: integer >= 0, wordsPerChunk?: integer >= 1}.');
				return;
			}
			this.setPace({ ...(delay !== undefined ? { chunkDelayMs: delay } : {}), ...(words !== undefined ? { wordsPerChunk: words } : {}) });
			this.sendJson(res, 200, { chunkDelayMs: this.chunkDelayMs, wordsPerChunk: this.wordsPerChunk });
			return;
		}
		this.sendError(res, 404, `Unknown endpoint: ${method} ${path}`, 'unknown_url');
	}

	private async handleCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const body = await readJson(req);
		if (!isRecord(body) || !Array.isArray(body['messages'])) {
			this.sendError(res, 400, "The request needs a JSON body with a 'messages' array.");
			return;
		}
		const messages: unknown[] = body['messages'];
		const tools = toolSpecs(body['tools']);
		const promptTokens = scriptedPromptTokens(messages, body['tools']);
		const requested = typeof body['model'] === 'string' ? body['model'] : '';
		this.requests.push({ messages, tools: tools.map((t) => t.name), at: Date.now(), promptTokens, model: requested });
		if (!this.authorized(req, res)) {
			this.log('chat.completions → 401 (wrong key)');
			return;
		}
		const model = typeof body['model'] === 'string' && body['model'].length > 0 ? body['model'] : SCRIPTED_MODEL_ID;
		const stream = body['stream'] === true;
		const streamOptions = body['stream_options'];
		const includeUsage = isRecord(streamOptions) && streamOptions['include_usage'] === true;

		const fault = this.takeFault();
		if (fault?.status !== undefined) {
			this.log(`chat.completions → injected ${fault.status}`);
			const headers: Record<string, string> = {};
			if (fault.retryAfterSeconds !== undefined) {
				headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds));
				headers['retry-after-ms'] = String(Math.round(fault.retryAfterSeconds * 1000));
			}
			this.sendError(res, fault.status, fault.message, fault.code, headers);
			return;
		}

		if (this.contextWindow !== undefined && promptTokens > this.contextWindow) {
			this.log(`chat.completions → 400 (${promptTokens} tokens, window ${this.contextWindow})`);
			this.sendError(
				res,
				400,
				`This model's maximum context length is ${this.contextWindow} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
				'context_length_exceeded',
			);
			return;
		}

		const turn = this.script?.({ messages, tools }) ?? decideNextTurn({ messages, tools });
		this.log(`chat.completions (${stream ? 'stream' : 'json'}) → ${describe(turn)}`);
		const id = `chatcmpl-${createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 24)}`;
		const callId = `call_${id.slice(9, 25)}`;
		const created = Math.floor(Date.now() / 1000);
		const usagePromptTokens = approxTokens(JSON.stringify(messages));
		const toolCall = turn.type === 'toolCall' ? { name: turn.name, arguments: JSON.stringify(turn.arguments) } : undefined;
		const completionTokens = approxTokens(turn.type === 'text' ? turn.text : (toolCall?.arguments ?? ''));
		const usage = { prompt_tokens: usagePromptTokens, completion_tokens: completionTokens, total_tokens: usagePromptTokens + completionTokens };
		const finishReason = turn.type === 'text' ? 'stop' : 'tool_calls';

		if (!stream) {
			if (fault?.cutAfterChunks !== undefined) {
				res.destroy();
				return;
			}
			this.sendJson(res, 200, {
				id,
				object: 'chat.completion',
				created,
				model,
				choices: [
					{
						index: 0,
						message: {
							role: 'assistant',
							content: turn.type === 'text' ? turn.text : null,
							refusal: null,
							...(toolCall ? { tool_calls: [{ id: callId, type: 'function', function: toolCall }] } : {}),
						},
						finish_reason: finishReason,
						logprobs: null,
					},
				],
				usage,
			});
			return;
		}

		const base = { id, object: 'chat.completion.chunk', created, model };
		const events: string[] = [];
		const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
			JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
		if (turn.type === 'text') {
			splitWords(turn.text, Math.max(1, this.wordsPerChunk)).forEach((piece, i) => {
				events.push(chunk(i === 0 ? { role: 'assistant', content: piece } : { content: piece }));
			});
		} else if (toolCall) {
			events.push(chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: toolCall.name, arguments: '' } }] }));
			for (const piece of splitArguments(toolCall.arguments)) {
				events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
			}
		}
		events.push(chunk({}, finishReason));
		if (includeUsage) {
			events.push(JSON.stringify({ ...base, choices: [], usage }));
		}
		events.push('[DONE]');

		const cutAt = fault?.cutAfterChunks !== undefined ? Math.min(fault.cutAfterChunks, events.length - 1) : undefined;
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		res.flushHeaders();
		await this.writeEvents(res, events, cutAt);
	}

	/** Writes SSE events one by one at the configured pace; with `cutAt`, destroys the socket after that many. */
	private async writeEvents(res: ServerResponse, events: string[], cutAt: number | undefined): Promise<void> {
		let closed = false;
		res.on('close', () => {
			closed = true;
		});
		for (let i = 0; i < events.length; i++) {
			if (closed || !this.server) {
				return;
			}
			if (cutAt !== undefined && i >= cutAt) {
				this.log(`chat.completions → cut after ${cutAt} chunks`);
				res.socket?.destroy();
				return;
			}
			res.write(`data: ${events[i]}\n\n`);
			if (i < events.length - 1 && this.chunkDelayMs > 0) {
				await this.sleep(this.chunkDelayMs);
			}
		}
		res.end();
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.set(timer, resolve);
		});
	}

	private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	}

	/** Answers in OpenAI's error shape `{"error": {message, type, code}}`; messages never echo keys. */
	private sendError(res: ServerResponse, status: number, message?: string, code?: string, headers: Record<string, string> = {}): void {
		const known = ERROR_TYPES[status] ?? (status >= 500 ? ERROR_TYPES[500] : ERROR_TYPES[400]);
		this.sendJson(
			res,
			status,
			{ error: { message: message ?? known?.message ?? 'Error.', type: known?.type ?? 'invalid_request_error', param: null, code: code ?? known?.code ?? null } },
			headers,
		);
	}
}

/** Reads a request body as JSON; resolves undefined when it is empty or not JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
	const parts: Buffer[] = [];
	for await (const part of req) {
		parts.push(Buffer.isBuffer(part) ? part : Buffer.from(String(part)));
	}
	const text = Buffer.concat(parts).toString('utf8');
	if (text.trim().length === 0) {
		return undefined;
	}
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
