import * as vscode from 'vscode';
import { asComponent } from '../../common/requestComponent';
import { DisposableBase } from '../../common/disposable';
import { Emitter } from '../../common/emitter';
import type { ConnectedAccount } from '../../composio/toolSession';
import type { ComposioErrorAction } from '../../composio/composioErrors';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import { ACCOUNT_STATES, accountsNeedingAttention, accountState, accountStatusLabel, accountTreeLabel, formatCreated, type AccountState, type ToolkitGroup } from '../../composio/connectionSummary';
import { CommandIds, CONNECTIONS_VIEW_ID } from '../workbench/commandIds';
import { isRecord } from '../../common/isRecord';

/** A node of the connections tree. Commands invoked from the tree receive these. */
export type ConnectionsNode =
	| { readonly kind: 'toolkit'; readonly group: ToolkitGroup }
	| { readonly kind: 'account'; readonly account: ConnectedAccount; readonly toolkitName: string }
	| { readonly kind: 'problem'; readonly message: string; readonly action?: ComposioErrorAction };

/** The toolkit slug a command argument names: a toolkit or account node, or a slug string. */
export function toolkitFromArg(arg: unknown): string | undefined {
	if (typeof arg === 'string' && /^[a-z0-9_-]{1,100}$/i.test(arg)) {
		return arg.toLowerCase();
	}
	if (isRecord(arg) && arg.kind === 'toolkit' && isRecord(arg.group) && typeof arg.group.slug === 'string') {
		return arg.group.slug;
	}
	if (isRecord(arg) && arg.kind === 'account' && isRecord(arg.account) && typeof arg.account.toolkit === 'string') {
		return arg.account.toolkit;
	}
	return undefined;
}

/** The account id a command argument names: an account node or an id string. */
export function accountIdFromArg(arg: unknown): string | undefined {
	if (typeof arg === 'string' && arg.length > 0 && arg.length <= 200) {
		return arg;
	}
	if (isRecord(arg) && arg.kind === 'account' && isRecord(arg.account) && typeof arg.account.id === 'string') {
		return arg.account.id;
	}
	return undefined;
}

/** The command a problem item runs, its title, and the tooltip's sentence saying so. */
function problemRemedy(action: ComposioErrorAction): { command: string; title: string; click: string } {
	switch (action) {
		case 'setComposioKey':
			return { command: CommandIds.setComposioApiKey, title: vscode.l10n.t('Set Composio API Key'), click: vscode.l10n.t('Click to set the Composio API key.') };
		case 'retry':
			return { command: CommandIds.refreshConnections, title: vscode.l10n.t('Retry'), click: vscode.l10n.t('Click to retry.') };
		case 'openLogs':
			return { command: CommandIds.showLogs, title: vscode.l10n.t('Show Logs'), click: vscode.l10n.t('Click to show the logs.') };
	}
}

/** "1 account", "3 accounts". */
function accountCount(n: number): string {
	return n === 1 ? vscode.l10n.t('1 account') : vscode.l10n.t('{0} accounts', n);
}

/**
 * The tree under the chat: toolkits → the user's connected accounts, with their status. Empty
 * (so the view's welcome content shows) when no key is set or nothing is connected; an item with
 * the error and its remedy when loading failed.
 */
export class ConnectionsTreeProvider extends DisposableBase implements vscode.TreeDataProvider<ConnectionsNode> {
	private readonly changeEmitter = this._register(new Emitter<ConnectionsNode | undefined>());
	readonly onDidChangeTreeData = this.changeEmitter.event;

	constructor(private readonly model: ConnectionsModel) {
		super();
		this._register(model.onDidChange(() => this.changeEmitter.fire(undefined)));
	}

	getChildren(element?: ConnectionsNode): Promise<ConnectionsNode[]> {
		return asComponent('connections', () => this.children(element));
	}

	private async children(element?: ConnectionsNode): Promise<ConnectionsNode[]> {
		if (element) {
			return element.kind === 'toolkit' ? element.group.accounts.map((account) => ({ kind: 'account', account, toolkitName: element.group.name })) : [];
		}
		await this.model.ensureLoaded();
		const state = this.model.state;
		if (state.kind === 'error') {
			return [{ kind: 'problem', message: state.error.message, ...(state.error.action ? { action: state.error.action } : { action: 'retry' }) }];
		}
		if (state.kind !== 'loaded') {
			return [];
		}
		return this.model.groups.map((group) => ({ kind: 'toolkit', group }));
	}

