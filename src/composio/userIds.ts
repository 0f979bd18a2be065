/**
 * The Composio user id this editor acts as. One per workspace, kept in secret storage under a
 * key namespaced by the workspace (secret storage is per extension, not per workspace).
 * Everything here is pure; the VS Code side supplies the workspace identity and the store.
 */
import * as l10n from '@vscode/l10n';
import { createHash, randomBytes } from 'node:crypto';

/** Longest user id accepted. */
export const MAX_USER_ID_LENGTH = 128;

const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+:-]*$/;

/** A fresh random, URL-safe user id, e.g. `vscode-3f9K…`. */
export function generateUserId(): string {
	return `vscode-${randomBytes(12).toString('base64url')}`;
}

/** Why a user id is refused, or undefined when it is acceptable. */
export function validateUserId(value: string): string | undefined {
	const id = value.trim();
	if (id.length === 0) {
		return l10n.t('Enter a user id, or press Escape to cancel.');
	}
	if (id.length > MAX_USER_ID_LENGTH) {
		return l10n.t('A user id has at most {0} characters.', MAX_USER_ID_LENGTH);
	}
	if (!USER_ID_PATTERN.test(id)) {
		return l10n.t('Use letters, digits and . _ @ + : - only, starting with a letter or digit (an email address works).');
	}
	return undefined;
}

/**
 * The secret-storage key for a workspace's user id. `workspace` identifies the workspace (its
 * folder or .code-workspace URI); undefined means a window without a folder, which shares one
 * default id.
 */
export function userIdSecretKey(workspace: string | undefined): string {
	if (workspace === undefined) {
		return 'composio.userId:default';
	}
	const digest = createHash('sha256').update(workspace).digest('base64url').slice(0, 22);
	return `composio.userId:${digest}`;
}
