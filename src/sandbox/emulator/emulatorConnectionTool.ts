/**
 * The emulator's COMPOSIO_MANAGE_CONNECTIONS: checks and starts connections for a list of toolkit
 * slugs, and on the object entries (`{name, action, account_id, alias}`) of multi-account sessions
 * also lists, renames and removes accounts. HTTP-free; the session engine calls it.
 */
import { ApiError } from './emulatorHttp';
import { isRecord } from '../../common/isRecord';
import type { AccountRecord, EmulatorStore, SessionRecord } from './emulatorStore';
import { findToolkit, type ToolkitDef } from './emulatorToolkits';
import { candidateAccounts, enabledToolkits, usable, type ExecutionResult } from './emulatorSessions';

/** The session block the meta tools give beside their answer (search, schemas, connections). */
export function sessionBlock(session: SessionRecord): { id: string; instructions: string } {
	return { id: session.id, instructions: 'Pass this id as session_id in later meta tool calls of this task.' };
}

/** One entry of the connection tool's `toolkits`: a slug (`add`), or `{name, action, account_id, alias}`. */
interface ConnectionEntry {
	readonly name: string;
	readonly action: 'add' | 'list' | 'rename' | 'remove' | 'unknown';
	/** The entry named its action (an object entry): an `add` then starts another account on a multi-account session. */
	readonly explicit: boolean;
	readonly said?: string;
	readonly accountId?: string;
	readonly alias?: string;
}

/** Reads the connection tool's `toolkits` list; entries without a toolkit are skipped. */
export function connectionEntries(raw: unknown): ConnectionEntry[] {
	return (Array.isArray(raw) ? raw : []).flatMap((item: unknown): ConnectionEntry[] => {
		if (typeof item === 'string') {
			return item.trim() === '' ? [] : [{ name: item, action: 'add', explicit: false }];
		}
		if (!isRecord(item) || typeof item.name !== 'string' || item.name.trim() === '') {
			return [];
		}
		const said = typeof item.action === 'string' ? item.action.trim().toLowerCase() : 'add';
		const action = said === 'add' || said === 'list' || said === 'rename' || said === 'remove' ? said : 'unknown';
		return [
			{
				name: item.name,
				action,
				explicit: typeof item.action === 'string',
				said,
				...(typeof item.account_id === 'string' && item.account_id !== '' ? { accountId: item.account_id } : {}),
				...(typeof item.alias === 'string' ? { alias: item.alias } : {}),
			},
		];
	});
}

