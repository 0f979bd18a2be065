/**
 * Who each connected account is: the email, login or workspace behind "ca_…". Learned once, when
 * an account is first seen ACTIVE (by whichever front door connected it), through the toolkit's
 * read-only profile tool where Composio has one (Gmail's profile, GitHub's authenticated user,
 * Slack's auth test, Linear's current user), otherwise from what the account itself carries. Kept
 * in an `IdentityStore` (the workspace state) by account id; given to Composio as the account's
 * alias when the user gave none and no other account of the toolkit holds it.
 *
 * A lookup never blocks anything: it runs in the background, is bounded in time, and a failure
 * is recorded (the views keep showing the id, with a way to try again) rather than thrown.
 */
import * as l10n from '@vscode/l10n';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { isRecord } from '../common/isRecord';
import { nullLogger, type Logger } from '../common/logger';
import { accountsOf, type AccountsSnapshot, listingEachTime } from './accountsSnapshot';
import { ComposioError, toComposioError } from './composioErrors';
import type { ConnectedAccount, ToolSession } from './toolSession';

/** What is known about who an account is. */
export interface AccountIdentity {
	readonly accountId: string;
	readonly toolkit: string;
	/** The email, login or workspace the account belongs to; absent when it could not be learned. */
	readonly name?: string;
	/** More about it where the profile says (a display name, the workspace). */
	readonly detail?: string;
	/** Where the name came from: the profile tool, the account's own fields, the account a reconnect replaced, or a tool search's connection statuses (`current_user_info`). */
	readonly source: 'profile' | 'account' | 'reconnect' | 'search';
	/** When it was learned (or the lookup failed), ms since the epoch. */
	readonly learnedAt: number;
	/** Why the last lookup failed; the identity is unknown until a retry succeeds. */
	readonly error?: string;
}

/** Where identities are kept between windows (the workspace state), by account id. */
export interface IdentityStore {
	all(): Readonly<Record<string, AccountIdentity>>;
	set(accountId: string, identity: AccountIdentity | undefined): Promise<void>;
}

/** An IdentityStore in memory (tests, and windows without storage). */
export class MemoryIdentityStore implements IdentityStore {
	private readonly map = new Map<string, AccountIdentity>();
	all(): Readonly<Record<string, AccountIdentity>> {
		return Object.fromEntries(this.map);
	}
	set(accountId: string, identity: AccountIdentity | undefined): Promise<void> {
		if (identity) {
			this.map.set(accountId, identity);
		} else {
			this.map.delete(accountId);
		}
		return Promise.resolve();
	}
}

/** A toolkit's read-only profile tool and how to read who the account is from its answer. */
interface ProfileTool {
	readonly slug: string;
	read(data: unknown): { name?: string; detail?: string };
}

/**
 * The first non-empty string under any of `keys`, searched breadth-first through nested objects
 * (Composio wraps an app's answer differently per tool: `data`, `response_data`, `user`, …).
 */
export function findField(value: unknown, keys: readonly string[], maxDepth = 4): string | undefined {
	let level: unknown[] = [value];
	for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
		const next: unknown[] = [];
		for (const node of level) {
			if (!isRecord(node)) {
				continue;
			}
			for (const key of keys) {
				const v = node[key];
				if (typeof v === 'string' && v.trim() !== '' && v.trim().length <= 200) {
					return v.trim();
				}
			}
			next.push(...Object.values(node).filter((v) => isRecord(v)));
		}
		level = next;
	}
	return undefined;
}

/** The keys of a user's info (search's `current_user_info`, `user_info`) that name who the account is, in order. */
const USER_INFO_NAMES = ['email', 'email_address', 'login', 'username', 'user_name', 'name', 'workspace'];