	getParent(element: ConnectionsNode): ConnectionsNode | undefined {
		if (element.kind !== 'account') {
			return undefined;
		}
		const group = this.model.groups.find((g) => g.slug === element.account.toolkit);
		return group ? { kind: 'toolkit', group } : undefined;
	}

	getTreeItem(element: ConnectionsNode): vscode.TreeItem {
		switch (element.kind) {
			case 'toolkit':
				return this.toolkitItem(element.group);
			case 'account':
				return this.accountItem(element.account, element.toolkitName);
			case 'problem': {
				const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
				item.id = 'problem';
				item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
				item.contextValue = 'problem';
				const remedy = problemRemedy(element.action ?? 'retry');
				item.command = { command: remedy.command, title: remedy.title };
				item.tooltip = `${element.message} ${remedy.click}`;
				item.description = remedy.title;
				return item;
			}
		}
	}

	private toolkitItem(group: ToolkitGroup): vscode.TreeItem {
		const item = new vscode.TreeItem(group.name, vscode.TreeItemCollapsibleState.Expanded);
		item.id = `toolkit:${group.slug}`;
		const active = group.accounts.filter((a) => accountState(a) === 'active').length;
		const total = group.accounts.length;
		item.description = active === total ? accountCount(total) : total === 1 ? vscode.l10n.t('{0} of 1 account active', active) : vscode.l10n.t('{0} of {1} accounts active', active, total);
		item.iconPath = active > 0 ? new vscode.ThemeIcon('plug', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground'));
		item.contextValue = 'toolkit';
		item.tooltip = active > 0 ? vscode.l10n.t('{0} ({1}): {2}', group.name, group.slug, item.description) : vscode.l10n.t('{0} ({1}): {2}. The agent cannot use it until an account is active.', group.name, group.slug, item.description);
		item.accessibilityInformation = { label: vscode.l10n.t('{0}, {1}', group.name, item.description), role: 'treeitem' };
		return item;
	}

	private accountItem(account: ConnectedAccount, toolkitName: string): vscode.TreeItem {
		const state: AccountState = accountState(account);
		const info = ACCOUNT_STATES[state];
		const identity = this.model.identity(account.id);
		const label = accountTreeLabel(account, identity?.name);
		const waiting = this.model.pending.some((p) => p.accountId === account.id);
		const lookingUp = this.model.isLookingUp(account.id);
		const lookupFailed = state === 'active' && !lookingUp && identity?.error !== undefined;
		const needsAttention = state === 'expired' || state === 'failed';
		const created = formatCreated(account.createdAt);
		const config = this.model.ownAuthConfig(account);
		const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
		item.id = `account:${account.id}`;
		const status = waiting ? vscode.l10n.t('Waiting for you in the browser') : needsAttention ? vscode.l10n.t('Needs attention: {0}', info.label.toLocaleLowerCase(vscode.env.language)) : accountStatusLabel(account);
		const via = config ? vscode.l10n.t('via {0}', config.name) : '';
		const why = state === 'active' ? this.model.whyNotUsedHere(account) : undefined;
		const unused = why ? vscode.l10n.t('not used by the agent here') : '';
		item.description = [status, unused, lookingUp ? vscode.l10n.t('looking up who this is…') : lookupFailed ? vscode.l10n.t("couldn't tell who this is") : '', via, created].filter(Boolean).join(' · ');
		item.iconPath = waiting ? new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor(info.color)) : new vscode.ThemeIcon(info.icon, new vscode.ThemeColor(info.color));
		item.contextValue = `account:${state}${lookupFailed ? ':identityFailed' : ''}`;
		const tooltip = new vscode.MarkdownString(undefined, true);
		tooltip.appendMarkdown(`${vscode.l10n.t('{0} — {1}', `**${escapeMarkdown(label)}**`, escapeMarkdown(toolkitName))}\n\n`);
		if (identity?.detail) {
			tooltip.appendMarkdown(`${escapeMarkdown(identity.detail)}\n\n`);
		}
		tooltip.appendMarkdown(`$(${info.icon}) ${account.statusReason ? vscode.l10n.t('{0}: {1}', info.label, escapeMarkdown(account.statusReason)) : info.label}\n\n`);
		if (created) {
			tooltip.appendMarkdown(`${vscode.l10n.t('Connected {0}', created)}\n\n`);
		}
		if (config) {
			tooltip.appendMarkdown(`$(key) ${vscode.l10n.t('Connected through the auth config {0} ({1})', `**${escapeMarkdown(config.name)}**`, `\`${escapeMarkdown(config.id)}\``)}\n\n`);
		}
		if (why) {
			const text =
				why === 'authConfig'
					? vscode.l10n.t("This workspace's sessions use another auth config for {0}, so the agent cannot act with this account. To use it, run **Composio: Choose Auth Config…** for {0} and pick its auth config.", escapeMarkdown(toolkitName))
					: vscode.l10n.t('Without multi-account the agent uses only the most recently connected {0} account. To use this one as well, turn on the **composio.multiAccount** setting.', escapeMarkdown(toolkitName));
			tooltip.appendMarkdown(`$(info) ${text}\n\n`);
		}
		if (lookupFailed) {
			tooltip.appendMarkdown(`$(warning) ${vscode.l10n.t("Couldn't tell who this account is: {0} Use **Look Up Identity** to try again.", escapeMarkdown(identity?.error ?? ''))}\n\n`);
		}
		tooltip.appendMarkdown(`\`${escapeMarkdown(account.id)}\`\n\n${info.hint}`);
		item.tooltip = tooltip;
		const how = waiting ? vscode.l10n.t('waiting for sign-in') : needsAttention ? vscode.l10n.t('needs attention, {0}', info.label) : info.label;
		item.accessibilityInformation = {
			label: [created ? vscode.l10n.t('{0}, {1} account, {2}, connected {3}', label, toolkitName, how, created) : vscode.l10n.t('{0}, {1} account, {2}', label, toolkitName, how), unused, via].filter(Boolean).join(', '),
			role: 'treeitem',
		};
		return item;
	}
}

