/**
 * The emulator's state: connected accounts, Connect Links, tool router sessions and each
 * user's simulated app data, with optional persistence to a JSON file. Writes never block the
 * event loop: a change schedules one, changes made while it runs are coalesced into the next,
 * and each is atomic (a temporary file, then a rename). Links expire lazily: every read first
 * moves INITIATED accounts whose link is older than the TTL to EXPIRED.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { ApiError, newId } from './emulatorHttp';
import type { Clock } from '../../common/clock';
import { isRecord } from '../../common/isRecord';
import { createUserAppData, simulatedIdentity, type UserAppData } from './emulatorAppData';
import { EmulatorAuthConfigs, isAuthConfigRecord, managedAuthRefusal, seedAuthConfigs, type AuthConfigRecord } from './emulatorAuthConfigs';
import { findToolkit } from './emulatorToolkits';

/** Connected-account statuses, as Composio names them. */
export type AccountStatus = 'INITIALIZING' | 'INITIATED' | 'ACTIVE' | 'FAILED' | 'EXPIRED' | 'INACTIVE' | 'REVOKED';

/** Every account status. */
export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED'];

/** True when `value` names an account status. */
export function isAccountStatus(value: unknown): value is AccountStatus {
	return typeof value === 'string' && (ACCOUNT_STATUSES as readonly string[]).includes(value);
}

/** A connected account. */
export interface AccountRecord {
	id: string;
	userId: string;
	toolkit: string;
	authConfigId: string;
	alias: string | null;
	wordId: string;
	status: AccountStatus;
	statusReason: string | null;
	isDisabled: boolean;
	createdAt: string;
	updatedAt: string;
	/** Creation order; breaks ties between accounts created in the same millisecond. */
	seq: number;
	redirectUrl: string | null;
	/** The last four characters of an API key given on the Connect page (never the key). */
	apiKeyHint: string | null;
	/** Who signed in (the simulated email, login or user the profile tools answer with); absent in state files from before it existed. */
	identity?: string;
	/** The profile tools fail for this account (tests of a failing identity lookup). */
	profileFails?: boolean;
	/**
	 * The provider revoked the token on its side: the account still reads ACTIVE (Composio has not
	 * noticed), and every tool answers with the provider's refusal, as the real service does.
	 */
	revokedUpstream?: boolean;
}

/** A Connect Link. */
export interface LinkRecord {
	token: string;
	accountId: string;
	createdAt: string;
	expiresAt: string;
	callbackUrl: string | null;
	state: 'pending' | 'authorized' | 'denied';
}

/** Tag filters as the API takes them. */
export interface TagFilter {
	enable: string[];
	disable: string[];
}

/** Per-toolkit tool filter. */
export type ToolFilter = { enable: string[] } | { disable: string[] } | { tags: TagFilter };

/** A tool router session's configuration, normalised. */
export interface SessionConfig {
	userId: string;
	toolkits: { enable: string[] } | { disable: string[] } | null;
	tools: Record<string, ToolFilter>;
	tags: TagFilter | null;
	authConfigs: Record<string, string>;
	connectedAccounts: Record<string, string[]>;
	manageConnections: { enable: boolean; callbackUrl: string | null; waitForConnections: boolean; removal?: boolean };
	multiAccount: { enable: boolean; maxAccountsPerToolkit: number; requireExplicitSelection: boolean } | null;
	searchEnabled: boolean;
	multiExecuteEnabled: boolean;
	preloadTools: string[] | 'all' | null;
	/** The remote workbench and bash tools are offered (Composio's default); absent in state saved before, meaning on. */
	workbenchEnabled?: boolean;
	/** The workbench's `auto_offload_threshold` the session asked for, in characters; absent: the default. */
	offloadThreshold?: number;
}

/** A tool router session. */
export interface SessionRecord {
	id: string;
	createdAt: string;
	config: SessionConfig;
}

/** Everything persisted. */
export interface EmulatorState {
	version: 1;
	seq: number;
	accounts: AccountRecord[];
	links: LinkRecord[];
	sessions: SessionRecord[];
	users: Record<string, UserAppData>;
	/** Every auth config, the built-in ones first; absent in state files from before configs could be made. */
	authConfigs?: AuthConfigRecord[];
}

