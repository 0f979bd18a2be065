/**
 * How connected accounts are grouped, labelled and counted for the views (the connections tree,
 * the status bar, the pickers). Pure: no editor, no network.
 */
import * as l10n from '@vscode/l10n';
import { toolkitDisplayName } from '../common/toolkitNames';
import type { ConnectedAccount, ConnectionStatus, ToolkitStatus } from './toolSession';

/** The handful of states the UI distinguishes. */
export type AccountState = 'active' | 'initiated' | 'expired' | 'failed' | 'disabled' | 'unknown';

/** What the UI shows for one state. */
export interface AccountStateInfo {
	readonly label: string;
	/** A codicon id. */
	readonly icon: string;
	/** A theme color id for the icon. */
	readonly color: string;
	/** What the user can do about it, for tooltips. */
	readonly hint: string;
}

/** What each state shows (worded when read, in the display language). */
export const ACCOUNT_STATES: Readonly<Record<AccountState, AccountStateInfo>> = {
	get active() {
		return { label: l10n.t('Active'), icon: 'pass-filled', color: 'testing.iconPassed', hint: l10n.t('The agent can use this account.') };
	},
	get initiated() {
		return { label: l10n.t('Waiting for sign-in'), icon: 'clock', color: 'charts.yellow', hint: l10n.t('The Connect Link was not completed yet. Reconnect for a fresh link.') };
	},
	get expired() {
		return { label: l10n.t('Expired'), icon: 'warning', color: 'list.warningForeground', hint: l10n.t('The connection expired. Reconnect to sign in again.') };
	},
	get failed() {
		return { label: l10n.t('Failed'), icon: 'error', color: 'list.errorForeground', hint: l10n.t('The connection failed or was revoked. Reconnect to try again.') };
	},
	get disabled() {
		return { label: l10n.t('Disabled'), icon: 'circle-slash', color: 'disabledForeground', hint: l10n.t('Disabled: the agent does not use it until you enable it.') };
	},
	get unknown() {
		return { label: l10n.t('Status not known'), icon: 'question', color: 'charts.yellow', hint: l10n.t('Composio reports a status this version does not know; the agent does not use the account until it is active. Refresh later, or Reconnect.') };
	},
};

/** What an account's status shows: its state's label, or the status Composio sent when this version does not know it. */
export function accountStatusLabel(account: Pick<ConnectedAccount, 'status' | 'disabled' | 'unknownStatus'>): string {
	const state = accountState(account);
	return state === 'unknown' && account.unknownStatus ? statusWord(account.unknownStatus) : ACCOUNT_STATES[state].label;
}

/** A status word as a label: PENDING → Pending. */
function statusWord(raw: string): string {
	const word = raw.replace(/[_-]+/g, ' ').trim().toLowerCase();
	return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The UI state of an account's Composio status. */
export function accountState(account: Pick<ConnectedAccount, 'status' | 'disabled'>): AccountState {
	if (account.disabled || account.status === 'INACTIVE') {
		return 'disabled';
	}
	return statusState(account.status);
}

function statusState(status: ConnectionStatus): AccountState {
	switch (status) {
		case 'ACTIVE':
			return 'active';
		case 'INITIALIZING':
		case 'INITIATED':
			return 'initiated';
		case 'EXPIRED':
			return 'expired';
		case 'INACTIVE':
			return 'disabled';
		case 'FAILED':
		case 'REVOKED':
			return 'failed';
		case 'UNKNOWN':
			return 'unknown';
	}
}

/** True when Reconnect applies (a fresh Connect Link replaces the account). */
export function canReconnect(state: AccountState): boolean {
	return state === 'expired' || state === 'failed' || state === 'initiated' || state === 'unknown';
}

/** One toolkit with the user's accounts for it, oldest first. */
export interface ToolkitGroup {
	readonly slug: string;
	readonly name: string;
	readonly accounts: readonly ConnectedAccount[];
}

/** The session's name for a toolkit when it gave one, else `toolkitDisplayName` of the slug (for slugs the session has not told us about yet). */
export function sessionToolkitName(slug: string, toolkits?: ReadonlyMap<string, Pick<ToolkitStatus, 'name'>>): string {
	return toolkits?.get(slug)?.name || toolkitDisplayName(slug);
}

/** Groups accounts by toolkit, toolkits by name, accounts by creation time (then id). */
export function groupByToolkit(accounts: readonly ConnectedAccount[], toolkits?: ReadonlyMap<string, Pick<ToolkitStatus, 'name'>>): ToolkitGroup[] {
	const bySlug = new Map<string, ConnectedAccount[]>();
	for (const a of accounts) {
		const list = bySlug.get(a.toolkit) ?? [];
		list.push(a);
		bySlug.set(a.toolkit, list);
	}
	return [...bySlug.entries()]
		.map(([slug, list]) => ({
			slug,
			name: sessionToolkitName(slug, toolkits),
			accounts: [...list].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.id.localeCompare(y.id)),
		}))
		.sort((x, y) => x.name.localeCompare(y.name, undefined, { sensitivity: 'base' }));
}

