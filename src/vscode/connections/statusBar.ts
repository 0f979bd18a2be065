import * as vscode from 'vscode';
import { DisposableBase } from '../../common/disposable';
import type { Event } from '../../common/emitter';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import { statusView, type StatusView } from '../../composio/connectionSummary';
import type { ChatConfigState } from '../../protocol/chatProtocol';
import { CommandIds } from '../workbench/commandIds';
import type { LastKnownConnections } from './lastKnownConnections';

/** What the status bar item watches. */
export interface StatusBarDeps {
	readonly model: ConnectionsModel;
	config(): Promise<ChatConfigState>;
	/** Fires when settings or keys change. */
	readonly onDidChangeEnvironment: Event<void>;
	/** The accounts last loaded in this workspace: shown until the model loads, updated when it does. */
	readonly lastKnown: LastKnownConnections;
}

/**
 * The Composio item in the status bar: the state at a glance (sandbox, apps connected, a key
 * missing, a connection waiting, accounts to reconnect). A click opens the chat, or the
 * connections view when that is where the fix is. It starts from the accounts last seen in this
 * workspace and loads nothing itself: the connections load when a view or a command needs them.
 */
export class ComposioStatusBar extends DisposableBase {
	readonly item: vscode.StatusBarItem;
	private current: StatusView | undefined;
	/** The accounts last written to `lastKnown`. */
	private saved: unknown;
	private updating: Promise<void> = Promise.resolve();

	constructor(private readonly deps: StatusBarDeps) {
		super();
		this.item = this._register(vscode.window.createStatusBarItem('composio.status', vscode.StatusBarAlignment.Right, 100));
		this.item.name = vscode.l10n.t('Composio Agent');
		this._register(deps.model.onDidChange(() => void this.update()));
		this._register(deps.onDidChangeEnvironment(() => void this.update()));
		void this.update();
		this.item.show();
	}

	/** What the item shows now (for tests). */
	get view(): StatusView | undefined {
		return this.current;
	}

	/** Recomputes the item from the configuration and the connections; updates never interleave. */
	update(): Promise<void> {
		this.updating = this.updating.then(() => this.render()).catch(() => undefined);
		return this.updating;
	}

	private async render(): Promise<void> {
		const config = await this.deps.config();
		const { model, lastKnown } = this.deps;
		const state = model.state;
		if (state.kind === 'loaded' && model.accounts !== this.saved) {
			this.saved = model.accounts;
			await lastKnown.set(config.sandbox, model.accounts);
		}
		const remembered = state.kind === 'idle' ? lastKnown.get(config.sandbox) : undefined;
		const view = statusView({
			sandbox: config.sandbox,
			...(config.missing ? { missing: config.missing } : {}),
			...(state.kind === 'loaded' ? { accounts: model.accounts } : remembered ? { accounts: remembered, stale: true } : {}),
			...(state.kind === 'error' ? { loadError: state.error.message } : {}),
			waitingFor: [...new Set(model.pending.map((p) => p.toolkitName))],
			identityOf: (id) => model.identity(id)?.name,
			toolkitName: (slug) => model.toolkitName(slug),
		});
		if (this.isDisposed) {
			return;
		}
		this.current = view;
		this.item.text = view.text;
		this.item.tooltip = view.tooltip;
		this.item.command = view.target === 'chat' ? { command: CommandIds.openChat, title: vscode.l10n.t('Open Chat') } : { command: CommandIds.manageConnections, title: vscode.l10n.t('Manage Connections') };
		this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
		this.item.accessibilityInformation = { label: vscode.l10n.t('{0}. {1}', view.text.replace(/\$\([\w~-]+\)\s*/g, ''), view.tooltip), role: 'button' };
	}
}