function escapeMarkdown(text: string): string {
	return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}

/** Options for the connections view. */
export interface ConnectionsViewOptions {
	/** Whether the sandbox is in use, for the view's description. */
	isSandbox(): Promise<boolean>;
	/** Reloads when the view is shown and the data is older than this (one list request; nothing polls while it is hidden). Default 2 s. */
	readonly staleAfterMs?: number;
}

/**
 * Owns the connections tree view: its provider, the badge counting waiting connections and
 * accounts that need attention, the "Sandbox" description, and a refresh each time the view is
 * shown (so accounts that went bad meanwhile show up; nothing polls while it is hidden).
 */
export class ConnectionsView extends DisposableBase {
	readonly provider: ConnectionsTreeProvider;
	readonly treeView: vscode.TreeView<ConnectionsNode>;

	constructor(
		private readonly model: ConnectionsModel,
		private readonly options: ConnectionsViewOptions,
	) {
		super();
		this.provider = this._register(new ConnectionsTreeProvider(model));
		this.treeView = this._register(vscode.window.createTreeView(CONNECTIONS_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: false }));
		this._register(
			this.treeView.onDidChangeVisibility((e) => {
				if (e.visible && this.model.state.kind !== 'idle' && Date.now() - this.model.loadedAt > (this.options.staleAfterMs ?? 2_000)) {
					void asComponent('connections', () => this.model.refresh());
				}
			}),
		);
		this._register(model.onDidChange(() => this.updateBadge()));
		void this.updateDescription();
	}

	/** Re-reads whether the sandbox is in use (after a settings or key change). */
	async updateDescription(): Promise<void> {
		this.treeView.description = (await this.options.isSandbox()) ? vscode.l10n.t('Sandbox') : undefined;
	}

	private updateBadge(): void {
		const waiting = this.model.pending.length;
		const attention = this.model.state.kind === 'loaded' ? accountsNeedingAttention(this.model.accounts).length : 0;
		this.treeView.badge =
			waiting > 0
				? { value: waiting, tooltip: waiting === 1 ? vscode.l10n.t('1 connection waiting for you to sign in') : vscode.l10n.t('{0} connections waiting for you to sign in', waiting) }
				: attention > 0
					? { value: attention, tooltip: attention === 1 ? vscode.l10n.t('1 account needs attention (expired, revoked or failed)') : vscode.l10n.t('{0} accounts need attention (expired, revoked or failed)', attention) }
					: undefined;
	}
}
