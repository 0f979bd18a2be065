/**
 * The emulator's auth configs: how each toolkit's users authenticate, with Composio's managed
 * app or the developer's own. The built-in ones (a managed and a white-label one per toolkit)
 * and those made through `POST /auth_configs`, kept in the store's state; the fields each
 * scheme takes (`GET /toolkits/{slug}`), checked as Composio checks them; and the JSON shapes
 * Composio answers with. Secrets given at creation stay in the state: no answer carries them.
 */
import type { AuthConfigCreateResponse, AuthConfigListResponse, AuthConfigRetrieveResponse } from '@composio/client/resources/auth-configs';
import type { ToolkitRetrieveResponse } from '@composio/client/resources/toolkits';
import { isRecord } from '../../common/isRecord';
import { ApiError, newId, optString } from './emulatorHttp';
import { APP_TOOLS, AUTH_CONFIGS, findToolkit, type AuthScheme, type ToolkitDef } from './emulatorToolkits';

/** An auth config as the emulator keeps it. */
export interface AuthConfigRecord {
	readonly id: string;
	readonly toolkit: string;
	name: string;
	readonly authScheme: AuthScheme;
	readonly isComposioManaged: boolean;
	/** The app users see on the Connect page: "Composio" for the managed app, else the own app's name. */
	appName: string;
	status: 'ENABLED' | 'DISABLED';
	/** The scopes asked for beyond (or instead of) the toolkit's defaults. */
	scopes: string[];
	/** The credentials as given, secrets included; answers leave the secret ones out. */
	credentials: Record<string, string | number | boolean>;
	readonly createdAt: string;
	updatedAt: string;
}

/** One field of `auth_config_details[].fields`, as Composio describes it. */
interface AuthField {
	readonly name: string;
	readonly displayName: string;
	readonly description: string;
	readonly type: string;
	readonly required: boolean;
	readonly is_secret: boolean;
	readonly default?: string | null;
}

interface SchemeFields {
	readonly creation: { readonly required: readonly AuthField[]; readonly optional: readonly AuthField[] };
	readonly initiation: { readonly required: readonly AuthField[]; readonly optional: readonly AuthField[] };
}

function field(name: string, displayName: string, description: string, required: boolean, secret = false): AuthField {
	return { name, displayName, description, type: 'string', required, is_secret: secret, default: null };
}

/** What each scheme asks for: from the developer to make a config, and from the user to connect. */
const SCHEME_FIELDS: Record<AuthScheme, SchemeFields> = {
	OAUTH2: {
		creation: {
			required: [field('client_id', 'Client id', 'The client ID of your OAuth app.', true), field('client_secret', 'Client secret', 'The client secret of your OAuth app.', true, true)],
			optional: [field('scopes', 'Scopes', 'Scopes to ask for, separated by commas.', false)],
		},
		initiation: { required: [], optional: [] },
	},
	API_KEY: {
		creation: { required: [], optional: [] },
		initiation: { required: [field('api_key', 'API Key', 'The API key the user enters on the Connect page.', true, true)], optional: [] },
	},
	NO_AUTH: { creation: { required: [], optional: [] }, initiation: { required: [], optional: [] } },
};

/** The schemes a config of the toolkit may use. */
function schemesOf(tk: ToolkitDef): AuthScheme[] {
	return [tk.authScheme, ...(tk.otherSchemes ?? [])];
}

/** The schemes Composio's managed app says it covers (a gone app still says so). */
function managedSchemesOf(tk: ToolkitDef): AuthScheme[] {
	return tk.authScheme === 'NO_AUTH' || tk.managedAuth === 'none' ? [] : [tk.authScheme];
}

/**
 * Why a toolkit cannot connect through Composio's managed app, as Composio answers: a no-auth
 * toolkit has nothing to connect, one without a managed app needs the developer's own, and one
 * whose managed app is gone fails for want of a client ID. Undefined when the managed app works.
 */
