import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { recordConnections } from '../shared/connectionRecorder';

describe('connectionRecorder (the privacy test\'s witness)', () => {
	let server: Server;
	let port = 0;
	before(async () => {
		server = createServer((_req, res) => res.end('ok'));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		port = (server.address() as AddressInfo).port;
	});
	after(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('sees fetch, net.connect and a TLS attempt, and leaves each connection working', async () => {
		const recorder = recordConnections();
		try {
			assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'ok');
			await new Promise<void>((resolve, reject) => {
				const socket = net.connect(port, '127.0.0.1', () => {
					socket.end();
					resolve();
				});
				socket.on('error', reject);
			});
			// A TLS handshake with a plain HTTP server fails, but the connection was still opened.
			await new Promise<void>((resolve) => {
				const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve());
				socket.on('error', () => resolve());
			});
		} finally {
			recorder.dispose();
		}
		assert.deepEqual(recorder.targets, [`127.0.0.1:${port}`, `127.0.0.1:${port}`, `127.0.0.1:${port}`]);
	});

	it('stops recording once disposed', async () => {
		const recorder = recordConnections();
		recorder.dispose();
		await fetch(`http://127.0.0.1:${port}/`);
		assert.deepEqual(recorder.targets, []);
	});
});
