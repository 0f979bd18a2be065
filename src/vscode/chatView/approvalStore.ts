import type * as vscode from 'vscode';
import type { AlwaysAllowedStore } from '../../agent/toolApproval';

const KEY = 'composio.alwaysAllowedTools';

/**
 * "Always allow this tool" answers, in the extension's global state: they hold across
 * workspaces and restarts (tool slugs only; nothing secret). Viewable and clearable with
 * "Composio: Manage Always-Allowed Tools".
 */
export class GlobalStateAlwaysAllowedStore implements AlwaysAllowedStore {
	constructor(private readonly state: vscode.Memento) {}

	list(): readonly string[] {
		const value = this.state.get<unknown>(KEY);
		return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').sort() : [];
	}

	async add(tool: string): Promise<void> {
		const tools = new Set(this.list());
		tools.add(tool);
		await this.state.update(KEY, [...tools].sort());
	}

	async remove(tool: string): Promise<void> {
		await this.state.update(KEY, this.list().filter((t) => t !== tool));
	}

	async clear(): Promise<void> {
		await this.state.update(KEY, []);
	}
}
