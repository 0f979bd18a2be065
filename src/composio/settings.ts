/**
 * The Composio part of the configuration, and its validation. Settings arrive as `unknown`
 * (users edit settings.json by hand); `parseComposioSettings` keeps what is valid, drops what
 * is not, and reports each problem as a sentence instead of throwing.
 */
import { isLoopbackHost } from './linkPolicy';
import { isRecord } from '../common/isRecord';

/** Composio's production API. */
export const DEFAULT_COMPOSIO_BASE_URL = 'https://backend.composio.dev';

/** What the Composio layer needs to open a session. */
export interface ComposioSettings {
	/** From the secret store, never from settings. Empty when unset. */
	apiKey: string;
	/** The API origin, without a trailing slash. Default https://backend.composio.dev. */
	baseUrl: string;
	/** Toolkit slugs the session may use (lowercase). Empty means all. */
	toolkits: string[];
	/** Custom auth config per toolkit slug: toolkit → `ac_…`. */
	authConfigs: Record<string, string>;
	/** Allow several connected accounts per toolkit (e.g. work and personal Gmail). */
	multiAccount: boolean;
	/** Offer Composio's remote workbench and bash tools in the session (`composio.workbench.enabled`); off unless true. */
	workbench?: boolean;
}

/** The raw values as read from configuration and the secret store; every field may be anything. */
export interface RawComposioSettings {
	readonly apiKey?: unknown;
	readonly baseUrl?: unknown;
	readonly toolkits?: unknown;
	readonly authConfigs?: unknown;
	readonly multiAccount?: unknown;
	readonly workbench?: unknown;
}

/** The outcome of validation: usable settings, and one sentence per thing that was wrong. */
export interface ParsedComposioSettings {
	readonly settings: ComposioSettings;
	readonly problems: readonly string[];
}

/** The setting names problems refer to (as contributed in package.json). */
export const COMPOSIO_SETTING_NAMES = {
	baseUrl: 'composio.baseUrl',
	toolkits: 'composio.toolkits',
	authConfigs: 'composio.authConfigs',
	multiAccount: 'composio.multiAccount',
	workbench: 'composio.workbench.enabled',
} as const;

const TOOLKIT_SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const AUTH_CONFIG_ID = /^ac_[A-Za-z0-9_-]{1,128}$/;

/** Shows a bad value in a problem sentence: short, quoted, one line. */
function show(value: unknown): string {
	let text: string;
	try {
		text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
	} catch {
		text = String(value);
	}
	return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Normalises a toolkit slug (trimmed, lowercase); undefined when it cannot be one. */
export function normalizeToolkitSlug(value: unknown): string | undefined {
	if (typeof value !== 'string') {
		return undefined;
	}
	const slug = value.trim().toLowerCase();
	return TOOLKIT_SLUG.test(slug) ? slug : undefined;
}

/**
 * Checks a base URL: `https:` anywhere, `http:` only on this machine (the sandbox), no user
 * name, password, query or fragment. Returns the URL without a trailing slash, or a problem.
 */
export function validateBaseUrl(value: string): { url: string } | { problem: string } {
	let u: URL;
	try {
		u = new URL(value.trim());
	} catch {
		return { problem: 'is not a URL' };
	}
	if (u.protocol !== 'https:' && u.protocol !== 'http:') {
		return { problem: 'must be an https: URL' };
	}
	if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
		return { problem: 'may use http: only for this machine (localhost, 127.0.0.1); use https:' };
	}
	if (u.username || u.password) {
		return { problem: 'must not contain a user name or password' };
	}
	if (u.search || u.hash) {
		return { problem: 'must not contain a query or fragment' };
	}
	return { url: `${u.origin}${u.pathname}`.replace(/\/+$/, '') };
}

/**
 * Validates raw settings. Never throws: a bad base URL falls back to the default, bad toolkit
 * slugs and auth config entries are dropped, a non-boolean multiAccount is false; each is
 * reported in `problems`. Toolkit slugs are lowercased and de-duplicated; auth config keys
 * are lowercased toolkit slugs and values must be `ac_…` ids.
 */
export function parseComposioSettings(raw: RawComposioSettings): ParsedComposioSettings {
	const problems: string[] = [];
	const names = COMPOSIO_SETTING_NAMES;

	const apiKey = typeof raw.apiKey === 'string' ? raw.apiKey.trim() : '';

	let baseUrl = DEFAULT_COMPOSIO_BASE_URL;
	if (raw.baseUrl !== undefined && raw.baseUrl !== null && raw.baseUrl !== '') {
		if (typeof raw.baseUrl !== 'string') {
			problems.push(`${names.baseUrl} must be a string; using ${DEFAULT_COMPOSIO_BASE_URL}.`);
		} else {
			const checked = validateBaseUrl(raw.baseUrl);
			if ('url' in checked) {
				baseUrl = checked.url;
			} else {
				// A URL with a password in it is not repeated back.
				const shown = /@/.test(raw.baseUrl) ? '' : ` ${show(raw.baseUrl)}`;
				problems.push(`${names.baseUrl}${shown} ${checked.problem}; using ${DEFAULT_COMPOSIO_BASE_URL}.`);
			}
		}
	}

	const toolkits: string[] = [];
	if (raw.toolkits !== undefined && raw.toolkits !== null) {
		if (!Array.isArray(raw.toolkits)) {
			problems.push(`${names.toolkits} must be a list of toolkit slugs; using all toolkits.`);
		} else {
			for (const entry of raw.toolkits as unknown[]) {
				const slug = normalizeToolkitSlug(entry);
				if (!slug) {
					problems.push(`${names.toolkits}: ${show(entry)} is not a toolkit slug (like "gmail"); ignored.`);
				} else if (!toolkits.includes(slug)) {
					toolkits.push(slug);
				}
			}
		}
	}

	const authConfigs: Record<string, string> = {};
	if (raw.authConfigs !== undefined && raw.authConfigs !== null) {
		if (!isRecord(raw.authConfigs)) {
			problems.push(`${names.authConfigs} must map toolkit slugs to auth config ids (ac_…); ignored.`);
		} else {
			for (const [key, value] of Object.entries(raw.authConfigs)) {
				const slug = normalizeToolkitSlug(key);
				if (!slug) {
					problems.push(`${names.authConfigs}: ${show(key)} is not a toolkit slug; ignored.`);
					continue;
				}
				const id = typeof value === 'string' ? value.trim() : undefined;
				if (!id || !AUTH_CONFIG_ID.test(id)) {
					problems.push(`${names.authConfigs}.${slug}: ${show(value)} is not an auth config id (it must start with "ac_"); ignored.`);
					continue;
				}
				authConfigs[slug] = id;
			}
		}
	}

	/** A switch that is off unless set to true; anything but a boolean is a problem. */
	const flag = (value: unknown, name: string): boolean => {
		if (value === undefined || value === null || typeof value === 'boolean') {
			return value === true;
		}
		problems.push(`${name} must be true or false; using false.`);
		return false;
	};
	const multiAccount = flag(raw.multiAccount, names.multiAccount);
	const workbench = flag(raw.workbench, names.workbench);

	return { settings: { apiKey, baseUrl, toolkits, authConfigs, multiAccount, workbench }, problems };
}
