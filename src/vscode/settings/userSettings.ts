/**
 * The one way the extension reads the settings a workspace may not set (common/workspaceSettings.ts):
 * from the user's settings and the defaults only. The manifest gives them `application` scope,
 * so VS Code ignores a workspace value too, but this holds even where VS Code would still show
 * or apply one (an older VS Code, a setting's scope changed later). `composio.approval` is the
 * one mixed case: a workspace may make it stricter, never looser.
 *
 * Also tells the user, once per setting and file, what a workspace's settings files tried to set
 * and was ignored (`WorkspaceSettingsNotice`).
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../common/disposable';
import {
	APPROVAL_SETTING,
	approvalModeOf,
	type ApprovalSettingMode,
	ignoredWorkspaceSettings,
	parseJsonc,
	settingsOf,
	stricterApproval,
	type WorkspaceSettingsFile,
} from '../../common/workspaceSettings';

/** What `inspect` tells of a setting: its value in each place it can be set. */
type Inspected<T> = { readonly globalValue?: T; readonly defaultValue?: T; readonly workspaceValue?: T; readonly workspaceFolderValue?: T } | undefined;

/**
 * What `inspect` said of each setting read, until the configuration changes. A turn reads the
 * same settings many times (each editor tool's switch, for its definitions, its prompt and each
 * call), and every read builds VS Code's whole configuration again; the change event comes before
 * anything can read the new values, so what is kept is never older than a fresh read.
 */
const inspected = new Map<string, Inspected<unknown>>();
let watching: vscode.Disposable | undefined;

function inspect<T>(name: string): Inspected<T> {
	watching ??= vscode.workspace.onDidChangeConfiguration(() => inspected.clear());
	if (!inspected.has(name)) {
		inspected.set(name, vscode.workspace.getConfiguration().inspect(name));
	}
	return inspected.get(name) as Inspected<T>;
}

/** A setting (full name, `composio.baseUrl`) from the user's settings, else its default; never a workspace's. */
export function userSetting<T>(name: string): T | undefined {
	const setting = inspect<T>(name);
	return setting?.globalValue ?? setting?.defaultValue;
}

/** `composio.approval`: the user's mode, or the workspace's where that one asks more. */
export function approvalSetting(): ApprovalSettingMode {
	const inspected = inspect<unknown>(APPROVAL_SETTING);
	const user = approvalModeOf(inspected?.globalValue ?? inspected?.defaultValue);
	const workspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
	return workspace === undefined ? user : stricterApproval(user, approvalModeOf(workspace));
}

/** True while the editor tools may read and edit files: the workspace is trusted. */
export function workspaceTrusted(): boolean {
	return vscode.workspace.isTrusted;
}

const SHOWN_KEY = 'composio.ignoredWorkspaceSettingsShown';

/** The workspace's settings files, read and parsed (files that are missing or unreadable are skipped). */
async function workspaceSettingsFiles(): Promise<WorkspaceSettingsFile[]> {
	const files: WorkspaceSettingsFile[] = [];
	const read = async (uri: vscode.Uri, file: string, kind: 'folder' | 'workspaceFile'): Promise<void> => {
		try {
			const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
			files.push({ file, settings: settingsOf(parseJsonc(text), kind) });
		} catch {
			// No such file: nothing set there.
		}
	};
	const folders = vscode.workspace.workspaceFolders ?? [];
	for (const folder of folders) {
		await read(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'), folders.length > 1 ? `${folder.name}/.vscode/settings.json` : '.vscode/settings.json', 'folder');
	}
	const workspaceFile = vscode.workspace.workspaceFile;
	if (workspaceFile && workspaceFile.scheme !== 'untitled') {
		await read(workspaceFile, workspaceFile.path.split('/').pop() ?? workspaceFile.path, 'workspaceFile');
	}
	return files;
}

/**
 * Tells the user once (per setting and file, remembered in the workspace state) which settings a
 * workspace's files set that the extension ignored. Checks at startup and whenever settings or
 * the folders change.
 */
export class WorkspaceSettingsNotice extends DisposableBase {
	private checking: Promise<void> = Promise.resolve();

	constructor(
		private readonly state: vscode.Memento,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('composio') && this.check()));
		this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.check()));
	}

	/** Looks again (checks run one after another); resolves once this one is done. */
	check(): Promise<void> {
		this.checking = this.checking.then(() => this.checkNow()).catch((e: unknown) => this.log.warn(`Checking the workspace's settings failed: ${e instanceof Error ? e.message : String(e)}`));
		return this.checking;
	}

	private async checkNow(): Promise<void> {
		const ignored = ignoredWorkspaceSettings(await workspaceSettingsFiles(), (name) => userSetting(name));
		const shown = new Set(this.state.get<string[]>(SHOWN_KEY) ?? []);
		const fresh = ignored.filter((i) => !shown.has(`${i.file}\n${i.setting}`));
		if (fresh.length === 0) {
			return;
		}
		for (const i of fresh) {
			shown.add(`${i.file}\n${i.setting}`);
		}
		await this.state.update(SHOWN_KEY, [...shown]);
		const byFile = new Map<string, string[]>();
		for (const i of fresh) {
			byFile.set(i.file, [...(byFile.get(i.file) ?? []), i.setting]);
		}
		for (const [file, settings] of byFile) {
			this.log.warn(`Ignored workspace settings from ${file}: ${settings.join(', ')}.`);
			void vscode.window.showWarningMessage(
				vscode.l10n.t(
					'Composio Agent ignored settings from this workspace ({0}): {1}. Where your keys go, approvals, the workbench and the editor tools come only from your user settings.',
					file,
					settings.join(', '),
				),
			);
		}
	}
}
