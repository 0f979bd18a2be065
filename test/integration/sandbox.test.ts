import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openConnectPage, submitConnectPage } from '../shared/connectPage';
import { reachableUrl } from '../../src/vscode/workbench/vsCodeLinkOpener';
import { activateExtension } from './helpers';

describe('Sandbox and the Composio layer inside the extension host', () => {
	it('runs on the sandbox while no Composio key is set, and says so', async () => {
		const { services } = await activateExtension();
		await services.secrets.delete('composioApiKey');
		assert.equal(await services.environment.isSandbox(), true);
		const env = await services.resolveEnvironment();
		assert.equal(env.mode, 'sandbox');
		assert.match(env.composio.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
		assert.equal((await services.config()).sandbox, true, 'the chat view is told it is the sandbox');
	});

	it('lists the simulated toolkits through the bundled SDK', async () => {
		const { services } = await activateExtension();
		const session = await services.session();
		const slugs = (await session.toolkits()).map((t) => t.slug);
		for (const slug of ['gmail', 'github', 'slack', 'linear']) {
			assert.ok(slugs.includes(slug), `${slug} is listed (got ${slugs.join(', ')})`);
		}
		const tools = (await session.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
		assert.ok(tools.includes('COMPOSIO_MANAGE_CONNECTIONS'));
	});

	it('connects Gmail: the Connect Link resolves to the editor\'s forwarding route, where the page loads and Authorize makes it ACTIVE', async () => {
		const { services } = await activateExtension();
		const session = await services.session();
		const request = await session.authorize('gmail', { alias: `it-${Date.now()}` });
		const link = new URL(request.redirectUrl);
		assert.equal(link.hostname, '127.0.0.1', 'the sandbox makes its links on the loopback address it listens on');
		// This editor is browser-hosted (code-server): the page must load where the browser is,
		// through the editor's server, so the opener resolves the link with asExternalUri.
		assert.equal(vscode.env.uiKind, vscode.UIKind.Web, 'the in-editor tests run in code-server');
		const reachable = new URL(await reachableUrl(request.redirectUrl));
		assert.notEqual(reachable.origin, link.origin, `resolved to the editor's server (got ${reachable.href})`);
		assert.ok(reachable.pathname.endsWith(link.pathname), `the link's path is kept (got ${reachable.pathname})`);
		assert.match(reachable.pathname, new RegExp(`/${link.port}/`), 'the route names the sandbox port');
		const statuses: string[] = [];
		const wait = session.waitForConnection(request.accountId, { signal: new AbortController().signal, intervalMs: 200, onStatus: (s) => statuses.push(s) });
		assert.match(await openConnectPage(reachable.href), /Gmail/);
		await submitConnectPage(reachable.href, 'authorize');
		assert.deepEqual(await wait, { status: 'ACTIVE' });
		assert.equal(statuses.at(-1), 'ACTIVE');
		const accounts = await session.listAccounts('gmail');
		assert.ok(accounts.some((a) => a.id === request.accountId && a.status === 'ACTIVE'));
	});

	it('leaves a link that is not on this machine as it is', async () => {
		assert.equal(await reachableUrl('https://connect.composio.dev/link/ln_abc'), 'https://connect.composio.dev/link/ln_abc');
	});

	it('leaves the sandbox once a Composio key is set (and asks for a model: an OpenAI key or a VS Code model)', async () => {
		const { services } = await activateExtension();
		await services.secrets.set('composioApiKey', 'ck_integration_test_key');
		try {
			assert.equal(await services.environment.isSandbox(), false);
			const env = await services.resolveEnvironment();
			assert.equal(env.mode, 'live');
			assert.equal(env.composio.baseUrl, 'https://backend.composio.dev');
			assert.equal(env.missing, 'openAiKey');
			// No OpenAI key: a language model VS Code offers, or, where it offers none, nothing to talk to.
			services.models.wake(); // as showing the chat or sending a message does
			const offered = await services.models.vscodeModels();
			const config = await services.config();
			if (offered.length === 0) {
				assert.equal(config.missing, 'model');
				assert.equal(config.model, undefined);
			} else {
				assert.equal(config.missing, undefined);
				assert.equal(config.model?.label, offered[0]?.name);
			}
			await vscode.workspace.getConfiguration('composio').update('sandbox', 'on', vscode.ConfigurationTarget.Global);
			assert.equal(await services.environment.isSandbox(), true, 'composio.sandbox "on" forces the sandbox even with a key');
		} finally {
			await vscode.workspace.getConfiguration('composio').update('sandbox', undefined, vscode.ConfigurationTarget.Global);
			await services.secrets.delete('composioApiKey');
		}
	});
});
