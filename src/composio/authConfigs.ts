/**
 * Composio's auth configs through the SDK (`composio.authConfigs`, `composio.toolkits.get`):
 * how a toolkit's users authenticate (Composio's managed app or the developer's own), what making
 * one takes, and making one. Failures leave as `ComposioError`; every secret given is redacted
 * from the log before the request is sent, and none is kept here.
 */
import type { AuthSchemeType } from '@composio/core';
import type { RedactingLogger } from '../common/logger';
import type { ComposioSdk } from './composioClientFactory';
import { toComposioError } from './composioErrors';

/** An auth config as the editor shows it. */
export interface AuthConfigInfo {
	readonly id: string;
	readonly name: string;
	readonly toolkit: string;
	/** OAUTH2, API_KEY, … */
	readonly scheme: string;
	/** Composio's managed app (else the developer's own credentials). */
	readonly managed: boolean;
	readonly scopes: readonly string[];
	readonly connections: number;
	readonly enabled: boolean;
}

/** A field the developer fills in to make an auth config (client ID, client secret, scopes, …). */
export interface AuthField {
	readonly name: string;
	readonly label: string;
	readonly description: string;
	readonly required: boolean;
	/** Typed into a password box, sent to Composio only. */
	readonly secret: boolean;
}

/** How a toolkit can authenticate. */
export interface ToolkitAuth {
	readonly slug: string;
	readonly name: string;
	/** The schemes Composio's managed app covers (empty: the developer must bring their own). */
	readonly managedSchemes: readonly string[];
	/** Each scheme the toolkit supports, with what making a config of it takes. */
	readonly schemes: ReadonlyArray<{ readonly mode: string; readonly name: string; readonly fields: readonly AuthField[] }>;
}

/** The auth configs of one Composio project (API key and endpoint). */
export interface AuthConfigApi {
	/** The redirect URI an own OAuth app registers with its provider: Composio's callback. */
	readonly redirectUrl: string;
	list(toolkit?: string): Promise<AuthConfigInfo[]>;
	toolkitAuth(slug: string): Promise<ToolkitAuth>;
	/** Makes a config with the developer's own credentials; resolves to its id. */
	createOwn(toolkit: string, input: { readonly scheme: string; readonly name?: string; readonly values: Readonly<Record<string, string>>; readonly secretFields: readonly string[] }): Promise<string>;
	/** Deletes a config (one just made that the provider refused). */
	delete(id: string): Promise<void>;
	/** Makes a config on Composio's managed app that asks for these scopes; resolves to its id. */
	createManaged(toolkit: string, input: { readonly name?: string; readonly scopes: readonly string[] }): Promise<string>;
}

/** Composio's OAuth callback on the host of `baseUrl` (https://backend.composio.dev for the real service). */
export function oauthRedirectUrl(baseUrl: string): string {
	return `${new URL(baseUrl).origin}/api/v3.1/toolkits/auth/callback`;
}

/** Scopes as Composio gives them: a comma-separated string or a list. */
function scopeList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return list.filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter((s) => s !== '');
}

/** Over the SDK client of one project. */
export class ComposioAuthConfigs implements AuthConfigApi {
	readonly redirectUrl: string;

	constructor(
		private readonly composio: ComposioSdk,
		private readonly deps: { readonly logger: RedactingLogger; readonly secrets: readonly string[]; readonly baseUrl: string },
	) {
		this.redirectUrl = oauthRedirectUrl(deps.baseUrl);
	}

	async list(toolkit?: string): Promise<AuthConfigInfo[]> {
		const all: AuthConfigInfo[] = [];
		let cursor: string | undefined;
		// A project has few configs; the pages are a guard, not the expected case.
		for (let page = 0; page < 20; page++) {
			const answer = await this.call('listing the auth configs', () => this.composio.authConfigs.list({ ...(toolkit ? { toolkit } : {}), ...(cursor ? { cursor } : {}), showDisabled: true }));
			for (const c of answer.items) {
				all.push({
					id: c.id,
					name: c.name,
					toolkit: c.toolkit.slug,
					scheme: c.authScheme ?? '',
					managed: c.isComposioManaged === true,
					scopes: scopeList(c.credentials?.scopes),
					connections: c.noOfConnections,
					enabled: c.status === 'ENABLED',
				});
			}
			cursor = answer.nextCursor ?? undefined;
			if (!cursor) {
				break;
			}
		}
		return all;
	}

	async toolkitAuth(slug: string): Promise<ToolkitAuth> {
		const tk = await this.call(`reading how ${slug} authenticates`, () => this.composio.toolkits.get(slug), slug);
		const schemes = (tk.authConfigDetails ?? []).map((d) => ({
			mode: d.mode,
			name: d.name,
			fields: [
				...d.fields.authConfigCreation.required.map((f) => ({ name: f.name, label: f.displayName, description: f.description, required: true, secret: f.isSecret === true })),
				...d.fields.authConfigCreation.optional.map((f) => ({ name: f.name, label: f.displayName, description: f.description, required: false, secret: f.isSecret === true })),
			],
		}));
		return { slug: tk.slug, name: tk.name, managedSchemes: tk.composioManagedAuthSchemes ?? [], schemes };
	}

	async createOwn(toolkit: string, input: { readonly scheme: string; readonly name?: string; readonly values: Readonly<Record<string, string>>; readonly secretFields: readonly string[] }): Promise<string> {
		const secrets = input.secretFields.map((f) => input.values[f] ?? '').filter((v) => v !== '');
		// Hidden from the log (the SDK's HTTP log included) before anything is sent, and for good.
		for (const secret of secrets) {
			this.deps.logger.addSecret(secret);
		}
		// A scheme the toolkit's details named; the SDK checks it against its list before sending.
		const scheme = input.scheme as AuthSchemeType;
		const created = await this.call(
			`making an own-app auth config for ${toolkit}`,
			() => this.composio.authConfigs.create(toolkit, { type: 'use_custom_auth', authScheme: scheme, credentials: { ...input.values }, ...(input.name ? { name: input.name } : {}) }),
			toolkit,
			secrets,
		);
		this.deps.logger.info(`Made auth config ${created.id} (own app) for ${toolkit}.`);
		return created.id;
	}

	async createManaged(toolkit: string, input: { readonly name?: string; readonly scopes: readonly string[] }): Promise<string> {
		const created = await this.call(`making a managed auth config for ${toolkit}`, () =>
			this.composio.authConfigs.create(toolkit, { type: 'use_composio_managed_auth', credentials: { scopes: [...input.scopes] }, ...(input.name ? { name: input.name } : {}) }),
		);
		this.deps.logger.info(`Made auth config ${created.id} (Composio's app, ${input.scopes.length} scope(s)) for ${toolkit}.`);
		return created.id;
	}

	async delete(id: string): Promise<void> {
		await this.call(`deleting auth config ${id}`, () => this.composio.authConfigs.delete(id));
		this.deps.logger.info(`Deleted auth config ${id}.`);
	}

	private async call<T>(what: string, run: () => Promise<T>, toolkit?: string, extraSecrets: readonly string[] = []): Promise<T> {
		try {
			return await run();
		} catch (e) {
			const err = toComposioError(e, { secrets: [...this.deps.secrets, ...extraSecrets], ...(toolkit ? { toolkit } : {}) });
			this.deps.logger.warn(`${what[0]?.toUpperCase() ?? ''}${what.slice(1)} failed: ${err.detail}`);
			throw err;
		}
	}
}
