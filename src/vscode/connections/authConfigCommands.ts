/**
 * Auth configs in the editor: Use Your Own App for a Toolkit… (the developer's own OAuth app, or
 * more scopes on Composio's), Choose Auth Config… and Show Auth Configs. What is made or chosen
 * becomes this workspace's `composio.authConfigs` entry for the toolkit, which the next session
 * uses. Secrets are typed into password boxes and go to Composio only.
 */
import * as vscode from 'vscode';
import type { OwnAppPort, OwnAppWay } from '../../agent/ownAppSetup';
import type { AuthConfigApi, AuthConfigInfo, AuthField, ToolkitAuth } from '../../composio/authConfigs';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import type { ToolSession } from '../../composio/toolSession';
import { showError } from '../workbench/errorNotices';
import { inStatusBar } from '../workbench/progress';
import type { QuickPicker } from '../workbench/quickPicker';
import type { UserPrompts } from '../workbench/userPrompts';
import type { ConnectResult } from './connectionCommands';
import { toolkitFromArg } from './connectionsView';
import { type AuthConfigSetting, VsCodeAuthConfigSetting } from './authConfigSetting';
import { pickToolkit } from './toolkitPicks';

/** What the auth config commands need. */
export interface AuthConfigCommandDeps {
	/** The current project's auth configs (throws a ComposioError when no key is set). */
	authConfigs(): Promise<AuthConfigApi>;
	session(): Promise<ToolSession>;
	readonly model: ConnectionsModel;
	/** Default: the workspace's settings. */
	readonly setting?: AuthConfigSetting;
	readonly prompts: UserPrompts;
	readonly picker: QuickPicker;
	readonly log: vscode.LogOutputChannel;
	/** Connect App for this toolkit (offered once a config is in place); tells no failure itself. */
	connect(toolkit: string): Promise<ConnectResult | undefined>;
	/** Default: the clipboard. */
	copy?(text: string): Promise<void>;
}

/** Why the provider refused the app at consent (OAuth's `invalid_client`: a wrong client ID or secret), if it did. */
function providerRefusal(result: ConnectResult | undefined): string | undefined {
	const outcome = result?.outcome;
	return outcome?.status === 'FAILED' && /invalid_client/i.test(outcome.reason ?? '') ? (outcome.reason ?? '') : undefined;
}

/** A scheme whose credentials the user enters on the Connect page (an API key, a token, a login): the config itself needs nothing. */
function isKeyScheme(scheme: ToolkitAuth['schemes'][number]): boolean {
	return /API_KEY|BEARER_TOKEN|BASIC/.test(scheme.mode) && !scheme.fields.some((f) => f.required);
}

interface ConfigPickItem extends vscode.QuickPickItem {
	/** The config, or null for "Composio's default". */
	readonly config?: AuthConfigInfo | null;
	readonly setUp?: true;
}

export class AuthConfigCommands {
	private readonly deps: AuthConfigCommandDeps & { readonly setting: AuthConfigSetting; copy(text: string): Promise<void> };

	constructor(deps: AuthConfigCommandDeps) {
		this.deps = { setting: new VsCodeAuthConfigSetting(), copy: async (text) => vscode.env.clipboard.writeText(text), ...deps };
	}

	/** Use Your Own App for a Toolkit…: resolves to the new config's id, or undefined when the user backed out or it failed (shown). */
	async useOwnApp(arg?: unknown): Promise<string | undefined> {
		let what = vscode.l10n.t('Could not set up your own app');
		try {
			const api = await this.deps.authConfigs();
			const toolkit = await this.toolkit(arg, vscode.l10n.t('Use Your Own App'));
			if (!toolkit) {
				return undefined;
			}
			what = vscode.l10n.t('Could not set up your own app for {0}', toolkit.name);
			const auth = await inStatusBar(vscode.l10n.t('Composio: reading how {0} signs in…', toolkit.name), () => api.toolkitAuth(toolkit.slug));
			const choice = await this.chooseWay(auth);
			if (!choice) {
				return undefined;
			}
			const made = choice.kind === 'own' ? await this.ownApp(api, auth, choice.scheme) : await this.managedScopes(api, auth);
			if (!made) {
				return undefined;
			}
			const previous = this.deps.setting.read()[toolkit.slug];
			const result = await this.use(toolkit.slug, auth.name, made.id, made.name);
			const refusal = providerRefusal(result);
			if (refusal !== undefined) {
				// The provider does not know the app: nothing half-made stays (the config, the setting).
				await this.deps.setting.write(toolkit.slug, previous);
				await api.delete(made.id).catch((e: unknown) => this.deps.log.warn(`Could not delete the refused auth config ${made.id}: ${String(e)}`));
				const tryAgain = vscode.l10n.t('Try Again');
				const back = previous ? vscode.l10n.t('This workspace connects {0} as before.', auth.name) : vscode.l10n.t("This workspace connects {0} through Composio's app again.", auth.name);
				if ((await this.deps.prompts.error(vscode.l10n.t('{0} refused your app ({1}). Check the client ID and secret in your OAuth app\'s settings. {2}', auth.name, refusal, back), tryAgain)) === tryAgain) {
					return await this.useOwnApp(toolkit.slug);
				}
				return undefined;
			}
			return made.id;
		} catch (e) {
			await showError(e, what, { prompts: this.deps.prompts, log: this.deps.log, retry: () => this.useOwnApp(arg) });
			return undefined;
		}
	}

