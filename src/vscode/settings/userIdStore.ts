import * as vscode from 'vscode';
import { Emitter } from '../../common/emitter';
import type { SecretStore } from '../../common/secrets';
import { generateUserId, userIdSecretKey, validateUserId } from '../../composio/userIds';

/** The identity of the open workspace: its .code-workspace file, else its first folder, else none. */
export function currentWorkspaceIdentity(): string | undefined {
	const file = vscode.workspace.workspaceFile;
	if (file && file.scheme !== 'untitled') {
		return file.toString();
	}
	return vscode.workspace.workspaceFolders?.[0]?.uri.toString();
}

/**
 * The per-workspace Composio user id, in secret storage. Generated on first use; changing it
 * fires `onDidChange` so whoever caches a session for the old id can drop it.
 */
export class UserIdStore implements vscode.Disposable {
	private readonly changeEmitter = new Emitter<string>();
	/** Fires with the new id after it is set or reset. */
	readonly onDidChange = this.changeEmitter.event;
	private pending: Promise<string> | undefined;

	constructor(
		private readonly secrets: SecretStore,
		private readonly workspace: () => string | undefined = currentWorkspaceIdentity,
	) {}

	private get key(): string {
		return userIdSecretKey(this.workspace());
	}

	/** The id for this workspace, generating and storing one the first time. */
	get(): Promise<string> {
		// Concurrent first calls must agree on one generated id.
		this.pending ??= this.load().finally(() => (this.pending = undefined));
		return this.pending;
	}

	private async load(): Promise<string> {
		const existing = await this.secrets.getRaw(this.key);
		if (existing && validateUserId(existing) === undefined) {
			return existing;
		}
		const id = generateUserId();
		await this.secrets.setRaw(this.key, id);
		return id;
	}

	/** Stores a new id for this workspace. Throws when it is not valid. */
	async set(id: string): Promise<void> {
		const problem = validateUserId(id);
		if (problem) {
			throw new Error(problem);
		}
		const trimmed = id.trim();
		// A first read under way may be about to store a generated id: let it finish, so it cannot overwrite this one.
		await this.pending?.catch(() => undefined);
		await this.secrets.setRaw(this.key, trimmed);
		this.changeEmitter.fire(trimmed);
	}

	/** Replaces this workspace's id with a freshly generated one and returns it. */
	async reset(): Promise<string> {
		await this.pending?.catch(() => undefined);
		const id = generateUserId();
		await this.secrets.setRaw(this.key, id);
		this.changeEmitter.fire(id);
		return id;
	}

	dispose(): void {
		this.changeEmitter.dispose();
	}
}