/** How a Connect Link is completed. */
export interface LinkDecision {
	decision: 'authorize' | 'deny';
	apiKey?: string;
	reason?: string;
	/** Who signs in (the Connect page's "Sign in as"); default the account's simulated identity. */
	identity?: string;
}

/** Why a link cannot be completed. */
export type LinkProblem = 'unknown' | 'expired' | 'used';

/** Thrown when a link is unknown, expired or already used. */
export class LinkUnavailableError extends Error {
	constructor(
		readonly problem: LinkProblem,
		message: string,
	) {
		super(message);
		this.name = 'LinkUnavailableError';
	}
}

/** Statuses whose holder keeps its alias; a FAILED/EXPIRED/REVOKED account gives its alias up to a new one. */
const ALIAS_HOLDING: readonly AccountStatus[] = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'INACTIVE'];

const WORDS_A = ['red', 'blue', 'quiet', 'swift', 'amber', 'green', 'bright', 'calm', 'bold', 'silver'];
const WORDS_B = ['castle', 'river', 'falcon', 'maple', 'harbor', 'comet', 'meadow', 'canyon', 'lantern', 'orchid'];

function emptyState(): EmulatorState {
	return { version: 1, seq: 0, accounts: [], links: [], sessions: [], users: {}, authConfigs: seedAuthConfigs() };
}

function isState(value: unknown): value is EmulatorState {
	return (
		isRecord(value) &&
		value.version === 1 &&
		typeof value.seq === 'number' &&
		Array.isArray(value.accounts) &&
		Array.isArray(value.links) &&
		Array.isArray(value.sessions) &&
		isRecord(value.users) &&
		(value.authConfigs === undefined || (Array.isArray(value.authConfigs) && value.authConfigs.every(isAuthConfigRecord)))
	);
}

function describeTtl(ms: number): string {
	if (ms % 60_000 === 0) {
		const m = ms / 60_000;
		return `${m} minute${m === 1 ? '' : 's'}`;
	}
	const s = Math.max(1, Math.round(ms / 1000));
	return `${s} second${s === 1 ? '' : 's'}`;
}

/** In-memory state with optional file persistence; see the file comment. */
export class EmulatorStore {
	private state: EmulatorState = emptyState();
	/** Changed since the last write began. */
	private dirty = false;
	/** The auth configs, built-in and made (in the state, persisted with it). */
	readonly authConfigs = new EmulatorAuthConfigs(
		() => (this.state.authConfigs ??= seedAuthConfigs()),
		() => this.persist(),
		() => this.options.clock.now(),
	);
	/** The write loop, while it runs. */
	private writing: Promise<void> | undefined;

	constructor(
		private readonly options: {
			/** The time links expire by and records are stamped with. */
			readonly clock: Clock;
			readonly linkTtlMs: number;
			readonly stateFile?: string;
			readonly log: (line: string) => void;
			/** Builds the public URL of a Connect Link from its token. */
			readonly linkUrl: (token: string) => string;
		},
	) {}

	/** The emulator's clock. */
	get clock(): Clock {
		return this.options.clock;
	}

	/** Loads the state file when one is configured and exists; a corrupt file is logged and ignored. */
	async load(): Promise<void> {
		const file = this.options.stateFile;
		if (!file) {
			return;
		}
		let text: string;
		try {
			text = await fs.readFile(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				this.options.log(`ignoring state file ${file}: ${error instanceof Error ? error.message : String(error)}`);
			}
			return;
		}
		try {
			const parsed = JSON.parse(text) as unknown;
			if (!isState(parsed)) {
				throw new Error('unrecognised state format');
			}
			this.state = parsed;
			this.options.log(`loaded state from ${file}: ${parsed.accounts.length} account(s), ${parsed.sessions.length} session(s)`);
		} catch (error) {
			this.options.log(`ignoring state file ${file}: ${error instanceof Error ? error.message : String(error)}`);
			this.state = emptyState();
		}
	}

	/**
	 * Schedules a write of the state file when one is configured. Returns at once: a write in
	 * progress is followed by one more with the newest state, however many changes came meanwhile.
	 */
	persist(): void {
		if (!this.options.stateFile) {
			return;
		}
		this.dirty = true;
		this.writing ??= this.writeWhileDirty(this.options.stateFile);
	}