	/**
	 * The chat's side of the own-app card (agent/ownAppSetup.ts): the config is made as Use Your
	 * Own App makes it, or an API-key config where the toolkit takes one, and becomes this
	 * workspace's; the chat then connects through a new session. An app the provider refuses at
	 * consent is undone (the config deleted, the setting restored).
	 */
	ownAppPort(): OwnAppPort {
		const made = new Map<string, { readonly id: string; readonly previous: string | undefined; readonly name: string }>();
		// A toolkit's details, read once for the card's questions and its setup (a failed read is asked again).
		const auths = new Map<string, Promise<ToolkitAuth>>();
		const authOf = (toolkit: string): Promise<ToolkitAuth> => {
			const read = auths.get(toolkit) ?? this.deps.authConfigs().then((api) => api.toolkitAuth(toolkit));
			if (!auths.has(toolkit)) {
				auths.set(toolkit, read);
				read.catch(() => auths.delete(toolkit));
			}
			return read;
		};
		return {
			takesApiKey: async (toolkit) => {
				try {
					return (await authOf(toolkit)).schemes.some(isKeyScheme);
				} catch {
					return false;
				}
			},
			lacksManagedApp: async (toolkit) => {
				try {
					const auth = await authOf(toolkit);
					return auth.managedSchemes.length === 0 && auth.schemes.some((s) => s.mode !== 'NO_AUTH');
				} catch {
					return false;
				}
			},
			setUp: async (toolkit, way) => {
				const done = await this.setUpForChat(toolkit, way, authOf);
				if (done) {
					made.set(toolkit, done);
				}
				return done !== undefined;
			},
			session: () => this.deps.session(),
			connectFailed: async (toolkit, reason) => {
				const ours = made.get(toolkit);
				if (!ours || !/invalid_client/i.test(reason)) {
					return undefined;
				}
				made.delete(toolkit);
				await this.deps.setting.write(toolkit, ours.previous);
				await (await this.deps.authConfigs()).delete(ours.id).catch((e: unknown) => this.deps.log.warn(`Could not delete the refused auth config ${ours.id}: ${String(e)}`));
				const back = ours.previous ? vscode.l10n.t('This workspace connects {0} as before.', ours.name) : vscode.l10n.t("This workspace connects {0} through Composio's app again.", ours.name);
				return vscode.l10n.t("{0} refused your app ({1}). Check the client ID and secret in your OAuth app's settings. {2} Ask me again to set it up once more.", ours.name, reason, back);
			},
		};
	}

	/** Makes the config for the chat's own-app card and makes it this workspace's (no Connect prompt: the chat connects). Undefined when the user backed out or it failed (shown). */
	private async setUpForChat(slug: string, way: OwnAppWay, authOf: (toolkit: string) => Promise<ToolkitAuth>): Promise<{ readonly id: string; readonly previous: string | undefined; readonly name: string } | undefined> {
		let what = vscode.l10n.t('Could not set up your own app for {0}', this.deps.model.toolkitName(slug));
		try {
			const api = await this.deps.authConfigs();
			const auth = await inStatusBar(vscode.l10n.t('Composio: reading how {0} signs in…', this.deps.model.toolkitName(slug)), () => authOf(slug));
			what = vscode.l10n.t('Could not set up your own app for {0}', auth.name);
			let id: string | undefined;
			if (way === 'apiKey') {
				const scheme = auth.schemes.find(isKeyScheme);
				if (!scheme) {
					void this.deps.prompts.error(vscode.l10n.t('{0} does not take an API key. Set up your own app instead.', auth.name));
					return undefined;
				}
				const name = vscode.l10n.t('{0} ({1})', auth.name, scheme.name);
				id = await inStatusBar(vscode.l10n.t('Composio: making the auth config for {0}…', auth.name), () => api.createOwn(slug, { scheme: scheme.mode, name, values: {}, secretFields: [] }));
			} else {
				const choice = await this.chooseWay(auth, { ownOnly: true });
				id = choice?.kind === 'own' ? (await this.ownApp(api, auth, choice.scheme))?.id : undefined;
			}
			if (!id) {
				return undefined;
			}
			const previous = this.deps.setting.read()[slug];
			await this.deps.setting.write(slug, id);
			this.deps.log.info(`${slug} now connects through ${id} in this workspace (set up from the chat).`);
			return { id, previous, name: auth.name };
		} catch (e) {
			await showError(e, what, { prompts: this.deps.prompts, log: this.deps.log });
			return undefined;
		}
	}

