import assert from 'node:assert/strict';
import { classifyLink, PolicyLinkOpener, type LinkConfirmer, type LinkVerdict } from '../../src/composio/linkPolicy';
import { RecordingLogger } from './fakes/recordingLogger';

const PROD = { baseUrl: 'https://backend.composio.dev' };

describe('classifyLink', () => {
	const table: [string, LinkVerdict, { baseUrl: string }?][] = [
		// Composio over https opens.
		['https://connect.composio.dev/link/ln_abc123', 'open'],
		['https://composio.dev/', 'open'],
		['https://backend.composio.dev/api/v3.1/x', 'open'],
		['https://a.b.composio.dev/path?q=1#f', 'open'],
		['HTTPS://CONNECT.COMPOSIO.DEV/link/ln_x', 'open'],
		['https://connect.composio.dev:443/link/ln_x', 'open'],
		// The configured base URL's host opens.
		['https://composio.internal.example:8443/link/ln_1', 'open', { baseUrl: 'https://composio.internal.example:8443' }],
		['https://composio.internal.example/link/ln_1', 'confirm', { baseUrl: 'https://composio.internal.example:8443' }],
		// Look-alike hosts do not.
		['https://composio.dev.evil.com/link/ln_x', 'confirm'],
		['https://evilcomposio.dev/link/ln_x', 'confirm'],
		['https://composio.devv/', 'confirm'],
		['https://connect-composio.dev/', 'confirm'],
		['https://composio.dev@evil.com/link', 'confirm'],
		['https://user:pass@connect.composio.dev/link/ln_x', 'confirm'],
		['https://backend.composio.dev@evil.com/link/ln_x', 'confirm'],
		['https://composio.dev:443@evil.com/', 'confirm'],
		['https://evil.com\\@composio.dev/', 'confirm'], // the parser reads the backslash as a slash: host evil.com
		['https://evil.com#.composio.dev', 'confirm'],
		['https://evil.com?.composio.dev', 'confirm'],
		['https://evil.com/.composio.dev', 'confirm'],
		['https://composio.dev./', 'confirm'], // a trailing dot is another name as far as the policy goes
		// Look-alikes written with other characters: the parser turns them into punycode, which matches nothing trusted.
		['https://xn--cmposio-9ig.dev/link/ln_x', 'confirm'],
		['https://c\u043emposio.dev/link/ln_x', 'confirm'], // Cyrillic o
		['https://\u0441omposio.dev/link/ln_x', 'confirm'], // Cyrillic c
		['https://connect.c\u043emposio.dev/link/ln_x', 'confirm'],
		['https://connect.xn--cmposio-9ig.dev/link/ln_x', 'confirm'],
		['https://composio.dev\u3002evil.com/', 'confirm'], // ideographic full stop
		['https://composio.dev%2eevil.com/', 'confirm'], // percent-encoded dot
		['https://composio.dev\u200b.evil.com/', 'confirm'], // zero-width space, dropped by the parser
		['https://composio\uff0edev/link/ln_x', 'open'], // a fullwidth dot IS composio.dev once normalised, and the normalised URL is what opens
		// Plain http only to loopback (the sandbox).
		['http://127.0.0.1:51234/link/ln_x', 'open'],
		['http://127.9.8.7/x', 'open'],
		['http://localhost:3000/connect', 'open'],
		['http://[::1]:8080/', 'open'],
		['http://2130706433/', 'open'], // 127.0.0.1 in decimal, normalised by the parser
		['http://127.1/', 'open'],
		['http://0x7f.1/', 'open'],
		['http://[::ffff:127.0.0.1]/', 'confirm'], // not a form the sandbox uses
		['http://connect.composio.dev/link/ln_x', 'confirm'],
		['http://128.0.0.1/', 'confirm'],
		['http://0.0.0.0/', 'confirm'],
		['http://localhost.evil.com/', 'confirm'],
		['http://192.168.1.10/', 'confirm'],
		// Other https asks.
		['https://example.com/oauth', 'confirm'],
		['https://accounts.google.com/o/oauth2/auth?x=1', 'confirm'],
		// Everything else is refused.
		['javascript:alert(1)', 'refuse'],
		['JavaScript:alert(1)', 'refuse'],
		['data:text/html,<script>alert(1)</script>', 'refuse'],
		['file:///etc/passwd', 'refuse'],
		['command:workbench.action.terminal.new', 'refuse'],
		['vscode://vscode.git/clone?url=x', 'refuse'],
		['vscode-insiders://vscode.git/clone?url=x', 'refuse'],
		['vscode-webview://abc/index.html', 'refuse'],
		['command:_workbench.downloadResource?x', 'refuse'],
		['DATA:text/html;base64,PHNjcmlwdD4=', 'refuse'],
		['FILE://localhost/etc/passwd', 'refuse'],
		['about:blank', 'refuse'],
		['wss://connect.composio.dev/socket', 'refuse'],
		['chrome://settings', 'refuse'],
		['view-source:https://composio.dev', 'refuse'],
		['intent://x#Intent;end', 'refuse'],
		['\u200bjavascript:alert(1)', 'refuse'],
		['javascript://composio.dev/%0aalert(1)', 'refuse'],
		['vbscript:msgbox(1)', 'refuse'],
		['blob:https://composio.dev/123', 'refuse'],
		['ftp://composio.dev/file', 'refuse'],
		['mailto:a@composio.dev', 'refuse'],
		['java\tscript:alert(1)', 'refuse'],
		[' https://connect.composio.dev/link/ln_x', 'refuse'],
		['https://connect.composio.dev/link/ln x', 'refuse'],
		['not a url', 'refuse'],
		['//connect.composio.dev/link/ln_x', 'refuse'],
		['', 'refuse'],
		[`https://connect.composio.dev/${'a'.repeat(5000)}`, 'refuse'],
	];
	for (const [url, verdict, options] of table) {
		it(`${verdict}: ${url.length > 60 ? `${url.slice(0, 57)}…` : url}`, () => {
			assert.equal(classifyLink(url, options ?? PROD), verdict);
		});
	}

	it('treats an unparsable base URL as no extra trusted host', () => {
		assert.equal(classifyLink('https://example.com/', { baseUrl: 'nonsense' }), 'confirm');
		assert.equal(classifyLink('https://connect.composio.dev/link/ln_1', { baseUrl: 'nonsense' }), 'open');
	});
});

