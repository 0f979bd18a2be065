import assert from 'node:assert/strict';
import { ComposioConnectedAccountNotFoundError, ComposioNoAPIKeyError, ComposioRequestCancelledError } from '@composio/core';
import { ComposioError, plainText, toComposioError } from '../../src/composio/composioErrors';

/**
 * The HTTP client's errors as they arrive from the SDK: `.status`, the parsed body in `.error`,
 * `.headers`, and a message of "<status> <whole JSON>". Built by hand here to pin the mapping;
 * composioService.test.ts drives the real SDK against the emulator for the same statuses.
 */
function apiError(status: number, body: unknown): Error {
	const err = new Error(`${status} ${JSON.stringify(body)}`);
	return Object.assign(err, { status, error: body, headers: new Headers() });
}

function wire(status: number, message: string, slug = 'X', suggested_fix = ''): unknown {
	return { error: { message, code: 10000 + status, slug, status, request_id: 'req_123', suggested_fix, errors: [] } };
}

describe('toComposioError', () => {
	it('maps 401 and 403 to the key message with setComposioKey', () => {
		for (const [status, kind] of [
			[401, 'auth'],
			[403, 'forbidden'],
		] as const) {
			const err = toComposioError(apiError(status, wire(status, 'Invalid API key: sk_live_1234567890')), { secrets: ['sk_live_1234567890'] });
			assert.equal(err.kind, kind);
			assert.equal(err.message, 'Composio rejected the API key.');
			assert.equal(err.action, 'setComposioKey');
			assert.ok(!err.detail.includes('sk_live_1234567890'), err.detail);
			assert.ok(err.detail.includes(`HTTP ${status}`));
		}
	});

	it('names an unknown toolkit from the server message, or from context', () => {
		const err = toComposioError(apiError(404, wire(404, "Toolkit 'gmial' not found", 'Toolkit_NotFound')));
		assert.equal(err.kind, 'unknownToolkit');
		assert.equal(err.message, 'Composio doesn\'t know the toolkit "gmial".');
		const err2 = toComposioError(apiError(400, wire(400, 'Unknown toolkit')), { toolkit: 'notion' });
		assert.equal(err2.kind, 'unknownToolkit');
		assert.match(err2.message, /"notion"/);
	});

	it('keeps other 404s as notFound with the plain server text', () => {
		const err = toComposioError(apiError(404, wire(404, "Connected account 'ca_1' not found", 'ConnectedAccount_NotFound', 'Check the id.')));
		assert.equal(err.kind, 'notFound');
		assert.equal(err.message, "Composio could not find that. Connected account 'ca_1' not found. Check the id.");
	});

	it('maps 429 to rateLimited with retry, and 5xx to server with retry', () => {
		const limited = toComposioError(apiError(429, wire(429, 'Too many')));
		assert.equal(limited.kind, 'rateLimited');
		assert.equal(limited.message, 'Composio is rate-limiting requests; try again in a moment.');
		assert.equal(limited.action, 'retry');
		for (const status of [500, 502, 503]) {
			const err = toComposioError(apiError(status, wire(status, 'boom')));
			assert.equal(err.kind, 'server');
			assert.equal(err.message, 'Composio is unreachable.');
			assert.equal(err.action, 'retry');
		}
	});

	it('maps 409 to conflict and 400/422 to badRequest, never showing JSON', () => {
		const conflict = toComposioError(apiError(409, wire(409, "A connected account with alias 'work' already exists")));
		assert.equal(conflict.kind, 'conflict');
		assert.match(conflict.message, /alias 'work' already exists/);
		const bad = toComposioError(apiError(400, { error: { message: '{"nested":"json"}' } }));
		assert.equal(bad.kind, 'badRequest');
		assert.equal(bad.message, 'Composio did not accept the request.');
		assert.ok(!bad.message.includes('{'));
	});

	it('recognises connection failures, timeouts and aborts by shape (class names vanish when minified)', () => {
		const refused = Object.assign(new Error('Connection error.'), { status: undefined, headers: undefined, cause: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) });
		assert.equal(toComposioError(refused).kind, 'unreachable');
		assert.equal(toComposioError(refused).message, 'Composio is unreachable.');
		const timedOut = Object.assign(new Error('Request timed out.'), { status: undefined, headers: undefined });
		assert.equal(toComposioError(timedOut).kind, 'timeout');
		assert.equal(toComposioError(timedOut).action, 'retry');
		const aborted = Object.assign(new Error('Request was aborted.'), { status: undefined, headers: undefined });
		assert.equal(toComposioError(aborted).kind, 'cancelled');
	});

	it('maps the SDK\'s own errors by code', () => {
		assert.equal(toComposioError(new ComposioRequestCancelledError()).kind, 'cancelled');
		const noKey = toComposioError(new ComposioNoAPIKeyError());
		assert.equal(noKey.kind, 'auth');
		assert.equal(noKey.action, 'setComposioKey');
		assert.equal(toComposioError(new ComposioConnectedAccountNotFoundError()).kind, 'notFound');
	});

	it('maps unreadable answers to server, and unknown throwables to a generic message with openLogs', () => {
		let syntax: unknown;
		try {
			JSON.parse('{oops');
		} catch (e) {
			syntax = e;
		}
		const malformed = toComposioError(syntax);
		assert.equal(malformed.kind, 'server');
		assert.equal(malformed.message, 'Composio is unreachable.');
		const odd = toComposioError('a string was thrown');
		assert.equal(odd.kind, 'server');
		assert.equal(odd.action, 'openLogs');
		assert.match(odd.detail, /a string was thrown/);
		assert.equal(toComposioError(undefined).kind, 'server');
	});

	it('passes a ComposioError through unchanged', () => {
		const original = new ComposioError('conflict', 'x');
		assert.equal(toComposioError(original), original);
	});

	it('never puts a stack or a key in the message', () => {
		const key = 'ck_very_secret_value';
		const err = toComposioError(apiError(400, wire(400, `bad key ${key}\n    at foo (/x.js:1:2)`)), { secrets: [key] });
		assert.ok(!err.message.includes(key));
		assert.ok(!err.message.includes('at foo'));
		assert.ok(!err.detail.includes(key));
	});
});

describe('plainText', () => {
	it('flattens, bounds and filters server text', () => {
		assert.equal(plainText('  two\nlines\t '), 'two lines');
		assert.equal(plainText('{"a":1}'), undefined);
		assert.equal(plainText('[1,2]'), undefined);
		assert.equal(plainText(''), undefined);
		assert.equal(plainText('x'.repeat(1000))?.length, 300);
		assert.equal(plainText('token abcd1234 here', ['abcd1234']), 'token [REDACTED] here');
	});
});
