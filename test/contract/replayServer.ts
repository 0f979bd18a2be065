/**
 * A local HTTP server that answers with recorded Composio responses: each route (a method and a
 * path pattern) gets its fixture's status and body, every other request a 404 in Composio's error
 * body. The extension's Composio layer, through the real SDK, is pointed at it to read what
 * Composio really sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, parseBody } from '../shared/loopbackServer';

/** One answer: for `method` on a path matching `path`. */
export interface ReplayRoute {
	readonly method: string;
	readonly path: RegExp;
	readonly status: number;
	readonly body: unknown;
}

/** A request the server received. */
export interface ReplayedRequest {
	readonly method: string;
	readonly path: string;
	readonly query: URLSearchParams;
	readonly body: unknown;
}

export class ReplayServer extends LoopbackServer {
	readonly requests: ReplayedRequest[] = [];

	constructor(private readonly routes: readonly ReplayRoute[]) {
		super();
	}

	protected handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
		const url = new URL(req.url ?? '/', 'http://replay');
		const method = req.method ?? 'GET';
		this.requests.push({ method, path: url.pathname, query: url.searchParams, body: parseBody(body.toString('utf8')) });
		const route = this.routes.find((r) => r.method === method && r.path.test(url.pathname));
		const status = route?.status ?? 404;
		const answer = route ? route.body : { error: { message: `No recorded answer for ${method} ${url.pathname}`, code: 10404, slug: 'Replay_NoFixture', status: 404 } };
		const json = JSON.stringify(answer);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
		res.end(json);
	}
}
