/**
 * Which `composio.*` settings a workspace may not set, and what a workspace's settings files
 * tried to set that the extension ignores. A repository someone clones carries its own
 * `.vscode/settings.json` (or a `.code-workspace` file): it must not send the user's keys to a
 * host of its own, turn approvals off or open the editor tools wider. Those settings are read
 * from the user's settings only (vscode/settings/userSettings.ts); this module names them and finds a
 * workspace's attempts, so the user can be told once. No `vscode`.
 */
import { isRecord } from './isRecord';

/**
 * Settings read from the user's settings only: where keys go (the endpoints, the sandbox), what
 * the agent may reach (the workbench, the editor tools, the tools offered to VS Code's agent).
 * A workspace value for any of them is never applied.
 */
export const USER_ONLY_SETTINGS: readonly string[] = [
	'composio.baseUrl',
	'composio.openai.baseUrl',
	'composio.sandbox',
	'composio.workbench.enabled',
	'composio.languageModelTools.enabled',
	'composio.editorTools.problems',
	'composio.editorTools.diff',
	'composio.editorTools.read',
	'composio.editorTools.find',
	'composio.editorTools.open',
	'composio.editorTools.edit',
];

/** The approval setting: a workspace may make it ask more, never less. */
export const APPROVAL_SETTING = 'composio.approval';

/** The `composio.approval` modes. */
export type ApprovalSettingMode = 'writes' | 'all' | 'never';

/** The `composio.approval` value; anything unknown is the safe default. */
export function approvalModeOf(value: unknown): ApprovalSettingMode {
	return value === 'all' || value === 'never' ? value : 'writes';
}

const STRICTNESS: Record<ApprovalSettingMode, number> = { never: 0, writes: 1, all: 2 };

/** The mode that asks more of the two. */
export function stricterApproval(a: ApprovalSettingMode, b: ApprovalSettingMode): ApprovalSettingMode {
	return STRICTNESS[b] > STRICTNESS[a] ? b : a;
}

/**
 * Parses JSON with comments and trailing commas, as VS Code's settings files allow. Returns
 * undefined when the text is not such JSON (a file being edited, say).
 */
export function parseJsonc(text: string): unknown {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === '"') {
			const start = i++;
			while (i < text.length && text[i] !== '"') {
				i += text[i] === '\\' ? 2 : 1;
			}
			out += text.slice(start, ++i);
		} else if (c === '/' && text[i + 1] === '/') {
			while (i < text.length && text[i] !== '\n') {
				i++;
			}
		} else if (c === '/' && text[i + 1] === '*') {
			const end = text.indexOf('*/', i + 2);
			i = end < 0 ? text.length : end + 2;
		} else {
			out += c;
			i++;
		}
	}
	try {
		return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as unknown;
	} catch {
		return undefined;
	}
}

/** The settings object of a settings file: `.vscode/settings.json` is one; a `.code-workspace` file holds one under `settings`. */
export function settingsOf(parsed: unknown, kind: 'folder' | 'workspaceFile'): Record<string, unknown> {
	const settings = kind === 'workspaceFile' && isRecord(parsed) ? parsed['settings'] : parsed;
	return isRecord(settings) ? settings : {};
}

/** The `composio.*` values in a settings object, by full name (dotted keys and nested objects both count). */
export function composioValues(settings: Record<string, unknown>): Map<string, unknown> {
	const known = new Set([...USER_ONLY_SETTINGS, APPROVAL_SETTING]);
	const values = new Map<string, unknown>();
	const walk = (obj: Record<string, unknown>, prefix: string): void => {
		for (const [key, value] of Object.entries(obj)) {
			const name = prefix ? `${prefix}.${key}` : key;
			if (known.has(name)) {
				values.set(name, value);
			} else if (isRecord(value) && [...known].some((k) => k.startsWith(`${name}.`))) {
				walk(value, name);
			}
		}
	};
	walk(settings, '');
	return values;
}

/** A workspace setting the extension ignores, and the file that set it. */
export interface IgnoredSetting {
	readonly setting: string;
	/** The file as the user knows it: `.vscode/settings.json`, `api/.vscode/settings.json`, `team.code-workspace`. */
	readonly file: string;
}

/** A workspace settings file and its parsed settings. */
export interface WorkspaceSettingsFile {
	readonly file: string;
	readonly settings: Record<string, unknown>;
}

/**
 * What the workspace's files set that is ignored: any user-only setting whose value differs from
 * what the user's settings give (`userValue`), and an approval mode that asks less than the user's.
 */
export function ignoredWorkspaceSettings(files: readonly WorkspaceSettingsFile[], userValue: (setting: string) => unknown): IgnoredSetting[] {
	const ignored: IgnoredSetting[] = [];
	for (const { file, settings } of files) {
		for (const [setting, value] of composioValues(settings)) {
			if (setting === APPROVAL_SETTING) {
				const user = approvalModeOf(userValue(setting));
				if (stricterApproval(user, approvalModeOf(value)) !== approvalModeOf(value)) {
					ignored.push({ setting, file });
				}
			} else if (JSON.stringify(value) !== JSON.stringify(userValue(setting))) {
				ignored.push({ setting, file });
			}
		}
	}
	return ignored;
}
