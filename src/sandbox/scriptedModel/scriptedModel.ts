import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SCRIPTED_MODEL_ID } from './scriptedModelId';
import { decideNextTurn } from './scriptedModelScripts';
import type { ScriptedToolSpec, ScriptedTurn } from './script';
import { isRecord } from '../../common/isRecord';

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
}

/** What a chat completion request asked for, as the scripted model read it. */
export interface CompletionRequest {
	readonly messages: unknown[];
	/** Names of the tools offered. */
	readonly tools: string[];
	/** The tool definitions as sent. */
	readonly toolDefinitions: unknown;
	/** The model name it asked for ('' when none). */
	readonly model: string;
	readonly stream: boolean;
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

function describe(turn: ScriptedTurn): string {
	return turn.type === 'text' ? `text (${turn.text.length} chars)` : `tool call ${turn.name}`;
}

/**
 * A local OpenAI-compatible Chat Completions server whose replies come from a deterministic
 * script over the conversation (the scripts scriptedModelScripts.ts lists, run by
 * scriptInterpreter.ts). Serves `POST /v1/chat/completions` (streaming SSE or plain JSON) and
 * `GET /v1/models`. Binds to loopback only. `stop()` closes
 * every open connection. What ships keeps no request log and has no admin routes: the tests'
 * build (test/shared/testScriptedModel.ts) adds faults, a request log, pacing and
 * `/_scripted/*` through the protected hooks below.
 */
export class ScriptedModel {
	private readonly host: string;
	private readonly port: number;
	private readonly requireKey: string | undefined;
	protected readonly log: (line: string) => void;
	/** Pause between SSE chunks. */
	protected chunkDelayMs: number;
	/** Words per streamed text chunk. */
	protected wordsPerChunk: number;
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

	/** True between `start()` and `stop()`. */
	get listening(): boolean {
		return this.server !== undefined;
	}

	/** Answers one HTTP request. The tests' build adds its admin routes by overriding this. */
	protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
		const method = req.method ?? 'GET';
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

	/**
	 * Called with every chat completion request before it is authenticated and answered; resolves
	 * true when it answered the request itself. Nothing here; the tests' build injects faults and
	 * records requests through it.
	 */
	protected intercept(_request: CompletionRequest, _req: IncomingMessage, _res: ServerResponse): Promise<boolean> {
		return Promise.resolve(false);
	}

	private async handleCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const body = await readJson(req);
		if (!isRecord(body) || !Array.isArray(body['messages'])) {
			this.sendError(res, 400, "The request needs a JSON body with a 'messages' array.");
			return;
		}
		const messages: unknown[] = body['messages'];
		const tools = toolSpecs(body['tools']);
		const stream = body['stream'] === true;
		const requested = typeof body['model'] === 'string' ? body['model'] : '';
		if (await this.intercept({ messages, tools: tools.map((t) => t.name), toolDefinitions: body['tools'], model: requested, stream }, req, res)) {
			return;
		}
		if (!this.authorized(req, res)) {
			this.log('chat.completions → 401 (wrong key)');
			return;
		}
		const model = requested.length > 0 ? requested : SCRIPTED_MODEL_ID;
		const streamOptions = body['stream_options'];
		const includeUsage = isRecord(streamOptions) && streamOptions['include_usage'] === true;

		const turn = this.nextTurn(messages, tools);
		this.log(`chat.completions (${stream ? 'stream' : 'json'}) → ${describe(turn)}`);
		const id = `chatcmpl-${createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 24)}`;
		const callId = `call_${id.slice(9, 25)}`;
		const created = Math.floor(Date.now() / 1000);
		const promptTokens = approxTokens(JSON.stringify(messages));
		const toolCall = turn.type === 'toolCall' ? { name: turn.name, arguments: JSON.stringify(turn.arguments) } : undefined;
		const completionTokens = approxTokens(turn.type === 'text' ? turn.text : (toolCall?.arguments ?? ''));
		const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
		const finishReason = turn.type === 'text' ? 'stop' : 'tool_calls';

		if (!stream) {
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

		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		res.flushHeaders();
		await this.writeEvents(res, events);
	}

	/** What to answer: the script's next turn for this conversation. */
	protected nextTurn(messages: unknown[], tools: ScriptedToolSpec[]): ScriptedTurn {
		return decideNextTurn({ messages, tools });
	}

	/**
	 * Writes SSE events one by one at the configured pace, then ends the response; resolves
	 * early, without ending it, when the client goes away or the server stops. Returns whether
	 * every event was written. (The tests' build cuts streams short by overriding this.)
	 */
	protected async writeEvents(res: ServerResponse, events: readonly string[], end = true): Promise<boolean> {
		let closed = false;
		res.on('close', () => {
			closed = true;
		});
		for (let i = 0; i < events.length; i++) {
			if (closed || !this.server) {
				return false;
			}
			res.write(`data: ${events[i]}\n\n`);
			if (i < events.length - 1 && this.chunkDelayMs > 0) {
				await this.sleep(this.chunkDelayMs);
			}
		}
		if (end) {
			res.end();
		}
		return true;
	}

	/** Waits `ms`; `stop()` ends the wait early. */
	protected sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.set(timer, resolve);
		});
	}

	protected sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	}

	/** Answers in OpenAI's error shape `{"error": {message, type, code}}`; messages never echo keys. */
	protected sendError(res: ServerResponse, status: number, message?: string, code?: string, headers: Record<string, string> = {}): void {
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