	/** Choose Auth Config…: resolves to the chosen id ('' for Composio's default), or undefined. */
	async chooseAuthConfig(arg?: unknown): Promise<string | undefined> {
		try {
			const api = await this.deps.authConfigs();
			const toolkit = await this.toolkit(arg, vscode.l10n.t('Choose Auth Config'));
			if (!toolkit) {
				return undefined;
			}
			const configs = inStatusBar(vscode.l10n.t('Composio: loading the auth configs of {0}…', toolkit.name), () => api.list(toolkit.slug));
			const current = this.deps.setting.read()[toolkit.slug];
			const items = configs.then((all) => this.configItems(all, current, true));
			const picked = await this.deps.picker.pick(items, { title: vscode.l10n.t('Choose Auth Config for {0}', toolkit.name), placeHolder: vscode.l10n.t('How {0} accounts connect in this workspace', toolkit.name), matchOnDescription: true, matchOnDetail: true });
			if (!picked) {
				return undefined;
			}
			if (picked.setUp) {
				return await this.useOwnApp(toolkit.slug);
			}
			return await this.choose(toolkit.slug, toolkit.name, picked.config ?? null, await configs);
		} catch (e) {
			await showError(e, vscode.l10n.t('Could not choose an auth config'), { prompts: this.deps.prompts, log: this.deps.log, retry: () => this.chooseAuthConfig(arg) });
			return undefined;
		}
	}

	/** Show Auth Configs: every config of the project by toolkit; choosing one uses it in this workspace. */
	async showAuthConfigs(): Promise<string | undefined> {
		try {
			const api = await this.deps.authConfigs();
			const configs = inStatusBar(vscode.l10n.t('Composio: loading the auth configs…'), () => api.list());
			const setting = this.deps.setting.read();
			const items = configs.then((all) => {
				const toolkits = [...new Set(all.map((c) => c.toolkit))].sort();
				return toolkits.flatMap((slug): ConfigPickItem[] => [{ label: this.deps.model.toolkitName(slug), kind: vscode.QuickPickItemKind.Separator }, ...this.configItems(all.filter((c) => c.toolkit === slug), setting[slug], false)]);
			});
			if ((await configs).length === 0) {
				const setUp = vscode.l10n.t('Use Your Own App…');
				if ((await this.deps.prompts.info(vscode.l10n.t('This Composio project has no auth configs yet: every app connects through Composio\'s own.'), setUp)) === setUp) {
					return await this.useOwnApp();
				}
				return undefined;
			}
			const picked = await this.deps.picker.pick(items, { title: vscode.l10n.t('Auth Configs'), placeHolder: vscode.l10n.t('Choose one to use it in this workspace'), matchOnDescription: true, matchOnDetail: true });
			if (!picked?.config) {
				return undefined;
			}
			const config = picked.config;
			return await this.choose(config.toolkit, this.deps.model.toolkitName(config.toolkit), config, (await configs).filter((c) => c.toolkit === config.toolkit));
		} catch (e) {
			await showError(e, vscode.l10n.t('Could not list the auth configs'), { prompts: this.deps.prompts, log: this.deps.log, retry: () => this.showAuthConfigs() });
			return undefined;
		}
	}

	/** The toolkit a command is about: from the argument (a tree node or slug), else picked. */
	private async toolkit(arg: unknown, title: string): Promise<{ slug: string; name: string } | undefined> {
		const slug = toolkitFromArg(arg);
		if (slug) {
			return { slug, name: this.deps.model.toolkitName(slug) };
		}
		const session = await inStatusBar(vscode.l10n.t('Composio: starting…'), () => this.deps.session());
		const picked = await pickToolkit(this.deps, session, {
			title,
			placeHolder: vscode.l10n.t('Choose an app (type to search)'),
			noAuth: (app) => vscode.l10n.t('{0} needs no sign-in: there is nothing to set up.', app),
		});
		return picked ? { slug: picked.slug, name: picked.name } : undefined;
	}

