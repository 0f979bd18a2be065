/**
 * Composio's meta tools, known in one place: their names, how to read the arguments of a call to
 * one (the app tools inside a multi-execute, the toolkit of a connection check) and how to read
 * what they return (a search's tool slugs, whether the connection beside a Connect Link is already
 * active). A tool router session offers them beside the app tools (GMAIL_SEND_EMAIL, …); every
 * meta tool's slug starts with `COMPOSIO_`. Their shapes are Composio's, not a contract, so every
 * reader here takes `unknown` and reads a shape that does not match as "absent"; none throws.
 *
 * Read with type guards rather than zod: these readers run in the agent's and VS Code chat's
 * lazy bundles, which do not carry zod (it stays in the Composio bundle, for the SDK's own
 * responses in `sdkResponses.ts`). The sandbox's emulator keeps its own copy of these names on
 * purpose: it stands for the real service.
 */
import { isRecord } from '../common/isRecord';
import { findConnectLinks, type FoundConnectLink } from './connectLinks';

/** The meta tools' slugs. */
export const MetaTools = {
	/** Finds tools for a use case: `{queries: [{use_case}]}` → `{results: [{primary_tool_slugs, …}]}` (`searchToolsArguments`, `searchResultSlugs`). */
	searchTools: 'COMPOSIO_SEARCH_TOOLS',
	/** The input schemas of tools by slug. */
	getToolSchemas: 'COMPOSIO_GET_TOOL_SCHEMAS',
	/**
	 * Checks connections and starts new ones: `{toolkits: [slug]}` (`connectionRequests`) →
	 * per toolkit `active` with its accounts, or `initiated` with a Connect Link (`redirect_url`;
	 * `connectLinksToOpen`). On multi-account sessions an entry may be an object
	 * `{name, action: add|list|rename|remove, account_id, alias}` (`accountChanges`).
	 */
	manageConnections: 'COMPOSIO_MANAGE_CONNECTIONS',
	/** Waits for connections started by `manageConnections`. */
	waitForConnections: 'COMPOSIO_WAIT_FOR_CONNECTIONS',
	checkActiveConnection: 'COMPOSIO_CHECK_ACTIVE_CONNECTION',
	listToolkits: 'COMPOSIO_LIST_TOOLKITS',
	/** Runs app tools: `{tools: [{tool_slug, arguments, account?}]}` (`multiExecuteEntries`). */
	multiExecute: 'COMPOSIO_MULTI_EXECUTE_TOOL',
	/** Runs Python in Composio's remote workbench, which can call any tool of any connected account. */
	remoteWorkbench: 'COMPOSIO_REMOTE_WORKBENCH',
	/** Runs a shell command in the remote workbench. */
	remoteBash: 'COMPOSIO_REMOTE_BASH_TOOL',
} as const;

const META_PREFIX = 'COMPOSIO_';

/** The meta tools that run code in Composio's sandbox (the remote workbench and its shell). */
export const CODE_META_TOOLS: ReadonlySet<string> = new Set([MetaTools.remoteWorkbench, MetaTools.remoteBash]);

/** The meta tools that only look things up or manage Connect Links: they act on no account's data. */
export const LOOKUP_META_TOOLS: ReadonlySet<string> = new Set([
	MetaTools.searchTools,
	MetaTools.getToolSchemas,
	MetaTools.manageConnections,
	MetaTools.waitForConnections,
	MetaTools.checkActiveConnection,
	MetaTools.listToolkits,
]);

/** True for one of Composio's meta tools (`COMPOSIO_…`), known or not. */
export function isMetaTool(slug: string): boolean {
	return slug.startsWith(META_PREFIX);
}

/** The toolkit of an app tool from its slug prefix (GMAIL_SEND_EMAIL → gmail); undefined for a meta tool or a slug without a prefix. */
export function appToolkitOf(slug: string): string | undefined {
	if (isMetaTool(slug)) {
		return undefined;
	}
	const prefix = /^([A-Za-z0-9]+)_/.exec(slug)?.[1];
	return prefix ? prefix.toLowerCase() : undefined;
}

/** One entry of a multi-execute call's `tools` list, read. */
export interface MultiExecuteEntry {
	/** `tool_slug`, when it is a string. */
	readonly slug?: string;
	/** `arguments`, when it is an object; else none. */
	readonly arguments: Readonly<Record<string, unknown>>;
	/** `account` (an id or alias), when it is a string. */
	readonly account?: string;
}

/** Reads one entry of a multi-execute `tools` list (anything but an object reads as an entry without a slug). */
export function readMultiExecuteEntry(item: unknown): MultiExecuteEntry {
	const entry = isRecord(item) ? item : {};
	const slug = entry['tool_slug'];
	const account = entry['account'];
	return {
		...(typeof slug === 'string' ? { slug } : {}),
		arguments: isRecord(entry['arguments']) ? entry['arguments'] : {},
		...(typeof account === 'string' ? { account } : {}),
	};
}

/** The raw `tools` list of a call to the multi-execute tool; undefined for any other call, or one without a list. */
export function multiExecuteList(name: string, args: unknown): readonly unknown[] | undefined {
	if (name !== MetaTools.multiExecute || !isRecord(args)) {
		return undefined;
	}
	const list = args['tools'];
	return Array.isArray(list) ? list : undefined;
}