/** How many toolkits have at least one account the agent can use. */
export function connectedToolkitCount(accounts: readonly ConnectedAccount[]): number {
	return new Set(accounts.filter((a) => accountState(a) === 'active').map((a) => a.toolkit)).size;
}

/** Accounts that need the user (expired or failed). */
export function accountsNeedingAttention(accounts: readonly ConnectedAccount[]): ConnectedAccount[] {
	return accounts.filter((a) => {
		const s = accountState(a);
		return s === 'expired' || s === 'failed';
	});
}

function shortId(id: string): string {
	return id.length > 12 ? `…${id.slice(-6)}` : id;
}

/**
 * Who an account is for people: who it signs in as (`identity`: an email, a login, a workspace),
 * with its alias beside it when the user gave a different one ("alice@acme.dev (work)"); else the
 * alias; else undefined.
 */
export function accountName(account: Pick<ConnectedAccount, 'alias'>, identity?: string): string | undefined {
	if (identity) {
		return account.alias && account.alias.toLowerCase() !== identity.toLowerCase() ? `${identity} (${account.alias})` : identity;
	}
	return account.alias;
}

/** The name an account goes by in messages: who it is (see `accountName`), else its toolkit's name and a short id. */
export function accountLabel(account: Pick<ConnectedAccount, 'alias' | 'id'>, toolkitName: string, identity?: string): string {
	return accountName(account, identity) ?? l10n.t('{0} account {1}', toolkitName, shortId(account.id));
}

/** The name an account goes by under its toolkit (which already names the app): who it is, else "Account" and a short id. */
export function accountTreeLabel(account: Pick<ConnectedAccount, 'alias' | 'id'>, identity?: string): string {
	return accountName(account, identity) ?? l10n.t('Account {0}', shortId(account.id));
}