	/** Own app (per scheme that takes credentials) or more scopes on Composio's app; asks only when there is a choice. */
	private async chooseWay(auth: ToolkitAuth, options: { readonly ownOnly?: boolean } = {}): Promise<{ kind: 'own'; scheme: ToolkitAuth['schemes'][number] } | { kind: 'scopes' } | undefined> {
		const own = auth.schemes.filter((s) => s.fields.length > 0);
		const managedOAuth = !options.ownOnly && auth.managedSchemes.some((m) => /OAUTH/.test(m));
		const ways = [
			...own.map((scheme) => ({ label: vscode.l10n.t('$(key) Your own {0} app', scheme.name), detail: vscode.l10n.t('The consent screen shows your app; you give its {0}', scheme.fields.filter((f) => f.required).map((f) => f.label.toLocaleLowerCase(vscode.env.language)).join(', ')), way: { kind: 'own' as const, scheme } })),
			...(managedOAuth ? [{ label: vscode.l10n.t("$(add) More scopes on Composio's app"), detail: vscode.l10n.t("Composio's managed app asks for the scopes you name"), way: { kind: 'scopes' as const } }] : []),
		];
		if (ways.length === 0) {
			void this.deps.prompts.info(vscode.l10n.t('{0} connects with what each user enters on its Connect page: there is no app to set up.', auth.name));
			return undefined;
		}
		if (ways.length === 1) {
			return ways[0]?.way;
		}
		const picked = await this.deps.picker.pick(ways, { title: vscode.l10n.t('Use Your Own App for {0}', auth.name), placeHolder: vscode.l10n.t('How should {0} accounts connect?', auth.name) });
		return picked?.way;
	}

	/** Asks for the redirect URL to be registered, then each field; makes the config. */
	private async ownApp(api: AuthConfigApi, auth: ToolkitAuth, scheme: ToolkitAuth['schemes'][number]): Promise<{ id: string; name: string } | undefined> {
		const title = vscode.l10n.t('Use Your Own App for {0}', auth.name);
		if (/OAUTH/.test(scheme.mode)) {
			const copy = vscode.l10n.t('Copy and Continue');
			const go = vscode.l10n.t('Continue');
			const answer = await this.deps.prompts.confirm(
				vscode.l10n.t('Register this redirect URL with your {0} app', auth.name),
				vscode.l10n.t('{0}\n\nIn your OAuth app\'s settings at {1}, add it as an authorized redirect (callback) URL: after consent, {1} sends users back to Composio through it.', api.redirectUrl, auth.name),
				copy,
				go,
			);
			if (answer === undefined) {
				return undefined;
			}
			if (answer === copy) {
				await this.deps.copy(api.redirectUrl);
			}
		}
		const name = await this.deps.prompts.inputBox({
			title,
			prompt: vscode.l10n.t('A name for this auth config (your app\'s name is a good one)'),
			value: vscode.l10n.t('{0} (own app)', auth.name),
			ignoreFocusOut: true,
			validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Give it a name.')),
		});
		if (name === undefined) {
			return undefined;
		}
		const values: Record<string, string> = {};
		for (const [i, f] of scheme.fields.entries()) {
			const value = await this.askField(title, f, i + 1, scheme.fields.length);
			if (value === undefined) {
				return undefined;
			}
			if (value.trim()) {
				values[f.name] = value.trim();
			}
		}
		const secretFields = scheme.fields.filter((f) => f.secret).map((f) => f.name);
		const id = await inStatusBar(vscode.l10n.t('Composio: making the auth config for {0}…', auth.name), () => api.createOwn(auth.slug, { scheme: scheme.mode, name: name.trim(), values, secretFields }));
		return { id, name: name.trim() };
	}

	private askField(title: string, f: AuthField, n: number, of: number): Promise<string | undefined> {
		return this.deps.prompts.inputBox({
			title: vscode.l10n.t('{0} ({1}/{2})', title, n, of),
			prompt: f.required ? `${f.label}: ${f.description}` : vscode.l10n.t('{0} (optional): {1}', f.label, f.description),
			password: f.secret,
			ignoreFocusOut: true,
			validateInput: (v) => (f.required && !v.trim() ? vscode.l10n.t('{0} is required.', f.label) : undefined),
		});
	}