/** Who the accounts a tool search's result describes are: `{accountId, toolkit, name}` for each that says. */
export function searchIdentities(data: unknown): Array<{ readonly accountId: string; readonly toolkit: string; readonly name: string }> {
	const statuses = isRecord(data) && Array.isArray(data['toolkit_connection_statuses']) ? data['toolkit_connection_statuses'] : [];
	const out = new Map<string, { accountId: string; toolkit: string; name: string }>();
	for (const status of statuses) {
		if (!isRecord(status) || typeof status['toolkit'] !== 'string') {
			continue;
		}
		const toolkit = status['toolkit'].toLowerCase();
		const details = status['connection_details'];
		const inUse = isRecord(details) && typeof details['connected_account_id'] === 'string' ? details['connected_account_id'] : undefined;
		const current = isRecord(status['current_user_info']) ? findField(status['current_user_info'], USER_INFO_NAMES, 1) : undefined;
		if (inUse && current) {
			out.set(inUse, { accountId: inUse, toolkit, name: current });
		}
		for (const account of Array.isArray(status['accounts']) ? status['accounts'] : []) {
			const name = isRecord(account) && isRecord(account['user_info']) ? findField(account['user_info'], USER_INFO_NAMES, 1) : undefined;
			if (isRecord(account) && typeof account['id'] === 'string' && name) {
				out.set(account['id'], { accountId: account['id'], toolkit, name });
			}
		}
	}
	return [...out.values()];
}

/** The profile tool of each toolkit that has one (slugs as Composio names them). */
export const PROFILE_TOOLS: Readonly<Record<string, ProfileTool>> = {
	gmail: {
		slug: 'GMAIL_GET_PROFILE',
		read: (data) => ({ name: findField(data, ['emailAddress', 'email_address', 'email']) }),
	},
	github: {
		slug: 'GITHUB_GET_THE_AUTHENTICATED_USER',
		read: (data) => {
			const login = findField(data, ['login']);
			const name = findField(data, ['name']);
			return { name: login ?? findField(data, ['email']), ...(name && name !== login ? { detail: name } : {}) };
		},
	},
	slack: {
		slug: 'SLACK_TEST_AUTH',
		read: (data) => {
			const user = findField(data, ['user', 'user_name', 'username']);
			const team = findField(data, ['team', 'team_name']);
			return user && team ? { name: `${user} (${team})`, detail: team } : { name: user ?? team };
		},
	},
	linear: {
		slug: 'LINEAR_GET_CURRENT_USER',
		read: (data) => {
			const email = findField(data, ['email']);
			const name = findField(data, ['displayName', 'name']);
			return { name: email ?? name, ...(email && name ? { detail: name } : {}) };
		},
	},
};

/** Options for AccountIdentities. */
export interface AccountIdentitiesOptions {
	readonly logger?: Logger;
	/** Stamps identities and bounds lookups; default the system clock. */
	readonly clock?: Clock;
	/** A lookup that takes longer is abandoned (recorded as failed). Default 15 s. */
	readonly lookupTimeoutMs?: number;
	/**
	 * The extension's accounts snapshot (a getter: it is made after the identities): read to see
	 * which aliases are taken, and told of an alias given. Default the session's list.
	 */
	readonly accounts?: () => AccountsSnapshot;
}

const DEFAULT_LOOKUP_MS = 15_000;

/** See the file comment. */
export class AccountIdentities implements Disposable {
	private readonly changeEmitter = new Emitter<string>();
	/** Fires with an account id when what is known about it changed (learned, failed, carried, forgotten). */
	readonly onDidChange: Event<string> = this.changeEmitter.event;
	private readonly inFlight = new Map<string, Promise<AccountIdentity | undefined>>();
	private readonly logger: Logger;
	private readonly clock: Clock;
	private readonly timeoutMs: number;
	private readonly accounts: (() => AccountsSnapshot) | undefined;