export function manageConnections(store: EmulatorStore, session: SessionRecord, requests: ConnectionEntry[], reinitiateAll: boolean): ExecutionResult {
	const results: Record<string, Record<string, unknown>> = {};
	const problems: string[] = [];
	const links: string[] = [];
	const enabled = enabledToolkits(session.config);
	// Entries are keyed by toolkit; a second entry for the same toolkit gets its index after it.
	const put = (slug: string, entry: Record<string, unknown>): void => {
		let key = slug;
		for (let n = 2; key in results; n++) {
			key = `${slug}_${n}`;
		}
		results[key] = entry;
	};
	for (const request of requests) {
		const slug = request.name.trim().toLowerCase();
		const tk = findToolkit(slug);
		if (!tk || !enabled.includes(tk)) {
			const error = tk ? `Toolkit '${slug}' is not enabled in this session` : `Toolkit '${slug}' not found`;
			put(slug, { toolkit: slug, status: 'error', error });
			problems.push(error);
			continue;
		}
		if (request.action !== 'add') {
			const changed = changeConnection(store, session, tk, request);
			put(tk.slug, changed);
			if (typeof changed['error'] === 'string') {
				problems.push(`${tk.slug}: ${changed['error']}`);
			}
			continue;
		}
		if (tk.authScheme === 'NO_AUTH') {
			put(tk.slug, { toolkit: tk.slug, status: 'no_auth', message: `${tk.name} needs no connection: call its tools directly.` });
			continue;
		}
		const active = candidateAccounts(store, session.config, tk.slug).filter(usable);
		// An explicit `add` on a multi-account session starts another account beside the connected ones.
		const another = request.explicit && session.config.multiAccount?.enable === true;
		if (active.length > 0 && !reinitiateAll && !another) {
			put(tk.slug, {
				toolkit: tk.slug,
				status: 'active',
				connected_account_id: active[0]?.id,
				accounts: active.map((a) => ({ id: a.id, alias: a.alias, status: 'active' })),
				message: `${tk.name} is connected.`,
			});
			continue;
		}
		let started: ReturnType<EmulatorStore['initiate']>;
		try {
			started = store.initiate({
				userId: session.config.userId,
				toolkit: tk.slug,
				authConfigId: session.config.authConfigs[tk.slug],
				callbackUrl: session.config.manageConnections.callbackUrl,
			});
		} catch (e) {
			// No way to connect it (no managed auth, a managed app that is gone): say why, as Composio does.
			const error = e instanceof ApiError ? e.message : String(e);
			put(tk.slug, { toolkit: tk.slug, status: 'failed', error });
			problems.push(`${tk.slug}: ${error}`);
			continue;
		}
		const { account, link } = started;
		links.push(`${tk.name}: ${account.redirectUrl ?? ''}`);
		put(tk.slug, {
			toolkit: tk.slug,
			status: 'initiated',
			redirect_url: account.redirectUrl,
			connected_account_id: account.id,
			expires_at: link.expiresAt,
			instruction: `Share this Connect Link with the user so they can connect ${tk.name}: ${account.redirectUrl ?? ''}`,
		});
	}
	const message =
		links.length > 0
			? `The user must connect ${links.length === 1 ? 'this app' : 'these apps'} before you continue. Share the Connect Link${links.length === 1 ? '' : 's'} with them and wait until they say they are done: ${links.join('; ')}`
			: problems.length > 0
				? 'No connection was started.'
				: requests.every((e) => e.action === 'add')
					? 'All connections are active'
					: 'Done.';
	// The counts and the session block Composio's reference gives beside the results (real-samples/META_COMPOSIO_MANAGE_CONNECTIONS.reference.json).
	const entries = Object.values(results);
	const counted = (status: string): number => entries.filter((r) => r['status'] === status).length;
	const summary = { total_toolkits: entries.length, active_connections: counted('active'), initiated_connections: counted('initiated'), failed_connections: counted('failed') + counted('error') };
	return { data: { results, message, summary, session: sessionBlock(session) }, error: problems.length > 0 ? problems.join('; ') : null };
}

/** A list, rename or removal of one toolkit's accounts (an object entry of the connection tool). */
function changeConnection(store: EmulatorStore, session: SessionRecord, tk: ToolkitDef, request: ConnectionEntry): Record<string, unknown> {
	const accounts = candidateAccounts(store, session.config, tk.slug);
	const shown = (a: AccountRecord): Record<string, unknown> => ({ id: a.id, alias: a.alias, status: a.isDisabled ? 'disabled' : a.status.toLowerCase() });
	if (request.action === 'list') {
		return { toolkit: tk.slug, status: 'listed', accounts: accounts.map(shown), message: `${accounts.length} ${tk.name} account${accounts.length === 1 ? '' : 's'}.` };
	}
	if (request.action === 'unknown') {
		return { toolkit: tk.slug, status: 'error', error: `Unknown action '${request.said ?? ''}': use add, list, rename or remove.` };
	}
	if (!request.accountId) {
		return { toolkit: tk.slug, status: 'error', error: `Invalid request data provided - Following fields are missing: {'account_id'}` };
	}
	const account = accounts.find((a) => a.id === request.accountId || a.alias === request.accountId);
	if (!account) {
		return { toolkit: tk.slug, status: 'error', error: `No ${tk.name} account matches '${request.accountId}'.` };
	}
	if (request.action === 'remove') {
		if (session.config.manageConnections.removal === false) {
			return { toolkit: tk.slug, status: 'error', error: 'Removing connections is turned off for this session (manage_connections.enable_connection_removal).' };
		}
		store.deleteAccount(account.id);
		return { toolkit: tk.slug, status: 'removed', connected_account_id: account.id, message: `Removed the ${tk.name} account ${account.id}.` };
	}
	if (!request.alias) {
		return { toolkit: tk.slug, status: 'error', error: `Invalid request data provided - Following fields are missing: {'alias'}` };
	}
	try {
		const renamed = store.setAlias(account.id, request.alias);
		return { toolkit: tk.slug, status: 'renamed', connected_account_id: renamed.id, alias: renamed.alias, message: `Renamed the ${tk.name} account ${renamed.id} to '${renamed.alias ?? ''}'.` };
	} catch (e) {
		return { toolkit: tk.slug, status: 'error', error: e instanceof ApiError ? e.message : String(e) };
	}
}
