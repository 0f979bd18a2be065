/**
 * The user's connected accounts: the one snapshot the whole extension reads (see
 * accountsSnapshot.ts), shown by the connections tree, the status bar and the pickers, read by
 * the agent and the VS Code chat. Loaded through the current ToolSession, and again after every
 * change. Loads never overlap: a refresh asked for while one runs waits for it and then loads once
 * more, and a result that arrives after `reset()` (new user id, new key) is dropped.
 */
import { Emitter, type Event } from '../common/emitter';
import { asComponent, currentComponent } from '../common/requestComponent';
import type { Disposable } from '../common/disposable';
import type { ConnectedAccount, ToolkitStatus, ToolSession } from './toolSession';
import { ComposioError, COMPOSIO_MESSAGES, toComposioError } from './composioErrors';
import type { AccountsSnapshot } from './accountsSnapshot';
import { groupByToolkit, sessionToolkitName, type ToolkitGroup } from './connectionSummary';
import type { Logger } from '../common/logger';
import type { AccountIdentities, AccountIdentity } from './accountIdentities';
import type { AuthConfigApi, AuthConfigInfo } from './authConfigs';

/** Where loading stands. */
export type ConnectionsState =
	| { readonly kind: 'idle' }
	| { readonly kind: 'keyMissing' }
	| { readonly kind: 'loaded' }
	| { readonly kind: 'error'; readonly error: ComposioError };

/** A Connect Link the extension opened and waits on. */
export interface PendingConnection {
	readonly toolkit: string;
	readonly toolkitName: string;
	readonly accountId: string;
}

/** What the model needs: the session, and whether live mode lacks the key (then nothing loads). */
export interface ConnectionsModelDeps {
	session(): Promise<ToolSession>;
	keyMissing(): Promise<boolean>;
	readonly logger: Logger;
	/** Who the accounts are: ACTIVE accounts never looked up are looked up after a load (once each). */
	readonly identities?: AccountIdentities;
	/** The project's auth configs, to say which one an account belongs to (listed once a session, when an account's is not known). */
	authConfigs?(): Promise<AuthConfigApi>;
}

/** See the file comment. */
export class ConnectionsModel implements AccountsSnapshot, Disposable {
	private readonly changeEmitter = new Emitter<void>();
	/** Fires after the state, the accounts, the pending connections or `loading` change. */
	readonly onDidChange: Event<void> = this.changeEmitter.event;

	private _state: ConnectionsState = { kind: 'idle' };
	private _accounts: readonly ConnectedAccount[] = [];
	private _pending: PendingConnection[] = [];
	private _loading = false;
	private _loadedAt = 0;
	private toolkitNames = new Map<string, ToolkitStatus>();
	/** The session the names were learned in. */
	private namesSession: string | undefined;
	/** The auth configs known in that session, by id (undefined: not listed yet). */
	private configs: ReadonlyMap<string, AuthConfigInfo> | undefined;
	/** Config ids the session's toolkit statuses say are Composio-managed. */
	private managedIds = new Set<string>();
	private generation = 0;
	private chain: Promise<void> = Promise.resolve();
	private queued: Promise<void> | undefined;

	private readonly identitySubscription: Disposable | undefined;

	constructor(private readonly deps: ConnectionsModelDeps) {
		this.identitySubscription = deps.identities?.onDidChange((id) => {
			if (this._accounts.some((a) => a.id === id)) {
				this.changeEmitter.fire();
			}
		});
	}

	/** What is known about who an account is. */
	identity(accountId: string): AccountIdentity | undefined {
		return this.deps.identities?.get(accountId);
	}

	/** True while an account's identity is being looked up. */
	isLookingUp(accountId: string): boolean {
		return this.deps.identities?.isLearning(accountId) ?? false;
	}

	/**
	 * Looks an account's identity up again (the Connections view's "Look Up Identity"). Resolves
	 * with what is known afterwards; rejects with a ComposioError when no session can be had.
	 */
	async lookUpIdentity(accountId: string): Promise<AccountIdentity | undefined> {
		const account = this._accounts.find((a) => a.id === accountId);
		if (!account || !this.deps.identities) {
			return undefined;
		}
		const session = await this.deps.session();
		return this.deps.identities.learn(session, account, { retry: true });
	}

	/** Starts looking up ACTIVE accounts nobody has looked up yet, one after another, in the background. */
	private learnMissing(session: ToolSession): void {
		const identities = this.deps.identities;
		if (!identities) {
			return;
		}
		// An account the session does not use cannot run the profile tool (Composio refuses it): it keeps its alias or id.
		const missing = this._accounts.filter((a) => a.status === 'ACTIVE' && !a.disabled && !this.notUsedHere(a) && !identities.get(a.id) && !identities.isLearning(a.id));
		void (async () => {
			for (const account of missing) {
				await identities.learn(session, account);
			}
		})();
	}

	get state(): ConnectionsState {
		return this._state;
	}

