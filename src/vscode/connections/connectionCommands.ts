import * as vscode from 'vscode';
import type { ConnectedAccount, ConnectionOutcome, ConnectRequest, ToolSession } from '../../composio/toolSession';
import { ComposioError } from '../../composio/composioErrors';
import { ACCOUNT_STATES, accountLabel, accountState, formatCreated, validateAlias } from '../../composio/connectionSummary';
import type { AccountIdentities, AccountIdentity } from '../../composio/accountIdentities';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import type { LinkOpener } from '../../composio/linkPolicy';
import { CONNECTIONS_VIEW_ID } from '../workbench/commandIds';
import { connectedMessage, notConnectedMessage } from './connectionMessages';
import { accountIdFromArg, toolkitFromArg } from './connectionsView';
import { showError } from '../workbench/errorNotices';
import { inStatusBar } from '../workbench/progress';
import type { QuickPicker } from '../workbench/quickPicker';
import type { UserPrompts } from '../workbench/userPrompts';
import { pickToolkit } from './toolkitPicks';

/** What the connection commands need. */
export interface ConnectionCommandDeps {
	session(): Promise<ToolSession>;
	readonly model: ConnectionsModel;
	readonly prompts: UserPrompts;
	readonly picker: QuickPicker;
	readonly linkOpener: LinkOpener;
	readonly log: vscode.LogOutputChannel;
	/** The `composio.multiAccount` setting. */
	multiAccount(): boolean;
	/** Who the accounts are (the connected message names the account). */
	readonly identities?: AccountIdentities;
}

/** How a connect or reconnect ended: the account the Connect Link made and what became of it. */
export interface ConnectResult {
	readonly toolkit: string;
	readonly accountId: string;
	readonly outcome: ConnectionOutcome | { readonly status: 'CANCELLED' };
}

/** An account in the Disconnect Account picker. */
export interface AccountPickItem extends vscode.QuickPickItem {
	readonly account: ConnectedAccount;
}

/**
 * Connecting, reconnecting, disabling, enabling and disconnecting accounts (manual
 * authentication: the "custom connections page" of Composio's docs). Every command refreshes the
 * connections model afterwards and shows failures with their remedy instead of throwing.
 */
export class ConnectionCommands {
	constructor(private readonly deps: ConnectionCommandDeps) {}

	/**
	 * Connect App…: picks a toolkit (or takes one from a tree node or slug), asks for an alias when
	 * an account of it is already connected (or `another` is set), opens a Connect Link and waits,
	 * cancellably, for the account to become active. Resolves to the outcome, or undefined when the
	 * user backed out or it failed (the failure is shown).
	 */
	async connectApp(arg?: unknown, another = false, options: { readonly quietFailure?: boolean } = {}): Promise<ConnectResult | undefined> {
		let what = vscode.l10n.t('Could not connect the app');
		try {
			const session = await inStatusBar(vscode.l10n.t('Composio: starting…'), () => this.deps.session());
			let slug = toolkitFromArg(arg);
			let name: string;
			if (slug) {
				await this.deps.model.refresh();
				name = this.deps.model.toolkitName(slug);
			} else {
				const picked = await pickToolkit(this.deps, session, {
					title: vscode.l10n.t('Connect App'),
					placeHolder: vscode.l10n.t('Choose an app to connect (type to search)'),
					noAuth: (app) => vscode.l10n.t('{0} needs no sign-in: the agent can use it already.', app),
				});
				if (!picked) {
					return undefined;
				}
				slug = picked.slug;
				name = picked.name;
			}
			what = vscode.l10n.t('Could not connect {0}', name);
			const existing = this.deps.model.accounts.filter((a) => a.toolkit === slug);
			let alias: string | undefined;
			if (another || existing.some((a) => accountState(a) === 'active')) {
				alias = await this.askAlias(name, existing);
				if (alias === undefined) {
					return undefined;
				}
			}
			const toolkit = slug;
			const request = await inStatusBar(vscode.l10n.t('Composio: creating a Connect Link for {0}…', name), () => session.authorize(toolkit, alias ? { alias } : {}));
			return await this.openAndWait(session, request, name, alias, options.quietFailure === true);
		} catch (e) {
			await this.showFailure(e, what, () => this.connectApp(arg, another));
			return undefined;
		}
	}

