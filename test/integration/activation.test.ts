/**
 * Zero cost until used, in the real extension host (this file runs first in the window): what
 * activation loaded and asked for, that the heavy bundles load only when something needs them,
 * and that a message lists the accounts once at most (the turn's own list, shared with the views),
 * and later ones neither open a new Composio session nor fetch the tools again: the budgets on
 * request counts (docs/performance.md). The sandbox servers are the runner's (their tests' build), so their request logs
 * show every request the extension made.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/vscode/workbench/commandIds';
import { until } from '../shared/until';
import { activateExtension, EXTENSION_ID, loadedFiles, sandboxRequests } from './helpers';
import { emulatorAdmin } from './pickers';

describe('Activation in the real extension host', function () {
	this.timeout(60_000);

	it('activated at startup having loaded only the activation bundle, and asked nothing of the network', async () => {
		const ext = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(ext, 'the extension is installed');
		// onStartupFinished activates it before any test runs; nothing has used it since.
		await until(() => ext.isActive, 'the extension to activate at startup');
		const root = ext.extensionUri.fsPath;
		assert.deepEqual(loadedFiles(root), ['extension.js'], 'only the activation bundle was evaluated: no SDK, no agent, no sandbox');
		const requests = await sandboxRequests();
		assert.deepEqual(requests, { composio: [], model: [] }, 'no request reached the sandbox servers');
	});

	it('loads the Composio bundle the first time the Connections view needs it, and only then asks Composio', async () => {
		const { services } = await activateExtension();
		const root = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri.fsPath ?? '';
		assert.ok(!loadedFiles(root).some((f) => f.startsWith('lazy/')), 'no lazy bundle yet');
		await vscode.commands.executeCommand(CommandIds.manageConnections);
		await until(() => services.connectionsView.treeView.visible, 'the connections view');
		assert.equal(services.connections.state.kind, 'loaded');
		assert.ok(loadedFiles(root).includes('lazy/composio.js'), 'the Composio bundle loaded');
		assert.ok(!loadedFiles(root).includes('lazy/model.js'), 'the OpenAI SDK did not: nothing was sent');
		const { composio } = await sandboxRequests();
		assert.ok(composio.some((r) => r === 'POST /api/v3.1/tool_router/session'), `a session was created (${composio.join(', ')})`);
	});

	it('loads the agent when the chat is shown and the OpenAI SDK with the first message; each message lists the accounts once at most, later ones open no new session and fetch no tools', async () => {
		const { services } = await activateExtension();
		const root = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri.fsPath ?? '';
		await vscode.commands.executeCommand(CommandIds.openChat);
		await until(() => services.chatView.isReady, 'the chat view');
		assert.ok(loadedFiles(root).includes('lazy/agent.js'), 'the agent bundle loaded');
		const { chat, controller } = await services.loadChat();
		await chat.newConversation();
		const userId = await services.userIds.get();
		const emulatorUrl = (await services.resolveEnvironment()).composio.baseUrl;
		// A user of its own, so this conversation starts on a session whose tools nobody fetched yet.
		await services.userIds.set(`it-activation-${Date.now()}`);
		await emulatorAdmin(emulatorUrl, 'POST', '/accounts', { userId: await services.userIds.get(), toolkit: 'gmail' });
		await services.connections.refresh();
		try {
			const perMessage: string[][] = [];
			for (let i = 0; i < 3; i++) {
				await emulatorAdmin(emulatorUrl, 'DELETE', '/requests');
				await controller.send('Summarize my emails');
				await chat.idle();
				perMessage.push((await sandboxRequests()).composio);
			}
			assert.ok(loadedFiles(root).includes('lazy/model.js'), 'the model bundle loaded');
			assert.ok(!loadedFiles(root).includes('lazy/vscodeModel.js'), 'the VS Code language model client did not: the sandbox model answered');
			const last = chat.current.items.at(-1);
			assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text), `the agent answered (${JSON.stringify(last)})`);
			const count = (requests: string[], pattern: RegExp): number => requests.filter((r) => pattern.test(r)).length;
			const [first = [], ...later] = perMessage;
			assert.equal(count(first, /\/tools$/), 1, `the first message fetched the session's tools, once (${first.join(', ')})`);
			for (const [i, requests] of perMessage.entries()) {
				// The turn's own list at its start, which the views take too: no view or helper lists on its own.
				assert.ok(count(requests, /^GET \/api\/v3(\.1)?\/connected_accounts(\?|$)/) <= 1, `message ${i + 1} listed the accounts once at most (${requests.join(', ')})`);
			}
			for (const [i, requests] of later.entries()) {
				assert.ok(count(requests, /\/execute$/) > 0, `message ${i + 2} ran its tool (${requests.join(', ')})`);
				assert.equal(count(requests, /^POST \/api\/v3\.1\/tool_router\/session$/), 0, `message ${i + 2} created no session`);
				assert.equal(count(requests, /\/tools$/), 0, `message ${i + 2} fetched no tools`);
			}
		} finally {
			await services.userIds.set(userId);
		}
	});
});