/** The entries of a multi-execute call, read; undefined for any other call, or one without a `tools` list. */
export function multiExecuteEntries(name: string, args: unknown): MultiExecuteEntry[] | undefined {
	return multiExecuteList(name, args)?.map(readMultiExecuteEntry);
}

/**
 * A multi-execute call's arguments with each object entry of its `tools` list replaced by
 * `change(entry, read)`; other entries and other arguments are kept. The arguments as they are
 * when the call has no `tools` list.
 */
export function mapMultiExecuteEntries(
	args: Record<string, unknown>,
	change: (entry: Record<string, unknown>, read: MultiExecuteEntry) => Record<string, unknown>,
): Record<string, unknown> {
	const list = multiExecuteList(MetaTools.multiExecute, args);
	return list ? { ...args, tools: list.map((item) => (isRecord(item) ? change(item, readMultiExecuteEntry(item)) : item)) } : args;
}

/**
 * The errors of the tools a multi-execute call ran, in order (`data.results[].error`, or the
 * inner `response.error`): the outer error only counts them ("1 out of 1 tools failed"). Empty
 * for any other call.
 */
export function multiExecuteErrors(name: string, data: unknown): string[] {
	if (name !== MetaTools.multiExecute || !isRecord(data)) {
		return [];
	}
	const results = data['results'];
	return (Array.isArray(results) ? results : []).flatMap((r: unknown) => {
		if (!isRecord(r)) {
			return [];
		}
		const response = r['response'];
		const error = typeof r['error'] === 'string' && r['error'] !== '' ? r['error'] : isRecord(response) && typeof response['error'] === 'string' ? response['error'] : '';
		return error === '' ? [] : [error];
	});
}

/**
 * The tags (`readOnlyHint`, `destructiveHint`, …) of the app tools a tool search or schema lookup
 * described, for those whose entry in `tool_schemas` carries them; none for any other call.
 * Composio lists only meta tools in a session, so this is where app tools' tags can come from.
 */
export function toolTagsInResult(name: string, data: unknown): Map<string, readonly string[]> {
	const found = new Map<string, readonly string[]>();
	if ((name !== MetaTools.searchTools && name !== MetaTools.getToolSchemas) || !isRecord(data) || !isRecord(data['tool_schemas'])) {
		return found;
	}
	for (const [key, schema] of Object.entries(data['tool_schemas'])) {
		if (!isRecord(schema) || !Array.isArray(schema['tags'])) {
			continue;
		}
		const slug = typeof schema['tool_slug'] === 'string' ? schema['tool_slug'] : key;
		found.set(slug.toUpperCase(), schema['tags'].filter((t): t is string => typeof t === 'string'));
	}
	return found;
}

/** What one entry of a connection call asks for (`action`; `add` when it names none). */
export type ConnectionAction = 'add' | 'list' | 'rename' | 'remove';

/** One entry of a `COMPOSIO_MANAGE_CONNECTIONS` call's `toolkits`, read. */
export interface ConnectionRequest {
	/** The toolkit slug, trimmed and lower-cased. */
	readonly toolkit: string;
	readonly action: ConnectionAction;
	/** The account a rename or removal is about (`account_id`: an id or alias). */
	readonly account?: string;
	/** The new alias of a rename. */
	readonly alias?: string;
}

const CONNECTION_ACTIONS: ReadonlySet<string> = new Set<ConnectionAction>(['add', 'list', 'rename', 'remove']);

/**
 * The entries of a connection call: `toolkits` is a list of slugs (`["gmail"]`, checks or starts a
 * connection) or, on multi-account sessions, of objects `{name, action, account_id, alias}` that
 * also list, rename and remove accounts. An entry without a toolkit is skipped; an object with an
 * action this version does not know reads as `remove`, so that it asks (the strictest reading).
 * A lone `toolkit` string is read as a one-entry list. Empty for anything else.
 */
export function connectionRequests(args: unknown): ConnectionRequest[] {
	if (!isRecord(args)) {
		return [];
	}
	const raw = args['toolkits'];
	const list: readonly unknown[] = Array.isArray(raw) ? raw : typeof args['toolkit'] === 'string' ? [args['toolkit']] : [];
	return list.flatMap((item): ConnectionRequest[] => {
		if (typeof item === 'string') {
			return item.trim() === '' ? [] : [{ toolkit: item.trim().toLowerCase(), action: 'add' }];
		}
		if (!isRecord(item)) {
			return [];
		}
		const name = item['name'] ?? item['toolkit'];
		if (typeof name !== 'string' || name.trim() === '') {
			return [];
		}
		const said = typeof item['action'] === 'string' ? item['action'].trim().toLowerCase() : 'add';
		const action = (CONNECTION_ACTIONS.has(said) ? said : 'remove') as ConnectionAction;
		const account = item['account_id'];
		const alias = item['alias'];
		return [
			{
				toolkit: name.trim().toLowerCase(),
				action,
				...(typeof account === 'string' && account !== '' ? { account } : {}),
				...(typeof alias === 'string' ? { alias } : {}),
			},
		];
	});
}