	/** Reconnect: a fresh Connect Link for an expired, failed or abandoned account, then waits like Connect App. */
	async reconnectAccount(arg?: unknown): Promise<ConnectResult | undefined> {
		let what = vscode.l10n.t('Could not reconnect the account');
		try {
			const account = await this.accountFrom(arg, vscode.l10n.t('Reconnect Account'), (a) => accountState(a) !== 'active' && accountState(a) !== 'disabled');
			if (!account) {
				return undefined;
			}
			const name = this.deps.model.toolkitName(account.toolkit);
			const label = this.label(account);
			what = vscode.l10n.t('Could not reconnect {0}', label);
			const session = await inStatusBar(vscode.l10n.t('Composio: starting…'), () => this.deps.session());
			const request = await inStatusBar(vscode.l10n.t('Composio: creating a fresh Connect Link for {0}…', label), () => session.reconnect(account.id));
			return await this.openAndWait(session, request, name, account.alias);
		} catch (e) {
			await this.showFailure(e, what, () => this.reconnectAccount(arg));
			return undefined;
		}
	}

	/**
	 * Look Up Identity: asks the account's app again who it is (after a lookup failed, or to
	 * refresh it). Resolves with who it is, or undefined when that could not be told (said why).
	 */
	async lookUpIdentity(arg?: unknown): Promise<string | undefined> {
		let what = vscode.l10n.t('Could not look the account up');
		try {
			const account = await this.accountFrom(arg, vscode.l10n.t('Look Up Identity'), (a) => accountState(a) === 'active');
			if (!account) {
				return undefined;
			}
			const name = this.deps.model.toolkitName(account.toolkit);
			const label = this.label(account);
			what = vscode.l10n.t('Could not look {0} up', label);
			let identity: AccountIdentity | undefined;
			await this.inView(arg, async () => {
				identity = await this.deps.model.lookUpIdentity(account.id);
			});
			if (identity?.name && !identity.error) {
				vscode.window.setStatusBarMessage(`$(person) ${name}: ${identity.name}`, 4000);
				return identity.name;
			}
			const tryAgain = vscode.l10n.t('Try Again');
			void this.deps.prompts
				.error(vscode.l10n.t("Couldn't tell who {0} is: {1}", label, identity?.error ?? vscode.l10n.t('the app did not say.')), tryAgain)
				.then((choice) => (choice === tryAgain ? this.lookUpIdentity(arg) : undefined));
			return undefined;
		} catch (e) {
			await this.showFailure(e, what, () => this.lookUpIdentity(arg));
			return undefined;
		}
	}

	/** How an account is named in messages: who it is, else its alias, else the toolkit and a short id. */
	private label(account: ConnectedAccount): string {
		return accountLabel(account, this.deps.model.toolkitName(account.toolkit), this.deps.model.identity(account.id)?.name);
	}

	/** Disable / Enable: the agent stops (or resumes) using the account; it is not deleted. Resolves true when done. */
	async setAccountEnabled(arg: unknown, enabled: boolean): Promise<boolean> {
		let what = enabled ? vscode.l10n.t('Could not enable the account') : vscode.l10n.t('Could not disable the account');
		try {
			const account = await this.accountFrom(arg, enabled ? vscode.l10n.t('Enable Account') : vscode.l10n.t('Disable Account'), (a) => (accountState(a) === 'disabled') === enabled);
			if (!account) {
				return false;
			}
			const label = this.label(account);
			what = enabled ? vscode.l10n.t('Could not enable {0}', label) : vscode.l10n.t('Could not disable {0}', label);
			await this.inView(arg, async () => {
				const session = await this.deps.session();
				await session.setEnabled(account.id, enabled);
				await this.deps.model.refresh();
			});
			vscode.window.setStatusBarMessage(`$(check) ${enabled ? vscode.l10n.t('{0} enabled', label) : vscode.l10n.t('{0} disabled', label)}`, 4000);
			return true;
		} catch (e) {
			await this.showFailure(e, what, () => this.setAccountEnabled(arg, enabled));
			return false;
		}
	}