	constructor(
		private readonly store: IdentityStore,
		options: AccountIdentitiesOptions = {},
	) {
		this.logger = options.logger ?? nullLogger;
		this.clock = options.clock ?? systemClock;
		this.timeoutMs = options.lookupTimeoutMs ?? DEFAULT_LOOKUP_MS;
		this.accounts = options.accounts;
	}

	/** What is known about an account, if anything. */
	get(accountId: string): AccountIdentity | undefined {
		return this.store.all()[accountId];
	}

	/** Who the account is (an email, a login, a workspace), when known. */
	nameOf(accountId: string): string | undefined {
		return this.get(accountId)?.name;
	}

	/** True while a lookup of the account runs. */
	isLearning(accountId: string): boolean {
		return this.inFlight.has(accountId);
	}

	/**
	 * An account was seen ACTIVE (ToolSession's hook). A reconnect's new account first takes over
	 * the identity of the one it replaced; then the account is looked up, once.
	 */
	accountActive(session: ToolSession, account: ConnectedAccount, replaced?: string): void {
		if (replaced) {
			void this.carry(replaced, account.id);
		}
		void this.learn(session, account);
	}

	/**
	 * Learns who `account` is, once: an account already known (or whose lookup failed) is left
	 * alone unless `retry`; concurrent calls share one lookup. Never rejects.
	 */
	learn(session: ToolSession, account: ConnectedAccount, options: { retry?: boolean } = {}): Promise<AccountIdentity | undefined> {
		const running = this.inFlight.get(account.id);
		if (running) {
			return running;
		}
		const known = this.get(account.id);
		if (known && known.source !== 'reconnect' && !options.retry) {
			return Promise.resolve(known);
		}
		const promise = this.lookUp(session, account, known).finally(() => this.inFlight.delete(account.id));
		this.inFlight.set(account.id, promise);
		this.changeEmitter.fire(account.id);
		return promise;
	}

	/**
	 * The identity once a lookup of `accountId` under way has finished, waiting at most `ms`
	 * (then what is known by then). Resolves at once when nothing runs.
	 */
	async settle(accountId: string, ms: number, signal?: AbortSignal): Promise<AccountIdentity | undefined> {
		const running = this.inFlight.get(accountId);
		if (running) {
			const stop = new AbortController();
			const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
			await Promise.race([running, this.clock.sleep(ms, both).catch(() => undefined)]);
			stop.abort();
		}
		return this.get(accountId);
	}

	/**
	 * Keeps who the accounts are that a tool search described (`toolkit_connection_statuses`:
	 * `current_user_info` of the toolkit's account in use, `user_info` of each account listed),
	 * so their profile tool need not run. Accounts already known from a profile are left alone.
	 */
	async fromSearch(data: unknown): Promise<void> {
		for (const found of searchIdentities(data)) {
			const known = this.get(found.accountId);
			if (known?.name && !known.error && known.source !== 'reconnect') {
				continue;
			}
			await this.save({ ...found, source: 'search', learnedAt: this.clock.now() });
			this.logger.info(`${found.accountId} (${found.toolkit}) is ${found.name}, as the tool search says.`);
		}
	}

	/** The new account of a reconnect is the same person as the old one until its own lookup says otherwise. */
	async carry(fromId: string, toId: string): Promise<void> {
		const old = this.get(fromId);
		if (!old?.name || this.get(toId)?.name) {
			return;
		}
		await this.save({ ...old, accountId: toId, source: 'reconnect', learnedAt: this.clock.now() });
	}

	/** Forgets an account (it was deleted). */
	async forget(accountId: string): Promise<void> {
		if (this.get(accountId)) {
			await this.store.set(accountId, undefined);
			this.changeEmitter.fire(accountId);
		}
	}

	dispose(): void {
		this.changeEmitter.dispose();
	}

	private async save(identity: AccountIdentity): Promise<void> {
		try {
			await this.store.set(identity.accountId, identity);
		} catch (e) {
			this.logger.warn(`Could not keep the identity of ${identity.accountId}: ${e instanceof Error ? e.message : String(e)}`);
		}
		this.changeEmitter.fire(identity.accountId);
	}

