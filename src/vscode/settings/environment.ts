import * as vscode from 'vscode';
import { Emitter } from '../../common/emitter';
import { SECRET_STORAGE_KEYS, type SecretStore } from '../../common/secrets';
import { type ComposioSettings, parseComposioSettings } from '../../composio/settings';
import type { SandboxServers } from '../../sandbox/sandboxServers';
import { userSetting } from './userSettings';

/** OpenAI's own API, the default model endpoint. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Where the model is and how to reach it. The key never leaves the host. */
export interface ModelSettings {
	readonly baseUrl: string;
	readonly apiKey: string | undefined;
	readonly model: string;
}

/** Everything the agent needs to run, resolved from settings, secrets and the sandbox. */
export interface ResolvedEnvironment {
	readonly mode: 'sandbox' | 'live';
	readonly composio: ComposioSettings;
	readonly model: ModelSettings;
	readonly maxTurns: number;
	/** A key the live mode needs and doesn't have. */
	readonly missing: 'composioKey' | 'openAiKey' | undefined;
	/** One sentence per setting that was invalid and ignored. */
	readonly problems: readonly string[];
}

/** The `composio.sandbox` setting. */
export type SandboxSetting = 'auto' | 'on' | 'off';

/** `composio.sandbox`, from the user's settings only (a workspace may not switch where keys go). */
function sandboxSetting(): SandboxSetting {
	const value = userSetting<unknown>('composio.sandbox');
	return value === 'on' || value === 'off' ? value : 'auto';
}

function clampTurns(value: unknown): number {
	return typeof value === 'number' && Number.isInteger(value) ? Math.min(50, Math.max(1, value)) : 12;
}

/**
 * Resolves the environment from `composio.*` settings, the secret store and the sandbox: with
 * `composio.sandbox` on, or on `auto` with no Composio key, the local emulator and scripted
 * model stand in for Composio and OpenAI. Fires `onDidChange` when any input changes.
 */
export class EnvironmentResolver implements vscode.Disposable {
	private readonly changeEmitter = new Emitter<void>();
	readonly onDidChange = this.changeEmitter.event;
	private readonly subscriptions: vscode.Disposable[] = [];

	constructor(
		private readonly secrets: SecretStore,
		private readonly sandbox: SandboxServers,
	) {
		this.subscriptions.push(
			vscode.workspace.onDidChangeConfiguration((e) => {
				if (e.affectsConfiguration('composio')) {
					this.changeEmitter.fire();
				}
			}),
		);
		// Only the API keys shape the environment; other secrets (the per-workspace user ids) do not.
		const apiKeys = new Set(Object.values(SECRET_STORAGE_KEYS));
		const secretSub = secrets.onDidChange((key) => {
			if (apiKeys.has(key)) {
				this.changeEmitter.fire();
			}
		});
		this.subscriptions.push({ dispose: () => secretSub.dispose() });
	}

	/** True when the next resolve() will be the sandbox (cheap: does not start it). */
	async isSandbox(): Promise<boolean> {
		const setting = sandboxSetting();
		return setting === 'on' || (setting === 'auto' && (await this.secrets.source('composioApiKey')) === 'none');
	}

	/** The environment now. Starts the sandbox servers when the sandbox is in use. */
	async resolve(): Promise<ResolvedEnvironment> {
		const config = vscode.workspace.getConfiguration('composio');
		const maxTurns = clampTurns(config.get('agent.maxTurns'));
		const parsed = parseComposioSettings({
			apiKey: await this.secrets.get('composioApiKey'),
			// The endpoint and the workbench come from the user's settings only (userSettings.ts).
			baseUrl: userSetting('composio.baseUrl'),
			workbench: userSetting('composio.workbench.enabled'),
			toolkits: config.get('toolkits'),
			authConfigs: config.get('authConfigs'),
			multiAccount: config.get('multiAccount'),
		});
		if (await this.isSandbox()) {
			const endpoints = await this.sandbox.endpoints();
			return {
				mode: 'sandbox',
				composio: { ...parsed.settings, apiKey: endpoints.composioApiKey, baseUrl: endpoints.composioBaseUrl },
				model: { baseUrl: endpoints.modelBaseUrl, apiKey: undefined, model: endpoints.modelName },
				maxTurns,
				missing: undefined,
				problems: parsed.problems,
			};
		}
		const modelBaseUrl = (userSetting<string>('composio.openai.baseUrl') ?? '').trim() || OPENAI_BASE_URL;
		const modelName = (config.get<string>('openai.model') ?? '').trim() || 'gpt-4.1-mini';
		const openAiKey = await this.secrets.get('openAiApiKey');
		const needsOpenAiKey = !openAiKey && modelBaseUrl.replace(/\/+$/, '') === OPENAI_BASE_URL;
		return {
			mode: 'live',
			composio: parsed.settings,
			model: { baseUrl: modelBaseUrl, apiKey: openAiKey, model: modelName },
			maxTurns,
			missing: !parsed.settings.apiKey ? 'composioKey' : needsOpenAiKey ? 'openAiKey' : undefined,
			problems: parsed.problems,
		};
	}

	dispose(): void {
		for (const s of this.subscriptions.splice(0)) {
			s.dispose();
		}
		this.changeEmitter.dispose();
	}
}
