/** A local HTTP server that records every request: a payload that loads or fetches anything from it has run. */
import { createServer, type Server } from 'node:http';

export interface CanaryServer {
	/** `http://127.0.0.1:PORT`. */
	readonly origin: string;
	/** The paths requested, in order. */
	readonly hits: readonly string[];
	close(): Promise<void>;
}

export async function startCanaryServer(): Promise<CanaryServer> {
	const hits: string[] = [];
	const server: Server = createServer((req, res) => {
		hits.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
		res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
		res.end('canary');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		origin: `http://127.0.0.1:${port}`,
		hits,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
