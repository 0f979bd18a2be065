/**
 * A local HTTP proxy for the live check: it forwards every request to `target` (Composio's API,
 * or the emulator standing in for it) unchanged, key included, and keeps each exchange, so what
 * Composio answered can become contract fixtures. It listens on loopback only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, parseBody } from '../shared/loopbackServer';

/** One request and Composio's answer to it. */
export interface Exchange {
	readonly method: string;
	readonly path: string;
	readonly query: string;
	readonly requestBody: unknown;
	readonly status: number;
	readonly responseBody: unknown;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'accept-encoding']);

export class RecordingProxy extends LoopbackServer {
	readonly exchanges: Exchange[] = [];

	constructor(private readonly target: string) {
		super();
	}

	protected async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.target);
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) {
			if (typeof v === 'string' && !HOP_BY_HOP.has(k.toLowerCase())) {
				headers[k] = v;
			}
		}
		try {
			const answer = await fetch(new URL(`${url.pathname}${url.search}`, this.target), { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body: new Uint8Array(body) } : {}) });
			const text = await answer.text();
			this.exchanges.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, requestBody: parseBody(body.toString('utf8')), status: answer.status, responseBody: parseBody(text) });
			res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
			res.end(text);
		} catch (e) {
			res.writeHead(502, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: `The live check's proxy could not reach ${this.target}: ${e instanceof Error ? e.message : String(e)}`, status: 502 } }));
		}
	}
}
