/**
 * Finds Composio Connect Links in tool output. The output of the connection check
 * (`MetaTools.manageConnections` in `metaTools.ts`) is passed through by the SDK untouched and
 * its shape is not a contract, so detection is by shape and by look: any `redirect_url`-like
 * field, any connection-looking object holding a URL, and Connect-Link-looking URLs inside text,
 * at any depth, including JSON in strings.
 */
import { isRecord } from '../common/isRecord';

/** A Connect Link found in tool output, with what could be learned about it. */
export interface FoundConnectLink {
	readonly toolkit?: string;
	readonly url: string;
	readonly accountId?: string;
}

/** Fields whose value is a link for the user to open to connect an account. */
const LINK_KEYS = new Set([
	'redirect_url',
	'redirecturl',
	'redirect_uri',
	'connect_link',
	'connectlink',
	'connect_url',
	'connecturl',
	'auth_url',
	'authurl',
	'authorization_url',
	'authorizationurl',
	'link_url',
	'linkurl',
]);

/** Generic URL fields: a link only when the object around them is about a connection, or the URL looks like one. */
const GENERIC_URL_KEYS = new Set(['url', 'link', 'href']);

const TOOLKIT_KEYS = ['toolkit', 'toolkit_slug', 'toolkitSlug', 'app', 'app_name', 'appName'];
const ACCOUNT_KEYS = ['connected_account_id', 'connectedAccountId', 'account_id', 'accountId'];

const MAX_DEPTH = 16;
const MAX_NODES = 5000;
const MAX_STRING_SCAN = 200_000;

function httpUrl(value: unknown): string | undefined {
	if (typeof value !== 'string') {
		return undefined;
	}
	const t = value.trim();
	if (!/^https?:\/\//i.test(t)) {
		return undefined;
	}
	try {
		const u = new URL(t);
		return u.protocol === 'http:' || u.protocol === 'https:' ? t : undefined;
	} catch {
		return undefined;
	}
}

/** True for URLs shaped like a Composio Connect Link: a connect.* host, or a `/link/…` path. */
export function looksLikeConnectLink(url: string): boolean {
	try {
		const u = new URL(url);
		const host = u.hostname.toLowerCase();
		return host.startsWith('connect.') || /\/link\/[A-Za-z0-9_-]+/.test(u.pathname) || /(^|\/)(ln|lk)_[A-Za-z0-9]+/.test(u.pathname);
	} catch {
		return false;
	}
}

function slugFrom(value: unknown): string | undefined {
	if (typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(value.trim())) {
		return value.trim().toLowerCase();
	}
	if (isRecord(value)) {
		return slugFrom(value.slug);
	}
	return undefined;
}

function accountIdFrom(record: Record<string, unknown>): string | undefined {
	for (const k of ACCOUNT_KEYS) {
		const v = record[k];
		if (typeof v === 'string' && v.trim() !== '') {
			return v.trim();
		}
	}
	// A connected-account object names itself by `id` (ca_…).
	const id = record.id;
	return typeof id === 'string' && /^ca_/.test(id) ? id : undefined;
}

function toolkitFrom(record: Record<string, unknown>): string | undefined {
	for (const k of TOOLKIT_KEYS) {
		const s = slugFrom(record[k]);
		if (s) {
			return s;
		}
	}
	return undefined;
}

function isConnectionish(record: Record<string, unknown>): boolean {
	const status = typeof record.status === 'string' ? record.status.toLowerCase() : '';
	return status === 'initiated' || status === 'initializing' || accountIdFrom(record) !== undefined || toolkitFrom(record) !== undefined;
}