	/** Every account of the user, any status, as last loaded. */
	get accounts(): readonly ConnectedAccount[] {
		return this._accounts;
	}

	/** The accounts grouped by toolkit, for the tree. */
	get groups(): ToolkitGroup[] {
		return groupByToolkit(this._accounts, this.toolkitNames);
	}

	get pending(): readonly PendingConnection[] {
		return this._pending;
	}

	get loading(): boolean {
		return this._loading;
	}

	/** When the accounts were last loaded (ms since the epoch); 0 before the first load. */
	get loadedAt(): number {
		return this._loadedAt;
	}

	/** The toolkit's display name if the session named it, else a readable form of its slug. */
	toolkitName(slug: string): string {
		return sessionToolkitName(slug, this.toolkitNames);
	}

	/**
	 * Reloads the accounts. Never rejects: a failure becomes the `error` state. Calls made while a
	 * load waits to start share it.
	 */
	refresh(): Promise<void> {
		if (this.queued) {
			return this.queued;
		}
		const next = this.chain.then(() => {
			this.queued = undefined;
			return this.load();
		});
		this.queued = next;
		this.chain = next;
		return next;
	}

	/** The snapshot (see accountsSnapshot.ts): waits for a load under way, and loads when nothing is loaded. Rejects with a ComposioError. */
	async read(): Promise<readonly ConnectedAccount[]> {
		if (this._loading || this.queued) {
			await (this.queued ?? this.chain);
		}
		if (this._state.kind !== 'loaded') {
			// Never loaded, or the last load failed: try now.
			await this.refresh();
		}
		return this.snapshot();
	}

	/** Something changed the accounts: loads them again (see accountsSnapshot.ts). */
	async changed(): Promise<readonly ConnectedAccount[]> {
		await this.refresh();
		return this.snapshot();
	}

	aliasSet(accountId: string, alias: string): void {
		if (this._accounts.some((a) => a.id === accountId && a.alias !== alias)) {
			this._accounts = this._accounts.map((a) => (a.id === accountId ? { ...a, alias } : a));
			this.changeEmitter.fire();
		}
	}

	private snapshot(): readonly ConnectedAccount[] {
		switch (this._state.kind) {
			case 'loaded':
				return this._accounts;
			case 'error':
				throw this._state.error;
			case 'keyMissing':
				throw new ComposioError('auth', COMPOSIO_MESSAGES.noKey, { action: 'setComposioKey', detail: 'No Composio API key is set.' });
			case 'idle':
				throw new ComposioError('cancelled', COMPOSIO_MESSAGES.cancelled, { detail: 'The accounts were reset (new user ID, key or environment) while they loaded.' });
		}
	}

	/** Loads once if nothing was ever loaded and no load runs; otherwise resolves at once (or with the running load). */
	ensureLoaded(): Promise<void> {
		return this._state.kind === 'idle' && !this._loading ? this.refresh() : (this.queued ?? this.chain);
	}

	/**
	 * True when this workspace's sessions do not use the account, so the agent cannot act with it:
	 * it was made with an auth config other than the one they use for its toolkit (the one the
	 * settings pin, else Composio's managed app, which Tool Router picks without a pin), or,
	 * without multi-account, another account of the toolkit is the more recently connected one
	 * (the one Composio uses).
	 */
	notUsedHere(account: ConnectedAccount): boolean {
		return this.whyNotUsedHere(account) !== undefined;
	}

	/** Why the sessions do not use the account (`notUsedHere`): its auth config, or a newer account of the toolkit without multi-account. */
	whyNotUsedHere(account: ConnectedAccount): 'authConfig' | 'newerAccount' | undefined {
		if (this.offConfig(account)) {
			return 'authConfig';
		}
		if (this.usedBy?.multiAccount !== false) {
			return undefined;
		}
		const newest = this._accounts
			.filter((a) => a.toolkit === account.toolkit && a.status === 'ACTIVE' && !a.disabled && !this.offConfig(a))
			.reduce<ConnectedAccount | undefined>((best, a) => (best === undefined || a.createdAt > best.createdAt ? a : best), undefined);
		return newest !== undefined && newest.id !== account.id ? 'newerAccount' : undefined;
	}

	private offConfig(account: ConnectedAccount): boolean {
		if (!account.authConfigId) {
			return false;
		}
		const pinned = this.usedBy?.pinnedAuthConfig?.(account.toolkit);
		return pinned !== undefined ? account.authConfigId !== pinned : this.ownAuthConfig(account) !== undefined;
	}

	/** The session the accounts were last listed in (its pins and whether it is multi-account). */
	private usedBy: ToolSession | undefined;

	/** The auth config an account belongs to, when it is known and is not Composio's managed default. */
	ownAuthConfig(account: ConnectedAccount): AuthConfigInfo | undefined {
		const config = account.authConfigId ? this.configs?.get(account.authConfigId) : undefined;
		return config && !config.managed ? config : undefined;
	}

