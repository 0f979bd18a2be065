/**
 * The small HTTP servers the tests run on loopback (a replay of Composio's answers, the live
 * check's recording proxy): each request is read whole, then handed to `handle`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request body as JSON, as text when it is not JSON, undefined when empty. */
export function parseBody(text: string): unknown {
	if (text === '') {
		return undefined;
	}
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export abstract class LoopbackServer {
	private server: Server | undefined;
	private url = '';

	/** The origin once started, e.g. http://127.0.0.1:40123. */
	get baseUrl(): string {
		return this.url;
	}

	/** Answers one request whose body has been read. */
	protected abstract handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void | Promise<void>;

	/** Listens on 127.0.0.1 at a free port. */
	async start(): Promise<void> {
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => void this.handle(req, Buffer.concat(chunks), res));
		});
		this.server = server;
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	/** Closes the server and every connection still open to it. */
	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (server) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}
}