/**
 * Whether a connection call asks for one more account of `toolkit` beside those it has: an entry
 * whose action is an explicit `add`, or `reinitiate_all`. A plain slug only checks the toolkit
 * (and offers a link when it has no active account).
 */
export function asksForAnotherAccount(args: unknown, toolkit: string): boolean {
	if (!isRecord(args)) {
		return false;
	}
	// Read entry by entry, as connectionRequests reads them: only an object entry names its action.
	const entries: readonly unknown[] = Array.isArray(args['toolkits']) ? args['toolkits'] : [];
	return args['reinitiate_all'] === true || entries.some((e) => isRecord(e) && typeof e['action'] === 'string' && connectionRequests({ toolkits: [e] }).some((r) => r.toolkit === toolkit && r.action === 'add'));
}

/** The entries of a connection call that change an account (rename, remove); empty for any other call. */
export function accountChanges(name: string, args: unknown): ConnectionRequest[] {
	return name === MetaTools.manageConnections ? connectionRequests(args).filter((r) => r.action === 'rename' || r.action === 'remove') : [];
}

/** The toolkit a connection check is about: its first entry's (`connectionRequests`). */
export function manageConnectionsToolkit(args: unknown): string | undefined {
	return connectionRequests(args)[0]?.toolkit;
}

/**
 * The toolkit a tool call acts on: an app tool's from its slug prefix (GMAIL_… → gmail); for the
 * multi-execute tool its first entry's, for a connection check the toolkit it checks; undefined
 * for other meta tools.
 */
export function toolkitOfCall(name: string, args: unknown): string | undefined {
	if (!isMetaTool(name)) {
		return appToolkitOf(name);
	}
	if (name === MetaTools.manageConnections) {
		return manageConnectionsToolkit(args);
	}
	const first = multiExecuteList(name, args)?.[0];
	const slug = first === undefined ? undefined : readMultiExecuteEntry(first).slug;
	return slug === undefined ? undefined : appToolkitOf(slug);
}

/** The arguments of a tool search for one use case. */
export function searchToolsArguments(useCase: string): Record<string, unknown> {
	return { queries: [{ use_case: useCase }] };
}

/** The primary tool slugs of a tool search's result, each once, in order. */
export function searchResultSlugs(data: unknown): string[] {
	const results = isRecord(data) && Array.isArray(data['results']) ? data['results'] : [];
	const slugs = results.flatMap((r: unknown) => (isRecord(r) && Array.isArray(r['primary_tool_slugs']) ? r['primary_tool_slugs'].filter((s): s is string => typeof s === 'string') : []));
	return [...new Set(slugs)];
}

/** True when the object holding `url` in a tool result says its connection is already active (a connection check lists active toolkits beside new links). */
export function connectionIsActive(result: unknown, url: string, depth = 0): boolean {
	if (depth > 12 || result === null || typeof result !== 'object') {
		return false;
	}
	const values = Array.isArray(result) ? result : Object.values(result);
	if (isRecord(result) && values.includes(url)) {
		const status = result['status'];
		return typeof status === 'string' && status.toLowerCase() === 'active';
	}
	return values.some((v) => connectionIsActive(v, url, depth + 1));
}

/** The Connect Links in a tool result that the user still has to open: every one found (`findConnectLinks`) but those of connections already active. */
export function connectLinksToOpen(result: unknown): FoundConnectLink[] {
	return findConnectLinks(result).filter((link) => !connectionIsActive(result, link.url));
}

/** A workbench path this extension will read: under /mnt/files/, plain characters only, no `..` segment. */
const WORKBENCH_PATH = /^\/mnt\/files\/(?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+$/;

function isWorkbenchPath(path: string): boolean {
	return WORKBENCH_PATH.test(path) && !path.split('/').includes('..');
}

/**
 * The path of the workbench file a multi-execute's answer points to (`remote_file_info.file_path`, beside its
 * results), when Composio saved the whole response there (`sync_response_to_workbench`, or a
 * response over the session's `auto_offload_threshold`). Only that envelope field is read, never
 * a path inside a tool's own data, and only a plain path under /mnt/files/.
 */
export function workbenchFileOf(name: string, data: unknown): string | undefined {
	if (name !== MetaTools.multiExecute || !isRecord(data) || !isRecord(data['remote_file_info'])) {
		return undefined;
	}
	const path = data['remote_file_info']['file_path'];
	return typeof path === 'string' && isWorkbenchPath(path) ? path : undefined;
}

/** The arguments of the shell call that prints a workbench file (`workbenchFileOf`'s path, already checked). */
export function printWorkbenchFileArguments(path: string): Record<string, unknown> {
	if (!isWorkbenchPath(path)) {
		throw new Error(`Not a workbench file path: ${path}`);
	}
	return { command: `cat -- '${path}'` };
}

/** What a shell call printed (`stdout`), or undefined when it did not say. */
export function shellOutput(data: unknown): string | undefined {
	return isRecord(data) && typeof data['stdout'] === 'string' ? data['stdout'] : undefined;
}