export function managedAuthRefusal(tk: ToolkitDef): ApiError | undefined {
	if (tk.authScheme === 'NO_AUTH') {
		return new ApiError(400, `Cannot create an auth config for toolkit "${tk.slug}" because it does not require authentication. Use its tools directly without creating a connected account.`, '', 'Auth_Config_NoAuthApp');
	}
	if (tk.managedAuth === 'none') {
		return new ApiError(400, `Toolkit "${tk.slug}" has no Composio managed auth. Create an auth config with your own credentials and pass it in auth_configs.`, 'Create an auth config with use_custom_auth.', 'AuthConfig_NoManagedAuth');
	}
	if (tk.managedAuth === 'gone') {
		return new ApiError(400, `Missing required field "Client id" for auth scheme "${tk.authScheme}" in toolkit "${tk.slug}"`, 'Use your own credentials (use_custom_auth) or another auth scheme.', 'AuthConfig_MissingRequiredField');
	}
	return undefined;
}

/** Scopes Composio's managed app may ask for beyond what the toolkit's tools need. */
const MANAGED_EXTRA_SCOPES: Record<string, readonly string[]> = {
	gmail: ['https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.labels'],
	github: ['repo', 'read:org'],
	slack: ['channels:history', 'users:read'],
};

/** The scopes Composio's managed app of a toolkit may ask for: its tools' scopes and a few more. */
function managedScopeCeiling(toolkit: string): string[] {
	return [...new Set([...APP_TOOLS.filter((t) => t.toolkit === toolkit).flatMap((t) => t.scopes), ...(MANAGED_EXTRA_SCOPES[toolkit] ?? [])])];
}

/** The built-in auth configs, as records. */
export function seedAuthConfigs(): AuthConfigRecord[] {
	return AUTH_CONFIGS.map((c): AuthConfigRecord => {
		const credentials: Record<string, string> = c.isComposioManaged ? {} : { client_id: `${c.toolkit}-sandbox-client` };
		return { ...c, status: 'ENABLED', scopes: [], credentials, updatedAt: c.createdAt };
	});
}

/** True when `value` is an auth config record (a state file's entry). */
export function isAuthConfigRecord(value: unknown): value is AuthConfigRecord {
	return isRecord(value) && typeof value.id === 'string' && typeof value.toolkit === 'string' && typeof value.authScheme === 'string' && Array.isArray(value.scopes) && isRecord(value.credentials);
}

function scopesOf(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
	return [...new Set(list.filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter((s) => s !== ''))];
}

function credentialsOf(value: unknown): Record<string, string | number | boolean> {
	if (!isRecord(value)) {
		return {};
	}
	return Object.fromEntries(Object.entries(value).filter((e): e is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof e[1])));
}

function requireToolkit(slug: string): ToolkitDef {
	const tk = findToolkit(slug);
	if (!tk) {
		throw new ApiError(400, `Toolkit '${slug}' not found`, 'Use a toolkit slug listed by GET /api/v3.1/toolkits.', 'Toolkit_NotFound');
	}
	return tk;
}

/** The auth configs of the store's state: find, list, create, change, delete. */
export class EmulatorAuthConfigs {
	constructor(
		private readonly records: () => AuthConfigRecord[],
		private readonly changed: () => void,
		private readonly now: () => number,
	) {}

	find(id: string): AuthConfigRecord | undefined {
		return this.records().find((c) => c.id === id);
	}

	require(id: string): AuthConfigRecord {
		const config = this.find(id);
		if (!config) {
			throw new ApiError(404, `Auth config '${id}' not found`, 'Use an auth config id listed by GET /api/v3.1/auth_configs.', 'AuthConfig_NotFound');
		}
		return config;
	}

	/** The enabled Composio-managed config of a toolkit, the one a session uses unless told otherwise. */
	managedOf(toolkit: string): AuthConfigRecord | undefined {
		return this.records().find((c) => c.toolkit === toolkit && c.isComposioManaged && c.status === 'ENABLED');
	}

	list(filter: { toolkit?: string; managed?: boolean; search?: string; showDisabled?: boolean }): AuthConfigRecord[] {
		const search = filter.search?.toLowerCase();
		return this.records().filter(
			(c) =>
				(!filter.toolkit || c.toolkit === filter.toolkit) &&
				(filter.managed === undefined || c.isComposioManaged === filter.managed) &&
				(!search || `${c.name} ${c.toolkit} ${c.id}`.toLowerCase().includes(search)) &&
				(filter.showDisabled === true || c.status === 'ENABLED'),
		);
	}

