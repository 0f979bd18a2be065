import * as vscode from 'vscode';
import type { EnvironmentResolver } from '../settings/environment';
import type { ModelPickAction, ModelResolver } from './modelResolver';
import type { QuickPicker } from '../workbench/quickPicker';

/** What the model commands need. */
export interface ModelCommandDeps {
	readonly models: ModelResolver;
	readonly environment: EnvironmentResolver;
	picker(): QuickPicker;
	/** Carries out what the picker's extra entries ask for. */
	runAction(action: Exclude<ModelPickAction, 'openSettings'>): Promise<void>;
}

/** Composio: Choose Model… — the picker behind the chat header's model button. */
export async function chooseModel(deps: ModelCommandDeps): Promise<void> {
	const env = (await deps.environment.isSandbox()) ? 'sandbox' : await deps.environment.resolve();
	const action = await deps.models.pick(deps.picker(), env);
	if (action === 'openSettings') {
		await vscode.commands.executeCommand('workbench.action.openSettings', 'composio.model.source');
	} else if (action) {
		await deps.runAction(action);
	}
}

interface WayItem extends vscode.QuickPickItem {
	readonly run: () => Thenable<unknown>;
}

/**
 * Ways to get language models into VS Code, as far as this VS Code offers them: its own chat
 * setup (signs in to GitHub Copilot), its language model management, and the Marketplace's AI
 * extensions (many add models).
 */
export async function getModels(picker: QuickPicker): Promise<void> {
	const commands = new Set(await vscode.commands.getCommands(true));
	const ways: WayItem[] = [];
	if (commands.has('workbench.action.chat.triggerSetup')) {
		ways.push({ label: `$(copilot) ${vscode.l10n.t('Sign In to GitHub Copilot')}`, detail: vscode.l10n.t("VS Code's own setup: its models appear in Composio's model picker once you are signed in"), run: () => vscode.commands.executeCommand('workbench.action.chat.triggerSetup') });
	}
	if (commands.has('workbench.action.chat.manage')) {
		ways.push({ label: `$(settings-gear) ${vscode.l10n.t('Manage Language Models')}`, detail: vscode.l10n.t('Add models from providers VS Code knows, with your own keys'), run: () => vscode.commands.executeCommand('workbench.action.chat.manage') });
	}
	ways.push({ label: `$(extensions) ${vscode.l10n.t('Find Extensions That Add Models')}`, detail: vscode.l10n.t('The AI category of the extension gallery'), run: () => vscode.commands.executeCommand('workbench.extensions.search', '@category:"AI" language models') });
	const picked = await picker.pick(ways, { title: vscode.l10n.t('Get Language Models in VS Code'), placeHolder: vscode.l10n.t('Models other extensions add to VS Code can answer in the Composio chat') });
	await picked?.run();
}

/** Composio: Use the Sandbox — turns `composio.sandbox` on in the user's settings (the only place it is read from). */
export async function useSandbox(): Promise<void> {
	await vscode.workspace.getConfiguration('composio').update('sandbox', 'on', vscode.ConfigurationTarget.Global);
}
