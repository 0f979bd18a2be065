import assert from 'node:assert/strict';
import { findConnectLinks, looksLikeConnectLink } from '../../src/composio/connectLinks';

describe('findConnectLinks', () => {
	it('reads the COMPOSIO_MANAGE_CONNECTIONS shape, with toolkit and account per entry', () => {
		const result = {
			data: {
				results: {
					gmail: {
						toolkit: 'gmail',
						status: 'initiated',
						redirect_url: 'https://connect.composio.dev/link/ln_gmail1',
						connected_account_id: 'ca_g1',
					},
					github: { toolkit: 'github', status: 'active', accounts: [{ id: 'ca_gh', alias: 'work', status: 'ACTIVE' }] },
					slack: { status: 'initiated', redirect_url: 'http://127.0.0.1:4555/link/ln_slack', connected_account_id: 'ca_s1' },
				},
				message: 'Open the links to connect.',
			},
			error: null,
		};
		assert.deepEqual(findConnectLinks(result), [
			{ url: 'https://connect.composio.dev/link/ln_gmail1', toolkit: 'gmail', accountId: 'ca_g1' },
			{ url: 'http://127.0.0.1:4555/link/ln_slack', toolkit: 'slack', accountId: 'ca_s1' },
		]);
	});

	it('reads camelCase fields from a session.authorize-like object', () => {
		assert.deepEqual(findConnectLinks({ id: 'ca_1', status: 'INITIATED', redirectUrl: 'https://example.com/oauth/start?x=1' }), [
			{ url: 'https://example.com/oauth/start?x=1', accountId: 'ca_1' },
		]);
	});

	it('finds links in JSON text (a tool message content string)', () => {
		const content = JSON.stringify({ data: { results: { linear: { redirect_url: 'https://connect.composio.dev/link/ln_lin', toolkit: 'linear' } } } });
		assert.deepEqual(findConnectLinks(content), [{ url: 'https://connect.composio.dev/link/ln_lin', toolkit: 'linear' }]);
	});

	it('finds Connect-Link-looking URLs in prose, without trailing punctuation', () => {
		const text = 'Please connect Gmail here: https://connect.composio.dev/link/ln_abc123. Then say done (or see [the link](https://connect.composio.dev/link/ln_def456)).';
		assert.deepEqual(
			findConnectLinks(text).map((l) => l.url),
			['https://connect.composio.dev/link/ln_abc123', 'https://connect.composio.dev/link/ln_def456'],
		);
	});

	it('ignores ordinary URLs in data (email bodies, repository links)', () => {
		const result = {
			data: {
				messages: [
					{ subject: 'hi', url: 'https://mail.google.com/mail/u/0/#inbox/123', body: 'see https://example.com/docs and https://github.com/x/y' },
				],
				html_url: 'https://github.com/acme/repo/issues/1',
			},
			error: null,
		};
		assert.deepEqual(findConnectLinks(result), []);
	});

	it('takes a generic url field inside a connection-looking object', () => {
		const result = { connection: { toolkit: { slug: 'github' }, status: 'initiated', url: 'https://github.com/login/oauth/authorize?client_id=1' } };
		assert.deepEqual(findConnectLinks(result), [{ url: 'https://github.com/login/oauth/authorize?client_id=1', toolkit: 'github' }]);
	});

	it('finds deeply nested links and de-duplicates them', () => {
		const link = 'https://connect.composio.dev/link/ln_deep';
		const result = { a: [{ b: { c: { redirect_url: link } } }, { d: `again ${link}` }], e: { redirect_url: link, toolkit: 'slack' } };
		assert.deepEqual(findConnectLinks(result), [{ url: link, toolkit: 'slack' }]);
	});

	it('ignores non-http schemes even under link fields', () => {
		assert.deepEqual(findConnectLinks({ redirect_url: 'javascript:alert(1)' }), []);
		assert.deepEqual(findConnectLinks({ redirect_url: 'command:foo' }), []);
	});

	it('copes with nothing useful and with cycles', () => {
		assert.deepEqual(findConnectLinks(undefined), []);
		assert.deepEqual(findConnectLinks(null), []);
		assert.deepEqual(findConnectLinks(42), []);
		assert.deepEqual(findConnectLinks('{not json'), []);
		const cyclic: Record<string, unknown> = { redirect_url: 'https://connect.composio.dev/link/ln_cyc' };
		cyclic.self = cyclic;
		assert.deepEqual(findConnectLinks(cyclic), [{ url: 'https://connect.composio.dev/link/ln_cyc' }]);
	});

	it('looksLikeConnectLink recognises connect hosts and /link/ paths', () => {
		assert.equal(looksLikeConnectLink('https://connect.composio.dev/x'), true);
		assert.equal(looksLikeConnectLink('http://127.0.0.1:1/link/ln_1'), true);
		assert.equal(looksLikeConnectLink('https://example.com/docs'), false);
	});
});
