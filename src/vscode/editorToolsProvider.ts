/**
 * The editor tools of this window: the vscode-free toolbox (src/agent/editor/) over the VS Code
 * host, with the `composio.editorTools.*` switches. A front door hands `toolbox` to the agent
 * loop in one line (`localTools: editorTools.toolbox`): the sidebar chat does it in
 * `Services.turnSetup`, and the `@composio` chat participant will do the same.
 *
 * Nothing heavy happens here: the tools touch the editor only when the model calls one.
 */
import * as vscode from 'vscode';
import { EDITOR_TOOL_IDS, EditorTools, type EditorToolSwitches } from '../agent/editor/editorTools';
import type { LocalToolbox } from '../agent/localTools';
import { DisposableBase } from '../common/disposable';
import { EditProposals } from './editProposals';
import { VsCodeEditorHost } from './vsCodeEditorHost';

/** The `composio.editorTools.*` settings (each defaults to on). */
export function editorToolSwitches(config: vscode.WorkspaceConfiguration = vscode.workspace.getConfiguration('composio.editorTools')): EditorToolSwitches {
	return Object.fromEntries(EDITOR_TOOL_IDS.map((id) => [id, config.get<boolean>(id) !== false])) as Record<(typeof EDITOR_TOOL_IDS)[number], boolean>;
}

/** Owns the proposals (a content provider and tab listener) and the toolbox. */
export class EditorToolsProvider extends DisposableBase {
	/** Proposed edits shown as diffs: Apply and Discard go here. */
	readonly proposals: EditProposals;
	readonly host: VsCodeEditorHost;
	/** What the agent loop runs (`localTools`). */
	readonly toolbox: LocalToolbox;

	constructor(log: vscode.LogOutputChannel) {
		super();
		this.proposals = this._register(new EditProposals(log));
		this.host = new VsCodeEditorHost(this.proposals);
		this.toolbox = new EditorTools({ host: this.host, switches: () => editorToolSwitches(), logger: log });
	}
}