	private async managedScopes(api: AuthConfigApi, auth: ToolkitAuth): Promise<{ id: string; name: string } | undefined> {
		const scopes = await this.deps.prompts.inputBox({
			title: vscode.l10n.t("More scopes on Composio's app for {0}", auth.name),
			prompt: vscode.l10n.t('The scopes to ask for, separated by commas'),
			ignoreFocusOut: true,
			validateInput: (v) => (v.split(',').some((s) => s.trim()) ? undefined : vscode.l10n.t('Name at least one scope.')),
		});
		if (scopes === undefined) {
			return undefined;
		}
		const list = scopes.split(',').map((s) => s.trim()).filter(Boolean);
		const name = vscode.l10n.t('{0} (Composio, more scopes)', auth.name);
		const id = await inStatusBar(vscode.l10n.t('Composio: making the auth config for {0}…', auth.name), () => api.createManaged(auth.slug, { name, scopes: list }));
		return { id, name };
	}

	private configItems(all: readonly AuthConfigInfo[], current: string | undefined, withDefault: boolean): ConfigPickItem[] {
		const used = vscode.l10n.t('used in this workspace');
		const item = (c: AuthConfigInfo): ConfigPickItem => ({
			label: c.name,
			description: [c.managed ? vscode.l10n.t("Composio's app") : vscode.l10n.t('own app'), c.scheme, c.connections === 1 ? vscode.l10n.t('1 account') : vscode.l10n.t('{0} accounts', c.connections), c.enabled ? '' : vscode.l10n.t('disabled'), c.id === current ? used : ''].filter(Boolean).join(' · '),
			detail: [c.id, c.scopes.length > 0 ? vscode.l10n.t('Scopes: {0}', c.scopes.join(', ')) : ''].filter(Boolean).join(' · '),
			iconPath: new vscode.ThemeIcon(c.id === current ? 'pass-filled' : c.managed ? 'shield' : 'key'),
			config: c,
		});
		return [
			...(withDefault ? [{ label: vscode.l10n.t("Composio's default"), description: current ? '' : used, detail: vscode.l10n.t('The session picks the managed app Composio keeps for this toolkit'), iconPath: new vscode.ThemeIcon(current ? 'shield' : 'pass-filled'), config: null }] : []),
			...all.filter((c) => c.enabled).map(item),
			...(withDefault ? [{ label: vscode.l10n.t('$(add) Use Your Own App…'), detail: vscode.l10n.t('Make an auth config with your own credentials'), setUp: true as const }] : []),
		];
	}

	/** Makes `config` (null: Composio's default) this workspace's choice, after saying which accounts it leaves out. */
	private async choose(slug: string, name: string, config: AuthConfigInfo | null, all: readonly AuthConfigInfo[]): Promise<string | undefined> {
		await this.deps.model.refresh();
		const belongs = (configId: string | undefined): boolean => (config ? configId === config.id : all.find((c) => c.id === configId)?.managed !== false);
		const left = this.deps.model.accounts.filter((a) => a.toolkit === slug && !belongs(a.authConfigId));
		const label = config?.name ?? vscode.l10n.t("Composio's default");
		if (left.length > 0) {
			const use = vscode.l10n.t('Use {0}', label);
			const message = left.length === 1 ? vscode.l10n.t('1 {0} account was connected through another auth config', name) : vscode.l10n.t('{0} {1} accounts were connected through other auth configs', left.length, name);
			if ((await this.deps.prompts.confirm(message, vscode.l10n.t('Sessions in this workspace that use {0} will not use them; they stay connected, and choosing their config again brings them back.', label), use)) !== use) {
				return undefined;
			}
		}
		await this.use(slug, name, config?.id, label);
		return config?.id ?? '';
	}

	/** Writes the workspace's choice and offers to connect through it; resolves to how the connection went, if made. */
	private async use(slug: string, name: string, id: string | undefined, label: string): Promise<ConnectResult | undefined> {
		await this.deps.setting.write(slug, id);
		this.deps.log.info(`${slug} now connects through ${id ?? "Composio's default"} in this workspace.`);
		const connect = vscode.l10n.t('Connect {0}', name);
		if ((await this.deps.prompts.info(vscode.l10n.t('{0} now connects through {1} in this workspace.', name, label), connect)) !== connect) {
			return undefined;
		}
		const result = await this.deps.connect(slug);
		// A refused app is told by useOwnApp, which also undoes it.
		if (result && result.outcome.status !== 'ACTIVE' && result.outcome.status !== 'CANCELLED' && result.outcome.status !== 'TIMEOUT' && providerRefusal(result) === undefined) {
			void this.deps.prompts.error(vscode.l10n.t('{0} was not connected through {1}: {2}', name, label, result.outcome.reason ?? result.outcome.status.toLowerCase()));
		}
		return result;
	}

}
