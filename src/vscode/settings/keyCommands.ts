import * as vscode from 'vscode';
import type { SecretName, SecretStore } from '../../common/secrets';
import type { UserPrompts } from '../workbench/userPrompts';

interface KeyDescription {
	readonly title: string;
	readonly prompt: string;
	readonly placeholder: string;
}

function describeKey(name: SecretName): KeyDescription {
	switch (name) {
		case 'composioApiKey':
			return {
				title: vscode.l10n.t('Composio API Key'),
				prompt: vscode.l10n.t("Paste your Composio API key (Composio dashboard → Settings → API Keys). It is kept in VS Code's secret storage, never in settings."),
				placeholder: 'ak_…',
			};
		case 'openAiApiKey':
			return {
				title: vscode.l10n.t('OpenAI API Key'),
				prompt: vscode.l10n.t("Paste your OpenAI API key (or the key of your OpenAI-compatible server). It is kept in VS Code's secret storage, never in settings."),
				placeholder: 'sk-…',
			};
	}
}

/** Why a pasted key is refused, or undefined when it looks usable. */
export function validateApiKey(value: string): string | undefined {
	const trimmed = value.trim();
	if (trimmed.length === 0) {
		return vscode.l10n.t('Enter a key, or press Escape to cancel.');
	}
	if (/\s/.test(trimmed)) {
		return vscode.l10n.t('A key has no spaces or line breaks.');
	}
	if (trimmed.length < 8) {
		return vscode.l10n.t('That looks too short to be an API key.');
	}
	return undefined;
}

/**
 * Asks for an API key in a password box and stores it. Returns true when a key was stored,
 * false when the user cancelled.
 */
export async function promptForApiKey(name: SecretName, secrets: SecretStore, prompts: UserPrompts): Promise<boolean> {
	const d = describeKey(name);
	const value = await prompts.inputBox({
		title: d.title,
		prompt: d.prompt,
		placeHolder: d.placeholder,
		password: true,
		ignoreFocusOut: true,
		validateInput: validateApiKey,
	});
	if (value === undefined || validateApiKey(value) !== undefined) {
		return false;
	}
	await secrets.set(name, value.trim());
	void prompts.info(vscode.l10n.t("{0} saved in VS Code's secret storage.", d.title));
	return true;
}

/** Asks for confirmation, then removes both stored keys. Returns true when they were cleared. */
export async function clearApiKeys(secrets: SecretStore, prompts: UserPrompts): Promise<boolean> {
	const clear = vscode.l10n.t('Clear Keys');
	const choice = await prompts.confirm(
		vscode.l10n.t('Clear the stored Composio and OpenAI API keys?'),
		vscode.l10n.t('They are removed from secret storage. Keys set through environment variables are not affected.'),
		clear,
	);
	if (choice !== clear) {
		return false;
	}
	await secrets.delete('composioApiKey');
	await secrets.delete('openAiApiKey');
	void prompts.info(vscode.l10n.t('API keys cleared.'));
	return true;
}
