/**
 * The editor tools of this window: the vscode-free toolbox (src/agent/editor/) over the VS Code
 * host, with the `composio.editorTools.*` switches. A front door hands the toolbox to the agent
 * loop in one line (`localTools: await editorTools.toolbox()`): the sidebar chat does it in
 * `Services.turnSetup`, and the `@composio` chat participant will do the same.
 *
 * Nothing heavy happens here: the toolbox (with its glob matching) comes from the agent bundle,
 * loaded the first time a turn needs it, and the tools touch the editor only when the model calls one.
 */
import type * as vscode from 'vscode';
import type * as agentRuntime from '../../agent/agentRuntime';
import type { EditorToolSwitches } from '../../agent/editor/editorTools';
import type { LocalToolbox } from '../../agent/localTools';
import { DisposableBase } from '../../common/disposable';
import { once } from '../../common/once';
import { EditProposals } from './editProposals';
import { userSetting, workspaceTrusted } from '../settings/userSettings';
import { VsCodeEditorHost } from './vsCodeEditorHost';

/**
 * The `composio.editorTools.*` settings for the tools `ids` (each defaults to on), from the user's
 * settings only (a workspace may not widen them). All off while the workspace is not trusted
 * (Restricted Mode): the tools read and edit the workspace's files. Read for every turn, so
 * granting trust turns them on for the next message.
 */
export function editorToolSwitches(ids: readonly string[], trusted: boolean = workspaceTrusted()): EditorToolSwitches {
	return Object.fromEntries(ids.map((id) => [id, trusted && userSetting<boolean>(`composio.editorTools.${id}`) !== false])) as unknown as EditorToolSwitches;
}

/** Owns the proposals (a content provider and tab listener) and the toolbox. */
export class EditorToolsProvider extends DisposableBase {
	/** Proposed edits shown as diffs: Apply and Discard go here. */
	readonly proposals: EditProposals;
	readonly host: VsCodeEditorHost;

	constructor(
		private readonly log: vscode.LogOutputChannel,
		private readonly loadAgent: () => Promise<typeof agentRuntime>,
	) {
		super();
		this.proposals = this._register(new EditProposals(log));
		this.host = new VsCodeEditorHost(this.proposals);
	}

	/** What the agent loop runs (`localTools`), built from the agent bundle the first time it is asked for. */
	readonly toolbox = once(async (): Promise<LocalToolbox> => {
		const { EditorTools, EDITOR_TOOL_IDS } = await this.loadAgent();
		return new EditorTools({ host: this.host, switches: () => editorToolSwitches(EDITOR_TOOL_IDS), logger: this.log });
	});
}
