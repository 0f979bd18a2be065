/**
 * The Composio Language Model Tools through VS Code's own tools API (`vscode.lm.tools`,
 * `vscode.lm.invokeTool`), against the sandbox's emulator: listed, find, connect (completed on
 * the emulator's Connect page), run, list accounts, the confirmation `prepareInvocation` gives a
 * side-effecting call (by the same rules and always-allowed list as the sidebar chat), and the
 * setting that turns them off.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { userIdSecretKey } from '../../src/composio/userIds';
import type { Services } from '../../src/services';
import { currentWorkspaceIdentity } from '../../src/vscode/settings/userIdStore';
import type { ComposioLanguageModelTools } from '../../src/vscode/vscodeChat/languageModelTools';
import { LanguageModelToolNames } from '../../src/vscode/workbench/commandIds';
import { submitConnectPage } from '../shared/connectPage';
import { until } from '../shared/until';
import { activateExtension } from './helpers';
import { OpenExternalRecorder } from './pickers';

const NAMES = Object.values(LanguageModelToolNames);

/** Runs a tool through VS Code and returns its text. */
async function invoke(name: string, input: object, token?: vscode.CancellationToken): Promise<string> {
	const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
	return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function markdownOf(message: string | vscode.MarkdownString | undefined): string {
	return typeof message === 'string' ? message : (message?.value ?? '');
}

describe(`Composio Language Model Tools in VS Code ${vscode.version}`, function () {
	this.timeout(120_000);
	let services: Services;
	let tools: () => Promise<ComposioLanguageModelTools>;
	let opener: OpenExternalRecorder;
	let originalUserId: string | undefined;
	const userKey = (): string => userIdSecretKey(currentWorkspaceIdentity());
	const none = new vscode.CancellationTokenSource().token;

	before(async () => {
		const api = await activateExtension();
		({ services } = api);
		tools = api.languageModelTools;
		await services.secrets.delete('composioApiKey');
		originalUserId = await services.secrets.getRaw(userKey());
		// A user of its own: no account connected yet.
		await services.userIds.set(`it-lm-tools-${Date.now()}`);
		opener = new OpenExternalRecorder();
	});

	after(async () => {
		opener.restore();
		await vscode.workspace.getConfiguration('composio').update('languageModelTools.enabled', undefined, vscode.ConfigurationTarget.Global);
		if (originalUserId) {
			await services.userIds.set(originalUserId);
		} else {
			await services.secrets.deleteRaw(userKey());
		}
	});

	it('vscode.lm.tools lists the four tools, each with a #composio… reference name', () => {
		for (const name of NAMES) {
			const tool = vscode.lm.tools.find((t) => t.name === name);
			assert.ok(tool, `${name} is listed`);
			assert.ok(tool.tags.includes('composio'), `${name} is tagged composio`);
			assert.ok(tool.description.length > 40, `${name} describes itself to the model`);
		}
	});

	it('find tools: the tools for a task, their slugs, and what to call next', async () => {
		const text = await invoke(LanguageModelToolNames.findTools, { use_case: 'summarize my emails from today' });
		assert.match(text, /^Tools for “summarize my emails from today”: [^\n]*GMAIL_FETCH_EMAILS/);
		assert.match(text, /composio_run_tool/);
		assert.match(text, /composio_connect_app/, 'Gmail is not connected yet, and the model is told how');
		assert.ok(text.length < 9_000, `bounded (${text.length} characters)`);
	});

	it('connect an app: opens the Connect Link, waits, and says so once the account is active (completed on the Connect page)', async () => {
		const before = opener.urls.length;
		const pending = invoke(LanguageModelToolNames.connectApp, { toolkit: 'gmail' });
		await until(() => opener.urls.length > before, 'the Connect Link to be opened');
		const url = opener.urls[opener.urls.length - 1]!;
		assert.match(url, /^http:\/\/127\.0\.0\.[12]:\d+\//, 'the sandbox Connect page, opened through the link policy');
		await submitConnectPage(url, 'authorize');
		assert.match(await pending, /^Connected Gmail \(account ca_[^)]+\)\. Go on with the task/);
		assert.match(await invoke(LanguageModelToolNames.connectApp, { toolkit: 'gmail' }), /^Gmail is already connected/);
	});

	it('run a tool and list the accounts: the emails, bounded, and the Gmail account', async () => {
		const text = await invoke(LanguageModelToolNames.runTool, { tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 3 } });
		assert.match(text, /^GMAIL_FETCH_EMAILS ran\./);
		assert.match(text, /Q3 roadmap review moved to Thursday|messages/);
		assert.ok(text.length < 9_000, `bounded (${text.length} characters)`);
		const accounts = await invoke(LanguageModelToolNames.listAccounts, {});
		assert.match(accounts, /^Connected accounts:\n- Gmail \(gmail\): “[^”]+@[^”]+”, active, id ca_/, "the account is listed as who it is (its identity), then its state and id");
	});

	it('prepareInvocation: a send asks with the same summary as the approval card; a read does not; always-allowed tools do not', async () => {
		const run = (await tools()).runTool;
		const send = await run.prepareInvocation!({ input: { tool_slug: 'GMAIL_SEND_EMAIL', arguments: { recipient_email: 'dana@acme.dev', subject: 'Build', body: 'green' } } }, none);
		assert.ok(send?.confirmationMessages, 'a send needs confirmation');
		assert.equal(send.confirmationMessages.title, 'Allow this action? Gmail: Send email');
		const message = markdownOf(send.confirmationMessages.message);
		assert.match(message, /The agent wants to act on your account\. Nothing runs until you answer\./);
		assert.match(message, /\*\*Gmail\*\* · Send email \(`GMAIL_SEND_EMAIL`\)/);
		assert.match(message, /recipient_email: dana@acme\.dev\nsubject: Build\nbody: green/);
		assert.equal(markdownOf(send.invocationMessage), 'Running Gmail: Send email');

		const read = await run.prepareInvocation!({ input: { tool_slug: 'GMAIL_FETCH_EMAILS', arguments: {} } }, none);
		assert.equal(read?.confirmationMessages, undefined, 'a read runs without asking');

		await services.alwaysAllowed.add('GMAIL_SEND_EMAIL');
		try {
			const allowed = await run.prepareInvocation!({ input: { tool_slug: 'GMAIL_SEND_EMAIL', arguments: {} } }, none);
			assert.equal(allowed?.confirmationMessages, undefined, 'always allowed in the sidebar: not asked here either');
		} finally {
			await services.alwaysAllowed.remove('GMAIL_SEND_EMAIL');
		}

		await vscode.workspace.getConfiguration('composio').update('approval', 'all', vscode.ConfigurationTarget.Global);
		try {
			const asked = await run.prepareInvocation!({ input: { tool_slug: 'GMAIL_FETCH_EMAILS', arguments: {} } }, none);
			assert.ok(asked?.confirmationMessages, 'composio.approval "all" asks for reads too');
		} finally {
			await vscode.workspace.getConfiguration('composio').update('approval', undefined, vscode.ConfigurationTarget.Global);
		}
	});

	it('composio.languageModelTools.enabled off: VS Code\'s chat leaves them out (their `when`), and a call is refused', async () => {
		const manifest = vscode.extensions.getExtension('composio-agent.composio-agent')?.packageJSON as { contributes: { languageModelTools: { name: string; when?: string }[] } };
		for (const tool of manifest.contributes.languageModelTools) {
			assert.equal(tool.when, 'config.composio.languageModelTools.enabled', `${tool.name} is offered only while the setting is on`);
		}
		await vscode.workspace.getConfiguration('composio').update('languageModelTools.enabled', false, vscode.ConfigurationTarget.Global);
		try {
			await assert.rejects(() => invoke(LanguageModelToolNames.listAccounts, {}), /turned off/);
		} finally {
			await vscode.workspace.getConfiguration('composio').update('languageModelTools.enabled', undefined, vscode.ConfigurationTarget.Global);
		}
		assert.match(await invoke(LanguageModelToolNames.listAccounts, {}), /^Connected accounts:/);
	});
});