	/** Resolves once every change made so far is on disk (or its write failed and was logged). */
	async flush(): Promise<void> {
		while (this.writing) {
			await this.writing;
		}
	}

	/**
	 * Writes until no change is left unwritten. `writing` is cleared in the same synchronous step
	 * that finds nothing left, so a change made at any moment is either written here or starts a
	 * new loop.
	 */
	private async writeWhileDirty(file: string): Promise<void> {
		try {
			while (this.dirty) {
				this.dirty = false;
				const text = JSON.stringify(this.state, null, '\t');
				const tmp = `${file}.${process.pid}.tmp`;
				try {
					await fs.mkdir(dirname(file), { recursive: true });
					await fs.writeFile(tmp, text, 'utf8');
					await fs.rename(tmp, file);
				} catch (error) {
					this.options.log(`could not write state file ${file}: ${error instanceof Error ? error.message : String(error)}`);
					await fs.rm(tmp, { force: true }).catch(() => undefined);
				}
			}
		} finally {
			this.writing = undefined;
		}
	}

	/** Forgets everything (and persists the empty state). */
	reset(): void {
		this.state = emptyState();
		this.persist();
	}

	/** A number that grows with every call (persisted). */
	nextSeq(): number {
		this.state.seq += 1;
		return this.state.seq;
	}

	/** The simulated app data of a user, created on first use. */
	userData(userId: string): UserAppData {
		let data = this.state.users[userId];
		if (!data) {
			data = createUserAppData(userId, this.options.clock.now());
			this.state.users[userId] = data;
		}
		return data;
	}

	/** Moves INITIATED accounts whose link has expired to EXPIRED. Returns true when anything changed. */
	expireStale(now: number = this.options.clock.now()): boolean {
		let changed = false;
		for (const link of this.state.links) {
			if (link.state !== 'pending' || Date.parse(link.expiresAt) > now) {
				continue;
			}
			const account = this.state.accounts.find((a) => a.id === link.accountId);
			if (account && account.status === 'INITIATED') {
				account.status = 'EXPIRED';
				account.statusReason = `Connection initiation did not complete within ${describeTtl(this.options.linkTtlMs)}`;
				account.updatedAt = new Date(now).toISOString();
				changed = true;
				this.options.log(`account ${account.id} (${account.toolkit}) expired: its Connect Link was not completed in time`);
			}
		}
		return changed;
	}

	/** All accounts, expiry applied. */
	accounts(): readonly AccountRecord[] {
		if (this.expireStale()) {
			this.persist();
		}
		return this.state.accounts;
	}

	/** One account by id, expiry applied. */
	getAccount(id: string): AccountRecord | undefined {
		return this.accounts().find((a) => a.id === id);
	}

	/** A user's accounts for a toolkit, newest first. */
	accountsFor(userId: string, toolkit: string): AccountRecord[] {
		return this.accounts()
			.filter((a) => a.userId === userId && a.toolkit === toolkit)
			.sort((a, b) => b.seq - a.seq);
	}

	/** Throws ApiError(409) when another account of the user and toolkit holds `alias`; frees it from dead holders. */
	private claimAlias(userId: string, toolkit: string, alias: string, exceptId?: string): void {
		for (const other of this.accountsFor(userId, toolkit)) {
			if (other.id === exceptId || other.alias !== alias) {
				continue;
			}
			if (ALIAS_HOLDING.includes(other.status)) {
				throw new ApiError(
					409,
					`A connected account with alias '${alias}' already exists for user '${userId}' and toolkit '${toolkit}' (${other.id})`,
					'Choose a different alias, or delete or rename the existing connected account.',
					'ConnectedAccount_AliasAlreadyExists',
				);
			}
			other.alias = null;
		}
	}

	private wordId(toolkit: string): string {
		const n = this.state.seq;
		return `${toolkit}_${WORDS_A[n % WORDS_A.length] ?? 'red'}-${WORDS_B[Math.floor(n / WORDS_A.length) % WORDS_B.length] ?? 'castle'}`;
	}

