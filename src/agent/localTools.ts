/**
 * Local tools: tools that run in this process, next to the Composio session's tools, in the
 * same agent loop, with the same tool cards and the same approval gate. The editor tools
 * (src/agent/editor/) are the one toolbox today; a front door passes one to the loop with
 * `localTools: toolbox` (the sidebar chat through `TurnSetup.localTools`, and the `@composio`
 * chat participant the same way).
 *
 * Decision (see README, "Editor tools"): the loop adds these tools itself instead of binding
 * them to the Composio session as the SDK's experimental custom tools. The session is shared
 * (the connections view, the MCP config) and cached per user; these tools belong to one editor
 * window, change with its settings from one message to the next, and read files that should
 * reach only the model, never Composio's servers.
 */
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ToolAction } from './toolApproval';

/** What a local tool returned: like a Composio execution, `error` is the tool's own failure text. */
export interface LocalToolResult {
	readonly data: unknown;
	readonly error: string | null;
	/** The user said no (discarded a proposed edit): the card shows "Declined". */
	readonly declined?: boolean;
}

/** Options for one run of a local tool. */
export interface LocalToolRunOptions {
	/** Aborting (Stop) ends the run promptly; whatever waits for the user is withdrawn. */
	readonly signal: AbortSignal;
	/**
	 * True when the approval gate judged this call and let it run. Without a gate, actions the
	 * toolbox marked `sensitive` are refused rather than run unasked.
	 */
	readonly gated?: boolean;
}

/**
 * A set of tools that run in this process. Everything here is decided by the host from the
 * call the model asked for, never from what the model or a tool result says.
 */
export interface LocalToolbox {
	/** The tools offered for the next model call (switched-off tools are left out). */
	definitions(): readonly ChatCompletionTool[];
	/** True when `name` is one of this toolbox's tools, switched on or off. */
	owns(name: string): boolean;
	/**
	 * What the approval gate judges for a call: usually the call itself, marked `readOnly` when it
	 * only looks. Empty when the tool asks the user itself (an edit shown as a diff to apply).
	 */
	actionsOf(name: string, args: Readonly<Record<string, unknown>>): ToolAction[];
	/** A line for the tool card while the call runs (e.g. "Review the change in the editor"). */
	noteFor?(name: string, args: Readonly<Record<string, unknown>>): string | undefined;
	/**
	 * Lines for the system prompt: how to use these tools, and what the editor shows now. Asked
	 * once at the start of each run.
	 */
	promptSection(): string | undefined;
	/** Runs a call. Resolves with the tool's own failure in `error`; rejects only on abort. */
	run(name: string, args: Record<string, unknown>, options: LocalToolRunOptions): Promise<LocalToolResult>;
}
