/**
 * Zero cost until used, in the real extension host (this file runs first in the window): what
 * activation loaded and asked for, that the heavy bundles load only when something needs them,
 * and that once the accounts are loaded a message lists them no more, opens no new Composio
 * session and fetches no tools again: the budgets on request counts (docs/performance.md). The
 * sandbox servers are the runner's (their tests' build), so their request logs show every request
 * the extension made, each with the component that made it (`x-composio-agent-component`): a list
 * some part of the extension makes on its own is charged to it whenever it lands.
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
		assert.deepEqual(requests, { composio: [], model: [], components: [] }, 'no request reached the sandbox servers');
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

	it('loads the agent when the chat is shown and the OpenAI SDK with the first message; once the accounts are loaded, messages list them no more, open no new session and fetch no tools', async () => {
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
		await emulatorAdmin(emulatorUrl, 'DELETE', '/requests');
		try {
			// One log for all the messages, cut where each ended: a request some part of the extension
			// starts after a turn lands in a later message's share, never between two reads.
			const ends: number[] = [];
			for (let i = 0; i < 3; i++) {
				await controller.send('Summarize my emails');
				await chat.idle();
				ends.push((await sandboxRequests()).composio.length);
			}
			const log = await sandboxRequests();
			const described = log.composio.map((r, i) => `${r} [${log.components[i] ?? 'no component'}]`);
			const perMessage = ends.map((end, i) => described.slice(i === 0 ? 0 : ends[i - 1], i === ends.length - 1 ? undefined : end));
			assert.ok(loadedFiles(root).includes('lazy/model.js'), 'the model bundle loaded');
			assert.ok(!loadedFiles(root).includes('lazy/vscodeModel.js'), 'the VS Code language model client did not: the sandbox model answered');
			const last = chat.current.items.at(-1);
			assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text), `the agent answered (${JSON.stringify(last)})`);
			assert.ok(!log.components.includes(undefined), `every request named the component that made it (${described.join(', ')})`);
			const count = (requests: string[], pattern: RegExp): number => requests.filter((r) => pattern.test(r)).length;
			const accountLists = /^GET \/api\/v3(\.1)?\/connected_accounts /;
			const [first = [], ...later] = perMessage;
			assert.equal(count(first, /\/tools /), 1, `the first message fetched the session's tools, once (${first.join(', ')})`);
			assert.equal(count(first, accountLists), 0, `the first message listed no accounts: the Connections view had loaded them (${first.join(', ')})`);
			for (const [i, requests] of later.entries()) {
				assert.deepEqual(requests.filter((r) => !r.endsWith(' [chat]')), [], `message ${i + 2}: the chat made every request, no other part of the extension did`);
				assert.ok(count(requests, /\/execute /) > 0, `message ${i + 2} ran its tool (${requests.join(', ')})`);
				assert.equal(count(requests, accountLists), 0, `message ${i + 2} listed no accounts (${requests.join(', ')})`);
				assert.equal(count(requests, /^POST \/api\/v3\.1\/tool_router\/session /), 0, `message ${i + 2} created no session`);
				assert.equal(count(requests, /\/tools /), 0, `message ${i + 2} fetched no tools`);
			}
		} finally {
			await services.userIds.set(userId);
		}
	});
});