	/** Lists the auth configs once a session if an account's config is neither known nor known to be managed. Names only: failures are logged. */
	private async nameConfigs(accounts: readonly ConnectedAccount[]): Promise<void> {
		const unknown = accounts.some((a) => a.authConfigId && !this.managedIds.has(a.authConfigId) && !this.configs?.has(a.authConfigId));
		if (!unknown || !this.deps.authConfigs || this.configs) {
			return;
		}
		try {
			const all = await (await this.deps.authConfigs()).list();
			this.configs = new Map(all.map((c) => [c.id, c]));
		} catch (e) {
			this.configs = new Map();
			this.deps.logger.warn(`Could not list the auth configs: ${toComposioError(e).detail}`);
		}
	}

	/** The toolkits named so far in this session (those the user has accounts in, and any a picker showed). */
	get namedToolkits(): readonly ToolkitStatus[] {
		return [...this.toolkitNames.values()];
	}

	/** Toolkits a picker fetched: their names are known from now on. */
	learnNames(session: ToolSession, toolkits: readonly ToolkitStatus[]): void {
		this.namesBelongTo(session);
		this.addNames(toolkits);
	}

	/**
	 * Learns the names of the accounts' toolkits not named yet in this session: one request for
	 * the few the user has accounts in, never the catalog (Composio's holds 1,000+). Names only:
	 * the tree falls back on the slug when they are unavailable.
	 */
	private async nameToolkits(session: ToolSession, accounts: readonly ConnectedAccount[]): Promise<void> {
		this.namesBelongTo(session);
		const unnamed = [...new Set(accounts.map((a) => a.toolkit))].filter((slug) => !this.toolkitNames.has(slug));
		if (unnamed.length === 0) {
			return;
		}
		try {
			this.addNames(await session.toolkitsNamed(unnamed));
		} catch (e) {
			this.deps.logger.warn(`Could not name the toolkits ${unnamed.join(', ')}: ${toComposioError(e).detail}`);
		}
	}

	/** Names are learned per session (another user or environment may have other toolkits). */
	private namesBelongTo(session: ToolSession): void {
		if (this.namesSession !== session.sessionId) {
			this.namesSession = session.sessionId;
			this.toolkitNames = new Map();
			this.configs = undefined;
			this.managedIds = new Set();
		}
	}

	private addNames(toolkits: readonly ToolkitStatus[]): void {
		this.toolkitNames = new Map([...this.toolkitNames, ...toolkits.map((t) => [t.slug, t] as const)]);
		for (const t of toolkits) {
			if (t.authConfigId && t.isComposioManaged === true) {
				this.managedIds.add(t.authConfigId);
			}
		}
	}

	/** Shows `connection` as pending until `until` settles, then refreshes. */
	trackPending(connection: PendingConnection, until: Promise<unknown>): void {
		this._pending = [...this._pending, connection];
		this.changeEmitter.fire();
		const done = (): void => {
			this._pending = this._pending.filter((p) => p !== connection);
			this.changeEmitter.fire();
			void this.refresh();
		};
		until.then(done, done);
	}

	/** Forgets everything loaded (the user id, key or environment changed); the next load starts afresh. */
	reset(): void {
		this.generation++;
		this._state = { kind: 'idle' };
		this._accounts = [];
		this._loadedAt = 0;
		this.changeEmitter.fire();
	}

	private setLoading(loading: boolean): void {
		if (this._loading !== loading) {
			this._loading = loading;
			this.changeEmitter.fire();
		}
	}

	/** Lists the accounts as the component that asked, or as the Connections view when none did (and so learns who they are). */
	private load(): Promise<void> {
		return asComponent(currentComponent() ?? 'connections', () => this.loadAccounts());
	}

	private async loadAccounts(): Promise<void> {
		const generation = this.generation;
		this.setLoading(true);
		try {
			if (await this.deps.keyMissing()) {
				if (generation === this.generation) {
					this._state = { kind: 'keyMissing' };
					this._accounts = [];
				}
				return;
			}
			const session = await this.deps.session();
			const accounts = await session.listAccounts();
			if (generation === this.generation) {
				await this.nameToolkits(session, accounts);
				await this.nameConfigs(accounts);
			}
			if (generation === this.generation) {
				this._accounts = accounts;
				this.usedBy = session;
				this._state = { kind: 'loaded' };
				this._loadedAt = Date.now();
				this.learnMissing(session);
			}
		} catch (e) {
			const error = toComposioError(e);
			if (generation === this.generation) {
				this.deps.logger.warn(`Could not load connections: ${error.detail}`);
				this._state = { kind: 'error', error };
			}
		} finally {
			this.setLoading(false);
			this.changeEmitter.fire();
		}
	}

	dispose(): void {
		this.generation++;
		this.identitySubscription?.dispose();
		this.changeEmitter.dispose();
	}
}
