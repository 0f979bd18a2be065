import assert from 'node:assert/strict';
import { isLoopbackHttpUrl, originOf, rebaseOnOrigin } from '../../src/common/loopbackUrl';

describe('loopbackUrl', () => {
	it('knows links to this machine: 127.0.0.0/8, localhost and [::1], over http(s) only', () => {
		for (const url of ['http://127.0.0.1:4000/link/ln_a', 'http://127.0.0.2:80/', 'https://localhost:3000/x', 'http://app.localhost/', 'http://[::1]:9000/']) {
			assert.equal(isLoopbackHttpUrl(url), true, url);
		}
		for (const url of ['https://connect.composio.dev/link/ln_a', 'http://10.0.0.1/', 'http://127.0.0.1.evil.dev/', 'file:///tmp/x', 'vscode://x', 'not a url']) {
			assert.equal(isLoopbackHttpUrl(url), false, url);
		}
	});

	it('hands the editor the origin alone', () => {
		assert.equal(originOf('http://127.0.0.1:4123/link/ln_a?x=1#f'), 'http://127.0.0.1:4123/');
	});

	it('puts the path, query and fragment below the resolved origin: a proxy route, a forwarded port, or the same origin', () => {
		const link = 'http://127.0.0.1:4123/link/ln_a?x=1#f';
		assert.equal(rebaseOnOrigin(link, 'https://code.example.dev/proxy/4123/'), 'https://code.example.dev/proxy/4123/link/ln_a?x=1#f');
		assert.equal(rebaseOnOrigin(link, 'https://code.example.dev/proxy/4123'), 'https://code.example.dev/proxy/4123/link/ln_a?x=1#f');
		assert.equal(rebaseOnOrigin(link, 'http://localhost:50811/'), 'http://localhost:50811/link/ln_a?x=1#f');
		assert.equal(rebaseOnOrigin(link, 'http://127.0.0.1:4123/'), link);
	});
});
