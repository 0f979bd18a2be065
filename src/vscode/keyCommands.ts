import type { SecretName, SecretStore } from '../common/secrets';
import type { UserPrompts } from './userPrompts';

interface KeyDescription {
	readonly title: string;
	readonly prompt: string;
	readonly placeholder: string;
}

const KEYS: Readonly<Record<SecretName, KeyDescription>> = {
	composioApiKey: {
		title: 'Composio API Key',
		prompt: "Paste your Composio API key (Composio dashboard → Settings → API Keys). It is kept in VS Code's secret storage, never in settings.",
		placeholder: 'ak_…',
	},
	openAiApiKey: {
		title: 'OpenAI API Key',
		prompt: "Paste your OpenAI API key (or the key of your OpenAI-compatible server). It is kept in VS Code's secret storage, never in settings.",
		placeholder: 'sk-…',
	},
};

/** Why a pasted key is refused, or undefined when it looks usable. */
export function validateApiKey(value: string): string | undefined {
	const trimmed = value.trim();
	if (trimmed.length === 0) {
		return 'Enter a key, or press Escape to cancel.';
	}
	if (/\s/.test(trimmed)) {
		return 'A key has no spaces or line breaks.';
	}
	if (trimmed.length < 8) {
		return 'That looks too short to be an API key.';
	}
	return undefined;
}

/**
 * Asks for an API key in a password box and stores it. Returns true when a key was stored,
 * false when the user cancelled.
 */
export async function promptForApiKey(name: SecretName, secrets: SecretStore, prompts: UserPrompts): Promise<boolean> {
	const d = KEYS[name];
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
	void prompts.info(`${d.title} saved in VS Code's secret storage.`);
	return true;
}

/** Asks for confirmation, then removes both stored keys. Returns true when they were cleared. */
export async function clearApiKeys(secrets: SecretStore, prompts: UserPrompts): Promise<boolean> {
	const choice = await prompts.confirm(
		'Clear the stored Composio and OpenAI API keys?',
		'They are removed from secret storage. Keys set through environment variables are not affected.',
		'Clear Keys',
	);
	if (choice !== 'Clear Keys') {
		return false;
	}
	await secrets.delete('composioApiKey');
	await secrets.delete('openAiApiKey');
	void prompts.info('API keys cleared.');
	return true;
}