	/** `POST /auth_configs`: `{toolkit: {slug}, auth_config: {type, authScheme?, credentials?, name?}}`, checked as Composio does. */
	create(body: unknown): AuthConfigRecord {
		const root = isRecord(body) ? body : {};
		const slug = isRecord(root.toolkit) ? optString(root.toolkit, 'slug') : undefined;
		if (!slug) {
			throw new ApiError(400, "'toolkit.slug' is required");
		}
		const tk = requireToolkit(slug.toLowerCase());
		const options = isRecord(root.auth_config) ? root.auth_config : { type: 'use_composio_managed_auth' };
		const type = optString(options, 'type');
		const credentials = credentialsOf(options.credentials);
		const scopes = scopesOf(isRecord(options.credentials) ? options.credentials.scopes : undefined);
		const name = optString(options, 'name')?.trim();
		const at = new Date(this.now()).toISOString();
		let record: AuthConfigRecord;
		const noAuth = tk.authScheme === 'NO_AUTH' ? managedAuthRefusal(tk) : undefined;
		if (noAuth) {
			throw noAuth;
		}
		if (type === 'use_custom_auth') {
			const given = optString(options, 'authScheme') ?? optString(options, 'auth_scheme');
			const scheme = schemesOf(tk).find((s) => s === given);
			if (!scheme) {
				throw new ApiError(400, `Auth scheme "${given ?? ''}" is not supported for toolkit "${tk.slug}"`, `Use ${schemesOf(tk).join(' or ')}.`, 'AuthConfig_InvalidAuthScheme');
			}
			for (const f of SCHEME_FIELDS[scheme].creation.required) {
				if (String(credentials[f.name] ?? '').trim() === '') {
					throw new ApiError(400, `Missing required field "${f.displayName}" for auth scheme "${scheme}" in toolkit "${tk.slug}"`, `Give credentials.${f.name}.`, 'AuthConfig_MissingRequiredField');
				}
			}
			delete credentials.scopes;
			record = { id: newId('ac', 12), toolkit: tk.slug, name: name || `${tk.name} (own app)`, authScheme: scheme, isComposioManaged: false, appName: name || String(credentials.client_id ?? tk.name), status: 'ENABLED', scopes, credentials, createdAt: at, updatedAt: at };
		} else if (type === 'use_composio_managed_auth') {
			const refusal = managedAuthRefusal(tk);
			if (refusal) {
				throw refusal;
			}
			const ceiling = managedScopeCeiling(tk.slug);
			const beyond = scopes.filter((s) => !ceiling.includes(s));
			if (beyond.length > 0) {
				throw new ApiError(400, `Composio's managed app for "${tk.slug}" cannot ask for ${beyond.map((s) => `"${s}"`).join(', ')}`, 'Use your own app (use_custom_auth) for these scopes.', 'AuthConfig_ScopeNotAllowed');
			}
			record = { id: newId('ac', 12), toolkit: tk.slug, name: name || `${tk.name} (Composio managed)`, authScheme: tk.authScheme, isComposioManaged: true, appName: 'Composio', status: 'ENABLED', scopes, credentials: {}, createdAt: at, updatedAt: at };
		} else {
			throw new ApiError(400, "'auth_config.type' must be use_composio_managed_auth or use_custom_auth");
		}
		this.records().push(record);
		this.changed();
		return record;
	}

	/** `PATCH /auth_configs/{id}`: `{type: 'custom'|'default', name?, credentials?, scopes?}`. */
	update(id: string, body: unknown): AuthConfigRecord {
		const config = this.require(id);
		const patch = isRecord(body) ? body : {};
		const name = optString(patch, 'name')?.trim();
		if (name) {
			config.name = name;
			if (!config.isComposioManaged) {
				config.appName = name;
			}
		}
		if (isRecord(patch.credentials)) {
			const given = credentialsOf(patch.credentials);
			if ('scopes' in patch.credentials) {
				config.scopes = scopesOf(patch.credentials.scopes);
			}
			delete given.scopes;
			if (!config.isComposioManaged) {
				config.credentials = { ...config.credentials, ...given };
			}
		}
		if ('scopes' in patch) {
			config.scopes = scopesOf(patch.scopes);
		}
		config.updatedAt = new Date(this.now()).toISOString();
		this.changed();
		return config;
	}