/** A creation date for display ("25 Nov 2026"); empty when unknown or unparsable. */
export function formatCreated(iso: string, locale?: string): string {
	const t = Date.parse(iso);
	if (!iso || Number.isNaN(t)) {
		return '';
	}
	return new Date(t).toLocaleDateString(locale ?? 'en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** Checks an alias typed for a new account; returns why it is refused, or undefined. */
export function validateAlias(value: string, taken: readonly string[]): string | undefined {
	const alias = value.trim();
	if (alias.length === 0) {
		return l10n.t('Give the account a name, such as "work" or "personal".');
	}
	if (alias.length > 64) {
		return l10n.t('Keep the name under 64 characters.');
	}
	if (!/^[\p{L}\p{N} ._@+-]+$/u.test(alias)) {
		return l10n.t('Use letters, digits, spaces and . _ @ + - only.');
	}
	if (taken.some((t) => t.toLowerCase() === alias.toLowerCase())) {
		return l10n.t('Another account is already called "{0}".', alias);
	}
	return undefined;
}

/** What the status bar item is made from. */
export interface StatusInput {
	readonly sandbox: boolean;
	/** A key the live mode needs and lacks, or a model to talk to. */
	readonly missing?: 'composioKey' | 'openAiKey' | 'model';
	/** Undefined until the connections were loaded once. */
	readonly accounts?: readonly ConnectedAccount[];
	/** The accounts are the last ones seen (in an earlier window), not loaded yet in this one. */
	readonly stale?: boolean;
	/** Names of toolkits whose Connect Link is open and waited on. */
	readonly waitingFor: readonly string[];
	/** The message of the last load's failure, if it failed. */
	readonly loadError?: string;
	/** Who an account is, when known (for the tooltip). */
	readonly identityOf?: (accountId: string) => string | undefined;
	/** A toolkit's display name (for the tooltip); default a readable form of its slug. */
	readonly toolkitName?: (slug: string) => string;
}

/** The status bar item: text with codicons, a tooltip, where a click goes, and whether it warns. */
export interface StatusView {
	readonly text: string;
	readonly tooltip: string;
	readonly target: 'chat' | 'connections';
	readonly warning: boolean;
}

/** "3 apps connected"; at the start of a sentence with `capital` ("No apps connected"). */
function appsConnected(n: number, capital = false): string {
	if (n === 0) {
		return capital ? l10n.t('No apps connected') : l10n.t('no apps connected');
	}
	return n === 1 ? l10n.t('1 app connected') : l10n.t('{0} apps connected', n);
}

/** The state at a glance, most pressing first: a connection waiting, a key missing, accounts to reconnect, the count. */
export function statusView(input: StatusInput): StatusView {
	if (input.waitingFor.length > 0) {
		const names = input.waitingFor.join(', ');
		return {
			text: `$(sync~spin) ${l10n.t('Composio: connecting {0}…', names)}`,
			tooltip: l10n.t('Waiting for you to finish signing in to {0} in your browser. Click to see your connections.', names),
			target: 'connections',
			warning: false,
		};
	}
	if (input.missing === 'composioKey') {
		return {
			text: `$(key) ${l10n.t('Composio: API key missing')}`,
			tooltip: l10n.t('No Composio API key is set and the sandbox is off. Click to set the key or turn the sandbox on.'),
			target: 'connections',
			warning: true,
		};
	}
	if (input.missing === 'openAiKey') {
		return {
			text: `$(key) ${l10n.t('Composio: OpenAI key missing')}`,
			tooltip: l10n.t('The agent needs an OpenAI API key (or a model endpoint that needs none). Click to open the chat.'),
			target: 'chat',
			warning: true,
		};
	}
	if (input.missing === 'model') {
		return {
			text: `$(warning) ${l10n.t('Composio: no model')}`,
			tooltip: l10n.t('The agent has no model to talk to: set an OpenAI API key, sign in to a model provider in VS Code (such as GitHub Copilot), or use the sandbox. Click to open the chat.'),
			target: 'chat',
			warning: true,
		};
	}
	const prefix = input.sandbox ? `$(beaker) ${l10n.t('Composio Sandbox')}` : `$(plug) ${l10n.t('Composio')}`;
	const mode = input.sandbox ? l10n.t('Sandbox: simulated apps and a scripted model, no keys needed.') : l10n.t('Connected to Composio.');
	if (input.loadError) {
		return {
			text: `${prefix}: $(error) ${l10n.t('connections unavailable')}`,
			tooltip: `${mode} ${input.loadError} ${l10n.t('Click to see your connections.')}`,
			target: 'connections',
			warning: true,
		};
	}
	if (!input.accounts) {
		return { text: prefix, tooltip: `${mode} ${l10n.t('Click to open the chat.')}`, target: 'chat', warning: false };
	}
	const needing = accountsNeedingAttention(input.accounts);
	const attention = needing.length;
	const count = connectedToolkitCount(input.accounts);
	const nameOf = (slug: string): string => input.toolkitName?.(slug) ?? toolkitDisplayName(slug);
	const describe = (a: ConnectedAccount): string => {
		const name = accountName(a, input.identityOf?.(a.id));
		return name ? `${nameOf(a.toolkit)} ${name}` : accountLabel(a, nameOf(a.toolkit));
	};
	const active = input.accounts.filter((a) => accountState(a) === 'active');
	const counted = input.stale ? l10n.t('{0} when last checked.', appsConnected(count, true)) : l10n.t('{0}.', appsConnected(count, true));
	const who = active.length > 0 ? ` ${l10n.t('Connected as: {0}.', active.map(describe).join('; '))}` : '';
	if (attention > 0) {
		return {
			text: `${prefix}: $(warning) ${attention === 1 ? l10n.t('1 needs attention') : l10n.t('{0} need attention', attention)}`,
			tooltip: `${mode} ${counted}${who} ${l10n.t('Needs attention (expired, revoked or failed): {0}.', needing.map(describe).join('; '))} ${l10n.t('Click to reconnect.')}`,
			target: 'connections',
			warning: true,
		};
	}
	return {
		text: `${prefix}: ${appsConnected(count)}`,
		tooltip: `${mode} ${counted}${who} ${count === 0 ? l10n.t('Click to connect an app.') : l10n.t('Click to open the chat.')}`,
		target: count === 0 ? 'connections' : 'chat',
		warning: false,
	};
}