/** URLs in free text; trailing punctuation that closes a sentence or markdown is left out. */
function urlsInText(text: string): string[] {
	const out: string[] = [];
	const re = /https?:\/\/[^\s"'<>`\\]+/gi;
	for (const m of text.slice(0, MAX_STRING_SCAN).matchAll(re)) {
		let candidate = m[0];
		// Strip closing punctuation, and unbalanced closing brackets (markdown `[x](url)`).
		for (;;) {
			const last = candidate.at(-1);
			if (last !== undefined && '.,;:!?'.includes(last)) {
				candidate = candidate.slice(0, -1);
			} else if (last === ')' && (candidate.match(/\(/g)?.length ?? 0) < (candidate.match(/\)/g)?.length ?? 0)) {
				candidate = candidate.slice(0, -1);
			} else if (last === ']' || last === '}') {
				candidate = candidate.slice(0, -1);
			} else {
				break;
			}
		}
		const url = httpUrl(candidate);
		if (url) {
			out.push(url);
		}
	}
	return out;
}

interface Context {
	readonly toolkit?: string;
	readonly accountId?: string;
}

/**
 * Returns every Connect Link in a tool result, in the order found, without duplicates (a URL
 * seen twice keeps the first toolkit/account learned for it). Handles the connection
 * check's shape (`data.results.<toolkit>.redirect_url` beside
 * `connected_account_id`), any `redirect_url`/`redirectUrl`-like field, connection objects with
 * a `url`, JSON text inside strings, and Connect-Link-looking URLs in plain text. Never throws.
 */
export function findConnectLinks(toolResult: unknown): FoundConnectLink[] {
	const found = new Map<string, FoundConnectLink>();
	let nodes = 0;

	const add = (url: string, ctx: Context): void => {
		const existing = found.get(url);
		if (!existing) {
			found.set(url, { url, ...(ctx.toolkit ? { toolkit: ctx.toolkit } : {}), ...(ctx.accountId ? { accountId: ctx.accountId } : {}) });
		} else if ((!existing.toolkit && ctx.toolkit) || (!existing.accountId && ctx.accountId)) {
			found.set(url, {
				url,
				...((existing.toolkit ?? ctx.toolkit) ? { toolkit: existing.toolkit ?? ctx.toolkit } : {}),
				...((existing.accountId ?? ctx.accountId) ? { accountId: existing.accountId ?? ctx.accountId } : {}),
			});
		}
	};

	const visitString = (text: string, ctx: Context, depth: number): void => {
		const t = text.trim();
		if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
			try {
				visit(JSON.parse(t) as unknown, ctx, depth + 1);
				return;
			} catch {
				// Not JSON after all: scan it as text.
			}
		}
		for (const url of urlsInText(text)) {
			if (looksLikeConnectLink(url)) {
				add(url, ctx);
			}
		}
	};

	/** `keyHint` names the toolkit when the parent is a map keyed by toolkit; `keysAreToolkits` marks such a map. */
	const visit = (value: unknown, ctx: Context, depth: number, keyHint?: string, keysAreToolkits = false): void => {
		if (depth > MAX_DEPTH || ++nodes > MAX_NODES) {
			return;
		}
		if (typeof value === 'string') {
			visitString(value, ctx, depth);
			return;
		}
		if (Array.isArray(value)) {
			for (const item of value) {
				visit(item, ctx, depth + 1);
			}
			return;
		}
		if (!isRecord(value)) {
			return;
		}
		const here: Context = {
			toolkit: toolkitFrom(value) ?? (keyHint ? slugFrom(keyHint) : undefined) ?? ctx.toolkit,
			accountId: accountIdFrom(value) ?? ctx.accountId,
		};
		const connectionish = isConnectionish(value);
		for (const [key, child] of Object.entries(value)) {
			const lower = key.toLowerCase();
			const url = httpUrl(child);
			if (url && (LINK_KEYS.has(lower) || (GENERIC_URL_KEYS.has(lower) && (connectionish || looksLikeConnectLink(url))))) {
				add(url, here);
				continue;
			}
			// Under a map keyed by toolkit (`results: {gmail: {...}}`) each key names its entry's toolkit.
			const childIsMap = (lower === 'results' || lower === 'toolkits' || lower === 'connections') && isRecord(child);
			visit(child, here, depth + 1, keysAreToolkits && isRecord(child) ? key : undefined, childIsMap);
		}
	};

	try {
		visit(toolResult, {}, 0);
	} catch {
		// Detection is best effort; a pathological value yields what was found so far.
	}
	return [...found.values()];
}
