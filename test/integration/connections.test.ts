/**
 * The Connections view and its commands inside the real editor, against the sandbox emulator
 * over HTTP: Connect App (the picker's contents, the Connect Link, the Connect page), a second
 * account with an alias, an expired account reconnected, disable/enable, disconnect, failures,
 * the status bar and the context keys behind the `when` clauses.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { userIdSecretKey } from '../../src/composio/userIds';
import type { Services } from '../../src/services';
import { CommandIds, ContextKeys } from '../../src/vscode/workbench/commandIds';
import type { ConnectResult } from '../../src/vscode/connections/connectionCommands';
import type { ConnectionsNode } from '../../src/vscode/connections/connectionsView';
import { currentWorkspaceIdentity } from '../../src/vscode/settings/userIdStore';
import { until } from '../shared/until';
import { activateExtension, answerWith, sandboxRequests, ScriptedPrompts } from './helpers';
import { submitConnectPage } from '../shared/connectPage';
import { emulatorAdmin, OpenExternalRecorder, ScriptedPicker } from './pickers';

/** A tree item reduced to what the user sees. */
interface Shown {
	readonly node: ConnectionsNode;
	readonly label: string;
	readonly description: string;
	readonly contextValue: string;
	readonly icon: string;
	readonly iconColor: string;
	readonly a11y: string;
	readonly children: Shown[];
}