	/** Disconnect Account…: after a modal confirmation, deletes the account from Composio. Resolves true when deleted. */
	async disconnectAccount(arg?: unknown): Promise<boolean> {
		let what = vscode.l10n.t('Could not disconnect the account');
		try {
			const account = await this.accountFrom(arg, vscode.l10n.t('Disconnect Account'), () => true);
			if (!account) {
				return false;
			}
			const name = this.deps.model.toolkitName(account.toolkit);
			const label = this.label(account);
			what = vscode.l10n.t('Could not disconnect {0}', label);
			const disconnect = vscode.l10n.t('Disconnect');
			const choice = await this.deps.prompts.confirm(
				account.alias ? vscode.l10n.t('Disconnect {0} ({1})?', label, name) : vscode.l10n.t('Disconnect {0}?', label),
				vscode.l10n.t('The connected account is deleted from Composio and the agent can no longer use it. You can connect {0} again at any time.', name),
				disconnect,
			);
			if (choice !== disconnect) {
				return false;
			}
			await this.inView(arg, async () => {
				const session = await this.deps.session();
				await session.disconnect(account.id);
				await this.deps.identities?.forget(account.id);
				await this.deps.model.refresh();
			});
			vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('{0} disconnected', label)}`, 4000);
			return true;
		} catch (e) {
			await this.showFailure(e, what, () => this.disconnectAccount(arg));
			return false;
		}
	}

	private async askAlias(name: string, existing: readonly ConnectedAccount[]): Promise<string | undefined> {
		const taken = existing.map((a) => a.alias).filter((a): a is string => !!a);
		const value = await this.deps.prompts.inputBox({
			title: vscode.l10n.t('Connect another {0} account', name),
			prompt:
				(taken.length > 0
					? vscode.l10n.t('{0} is already connected ({1}). Name the new account so you and the agent can tell them apart.', name, taken.join(', '))
					: vscode.l10n.t('{0} is already connected. Name the new account so you and the agent can tell them apart.', name)) +
				(this.deps.multiAccount() ? '' : ` ${vscode.l10n.t('Turn on the composio.multiAccount setting so the agent can use both.')}`),
			placeHolder: vscode.l10n.t('work, personal, …'),
			ignoreFocusOut: true,
			validateInput: (v) => validateAlias(v, taken),
		});
		if (value === undefined || validateAlias(value, taken) !== undefined) {
			return undefined;
		}
		return value.trim();
	}

	/** Opens the Connect Link through the link policy and waits, with a cancellable notification, for the account. */
	/** Opens the link and waits; a failed connection is told unless `quietFailure` (the caller tells it). */
	private async openAndWait(session: ToolSession, request: ConnectRequest, name: string, alias: string | undefined, quietFailure = false): Promise<ConnectResult> {
		const { model, linkOpener } = this.deps;
		const { prompts } = this.deps;
		void model.refresh();
		const opened = await linkOpener.open(request.redirectUrl);
		if (!opened) {
			const copyLink = vscode.l10n.t('Copy Link');
			void prompts
				.info(vscode.l10n.t('Open this Connect Link in your browser to connect {0}: {1}', name, request.redirectUrl), copyLink)
				.then((choice) => (choice === copyLink ? vscode.env.clipboard.writeText(request.redirectUrl) : undefined));
		}
		const controller = new AbortController();
		const wait = Promise.resolve(
			vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting {0}', name), cancellable: true }, (progress, token) => {
				const sub = token.onCancellationRequested(() => controller.abort());
				progress.report({ message: vscode.l10n.t('Finish signing in in your browser; this closes once the account is active.') });
				return session.waitForConnection(request.accountId, { signal: controller.signal }).finally(() => {
					sub.dispose();
				});
			}),
		);
		model.trackPending({ toolkit: request.toolkit, toolkitName: name, accountId: request.accountId }, wait);
		let outcome: ConnectResult['outcome'];
		try {
			outcome = await wait;
		} catch (e) {
			if (e instanceof ComposioError && e.kind === 'cancelled') {
				this.deps.log.info(`Stopped waiting for ${name} (${request.accountId}); the link stays valid until it expires.`);
				outcome = { status: 'CANCELLED' };
			} else {
				throw e;
			}
		}
		await model.refresh();
		const result: ConnectResult = { toolkit: request.toolkit, accountId: request.accountId, outcome };
		switch (outcome.status) {
			case 'ACTIVE': {
				// The account is looked up as soon as it is seen ACTIVE; give the lookup a moment so the message can say who it is.
				const who = (await this.deps.identities?.settle(request.accountId, 5000))?.name;
				void prompts.info(connectedMessage(name, who, alias));
				break;
			}
			case 'FAILED':
			case 'EXPIRED':
			case 'REVOKED': {
				if (quietFailure) {
					break;
				}
				const tryAgain = vscode.l10n.t('Try Again');
				void prompts
					.error(notConnectedMessage(name, outcome.status, outcome.reason), tryAgain)
					.then((choice) => (choice === tryAgain ? this.connectApp(request.toolkit, alias !== undefined) : undefined));
				break;
			}
			case 'TIMEOUT':
				void prompts.info(vscode.l10n.t('Stopped waiting for {0}. If you finish signing in later, refresh the Connections view.', name));
				break;
			case 'CANCELLED':
				break;
		}
		return result;
	}

	/** The account a command is about: from the argument, else picked from those `fits` accepts. */
	private async accountFrom(arg: unknown, title: string, fits: (a: ConnectedAccount) => boolean): Promise<ConnectedAccount | undefined> {
		const id = accountIdFromArg(arg);
		if (id) {
			const known = this.deps.model.accounts.find((a) => a.id === id);
			if (known) {
				return known;
			}
			await this.deps.model.refresh();
			const found = this.deps.model.accounts.find((a) => a.id === id);
			if (!found) {
				throw new ComposioError('notFound', vscode.l10n.t('That account no longer exists.'), { detail: `account ${id} not in the list`, action: 'retry' });
			}
			return found;
		}
		const items = await inStatusBar(vscode.l10n.t('Composio: loading accounts…'), async (): Promise<AccountPickItem[]> => {
			await this.deps.model.refresh();
			const state = this.deps.model.state;
			if (state.kind === 'error') {
				throw state.error;
			}
			return this.deps.model.groups.flatMap((g) =>
				g.accounts.filter(fits).map((account) => {
					const info = ACCOUNT_STATES[accountState(account)];
					const created = formatCreated(account.createdAt);
					return {
						label: accountLabel(account, g.name, this.deps.model.identity(account.id)?.name),
						description: `${g.name} · ${info.label}`,
						detail: [created ? vscode.l10n.t('Connected {0}', created) : '', account.id].filter(Boolean).join(' · '),
						iconPath: new vscode.ThemeIcon(info.icon, new vscode.ThemeColor(info.color)),
						account,
					};
				}),
			);
		});
		if (items.length === 0) {
			void this.deps.prompts.info(vscode.l10n.t('No connected account fits. Connect an app first.'));
			return undefined;
		}
		const picked = await this.deps.picker.pick(items, { title, placeHolder: vscode.l10n.t('Choose an account'), matchOnDescription: true, matchOnDetail: true });
		return picked?.account;
	}


	/** Runs a tree action with the view's progress bar when it came from the tree, else the status bar's. */
	private inView(arg: unknown, fn: () => Promise<void>): Promise<void> {
		const fromTree = accountIdFromArg(arg) !== undefined && typeof arg !== 'string';
		return Promise.resolve(vscode.window.withProgress({ location: fromTree ? { viewId: CONNECTIONS_VIEW_ID } : vscode.ProgressLocation.Window, title: vscode.l10n.t('Composio') }, fn));
	}

	/** Shows the failure with its remedy and a Retry, and logs it. */
	private showFailure(e: unknown, what: string, retry: () => Promise<unknown>): Promise<void> {
		return showError(e, what, { prompts: this.deps.prompts, log: this.deps.log, retry });
	}
}
