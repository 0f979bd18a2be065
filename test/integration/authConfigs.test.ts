/**
 * Auth configs inside the real editor, against the sandbox emulator over HTTP: Use Your Own App
 * for a Toolkit… (the redirect URL, the fields, the secret in a password box, the workspace
 * setting, Connect through the new config), Show Auth Configs and Choose Auth Config… (back to
 * Composio's default, after saying which accounts that leaves out).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { userIdSecretKey } from '../../src/composio/userIds';
import type { TranscriptItem } from '../../src/protocol/transcript';
import type { Services } from '../../src/services';
import { CommandIds } from '../../src/vscode/workbench/commandIds';
import { currentWorkspaceIdentity } from '../../src/vscode/settings/userIdStore';
import { openConnectPage, submitConnectPage } from '../shared/connectPage';
import { until } from '../shared/until';
import { activateExtension, answerWith, ScriptedPrompts } from './helpers';
import { emulatorAdmin, OpenExternalRecorder, ScriptedPicker } from './pickers';

const SECRET = 'acme-oauth-secret-in-editor-5c1d';
const READONLY = 'https://www.googleapis.com/auth/gmail.readonly';

/** ScriptedPrompts that also keeps each input box's options (was it a password box?). */
class RecordingPrompts extends ScriptedPrompts {
	readonly boxes: vscode.InputBoxOptions[] = [];
	override inputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
		this.boxes.push(options);
		return super.inputBox(options);
	}
}