	/**
	 * Who a new account signs in as unless the Connect page says otherwise: the person of the
	 * latest account with the same alias (a reconnect signs the same person in again), else one
	 * made from the user id and the alias, else from the user id and how many accounts of the
	 * toolkit there are.
	 */
	private defaultIdentity(userId: string, toolkit: string, alias: string | null): string {
		const mine = this.state.accounts.filter((a) => a.userId === userId && a.toolkit === toolkit);
		const same = alias ? [...mine].reverse().find((a) => a.alias === alias && a.identity) : undefined;
		return same?.identity ?? simulatedIdentity(userId, toolkit, alias, mine.length + 1);
	}

	private newAccount(userId: string, toolkit: string, authConfigId: string, alias: string | null, status: AccountStatus, now: number): AccountRecord {
		if (alias !== null) {
			this.claimAlias(userId, toolkit, alias);
		}
		const seq = this.nextSeq();
		// Accounts made in the same millisecond would tie on created_at and list in random (id)
		// order; each account is at least a millisecond newer than the one before, as on Composio.
		const newest = this.state.accounts.reduce((t, a) => Math.max(t, Date.parse(a.createdAt) || 0), 0);
		const at = new Date(Math.max(now, newest + 1)).toISOString();
		const account: AccountRecord = {
			id: newId('ca'),
			userId,
			toolkit,
			authConfigId,
			alias,
			wordId: this.wordId(toolkit),
			status,
			statusReason: null,
			isDisabled: false,
			createdAt: at,
			updatedAt: at,
			seq,
			redirectUrl: null,
			apiKeyHint: null,
			identity: this.defaultIdentity(userId, toolkit, alias),
		};
		this.state.accounts.push(account);
		return account;
	}

	/**
	 * Starts a connection: an INITIATED account plus a Connect Link valid for the TTL.
	 * Throws ApiError(404) for an unknown toolkit or auth config and ApiError(409) for a taken alias.
	 */
	initiate(
		input: { userId: string; toolkit: string; authConfigId?: string; alias?: string | null; callbackUrl?: string | null },
		now: number = this.options.clock.now(),
	): { account: AccountRecord; link: LinkRecord; redirectUrl: string } {
		const toolkit = findToolkit(input.toolkit);
		if (!toolkit) {
			throw toolkitNotFound(input.toolkit);
		}
		const config = input.authConfigId ? this.authConfigs.require(input.authConfigId) : this.requireManaged(toolkit.slug);
		if (config.status === 'DISABLED') {
			throw new ApiError(400, `Auth config '${config.id}' is disabled`, 'Enable it, or use another auth config.', 'AuthConfig_Disabled');
		}
		if (config.toolkit !== toolkit.slug) {
			throw new ApiError(400, `Auth config '${config.id}' belongs to toolkit '${config.toolkit}', not '${toolkit.slug}'`);
		}
		this.expireStale(now);
		const alias = input.alias ? input.alias.trim() : null;
		const account = this.newAccount(input.userId, toolkit.slug, config.id, alias || null, 'INITIATED', now);
		const token = newId('ln', 14);
		const redirectUrl = this.options.linkUrl(token);
		account.redirectUrl = redirectUrl;
		const link: LinkRecord = {
			token,
			accountId: account.id,
			createdAt: new Date(now).toISOString(),
			expiresAt: new Date(now + this.options.linkTtlMs).toISOString(),
			callbackUrl: input.callbackUrl ?? null,
			state: 'pending',
		};
		this.state.links.push(link);
		this.persist();
		this.options.log(`initiated ${toolkit.slug} connection ${account.id} for ${input.userId}${alias ? ` (alias '${alias}')` : ''}: ${redirectUrl}`);
		return { account, link, redirectUrl };
	}

	/** The managed config a toolkit connects through when nothing names another. */
	private requireManaged(toolkit: string): AuthConfigRecord {
		const config = this.authConfigs.managedOf(toolkit);
		const tk = findToolkit(toolkit);
		const refusal = tk ? managedAuthRefusal(tk) : undefined;
		if (refusal || !config) {
			throw refusal ?? new ApiError(400, `Toolkit '${toolkit}' has no Composio managed auth config`, 'Create an auth config with your own credentials and pass it in auth_configs.', 'AuthConfig_NoManagedAuth');
		}
		return config;
	}

