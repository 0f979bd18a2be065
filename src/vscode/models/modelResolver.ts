import * as vscode from 'vscode';
import type * as agentRuntime from '../../agent/agentRuntime';
import type { ContextLimit } from '../../agent/contextFittingModelClient';
import type { ModelClient } from '../../agent/modelClient';
import type * as modelRuntime from '../../agent/modelRuntime';
import { dependsOnVsCodeModels, type ModelOption, type ModelSelection, optionTitle, parseModelSource, selectModel, type VsCodeModelInfo } from '../../agent/modelSelection';
import { DisposableBase } from '../../common/disposable';
import { Emitter, type Event } from '../../common/emitter';
import { OPENAI_BASE_URL, type ResolvedEnvironment } from '../settings/environment';
import type { QuickPicker } from '../workbench/quickPicker';
import type * as vsCodeModelRuntime from './vsCodeModelRuntime';

/** The workspace-state key holding the model picked in this workspace (an option id). */
export const MODEL_CHOICE_KEY = 'composio.model.choice';

/** What the model picker may ask the host to do besides choosing a model. */
export type ModelPickAction = 'setOpenAiKey' | 'findModelProviders' | 'useSandbox' | 'openSettings';

interface ModelPickItem extends vscode.QuickPickItem {
	readonly optionId?: string;
	readonly action?: ModelPickAction;
}

/** What `ModelResolver` needs. */
export interface ModelResolverDeps {
	readonly workspaceState: vscode.Memento;
	readonly log: vscode.LogOutputChannel;
	/**
	 * The bundles model clients are built from, loaded the first time a turn needs one: the agent
	 * (context fitting), the OpenAI SDK, and the `vscode.lm` client (see services.ts).
	 */
	readonly load: {
		readonly agent: () => Promise<typeof agentRuntime>;
		readonly openAi: () => Promise<typeof modelRuntime>;
		readonly vscodeModel: () => Promise<typeof vsCodeModelRuntime>;
	};
}

/** The environment the selection is made for: a live one, or the sandbox (not started just to list models). */
export type ModelEnvironment = ResolvedEnvironment | 'sandbox';

/** VS Code's language model API, where this VS Code has it (1.90 and later; some hosts leave it out). */
function languageModels(): typeof vscode.lm | undefined {
	const lm = (vscode as { lm?: typeof vscode.lm }).lm;
	return lm && typeof lm.selectChatModels === 'function' ? lm : undefined;
}

function info(chat: vscode.LanguageModelChat): VsCodeModelInfo {
	return { vendor: chat.vendor, id: chat.id, name: chat.name, family: chat.family, maxInputTokens: chat.maxInputTokens };
}

/** Remembers counted texts per model: a conversation is recounted on every request and mostly unchanged. */
class TokenCache {
	private readonly counts = new Map<string, number>();

	async count(text: string, counter: (text: string) => Thenable<number>): Promise<number> {
		const known = this.counts.get(text);
		if (known !== undefined) {
			return known;
		}
		const n = await counter(text);
		if (this.counts.size >= 5000) {
			this.counts.clear();
		}
		this.counts.set(text, n);
		return n;
	}
}

/**
 * Chooses the model each turn talks to, and builds its client. Lists VS Code's chat models
 * (`vscode.lm.selectChatModels`) beside the configured OpenAI-compatible model (or, in the
 * sandbox, its scripted model); remembers the user's pick per workspace; applies
 * `composio.model.source` otherwise (see `selectModel`). Every client it builds fits the
 * conversation into the model's context window. Fires `onDidChange` when the models VS Code
 * offers or the pick change.
 *
 * Zero cost until used: VS Code is not asked for its models until something needs them (`wake`:
 * the chat shown, a message sent, the picker opened), because asking makes VS Code resolve every
 * provider and may wake their extensions. Until then a selection that depends on them is left
 * open (no model, nothing missing), and it is made once woken.
 */
export class ModelResolver extends DisposableBase {
	private readonly changed = this._register(new Emitter<void>());
	/** The models on offer or the pick changed: the view's model button and banner may need updating. */
	readonly onDidChange: Event<void> = this.changed.event;
	private readonly tokenCaches = new Map<string, TokenCache>();
	/** The last list VS Code gave, until it says its models changed. */
	private listed: Promise<vscode.LanguageModelChat[]> | undefined;
	/** Something needed the models: VS Code may be asked for them. */
	private woken = false;
	/** The last OpenAI-compatible client made, and what for (`client`). */
	private openAiClient: { readonly for: Readonly<Record<string, unknown>>; readonly client: ModelClient } | undefined;

	constructor(private readonly deps: ModelResolverDeps) {
		super();
		const lm = languageModels();
		if (lm && typeof lm.onDidChangeChatModels === 'function') {
			this._register(
				lm.onDidChangeChatModels(() => {
					this.listed = undefined;
					this.changed.fire();
				}),
			);
		}
	}

