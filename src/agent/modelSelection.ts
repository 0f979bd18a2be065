/**
 * Which model the chat talks to: the choices the picker lists, and the rule that picks one when
 * the user has not (or their pick went away). Pure; the VS Code side supplies the models VS
 * Code offers and the remembered pick.
 */
import * as l10n from '@vscode/l10n';

/** The `composio.model.source` setting: where the default model comes from. */
export type ModelSource = 'auto' | 'vscode' | 'openai';

/** A model VS Code offers through its language model API. */
export interface VsCodeModelInfo {
	readonly vendor: string;
	readonly id: string;
	readonly name: string;
	readonly family: string;
	readonly maxInputTokens: number;
}

/** One entry of the model picker. */
export interface ModelOption {
	/** Stable across windows: `vscode:<vendor>/<id>`, `openai` or `sandbox`. */
	readonly id: string;
	readonly source: 'vscode' | 'openai' | 'sandbox';
	/** The model's name ("GPT-4.1"). */
	readonly label: string;
	/** Where it comes from ("Copilot", "OpenAI-compatible · api.openai.com", "Sandbox"). */
	readonly detail: string;
	/** For VS Code models: what selects it again. */
	readonly vscode?: { readonly vendor: string; readonly id: string };
}

/** The OpenAI-compatible endpoint as configured (never the key itself). */
export interface OpenAiEndpointInfo {
	/** The configured model name. */
	readonly model: string;
	/** The endpoint's base URL. */
	readonly baseUrl: string;
	/** A key is set. */
	readonly hasKey: boolean;
	/** The endpoint is OpenAI's own, which needs a key. */
	readonly isOpenAi: boolean;
}

/** What the choice depends on. */
export interface ModelSelectionInput {
	readonly source: ModelSource;
	/** The sandbox is on: its scripted model is the default, and OpenAI is not offered. */
	readonly sandbox: boolean;
	/** Absent in the sandbox. */
	readonly openAi?: OpenAiEndpointInfo;
	readonly vscodeModels: readonly VsCodeModelInfo[];
	/** The id the user picked in this workspace, if any. */
	readonly remembered?: string;
}

/** The picker's list, the model the next turn uses, and what is missing for it. */
export interface ModelSelection {
	readonly options: readonly ModelOption[];
	readonly selected?: ModelOption;
	/**
	 * 'openAiKey': the selected model is OpenAI's and no key is set. 'model': nothing to talk
	 * to (no key, no VS Code model).
	 */
	readonly missing?: 'openAiKey' | 'model';
	/** The selection is the user's own pick (not the default). */
	readonly picked: boolean;
}

/** The option id of the sandbox's scripted model. */
export const SANDBOX_OPTION_ID = 'sandbox';
/** The option id of the configured OpenAI-compatible model. */
export const OPENAI_OPTION_ID = 'openai';

const VENDOR_NAMES: Readonly<Record<string, string>> = { copilot: 'Copilot' };

/** A vendor id as people say it ("copilot" → "Copilot"). */
export function vendorName(vendor: string): string {
	return VENDOR_NAMES[vendor] ?? vendor;
}

/** The option for a VS Code model. */
export function vscodeOption(m: VsCodeModelInfo): ModelOption {
	return { id: `vscode:${m.vendor}/${m.id}`, source: 'vscode', label: m.name || m.id, detail: vendorName(m.vendor), vscode: { vendor: m.vendor, id: m.id } };
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/** The model as named in notices: "GPT-4.1 (Copilot)". */
export function optionTitle(option: ModelOption): string {
	return l10n.t('{0} ({1})', option.label, option.source === 'openai' ? l10n.t('OpenAI-compatible') : option.detail);
}

/**
 * Lists the choices and picks the model:
 * - the remembered pick when it is still offered;
 * - else in the sandbox its scripted model;
 * - else by `source`: 'openai' the OpenAI-compatible model; 'vscode' the first VS Code model
 *   (Copilot's first); 'auto' the OpenAI-compatible model when a key or an own base URL is
 *   set, else the first VS Code model, else the OpenAI-compatible one (which then needs a key).
 * `missing` is 'openAiKey' when the pick is OpenAI's endpoint without a key, and 'model' when
 * there is neither a key nor a VS Code model to fall back on (with 'auto' or 'vscode').
 */
export function selectModel(input: ModelSelectionInput): ModelSelection {
	const vscodeModels = [...input.vscodeModels].sort((a, b) => Number(b.vendor === 'copilot') - Number(a.vendor === 'copilot'));
	const vscode = vscodeModels.map(vscodeOption);
	const options: ModelOption[] = [];
	if (input.sandbox) {
		options.push({ id: SANDBOX_OPTION_ID, source: 'sandbox', label: l10n.t('Scripted model'), detail: l10n.t('Sandbox') });
	}
	options.push(...vscode);
	const openAi = !input.sandbox ? input.openAi : undefined;
	const openAiOption: ModelOption | undefined = openAi
		? { id: OPENAI_OPTION_ID, source: 'openai', label: openAi.model, detail: `${l10n.t('OpenAI-compatible')} · ${hostOf(openAi.baseUrl)}` }
		: undefined;
	if (openAiOption) {
		options.push(openAiOption);
	}
	const openAiNeedsKey = openAi !== undefined && openAi.isOpenAi && !openAi.hasKey;
	const result = (selected: ModelOption | undefined, picked: boolean): ModelSelection => {
		if (!selected) {
			return { options, missing: 'model', picked };
		}
		return { options, selected, picked, ...(selected.source === 'openai' && openAiNeedsKey ? { missing: 'openAiKey' as const } : {}) };
	};

	const remembered = input.remembered ? options.find((o) => o.id === input.remembered) : undefined;
	if (remembered) {
		return result(remembered, true);
	}
	if (input.sandbox) {
		return result(options[0], false);
	}
	const firstVsCode = vscode[0];
	switch (input.source) {
		case 'openai':
			return result(openAiOption, false);
		case 'vscode':
			return result(firstVsCode, false);
		case 'auto':
			if (openAi && (openAi.hasKey || !openAi.isOpenAi)) {
				return result(openAiOption, false);
			}
			return firstVsCode ? result(firstVsCode, false) : result(undefined, false);
	}
}

/**
 * Whether the model `selectModel` picks (and what it finds missing) depends on the models VS
 * Code offers. When it does not, the caller need not ask VS Code, which may wake the extensions
 * that provide them.
 */
export function dependsOnVsCodeModels(input: Omit<ModelSelectionInput, 'vscodeModels'>): boolean {
	if (input.remembered?.startsWith('vscode:')) {
		return true;
	}
	if (input.sandbox) {
		return false;
	}
	const openAiConfigured = input.openAi !== undefined && (input.openAi.hasKey || !input.openAi.isOpenAi);
	return input.source === 'vscode' || (input.source === 'auto' && !openAiConfigured);
}

/** Reads `composio.model.source`; anything unknown is 'auto'. */
export function parseModelSource(value: unknown): ModelSource {
	return value === 'vscode' || value === 'openai' ? value : 'auto';
}

/** What the chat says when there is nothing to talk to. */
export function noModelMessage(): string {
	return l10n.t(
		'No model to talk to yet. Set an OpenAI API key (or point composio.openai.baseUrl at a server that needs none), sign in to a model provider in VS Code such as GitHub Copilot, or turn on the sandbox to try the agent with its scripted model.',
	);
}