describe('Auth configs in the editor (against the sandbox emulator)', function () {
	this.timeout(60_000);
	let services: Services;
	let opener: OpenExternalRecorder;
	let originalUserId: string | undefined;
	let userId: string;
	let emulatorUrl: string;
	const userKey = (): string => userIdSecretKey(currentWorkspaceIdentity());
	const setting = (): Record<string, string> => vscode.workspace.getConfiguration('composio').get<Record<string, string>>('authConfigs') ?? {};
	const accounts = async (): Promise<Array<{ id: string; toolkit: { slug: string }; status: string; auth_config: { id: string } }>> =>
		((await emulatorAdmin(emulatorUrl, 'GET', `/accounts?user_id=${encodeURIComponent(userId)}`)) as { accounts: Array<{ id: string; toolkit: { slug: string }; status: string; auth_config: { id: string } }> }).accounts;

	before(async () => {
		({ services } = await activateExtension());
		await services.secrets.delete('composioApiKey');
		originalUserId = await services.secrets.getRaw(userKey());
		userId = `it-auth-configs-${Date.now()}`;
		await services.userIds.set(userId);
		emulatorUrl = (await services.resolveEnvironment()).composio.baseUrl;
		opener = new OpenExternalRecorder();
	});

	after(async () => {
		opener.restore();
		await vscode.workspace.getConfiguration('composio').update('authConfigs', undefined, vscode.ConfigurationTarget.Workspace);
		if (originalUserId) {
			await services.userIds.set(originalUserId);
		} else {
			await services.secrets.deleteRaw(userKey());
		}
	});

	let ownId = '';

	it('Use Your Own App for a Toolkit…: the redirect URL, then each field (the secret in a password box); the config becomes this workspace’s for Gmail and Connect Gmail goes through it', async () => {
		const picker = new ScriptedPicker(['Gmail', 'Your own']);
		const prompts = new RecordingPrompts(['Continue', 'Acme Mail Helper', 'acme-client-42', SECRET, READONLY, 'Connect Gmail']);
		answerWith({ picker, prompts });
		const before = opener.urls.length;
		const run = vscode.commands.executeCommand<string | undefined>(CommandIds.useOwnApp);
		await until(() => opener.urls.length > before, 'the Connect Link to be opened');
		const link = opener.urls[opener.urls.length - 1] ?? '';
		const html = await openConnectPage(link);
		assert.match(html, /<strong>Acme Mail Helper<\/strong> wants to access your Gmail account/, 'the own app on the Connect page');
		assert.ok(html.includes(`<code>${READONLY}</code>`), 'with the scope it asks for');
		await submitConnectPage(link);
		ownId = (await run) ?? '';
		assert.match(ownId, /^ac_/);

		assert.equal(picker.shown[1]?.title, 'Use Your Own App for Gmail', 'own app or more scopes on Composio’s: the user chose');
		assert.match(prompts.asked[0] ?? '', /^Register this redirect URL with your Gmail app$/);
		const boxes = prompts.boxes.map((b) => [b.title, b.password === true]);
		assert.deepEqual(boxes, [
			['Use Your Own App for Gmail', false],
			['Use Your Own App for Gmail (1/3)', false],
			['Use Your Own App for Gmail (2/3)', true],
			['Use Your Own App for Gmail (3/3)', false],
		]);
		assert.match(prompts.boxes[1]?.prompt ?? '', /^Client id:/);
		assert.ok(prompts.asked.includes('Gmail now connects through Acme Mail Helper in this workspace.'), prompts.asked.join(' | '));

		assert.equal(setting().gmail, ownId, 'the workspace setting names the new config');
		const settingsFile = join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', '.vscode', 'settings.json');
		const written = readFileSync(settingsFile, 'utf8');
		assert.ok(written.includes(ownId) && !written.includes(SECRET), 'the settings hold the id, never the secret');
		const gmail = (await accounts()).filter((a) => a.toolkit.slug === 'gmail');
		assert.deepEqual(
			gmail.map((a) => [a.status, a.auth_config.id]),
			[['ACTIVE', ownId]],
			'the account connected through the own app',
		);
	});

	it('the Connections view says which auth config the account connected through', async () => {
		await services.connections.refresh();
		const provider = services.connectionsView.provider;
		const gmail = (await provider.getChildren()).find((n) => n.kind === 'toolkit' && n.group.slug === 'gmail');
		assert.ok(gmail, 'Gmail is in the tree');
		const [account] = await provider.getChildren(gmail);
		assert.ok(account);
		const item = provider.getTreeItem(account);
		assert.match(String(item.description), /^Active · via Acme Mail Helper · /);
		assert.match(item.accessibilityInformation?.label ?? '', /, via Acme Mail Helper$/);
		assert.match(item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : '', /Connected through the auth config \*\*Acme Mail Helper\*\*/);
	});

	it('Show Auth Configs lists the project’s configs by toolkit, saying which this workspace uses', async () => {
		const picker = new ScriptedPicker([undefined]);
		answerWith({ picker, prompts: new ScriptedPrompts([]) });
		await vscode.commands.executeCommand(CommandIds.showAuthConfigs);
		const items = picker.shown[0]?.items ?? [];
		assert.equal(picker.shown[0]?.title, 'Auth Configs');
		const own = items.find((i) => i.label === 'Acme Mail Helper');
		assert.ok(own, `the new config is listed (${items.map((i) => i.label).join(', ')})`);
		assert.equal(own.description, 'own app · OAUTH2 · 1 account · used in this workspace');
		assert.equal(own.detail, `${ownId} · Scopes: ${READONLY}`);
		assert.ok(items.some((i) => i.kind === vscode.QuickPickItemKind.Separator && i.label === 'Gmail'), 'grouped under the toolkit');
	});

	it('Choose Auth Config… back to Composio’s default first says the own-app account is left out, then clears the setting', async () => {
		const picker = new ScriptedPicker(["Composio's default"]);
		const prompts = new ScriptedPrompts(["Use Composio's default", undefined]);
		answerWith({ picker, prompts });
		const chosen = await vscode.commands.executeCommand<string | undefined>(CommandIds.chooseAuthConfig, 'gmail');
		assert.equal(chosen, '');
		assert.equal(prompts.asked[0], '1 Gmail account was connected through another auth config');
		assert.equal(setting().gmail, undefined, 'the workspace uses Composio’s default again');
		const offered = picker.shown[0]?.items.map((i) => i.label) ?? [];
		assert.deepEqual(offered.slice(0, 1), ["Composio's default"]);
		assert.ok(offered.includes('Acme Mail Helper') && offered.includes('$(add) Use Your Own App…'));
	});

	it('an own app the provider refuses at consent: a clear error with Try Again, and nothing half-made stays (the config is deleted, the setting back as it was)', async () => {
		const picker = new ScriptedPicker(['Your own']);
		// The last answer names the second Gmail account (one is connected already).
		const prompts = new ScriptedPrompts(['Continue', 'Wrong app', 'acme-client-42', 'wrong-secret', '', 'Connect Gmail', 'wrong']);
		answerWith({ picker, prompts });
		const before = opener.urls.length;
		const run = vscode.commands.executeCommand<string | undefined>(CommandIds.useOwnApp, 'gmail');
		await until(() => opener.urls.length > before, 'the Connect Link to be opened');
		await submitConnectPage(opener.urls[opener.urls.length - 1] ?? '');
		assert.equal(await run, undefined, 'nothing was set up');
		const told = prompts.asked[prompts.asked.length - 1] ?? '';
		assert.match(told, /^Gmail refused your app \(Gmail refused the app: invalid_client .*\)\. Check the client ID and secret in your OAuth app's settings\. This workspace connects Gmail through Composio's app again\.$/);
		assert.equal(prompts.asked.filter((q) => /was not connected/.test(q)).length, 0, 'one notice, not two');
		assert.equal(setting().gmail, undefined, 'the setting is back as it was');
		const configs = (await (await services.authConfigs()).list('gmail')).map((c) => c.name);
		assert.ok(!configs.includes('Wrong app'), `the refused config is deleted (${configs.join(', ')})`);
	});

	describe('the chat’s own-app card, when Composio’s app cannot connect a toolkit', () => {
		type AuthItem = Extract<TranscriptItem, { kind: 'auth' }>;
		const POSTHOG_SECRET = 'acme-analytics-secret-in-editor-91b2';

		afterEach(async () => {
			await vscode.workspace.getConfiguration('composio').update('authConfigs', undefined, vscode.ConfigurationTarget.Workspace);
		});

		it('PostHog in the sidebar chat: Set Up Your Own App asks as the command does, writes the setting (never the secret), and the task finishes once connected', async () => {
			const { chat } = await services.loadChat();
			await chat.newConversation();
			const card = (): AuthItem | undefined => [...chat.current.items].reverse().find((i): i is AuthItem => i.kind === 'auth' && i.toolkit === 'posthog');
			const prompts = new RecordingPrompts(['Continue', 'Acme Analytics', 'acme-analytics-client', POSTHOG_SECRET, '']);
			answerWith({ prompts });
			const sending = chat.send('List my PostHog projects');
			await until(() => card()?.status === 'needsApp', 'the own-app card');
			assert.match(card()?.reason ?? '', /^Composio has no app of its own for PostHog/);
			assert.equal(card()?.ownApp?.apiKey, false, 'PostHog takes no API key');

			assert.ok(chat.setUpOwnApp(card()!.id, 'ownApp'));
			await until(() => card()?.status === 'waiting' && card()?.url !== '', 'the Connect Link on the card');
			assert.match(prompts.asked[0] ?? '', /^Register this redirect URL with your PostHog app$/);
			assert.deepEqual(prompts.boxes.map((b) => b.password === true), [false, false, true, false], 'the secret in a password box');
			const html = await openConnectPage(card()!.url);
			assert.match(html, /<strong>Acme Analytics<\/strong> wants to access your PostHog account/, 'the own app on the Connect page');
			await submitConnectPage(card()!.url);
			assert.equal(await sending, 'completed');

			const answer = [...chat.current.items].reverse().find((i) => i.kind === 'assistant');
			assert.match(answer?.kind === 'assistant' ? answer.text : '', /## PostHog projects[\s\S]*Acme Web/);
			const id = setting().posthog ?? '';
			assert.match(id, /^ac_/, 'the workspace setting names the new config');
			const written = readFileSync(join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', '.vscode', 'settings.json'), 'utf8');
			assert.ok(written.includes(id) && !written.includes(POSTHOG_SECRET), 'the settings hold the id, never the secret');
			assert.ok(!JSON.stringify(chat.current).includes(POSTHOG_SECRET), 'nor does the transcript');
			const posthog = (await accounts()).filter((a) => a.toolkit.slug === 'posthog');
			assert.deepEqual(posthog.map((a) => [a.status, a.auth_config.id]), [['ACTIVE', id]]);
		});

		it('an own app the provider refuses at consent, from the chat: the config is deleted, the setting put back, and the chat says what to check', async () => {
			const { chat } = await services.loadChat();
			await chat.newConversation();
			const card = (): AuthItem | undefined => [...chat.current.items].reverse().find((i): i is AuthItem => i.kind === 'auth' && i.toolkit === 'posthog');
			answerWith({ prompts: new ScriptedPrompts(['Continue', 'Wrong analytics app', 'wrong-client', 'some-secret', '']) });
			// Another user: the PostHog account connected above is not theirs.
			await services.userIds.set(`${userId}-refused`);
			try {
				const sending = chat.send('List my PostHog projects');
				await until(() => card()?.status === 'needsApp', 'the own-app card');
				chat.setUpOwnApp(card()!.id, 'ownApp');
				await until(() => card()?.status === 'waiting' && card()?.url !== '', 'the Connect Link');
				await submitConnectPage(card()!.url);
				assert.equal(await sending, 'completed');
				assert.equal(card()?.status, 'failed');
				const answer = [...chat.current.items].reverse().find((i) => i.kind === 'assistant');
				assert.match(answer?.kind === 'assistant' ? answer.text : '', /^PostHog refused your app \(.*invalid_client.*\)\. Check the client ID and secret in your OAuth app's settings\. This workspace connects PostHog through Composio's app again\./);
				assert.equal(setting().posthog, undefined, 'the setting is back as it was');
				const configs = (await (await services.authConfigs()).list('posthog')).map((c) => c.name);
				assert.ok(!configs.includes('Wrong analytics app'), `the refused config is deleted (${configs.join(', ')})`);
			} finally {
				await services.userIds.set(userId);
			}
		});

		it('composio_connect_app for Shopify (Composio’s app is gone): a dialog offers an API key first, and the key is typed on the Connect page', async () => {
			const prompts = new ScriptedPrompts(['Connect with an API Key']);
			answerWith({ prompts });
			const before = opener.urls.length;
			const result = vscode.lm.invokeTool('composio_connect_app', { input: { toolkit: 'shopify' }, toolInvocationToken: undefined });
			await until(() => opener.urls.length > before, 'the Connect Link to be opened');
			assert.equal(prompts.asked[0], 'Shopify needs your own app');
			const link = opener.urls[opener.urls.length - 1] ?? '';
			assert.match(await openConnectPage(link), /name="api_key"/, 'the Connect page asks for the key');
			await submitConnectPage(link, 'authorize', { api_key: 'shpat-in-editor-key' });
			const said = (await result).content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
			assert.match(said, /^Connected Shopify \(account /);
			assert.match(setting().shopify ?? '', /^ac_/);
		});

		it('composio_connect_app for Hacker News: nothing to connect, and no account is made', async () => {
			const result = await vscode.lm.invokeTool('composio_connect_app', { input: { toolkit: 'hackernews' }, toolInvocationToken: undefined });
			const said = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
			assert.match(said, /^Hacker News needs no sign-in: there is nothing to connect\./);
			assert.equal((await accounts()).filter((a) => a.toolkit.slug === 'hackernews').length, 0);
		});
	});
});