class FakeConfirmer implements LinkConfirmer {
	readonly asked: string[] = [];
	constructor(private readonly answer: boolean) {}
	confirm(url: string): Promise<boolean> {
		this.asked.push(url);
		return Promise.resolve(this.answer);
	}
}

describe('PolicyLinkOpener', () => {
	function make(answer: boolean) {
		const opened: string[] = [];
		const confirmer = new FakeConfirmer(answer);
		const logger = new RecordingLogger();
		const opener = new PolicyLinkOpener(
			(url) => {
				opened.push(url);
				return Promise.resolve(true);
			},
			confirmer,
			{ baseUrl: () => 'https://backend.composio.dev', logger },
		);
		return { opener, opened, confirmer, logger };
	}

	it('opens trusted links without asking', async () => {
		const { opener, opened, confirmer } = make(false);
		assert.equal(await opener.open('https://connect.composio.dev/link/ln_1'), true);
		assert.deepEqual(opened, ['https://connect.composio.dev/link/ln_1']);
		assert.deepEqual(confirmer.asked, []);
	});

	it('asks about other web links and respects a no', async () => {
		const { opener, opened, confirmer } = make(false);
		assert.equal(await opener.open('https://example.com/x'), false);
		assert.deepEqual(confirmer.asked, ['https://example.com/x']);
		assert.deepEqual(opened, []);
	});

	it('asks about other web links and opens on a yes', async () => {
		const { opener, opened } = make(true);
		assert.equal(await opener.open('https://example.com/x'), true);
		assert.deepEqual(opened, ['https://example.com/x']);
	});

	it('refuses dangerous schemes without asking or opening, and logs no link contents', async () => {
		const { opener, opened, confirmer, logger } = make(true);
		assert.equal(await opener.open('command:workbench.action.openSettings?secret=1'), false);
		assert.equal(await opener.open('javascript:alert(document.cookie)'), false);
		assert.deepEqual(opened, []);
		assert.deepEqual(confirmer.asked, []);
		assert.ok(logger.lines.length >= 2);
		assert.ok(logger.lines.every((l) => !l.includes('secret=1') && !l.includes('cookie')));
	});

	it('asks about a punycode look-alike showing its punycode form, and opens nothing on a no', async () => {
		const { opener, opened, confirmer } = make(false);
		assert.equal(await opener.open('https://c\u043emposio.dev/link/ln_1'), false);
		assert.deepEqual(confirmer.asked, ['https://xn--cmposio-9ig.dev/link/ln_1']);
		assert.deepEqual(opened, []);
	});

	it('refuses every dangerous scheme the chat could carry, never asking', async () => {
		const { opener, opened, confirmer } = make(true);
		for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'command:workbench.action.terminal.new', 'vscode://vscode.git/clone?url=x']) {
			assert.equal(await opener.open(url), false, url);
		}
		assert.deepEqual(opened, []);
		assert.deepEqual(confirmer.asked, []);
	});

	it('opens the normalised URL it checked', async () => {
		const { opener, opened } = make(true);
		assert.equal(await opener.open('HTTPS://Connect.Composio.DEV/link/ln_1'), true);
		assert.deepEqual(opened, ['https://connect.composio.dev/link/ln_1']);
	});

	it('reads the base URL at each call', async () => {
		let base = 'https://backend.composio.dev';
		const opened: string[] = [];
		const confirmer = new FakeConfirmer(false);
		const opener = new PolicyLinkOpener((u) => (opened.push(u), Promise.resolve(true)), confirmer, { baseUrl: () => base });
		assert.equal(await opener.open('https://composio.corp.example/link/ln_1'), false);
		base = 'https://composio.corp.example';
		assert.equal(await opener.open('https://composio.corp.example/link/ln_1'), true);
		assert.deepEqual(opened, ['https://composio.corp.example/link/ln_1']);
	});
});