	/**
	 * Lets selections ask VS Code for its models from now on; the first call fires `onDidChange`,
	 * since a selection left open may now be made.
	 */
	wake(): void {
		if (!this.woken) {
			this.woken = true;
			this.changed.fire();
		}
	}

	/**
	 * The chat models VS Code offers; none where it has no language model API. Never throws.
	 * Asked once and remembered until VS Code reports a change: asking makes VS Code resolve
	 * every provider's models (and may wake their extensions), which the status bar and the
	 * view, asking after every settings change, should not cause each time.
	 */
	vscodeModels(): Promise<vscode.LanguageModelChat[]> {
		const lm = languageModels();
		if (!lm) {
			return Promise.resolve([]);
		}
		this.listed ??= Promise.resolve(lm.selectChatModels()).catch((e: unknown) => {
			this.deps.log.warn(`Listing VS Code's language models failed: ${e instanceof Error ? e.message : String(e)}`);
			this.listed = undefined;
			return [];
		});
		return this.listed;
	}

	/**
	 * The model the next turn uses, and what is missing for it. VS Code is asked for its models
	 * only when the answer depends on them (or `all`, for the picker's list): asking may wake the
	 * extensions that provide them, which a user of the sandbox or of their own OpenAI key should
	 * not pay for.
	 */
	async selection(env: ModelEnvironment, options: { readonly all?: boolean } = {}): Promise<ModelSelection> {
		const config = vscode.workspace.getConfiguration('composio');
		const sandbox = env === 'sandbox' || env.mode === 'sandbox';
		const remembered = this.deps.workspaceState.get<string>(MODEL_CHOICE_KEY);
		const source = parseModelSource(config.get('model.source'));
		const openAi =
			env !== 'sandbox' && !sandbox
				? {
						model: env.model.model,
						baseUrl: env.model.baseUrl,
						hasKey: env.model.apiKey !== undefined && env.model.apiKey !== '',
						isOpenAi: env.model.baseUrl.replace(/\/+$/, '') === OPENAI_BASE_URL,
					}
				: undefined;
		const input = { source, sandbox, ...(remembered ? { remembered } : {}), ...(openAi ? { openAi } : {}) };
		if (options.all === true) {
			this.wake();
		}
		const list = options.all === true || dependsOnVsCodeModels(input);
		if (list && !this.woken) {
			// Nothing has needed the models yet: leave the choice open rather than wake their providers.
			return { options: [], picked: false };
		}
		return selectModel({ ...input, vscodeModels: list ? (await this.vscodeModels()).map(info) : [] });
	}

	/** Remembers `optionId` as this workspace's model (undefined: back to the default). */
	async remember(optionId: string | undefined): Promise<void> {
		await this.deps.workspaceState.update(MODEL_CHOICE_KEY, optionId);
		this.changed.fire();
	}

	/**
	 * The client for `option`, fitted to its context window. Throws a `ModelError` ('notFound',
	 * action 'chooseModel') when a VS Code model has gone away.
	 */
	async client(option: ModelOption, env: ResolvedEnvironment, generation?: AbortSignal): Promise<ModelClient> {
		const title = optionTitle(option);
		const { ContextFittingModelClient, estimateTokens, openAiInputLimit, ModelError } = await this.deps.load.agent();
		if (option.source === 'vscode' && option.vscode) {
			const lm = languageModels();
			// Selecting it again (rather than keeping the object) also makes VS Code resolve a model registered moments ago.
			const chat = lm ? (await lm.selectChatModels({ vendor: option.vscode.vendor, id: option.vscode.id }))[0] : undefined;
			if (!chat) {
				throw new ModelError('notFound', vscode.l10n.t('{0} is no longer available in VS Code. Choose another model.', title), { action: 'chooseModel' });
			}
			return this.clientForChat(chat, title);
		}
		const config = vscode.workspace.getConfiguration('composio');
		const window = openAiInputLimit(env.model.model, config.get('openai.contextWindow'));
		// The same model, server, key and window as the last turn's, and no settings change since: its client (and what it counted of the tools) again.
		const made = this.openAiClient;
		const same = { model: env.model.model, baseUrl: env.model.baseUrl, apiKey: env.model.apiKey, maxInputTokens: window.maxInputTokens, title, generation };
		if (made && !generation?.aborted && (Object.keys(same) as (keyof typeof same)[]).every((k) => made.for[k] === same[k])) {
			return made.client;
		}
		if (!window.known) {
			this.deps.log.info(`The context window of "${env.model.model}" is not known; assuming ${window.contextWindow} tokens. Set composio.openai.contextWindow to change it.`);
		}
		const { OpenAiModelClient } = await this.deps.load.openAi();
		const inner = new OpenAiModelClient({ model: env.model.model, baseUrl: env.model.baseUrl, ...(env.model.apiKey ? { apiKey: env.model.apiKey } : {}), ...(generation ? { generation } : {}) });
		const client = new ContextFittingModelClient(inner, { maxInputTokens: window.maxInputTokens, count: (text) => Promise.resolve(estimateTokens(text)) }, { label: title });
		this.openAiClient = { for: same, client };
		return client;
	}