	setStatus(id: string, status: 'ENABLED' | 'DISABLED'): AuthConfigRecord {
		const config = this.require(id);
		config.status = status;
		config.updatedAt = new Date(this.now()).toISOString();
		this.changed();
		return config;
	}

	delete(id: string): void {
		const records = this.records();
		const i = records.findIndex((c) => c.id === this.require(id).id);
		records.splice(i, 1);
		this.changed();
	}
}

/** The credentials an answer may carry: everything but the secret fields. */
function shownCredentials(c: AuthConfigRecord): Record<string, unknown> {
	const secret = new Set(SCHEME_FIELDS[c.authScheme].creation.required.concat(SCHEME_FIELDS[c.authScheme].creation.optional).filter((f) => f.is_secret).map((f) => f.name));
	const shown = Object.fromEntries(Object.entries(c.credentials).filter(([k]) => !secret.has(k) && !/secret|password|token|key/i.test(k)));
	return c.scopes.length > 0 ? { ...shown, scopes: c.scopes.join(',') } : shown;
}

/** An auth config as `GET /auth_configs/{id}` and list items answer it. */
export function authConfigJson(c: AuthConfigRecord, connections: number): AuthConfigRetrieveResponse & AuthConfigListResponse.Item {
	const tk = findToolkit(c.toolkit);
	return {
		id: c.id,
		uuid: `00000000-0000-4000-8000-${Buffer.from(c.id).toString('hex').padEnd(12, '0').slice(0, 12)}`,
		name: c.name,
		no_of_connections: connections,
		status: c.status,
		type: c.isComposioManaged ? 'default' : 'custom',
		toolkit: { slug: c.toolkit, logo: tk?.logo ?? '' },
		auth_scheme: c.authScheme,
		is_composio_managed: c.isComposioManaged,
		is_enabled_for_tool_router: true,
		created_at: c.createdAt,
		created_by: 'sandbox',
		last_updated_at: c.updatedAt,
		credentials: shownCredentials(c),
		expected_input_fields: SCHEME_FIELDS[c.authScheme].initiation.required.map((f) => ({ ...f })),
		restrict_to_following_tools: [],
		tool_access_config: { tools_available_for_execution: APP_TOOLS.filter((t) => t.toolkit === c.toolkit).map((t) => t.slug), tools_for_connected_account_creation: [] },
		proxy_config: null,
		shared_credentials: {},
	};
}

/** The answer to `POST /auth_configs`. */
export function createdAuthConfigJson(c: AuthConfigRecord): AuthConfigCreateResponse {
	return { toolkit: { slug: c.toolkit }, auth_config: { id: c.id, auth_scheme: c.authScheme, is_composio_managed: c.isComposioManaged, restrict_to_following_tools: [] } };
}

/** A toolkit as `GET /toolkits/{slug}` answers it: its schemes, their fields, and what Composio's managed app offers. */
export function toolkitDetailJson(tk: ToolkitDef): ToolkitRetrieveResponse {
	const group = (g: SchemeFields['creation']): { required: AuthField[]; optional: AuthField[] } => ({ required: [...g.required], optional: [...g.optional] });
	const schemeName: Record<AuthScheme, string> = { OAUTH2: 'OAuth 2.0', API_KEY: 'API Key', NO_AUTH: 'No auth' };
	const tools = APP_TOOLS.filter((t) => t.toolkit === tk.slug);
	return {
		name: tk.name,
		slug: tk.slug,
		enabled: true,
		is_local_toolkit: false,
		type: 'native',
		meta: { available_versions: [], categories: [], created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-09-01T00:00:00.000Z', description: tk.description, logo: tk.logo, tools_count: tools.length, triggers_count: 0, version: '20251120_00' },
		deprecated: { rawProxyInfoByAuthSchemes: [], toolkitId: `tk_${tk.slug}` },
		composio_managed_auth_schemes: managedSchemesOf(tk),
		composio_managed_auth: managedSchemesOf(tk).map((mode) => ({ mode, scopes: { available: managedScopeCeiling(tk.slug) } })),
		auth_config_details: schemesOf(tk).map((mode) => ({ name: schemeName[mode], mode, fields: { auth_config_creation: group(SCHEME_FIELDS[mode].creation), connected_account_initiation: group(SCHEME_FIELDS[mode].initiation) } })),
	};
}
