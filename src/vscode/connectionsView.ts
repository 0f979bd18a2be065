import * as vscode from 'vscode';
import { DisposableBase } from '../common/disposable';
import { Emitter } from '../common/emitter';
import type { ConnectedAccount } from '../composio/toolSession';
import type { ComposioErrorAction } from '../composio/composioErrors';
import type { ConnectionsModel } from '../composio/connectionsModel';
import { ACCOUNT_STATES, accountsNeedingAttention, accountState, accountTreeLabel, formatCreated, type AccountState, type ToolkitGroup } from '../composio/connectionSummary';
import { CommandIds, CONNECTIONS_VIEW_ID } from './commandIds';
import { isRecord } from '../common/isRecord';

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

const PROBLEM_COMMANDS: Record<ComposioErrorAction, { command: string; title: string }> = {
	setComposioKey: { command: CommandIds.setComposioApiKey, title: 'Set Composio API Key' },
	retry: { command: CommandIds.refreshConnections, title: 'Retry' },
	openLogs: { command: CommandIds.showLogs, title: 'Show Logs' },
};

function plural(n: number, one: string): string {
	return `${n} ${one}${n === 1 ? '' : 's'}`;
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

	async getChildren(element?: ConnectionsNode): Promise<ConnectionsNode[]> {
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
				const remedy = PROBLEM_COMMANDS[element.action ?? 'retry'];
				item.command = { command: remedy.command, title: remedy.title };
				item.tooltip = `${element.message} Click to ${remedy.title.toLowerCase()}.`;
				item.description = remedy.title;
				return item;
			}
		}
	}

	private toolkitItem(group: ToolkitGroup): vscode.TreeItem {
		const item = new vscode.TreeItem(group.name, vscode.TreeItemCollapsibleState.Expanded);
		item.id = `toolkit:${group.slug}`;
		const active = group.accounts.filter((a) => accountState(a) === 'active').length;
		item.description = active === group.accounts.length ? plural(group.accounts.length, 'account') : `${active} of ${plural(group.accounts.length, 'account')} active`;
		item.iconPath = active > 0 ? new vscode.ThemeIcon('plug', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground'));
		item.contextValue = 'toolkit';
		item.tooltip = `${group.name} (${group.slug}): ${item.description}${active > 0 ? '' : '. The agent cannot use it until an account is active.'}`;
		item.accessibilityInformation = { label: `${group.name}, ${item.description}`, role: 'treeitem' };
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
		const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
		item.id = `account:${account.id}`;
		const status = waiting ? 'Waiting for you in the browser' : needsAttention ? `Needs attention: ${info.label.toLowerCase()}` : info.label;
		item.description = [status, lookingUp ? 'looking up who this is…' : lookupFailed ? "couldn't tell who this is" : '', created].filter(Boolean).join(' · ');
		item.iconPath = waiting ? new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor(info.color)) : new vscode.ThemeIcon(info.icon, new vscode.ThemeColor(info.color));
		item.contextValue = `account:${state}${lookupFailed ? ':identityFailed' : ''}`;
		const tooltip = new vscode.MarkdownString(undefined, true);
		tooltip.appendMarkdown(`**${escapeMarkdown(label)}** — ${escapeMarkdown(toolkitName)}\n\n`);
		if (identity?.detail) {
			tooltip.appendMarkdown(`${escapeMarkdown(identity.detail)}\n\n`);
		}
		tooltip.appendMarkdown(`$(${info.icon}) ${info.label}${account.statusReason ? `: ${escapeMarkdown(account.statusReason)}` : ''}\n\n`);
		if (created) {
			tooltip.appendMarkdown(`Connected ${created}\n\n`);
		}
		if (lookupFailed) {
			tooltip.appendMarkdown(`$(warning) Couldn't tell who this account is: ${escapeMarkdown(identity?.error ?? '')} Use **Look Up Identity** to try again.\n\n`);
		}
		tooltip.appendMarkdown(`\`${escapeMarkdown(account.id)}\`\n\n${info.hint}`);
		item.tooltip = tooltip;
		item.accessibilityInformation = {
			label: `${label}, ${toolkitName} account, ${waiting ? 'waiting for sign-in' : needsAttention ? `needs attention, ${info.label}` : info.label}${created ? `, connected ${created}` : ''}`,
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
					void this.model.refresh();
				}
			}),
		);
		this._register(model.onDidChange(() => this.updateBadge()));
		void this.updateDescription();
	}

	/** Re-reads whether the sandbox is in use (after a settings or key change). */
	async updateDescription(): Promise<void> {
		this.treeView.description = (await this.options.isSandbox()) ? 'Sandbox' : undefined;
	}

	private updateBadge(): void {
		const waiting = this.model.pending.length;
		const attention = this.model.state.kind === 'loaded' ? accountsNeedingAttention(this.model.accounts).length : 0;
		this.treeView.badge =
			waiting > 0
				? { value: waiting, tooltip: `${plural(waiting, 'connection')} waiting for you to sign in` }
				: attention > 0
					? { value: attention, tooltip: `${plural(attention, 'account')} need${attention === 1 ? 's' : ''} attention (expired, revoked or failed)` }
					: undefined;
	}
}