	/**
	 * The client for a VS Code chat model already in hand (the model picked in VS Code's chat, as
	 * the `@composio` participant gets it), fitted to its context window, with counted tokens
	 * remembered per model. Loads the agent and VS Code model bundles the first time.
	 */
	async clientForChat(chat: vscode.LanguageModelChat, title: string = `${chat.name} (${chat.vendor})`): Promise<ModelClient> {
		const [{ ContextFittingModelClient, DEFAULT_CONTEXT_WINDOW, estimateTokens }, { VsCodeModelClient }] = await Promise.all([this.deps.load.agent(), this.deps.load.vscodeModel()]);
		const key = `${chat.vendor}/${chat.id}`;
		let cache = this.tokenCaches.get(key);
		if (!cache) {
			cache = new TokenCache();
			this.tokenCaches.set(key, cache);
		}
		const tokens = cache;
		const limit: ContextLimit = {
			maxInputTokens: chat.maxInputTokens > 0 ? chat.maxInputTokens : DEFAULT_CONTEXT_WINDOW,
			count: async (text) => {
				try {
					return await tokens.count(text, (t) => chat.countTokens(t));
				} catch (e) {
					this.deps.log.debug(`${title} could not count tokens (${e instanceof Error ? e.message : String(e)}); estimating.`);
					return estimateTokens(text);
				}
			},
		};
		return new ContextFittingModelClient(new VsCodeModelClient(chat, { title }), limit, { label: title });
	}

	/**
	 * Shows the model picker: the models on offer (the current one checked), then what else can
	 * be done. Remembers a picked model and resolves to undefined; resolves to the action picked
	 * instead, for the caller to carry out; undefined when dismissed too.
	 */
	async pick(picker: QuickPicker, env: ModelEnvironment): Promise<ModelPickAction | undefined> {
		const items = this.selection(env, { all: true }).then((selection): ModelPickItem[] => {
			const out: ModelPickItem[] = [];
			let group: string | undefined;
			for (const option of selection.options) {
				const heading = option.source === 'vscode' ? vscode.l10n.t('VS Code language models') : option.source === 'openai' ? vscode.l10n.t('OpenAI-compatible endpoint') : vscode.l10n.t('Sandbox');
				if (heading !== group) {
					out.push({ label: heading, kind: vscode.QuickPickItemKind.Separator });
					group = heading;
				}
				const current = option.id === selection.selected?.id;
				const needsKey = option.source === 'openai' && env !== 'sandbox' && !env.model.apiKey && env.model.baseUrl.replace(/\/+$/, '') === OPENAI_BASE_URL;
				out.push({
					label: `${current ? '$(check) ' : ''}${option.label}`,
					description: option.detail,
					...(needsKey ? { detail: vscode.l10n.t('Needs an OpenAI API key') } : {}),
					optionId: option.id,
				});
			}
			out.push({ label: vscode.l10n.t('More'), kind: vscode.QuickPickItemKind.Separator });
			const sandbox = env === 'sandbox' || env.mode === 'sandbox';
			if (!selection.options.some((o) => o.source === 'vscode')) {
				out.push({ label: `$(extensions) ${vscode.l10n.t('Get Models in VS Code…')}`, detail: vscode.l10n.t('Sign in to GitHub Copilot, or install an extension that adds language models'), action: 'findModelProviders' });
			}
			if (env !== 'sandbox' && !sandbox && !env.model.apiKey) {
				out.push({ label: `$(key) ${vscode.l10n.t('Set OpenAI API Key…')}`, detail: vscode.l10n.t('For OpenAI, or an OpenAI-compatible server that needs a key'), action: 'setOpenAiKey' });
			}
			if (!sandbox) {
				out.push({ label: `$(beaker) ${vscode.l10n.t('Use the Sandbox')}`, detail: vscode.l10n.t('Simulated apps and a scripted model, offline'), action: 'useSandbox' });
			}
			out.push({ label: `$(settings-gear) ${vscode.l10n.t('Default Model Source…')}`, detail: vscode.l10n.t('composio.model.source: where the model comes from until you pick one'), action: 'openSettings' });
			return out;
		});
		const picked = await picker.pick(items, { title: vscode.l10n.t('Choose the Model for Composio Agent'), placeHolder: vscode.l10n.t('Pick a model for this workspace'), matchOnDescription: true });
		if (!picked) {
			return undefined;
		}
		if (picked.optionId) {
			await this.remember(picked.optionId);
			return undefined;
		}
		return picked.action;
	}
}