describe('Connections view and commands (against the sandbox emulator)', function () {
	this.timeout(60_000);
	let services: Services;
	let opener: OpenExternalRecorder;
	let originalUserId: string | undefined;
	let emulatorUrl: string;
	let userId: string;
	/** The account under a toolkit item with this alias. */
	const aliased = (t: Shown, alias: string): Shown | undefined => t.children.find((c) => c.node.kind === 'account' && c.node.account.alias === alias);
	const userKey = (): string => userIdSecretKey(currentWorkspaceIdentity());

	async function show(node: ConnectionsNode): Promise<Shown> {
		const provider = services.connectionsView.provider;
		const item = provider.getTreeItem(node);
		const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
		const children = await provider.getChildren(node);
		return {
			node,
			label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
			description: typeof item.description === 'string' ? item.description : '',
			contextValue: item.contextValue ?? '',
			icon: icon?.id ?? '',
			iconColor: icon?.color?.id ?? '',
			a11y: item.accessibilityInformation?.label ?? '',
			children: await Promise.all(children.map(show)),
		};
	}

	async function tree(): Promise<Shown[]> {
		return Promise.all((await services.connectionsView.provider.getChildren()).map(show));
	}

	async function toolkit(name: string): Promise<Shown> {
		const found = (await tree()).find((t) => t.label === name);
		assert.ok(found, `${name} is in the tree`);
		return found;
	}

	/** Runs a connect-like command, completes the Connect Link it opens on the emulator's page, and returns its result. */
	async function connectThrough(run: () => Thenable<ConnectResult | undefined>): Promise<ConnectResult> {
		const before = opener.urls.length;
		const result = run();
		await until(() => opener.urls.length > before, 'the Connect Link to be opened');
		const url = opener.urls[opener.urls.length - 1] ?? '';
		assert.match(url, /^https?:\/\/[^/]+\/proxy\/\d+\/link\/ln_/, 'a sandbox Connect Link, opened through the editor\'s forwarding route');
		await submitConnectPage(url);
		const done = await result;
		assert.ok(done, 'the command resolved to a result');
		return done;
	}

	before(async () => {
		({ services } = await activateExtension());
		await services.secrets.delete('composioApiKey');
		originalUserId = await services.secrets.getRaw(userKey());
		// A user of its own, so the accounts other suites connect do not show here.
		userId = `it-connections-${Date.now()}`;
		await services.userIds.set(userId);
		emulatorUrl = (await services.resolveEnvironment()).composio.baseUrl;
		opener = new OpenExternalRecorder();
	});

	after(async () => {
		opener.restore();
		if (originalUserId) {
			await services.userIds.set(originalUserId);
		} else {
			await services.secrets.deleteRaw(userKey());
		}
	});

	it('starts empty (so the welcome content shows), with the context keys saying so', async () => {
		await services.connections.refresh();
		assert.deepEqual(await tree(), []);
		await services.contextKeys.update();
		assert.equal(services.contextKeys.get(ContextKeys.sandbox), true);
		assert.equal(services.contextKeys.get(ContextKeys.connectionsLoaded), true);
		assert.equal(services.contextKeys.get(ContextKeys.hasConnections), false);
		assert.equal(services.contextKeys.get(ContextKeys.keyMissing), false);
		await services.statusBar.update();
		assert.equal(services.statusBar.view?.text, '$(beaker) Composio Sandbox: no apps connected');
		assert.equal(services.statusBar.view?.target, 'connections');
	});

	it('Connect App… offers the session’s toolkits from the emulator, each saying whether it is connected', async () => {
		const picker = new ScriptedPicker([undefined]);
		answerWith({ picker });
		assert.equal(await vscode.commands.executeCommand(CommandIds.connectApp), undefined, 'dismissing the pick does nothing');
		const shown = picker.shown[0];
		assert.ok(shown);
		assert.equal(shown.title, 'Connect App');
		const items = shown.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
		for (const name of ['Gmail', 'GitHub', 'Slack', 'Linear']) {
			const item = items.find((i) => i.label === name);
			assert.ok(item, `${name} is offered (got ${items.map((i) => i.label).join(', ')})`);
			assert.equal(item.detail, 'Not connected');
		}
		assert.equal(shown.items[0]?.label, 'Not connected', 'grouped under a separator');
		// An app with no sign-in is offered apart, with nothing to connect.
		const separators = shown.items.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label);
		assert.equal(separators.at(-1), 'No sign-in needed');
		assert.equal(items.find((i) => i.label === 'Hacker News')?.detail, 'The agent uses it without an account');
		assert.equal(opener.urls.length, 0);
	});

	it('Connect App… shows one page of a catalog of Composio’s size and finds the rest by searching', async () => {
		// The runner's emulator lists 1,200 toolkits (test/editor/runIntegration.ts), 20 a page by default.
		const picker = new ScriptedPicker(['Catalog App 1100']);
		answerWith({ picker, prompts: new ScriptedPrompts([]) });
		await emulatorAdmin(emulatorUrl, 'DELETE', '/requests');
		await vscode.commands.executeCommand(CommandIds.connectApp);
		const first = picker.shown[0]?.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator) ?? [];
		assert.ok(first.length > 4 && first.length <= 50, `the first page, not the catalog (${first.length} offered)`);
		assert.ok(!first.some((i) => i.label === 'Catalog App 1100'), 'the toolkit is beyond the first page');
		assert.deepEqual(
			picker.searched.map((s) => [s.query, s.items.some((i) => i.label === 'Catalog App 1100')]),
			[['Catalog App 1100', true]],
			'typing its name found it',
		);
		const { composio } = await sandboxRequests();
		const toolkitRequests = composio.filter((r) => /\/toolkits$/.test(r));
		assert.equal(toolkitRequests.length, 2, `one page to open the picker, one search (${toolkitRequests.join(', ')})`);
	});

	it('connects Gmail through its Connect Link, showing it as waiting meanwhile, then active in the tree', async () => {
		answerWith({ picker: new ScriptedPicker(['Gmail']), prompts: new ScriptedPrompts([]) });
		const before = opener.urls.length;
		const run = vscode.commands.executeCommand<ConnectResult | undefined>(CommandIds.connectApp);
		await until(() => opener.urls.length > before, 'the Connect Link to be opened');
		// While the link is open: the status bar, the badge and the tree say so.
		await until(() => services.statusBar.view?.text === '$(sync~spin) Composio: connecting Gmail…', 'the status bar to show the waiting connection');
		assert.equal(services.connectionsView.treeView.badge?.value, 1);
		await until(async () => (await tree()).some((t) => t.label === 'Gmail' && t.children[0]?.icon === 'sync~spin'), 'the waiting account in the tree');
		const waiting = (await toolkit('Gmail')).children[0];
		assert.equal(waiting?.contextValue, 'account:initiated');
		assert.match(waiting?.description ?? '', /^Waiting for you in the browser/);
		await submitConnectPage(opener.urls[opener.urls.length - 1] ?? '');
		const result = await run;
		assert.equal(result?.outcome.status, 'ACTIVE');
		assert.equal(result?.toolkit, 'gmail');

		// Who the account is, looked up once it is ACTIVE, is its label (and becomes its alias).
		await until(async () => (await toolkit('Gmail')).children[0]?.label === `${userId}@example.com`, 'the identity as the label');
		const gmail = await toolkit('Gmail');
		assert.equal(gmail.description, '1 account');
		assert.equal(gmail.icon, 'plug');
		assert.equal(gmail.children.length, 1);
		const account = gmail.children[0];
		assert.equal(account?.contextValue, 'account:active');
		assert.equal(account?.icon, 'pass-filled');
		assert.equal(account?.iconColor, 'testing.iconPassed');
		assert.match(account?.description ?? '', /^Active · \d{1,2} [A-Z][a-z]{2} \d{4}$/, 'status and creation date');
		assert.match(account?.a11y ?? '', /Gmail account, Active, connected /);
		assert.equal(services.connectionsView.treeView.badge, undefined, 'no badge once nothing waits');
		await services.statusBar.update();
		assert.equal(services.statusBar.view?.text, '$(beaker) Composio Sandbox: 1 app connected');
		await services.contextKeys.update();
		assert.equal(services.contextKeys.get(ContextKeys.hasConnections), true);
	});

	it('a second Gmail account asks for an alias first, and shows beside the first', async () => {
		const picker = new ScriptedPicker(['Gmail']);
		const prompts = new ScriptedPrompts(['work']);
		answerWith({ picker, prompts });
		const result = await connectThrough(() => vscode.commands.executeCommand<ConnectResult | undefined>(CommandIds.connectApp));
		assert.equal(result.outcome.status, 'ACTIVE');
		const offered = picker.shown[0]?.items.find((i) => i.label === 'Gmail');
		assert.equal(offered?.detail, `Connected (${userId}@example.com) · choose to add another account`, 'the picker says Gmail is connected, and as whom');
		assert.equal(picker.shown[0]?.items[0]?.label, 'Connected');
		assert.equal(prompts.asked[0], 'Connect another Gmail account', 'the alias was asked for');
		await until(async () => aliased(await toolkit('Gmail'), 'work')?.label === `${userId}+work@example.com (work)`, 'the second identity');
		const gmail = await toolkit('Gmail');
		assert.equal(gmail.description, '2 accounts');
		assert.deepEqual(
			gmail.children.map((c) => [c.label, c.contextValue]),
			[
				[`${userId}@example.com`, 'account:active'],
				[`${userId}+work@example.com (work)`, 'account:active'],
			],
		);
		// Composio got the first one's identity as its alias (it had none).
		assert.deepEqual(
			gmail.children.map((c) => (c.node.kind === 'account' ? c.node.account.alias : '')),
			[`${userId}@example.com`, 'work'],
		);
	});

	it('refuses an alias that another account of the toolkit already has', async () => {
		answerWith({ picker: new ScriptedPicker(['Gmail']) });
		const prompts = new ScriptedPrompts(['Work']);
		answerWith({ prompts });
		assert.equal(await vscode.commands.executeCommand(CommandIds.connectApp), undefined);
		assert.equal(opener.urls.length, 2, 'no new link');
	});

	it('an expired account shows as expired with Reconnect; reconnecting replaces it and keeps its alias', async () => {
		const work = aliased(await toolkit('Gmail'), 'work');
		assert.ok(work?.node.kind === 'account');
		const oldId = work.node.account.id;
		await emulatorAdmin(emulatorUrl, 'POST', `/accounts/${oldId}/status`, { status: 'EXPIRED', reason: 'Token refresh failed' });
		await vscode.commands.executeCommand(CommandIds.refreshConnections);
		const expired = aliased(await toolkit('Gmail'), 'work');
		assert.equal(expired?.contextValue, 'account:expired', 'the menus offer Reconnect for this context value');
		assert.match(expired?.description ?? '', /^Needs attention: expired/);
		assert.equal(services.connectionsView.treeView.badge?.value, 1, 'the badge counts accounts that need attention');
		assert.equal(expired?.icon, 'warning');
		assert.equal(expired?.iconColor, 'list.warningForeground');
		assert.equal((await toolkit('Gmail')).description, '1 of 2 accounts active');
		await services.statusBar.update();
		assert.equal(services.statusBar.view?.text, '$(beaker) Composio Sandbox: $(warning) 1 needs attention');
		assert.match(services.statusBar.view?.tooltip ?? '', new RegExp(`Needs attention \\(expired, revoked or failed\\): Gmail ${userId}\\+work@example\\.com \\(work\\)`));
		assert.equal(services.statusBar.view?.target, 'connections');

		answerWith({ prompts: new ScriptedPrompts([]) });
		const result = await connectThrough(() => vscode.commands.executeCommand<ConnectResult | undefined>(CommandIds.reconnectAccount, expired?.node));
		assert.equal(result.outcome.status, 'ACTIVE');
		assert.notEqual(result.accountId, oldId, 'a new account replaces the expired one');
		await until(async () => {
			const children = (await toolkit('Gmail')).children;
			return children.length === 2 && !children.some((c) => c.node.kind === 'account' && c.node.account.id === oldId);
		}, 'the old account to be gone');
		const renewed = aliased(await toolkit('Gmail'), 'work');
		assert.equal(renewed?.contextValue, 'account:active', 'the new account carries the alias');
		assert.equal(renewed?.label, `${userId}+work@example.com (work)`, 'and the identity');
	});

	it('Disable and Enable switch an account off and on', async () => {
		const work = aliased(await toolkit('Gmail'), 'work');
		assert.equal(await vscode.commands.executeCommand(CommandIds.disableAccount, work?.node), true);
		const disabled = aliased(await toolkit('Gmail'), 'work');
		assert.equal(disabled?.contextValue, 'account:disabled');
		assert.equal(disabled?.icon, 'circle-slash');
		assert.match(disabled?.description ?? '', /^Disabled/);
		assert.equal(await vscode.commands.executeCommand(CommandIds.enableAccount, disabled?.node), true);
		assert.equal(aliased(await toolkit('Gmail'), 'work')?.contextValue, 'account:active');
	});

	it('Connect Another Account on a toolkit item goes straight to the alias', async () => {
		const gmail = await toolkit('Gmail');
		const picker = new ScriptedPicker([]);
		answerWith({ picker, prompts: new ScriptedPrompts(['personal']) });
		const result = await connectThrough(() => vscode.commands.executeCommand<ConnectResult | undefined>(CommandIds.connectAnotherAccount, gmail.node));
		assert.equal(result.outcome.status, 'ACTIVE');
		assert.equal(picker.shown.length, 0, 'no toolkit picker for a toolkit item');
		await until(async () => aliased(await toolkit('Gmail'), 'personal')?.label === `${userId}+personal@example.com (personal)`, 'the third identity');
		assert.deepEqual(
			(await toolkit('Gmail')).children.map((c) => (c.node.kind === 'account' ? c.node.account.alias : '')),
			[`${userId}@example.com`, 'work', 'personal'],
		);
	});

	it('a denied Connect page ends in a failed account with a Try Again offer', async () => {
		answerWith({ picker: new ScriptedPicker(['Slack']) });
		const prompts = new ScriptedPrompts([]);
		answerWith({ prompts });
		const before = opener.urls.length;
		const run = vscode.commands.executeCommand<ConnectResult | undefined>(CommandIds.connectApp);
		await until(() => opener.urls.length > before, 'the Connect Link to be opened');
		await submitConnectPage(opener.urls[opener.urls.length - 1] ?? '', 'deny');
		const result = await run;
		assert.equal(result?.outcome.status, 'FAILED');
		assert.ok(prompts.asked.some((q) => /Slack was not connected \(failed\)/.test(q)), prompts.asked.join(' | '));
		const slack = await toolkit('Slack');
		assert.equal(slack.icon, 'debug-disconnect', 'a toolkit with no active account says so');
		assert.equal(slack.children[0]?.contextValue, 'account:failed');
		assert.equal(slack.children[0]?.icon, 'error');
	});

	it('Disconnect asks first: dismissing keeps the account, confirming deletes it', async () => {
		const slack = await toolkit('Slack');
		const node = slack.children[0]?.node;
		let prompts = new ScriptedPrompts([undefined]);
		answerWith({ prompts });
		assert.equal(await vscode.commands.executeCommand(CommandIds.disconnectAccount, node), false);
		assert.match(prompts.asked[0] ?? '', /^Disconnect Slack account/);
		assert.equal((await toolkit('Slack')).children.length, 1);
		prompts = new ScriptedPrompts(['Disconnect']);
		answerWith({ prompts });
		assert.equal(await vscode.commands.executeCommand(CommandIds.disconnectAccount, node), true);
		assert.ok(!(await tree()).some((t) => t.label === 'Slack'), 'Slack is gone from the tree');
	});

	it('Disconnect Account… from the palette picks among all accounts', async () => {
		const picker = new ScriptedPicker(['personal']);
		answerWith({ picker, prompts: new ScriptedPrompts(['Disconnect']) });
		assert.equal(await vscode.commands.executeCommand(CommandIds.disconnectAccount), true);
		const offered = picker.shown[0]?.items ?? [];
		assert.deepEqual(
			offered.map((i) => i.description),
			['Gmail · Active', 'Gmail · Active', 'Gmail · Active'],
		);
		assert.deepEqual(
			(await toolkit('Gmail')).children.map((c) => (c.node.kind === 'account' ? c.node.account.alias : '')),
			[`${userId}@example.com`, 'work'],
		);
	});

	it('an account whose identity lookup failed says so and offers Look Up Identity, which retries it', async () => {
		const created = (await emulatorAdmin(emulatorUrl, 'POST', '/accounts', { userId, toolkit: 'github' })) as { id: string };
		await emulatorAdmin(emulatorUrl, 'POST', `/accounts/${created.id}/profile`, { fails: true });
		await vscode.commands.executeCommand(CommandIds.refreshConnections);
		const failedItem = async (): Promise<Shown | undefined> => (await toolkit('GitHub')).children[0];
		await until(async () => (await failedItem())?.contextValue === 'account:active:identityFailed', 'the failed lookup in the tree');
		const failed = await failedItem();
		assert.match(failed?.label ?? '', /^Account /, 'the id stays what it shows');
		assert.match(failed?.description ?? '', /^Active · couldn't tell who this is · /);
		const item = failed ? services.connectionsView.provider.getTreeItem(failed.node) : undefined;
		assert.match(item?.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : '', /Look Up Identity/);

		await emulatorAdmin(emulatorUrl, 'POST', `/accounts/${created.id}/profile`, { fails: false });
		assert.equal(await vscode.commands.executeCommand(CommandIds.lookUpIdentity, failed?.node), userId);
		await until(async () => (await failedItem())?.label === userId, 'the login as the label');
		assert.equal((await failedItem())?.contextValue, 'account:active');
		await services.statusBar.update();
		assert.match(services.statusBar.view?.tooltip ?? '', new RegExp(`Connected as: .*GitHub ${userId}`));
		// Gone again, so the suite's later checks see only Gmail.
		answerWith({ prompts: new ScriptedPrompts(['Disconnect']) });
		assert.equal(await vscode.commands.executeCommand(CommandIds.disconnectAccount, failed?.node), true);
	});

	it('shows a failure as an item with its remedy, and recovers on refresh', async () => {
		await emulatorAdmin(emulatorUrl, 'POST', '/faults', { status: 500, pathIncludes: '/connected_accounts', method: 'GET', count: 'Infinity' });
		try {
			await vscode.commands.executeCommand(CommandIds.refreshConnections);
			const items = await tree();
			assert.equal(items.length, 1);
			assert.equal(items[0]?.label, 'Composio is unreachable.');
			assert.equal(items[0]?.contextValue, 'problem');
			const item = services.connectionsView.provider.getTreeItem(items[0].node);
			assert.equal(item.command?.command, CommandIds.refreshConnections, 'clicking retries');
			await services.statusBar.update();
			assert.match(services.statusBar.view?.text ?? '', /connections unavailable/);
		} finally {
			await emulatorAdmin(emulatorUrl, 'DELETE', '/faults');
		}
		await vscode.commands.executeCommand(CommandIds.refreshConnections);
		assert.equal((await tree())[0]?.label, 'Gmail');
	});

	it('with the sandbox off and no key, the tree is empty for the key welcome and the status bar says what is missing', async () => {
		const config = vscode.workspace.getConfiguration('composio');
		await config.update('sandbox', 'off', vscode.ConfigurationTarget.Global);
		try {
			await until(async () => (await services.config()).missing === 'composioKey', 'live mode without a key');
			await services.connections.refresh();
			assert.equal(services.connections.state.kind, 'keyMissing');
			assert.deepEqual(await tree(), []);
			await services.contextKeys.update();
			assert.equal(services.contextKeys.get(ContextKeys.keyMissing), true);
			await services.statusBar.update();
			assert.equal(services.statusBar.view?.text, '$(key) Composio: API key missing');
			assert.equal(services.statusBar.item.command && typeof services.statusBar.item.command === 'object' ? services.statusBar.item.command.command : '', CommandIds.manageConnections);
			// Connect App says what to do instead of failing obscurely.
			const prompts = new ScriptedPrompts([]);
			answerWith({ prompts, picker: new ScriptedPicker(['Gmail']) });
			assert.equal(await vscode.commands.executeCommand(CommandIds.connectApp), undefined);
			assert.match(prompts.asked[0] ?? '', /Composio API key/);
		} finally {
			await config.update('sandbox', undefined, vscode.ConfigurationTarget.Global);
		}
		await until(async () => (await services.config()).sandbox, 'the sandbox again');
		await services.connections.refresh();
		assert.equal((await tree())[0]?.label, 'Gmail');
	});
});