	private async lookUp(session: ToolSession, account: ConnectedAccount, known: AccountIdentity | undefined): Promise<AccountIdentity | undefined> {
		const base = { accountId: account.id, toolkit: account.toolkit, learnedAt: this.clock.now() };
		let identity: AccountIdentity;
		try {
			const found = await this.fromProfile(session, account);
			identity = found
				? { ...base, ...found, source: 'profile' }
				: account.stateHint
					? { ...base, name: account.stateHint, source: 'account' }
					: // Nothing says who it is: the id stays what the views show (no retry would help).
						{ ...base, source: 'account' };
		} catch (e) {
			const err = toComposioError(e);
			const reason = err.kind === 'cancelled' ? l10n.t('The lookup took too long.') : err.message;
			this.logger.warn(`Could not learn who ${account.id} (${account.toolkit}) is: ${err.detail}`);
			// A reconnect's carried name stays shown; the failure is recorded beside it.
			identity = { ...base, ...(known?.name ? { name: known.name } : {}), source: known?.source ?? 'profile', error: reason };
		}
		await this.save(identity);
		if (identity.name && !identity.error) {
			this.logger.info(`${account.id} (${account.toolkit}) is ${identity.name}.`);
			await this.nameInComposio(session, account, identity.name);
		}
		return identity;
	}

	/** Runs the toolkit's profile tool as the account. Undefined when the toolkit has none or the session lacks it; throws when it failed. */
	private async fromProfile(session: ToolSession, account: ConnectedAccount): Promise<{ name: string; detail?: string } | undefined> {
		const tool = PROFILE_TOOLS[account.toolkit];
		if (!tool) {
			return undefined;
		}
		const stop = new AbortController();
		const timer = this.clock.sleep(this.timeoutMs, stop.signal).then(
			() => stop.abort(),
			() => undefined,
		);
		try {
			const result = await session.execute(tool.slug, {}, { account: account.id, signal: stop.signal });
			if (result.refusal === 'toolNotFound' || result.refusal === 'toolkitNotAllowed') {
				// The session has no such tool: fall back on what the account carries.
				return undefined;
			}
			if (result.error) {
				throw new ComposioError('server', `${tool.slug} failed: ${result.error}`, { detail: `${tool.slug} for ${account.id}: ${result.error}` });
			}
			const read = tool.read(result.data);
			if (!read.name) {
				throw new ComposioError('server', `${tool.slug} did not say who the account is.`, { detail: `${tool.slug} for ${account.id} had no name in its answer` });
			}
			return { name: read.name, ...(read.detail ? { detail: read.detail } : {}) };
		} catch (e) {
			if (e instanceof ComposioError && e.kind === 'notFound' && /tool/i.test(e.detail) && !/account/i.test(e.detail)) {
				// The session has no such tool: fall back on what the account carries.
				return undefined;
			}
			throw e;
		} finally {
			stop.abort();
			await timer;
		}
	}

	/** Gives the account its name as Composio alias when it has none and no other account of the toolkit holds that alias. Best effort. */
	private async nameInComposio(session: ToolSession, account: ConnectedAccount, name: string): Promise<void> {
		if (account.alias) {
			return;
		}
		const snapshot = this.accounts?.() ?? listingEachTime(session);
		try {
			const others = accountsOf(await snapshot.read(), account.toolkit);
			const self = others.find((a) => a.id === account.id);
			if (self?.alias || others.some((a) => a.id !== account.id && a.alias?.toLowerCase() === name.toLowerCase())) {
				return;
			}
			await session.setAlias(account.id, name);
			snapshot.aliasSet(account.id, name);
		} catch (e) {
			this.logger.info(`Left ${account.id} without an alias: ${toComposioError(e).detail}`);
		}
	}
}