	/** Creates an ACTIVE account directly (test setup and seeding). */
	seedAccount(userId: string, toolkitSlug: string, alias?: string, authConfigId?: string): AccountRecord {
		const toolkit = findToolkit(toolkitSlug);
		if (!toolkit) {
			throw toolkitNotFound(toolkitSlug);
		}
		const config = authConfigId ? this.authConfigs.find(authConfigId) : this.authConfigs.managedOf(toolkit.slug);
		if (!config || config.toolkit !== toolkit.slug) {
			throw new ApiError(404, `Auth config '${authConfigId ?? ''}' not found for toolkit '${toolkit.slug}'`);
		}
		const account = this.newAccount(userId, toolkit.slug, config.id, alias?.trim() || null, 'ACTIVE', this.options.clock.now());
		this.persist();
		return account;
	}

	/**
	 * Why the provider refuses the account's own OAuth app at consent, if it does: the sandbox's
	 * providers know no client whose ID or secret contains "invalid" or "wrong".
	 */
	private providerRefusal(account: AccountRecord): string | undefined {
		const config = this.authConfigs.find(account.authConfigId);
		if (!config || config.isComposioManaged || config.authScheme !== 'OAUTH2') {
			return undefined;
		}
		const given = `${String(config.credentials.client_id ?? '')} ${String(config.credentials.client_secret ?? '')}`.toLowerCase();
		return /invalid|wrong/.test(given) ? `${findToolkit(account.toolkit)?.name ?? account.toolkit} refused the app: invalid_client (the OAuth client ID or secret is wrong)` : undefined;
	}

	/** A link by token (or undefined). */
	findLink(token: string): LinkRecord | undefined {
		return this.state.links.find((l) => l.token === token);
	}

	/** Why a link cannot be used now, or undefined when it can. */
	linkProblem(link: LinkRecord | undefined, now: number = this.options.clock.now()): LinkProblem | undefined {
		if (!link) {
			return 'unknown';
		}
		if (link.state !== 'pending') {
			return 'used';
		}
		const account = this.getAccount(link.accountId);
		if (!account) {
			return 'unknown';
		}
		if (Date.parse(link.expiresAt) <= now || account.status === 'EXPIRED') {
			return 'expired';
		}
		if (account.status !== 'INITIATED') {
			return 'used';
		}
		return undefined;
	}

	/**
	 * Completes a Connect Link as the hosted page does. Authorize makes the account ACTIVE (an
	 * API-key toolkit needs `apiKey`); deny makes it FAILED with the reason.
	 * Throws LinkUnavailableError for unknown, expired or used links.
	 */
	completeLink(token: string, decision: LinkDecision, now: number = this.options.clock.now()): { account: AccountRecord; link: LinkRecord } {
		this.expireStale(now);
		const link = this.findLink(token);
		const problem = this.linkProblem(link, now);
		if (problem || !link) {
			this.persist();
			const text = problem === 'expired' ? 'has expired' : problem === 'used' ? 'was already used' : 'does not exist';
			throw new LinkUnavailableError(problem ?? 'unknown', `Connect Link ${token} ${text}`);
		}
		const account = this.getAccount(link.accountId);
		if (!account) {
			throw new LinkUnavailableError('unknown', `Connect Link ${token} does not exist`);
		}
		const at = new Date(now).toISOString();
		const refusal = decision.decision === 'authorize' ? this.providerRefusal(account) : undefined;
		if (refusal) {
			link.state = 'denied';
			account.status = 'FAILED';
			account.statusReason = refusal;
		} else if (decision.decision === 'authorize') {
			const toolkit = findToolkit(account.toolkit);
			if (this.authConfigs.find(account.authConfigId)?.authScheme === 'API_KEY' && toolkit) {
				const key = (decision.apiKey ?? '').trim();
				if (!key) {
					throw new ApiError(400, `An API key is required to connect ${toolkit.name}`);
				}
				account.apiKeyHint = key.slice(-4);
			}
			link.state = 'authorized';
			account.status = 'ACTIVE';
			account.statusReason = null;
			if (decision.identity?.trim()) {
				account.identity = decision.identity.trim().slice(0, 200);
			}
		} else {
			link.state = 'denied';
			account.status = 'FAILED';
			account.statusReason = decision.reason?.trim() || 'User denied access';
		}
		account.updatedAt = at;
		this.persist();
		this.options.log(`Connect Link ${token}: ${decision.decision} → ${account.id} is ${account.status}`);
		return { account, link };
	}

