import * as vscode from 'vscode';
import { validateUserId } from '../../composio/userIds';
import type { UserIdStore } from './userIdStore';
import type { UserPrompts } from '../workbench/userPrompts';

/** Shows this workspace's user id with a Copy button. Resolves to the id shown. */
export async function showUserId(store: UserIdStore, prompts: UserPrompts): Promise<string> {
	const id = await store.get();
	const copy = vscode.l10n.t('Copy');
	const change = vscode.l10n.t('Change…');
	const choice = await prompts.info(vscode.l10n.t('Composio user id for this workspace: {0}', id), copy, change);
	if (choice === copy) {
		await vscode.env.clipboard.writeText(id);
	} else if (choice === change) {
		await setUserId(store, prompts);
	}
	return id;
}

/** Asks for a new user id (validated) and stores it. Resolves to the new id, or undefined when cancelled. */
export async function setUserId(store: UserIdStore, prompts: UserPrompts): Promise<string | undefined> {
	const current = await store.get();
	const value = await prompts.inputBox({
		title: vscode.l10n.t('Composio User ID'),
		prompt: vscode.l10n.t('The id Composio knows this workspace by. Accounts you connect belong to it; another id sees other accounts.'),
		value: current,
		ignoreFocusOut: true,
		validateInput: validateUserId,
	});
	if (value === undefined || validateUserId(value) !== undefined || value.trim() === current) {
		return undefined;
	}
	await store.set(value);
	void prompts.info(vscode.l10n.t('Composio user id set to {0}.', value.trim()));
	return value.trim();
}

/** After confirmation, replaces the user id with a new random one. Resolves to it, or undefined when cancelled. */
export async function resetUserId(store: UserIdStore, prompts: UserPrompts): Promise<string | undefined> {
	const reset = vscode.l10n.t('Reset');
	const choice = await prompts.confirm(
		vscode.l10n.t('Reset the Composio user id for this workspace?'),
		vscode.l10n.t('A new random id is generated. Accounts connected under the old id stay in Composio but are no longer used here.'),
		reset,
	);
	if (choice !== reset) {
		return undefined;
	}
	const id = await store.reset();
	void prompts.info(vscode.l10n.t('New Composio user id: {0}', id));
	return id;
}