	/** Changes who an account is or whether its profile tools fail. Throws ApiError(404) for an unknown account. */
	setProfile(id: string, profile: { identity?: string; fails?: boolean; revokedUpstream?: boolean }): AccountRecord {
		const account = this.requireAccount(id);
		if (profile.identity?.trim()) {
			account.identity = profile.identity.trim().slice(0, 200);
		}
		if (profile.fails !== undefined) {
			account.profileFails = profile.fails;
		}
		if (profile.revokedUpstream !== undefined) {
			account.revokedUpstream = profile.revokedUpstream;
		}
		this.persist();
		return account;
	}

	/** Forces an account's status. Throws ApiError(404) for an unknown account. */
	setStatus(id: string, status: AccountStatus, reason?: string): AccountRecord {
		const account = this.requireAccount(id);
		account.status = status;
		account.statusReason = reason ?? (status === 'ACTIVE' ? null : account.statusReason);
		account.updatedAt = new Date(this.options.clock.now()).toISOString();
		this.persist();
		return account;
	}

	/** Enables or disables an account: disabling an ACTIVE account makes it INACTIVE; enabling an INACTIVE one makes it ACTIVE. */
	setEnabled(id: string, enabled: boolean): AccountRecord {
		const account = this.requireAccount(id);
		account.isDisabled = !enabled;
		if (!enabled && account.status === 'ACTIVE') {
			account.status = 'INACTIVE';
			account.statusReason = 'Connection status updated by user';
		} else if (enabled && account.status === 'INACTIVE') {
			account.status = 'ACTIVE';
			account.statusReason = null;
		}
		account.updatedAt = new Date(this.options.clock.now()).toISOString();
		this.persist();
		return account;
	}

	/** Renames an account (empty clears the alias). Throws ApiError(409) when the alias is taken. */
	setAlias(id: string, alias: string): AccountRecord {
		const account = this.requireAccount(id);
		const next = alias.trim();
		if (next) {
			this.claimAlias(account.userId, account.toolkit, next, account.id);
		}
		account.alias = next || null;
		account.updatedAt = new Date(this.options.clock.now()).toISOString();
		this.persist();
		return account;
	}

	/** Deletes an account and its links. Throws ApiError(404) for an unknown account. */
	deleteAccount(id: string): void {
		this.requireAccount(id);
		this.state.accounts = this.state.accounts.filter((a) => a.id !== id);
		this.state.links = this.state.links.filter((l) => l.accountId !== id);
		this.persist();
	}

	/** An account or ApiError(404). */
	requireAccount(id: string): AccountRecord {
		const account = this.getAccount(id);
		if (!account) {
			throw new ApiError(404, `Connected account '${id}' not found`, 'Check the id; deleted accounts cannot be retrieved.', 'ConnectedAccount_NotFound');
		}
		return account;
	}

	/** Stores a new session. */
	addSession(config: SessionConfig): SessionRecord {
		const session: SessionRecord = { id: newId('trs'), createdAt: new Date(this.options.clock.now()).toISOString(), config };
		this.state.sessions.push(session);
		this.persist();
		return session;
	}

	/** A session or ApiError(404). */
	requireSession(id: string): SessionRecord {
		const session = this.state.sessions.find((s) => s.id === id);
		if (!session) {
			throw new ApiError(404, `Tool router session '${id}' not found`, 'Create a session with POST /api/v3.1/tool_router/session.', 'ToolRouter_SessionNotFound');
		}
		return session;
	}

	/** Deletes a session or throws ApiError(404). */
	deleteSession(id: string): void {
		this.requireSession(id);
		this.state.sessions = this.state.sessions.filter((s) => s.id !== id);
		this.persist();
	}
}

/** The 404 for an unknown toolkit slug; the message names the toolkit. */
export function toolkitNotFound(slug: string): ApiError {
	return new ApiError(404, `Toolkit '${slug}' not found`, 'Use a toolkit slug such as gmail, github, slack or linear.', 'Toolkit_NotFound');
}
