/**
 * The shape of the scripted model's scripts (scripts/*.ts) and of what the interpreter
 * (scriptInterpreter.ts) reads and answers. Types only.
 *
 * A script is data: the task messages it takes (`when`), and the first step of its answer
 * (`start`). A step either says something, calls a tool and goes on from its result, acts on an
 * app through Composio (the connection check, the Connect Link and the app tool are the
 * interpreter's), or hands out a Connect Link. What only code can say (an answer built from a tool
 * result, a title read from the request) is a small named function beside the script.
 */

/** What the scripted model says next. */
export type ScriptedTurn =
	| { type: 'text'; text: string }
	| { type: 'toolCall'; name: string; arguments: Record<string, unknown> };

/** A tool offered in the request, reduced to what the scripts look at. */
export interface ScriptedToolSpec {
	name: string;
	parameters?: unknown;
}

/** The part of a Chat Completions request the scripts read. */
export interface ScriptInput {
	/** Raw `messages` from the request body; checked by the interpreter, never trusted. */
	messages: unknown[];
	tools: ScriptedToolSpec[];
}

/** The apps the scripts act on, by their Composio toolkit slug. */
export type Toolkit = 'gmail' | 'github' | 'slack' | 'linear' | 'hackernews' | 'posthog' | 'shopify';

/** A fenced code block of the task message. */
export interface CodeBlock {
	lang: string;
	code: string;
}

/** The task message (the last user message that asks for something) as the scripts read it. */
export interface TaskRequest {
	/** The message as sent. */
	text: string;
	/** Without its code blocks, whitespace collapsed, trimmed. */
	plain: string;
	/** `plain` in lower case: what `When` patterns are tested against. */
	lower: string;
	/** Its fenced code blocks. */
	code: CodeBlock[];
	/** Names of the tools offered. */
	tools: ReadonlySet<string>;
	/** The file the system prompt says the active editor shows. */
	activeFile?: string;
}

/** Which task messages a script takes. Every condition given must hold; `{}` takes any. */
export interface When {
	/** Patterns that must all match `lower`. */
	all?: readonly RegExp[];
	/** Patterns of which at least one must match `lower`. */
	any?: readonly RegExp[];
	/** Patterns none of which may match `lower`. */
	none?: readonly RegExp[];
	/** Tools the request must offer. */
	tools?: readonly string[];
	/** True: the message must carry a fenced code block. */
	code?: boolean;
}

/** A tool's result as the scripts read it: Composio's `{data, error}`, other JSON, or plain text. */
export interface ToolResult {
	ok: boolean;
	/** `data` of a Composio result, else the parsed JSON or the text. */
	payload: unknown;
	error?: string;
}

/** An action on an app through Composio: which tool with which arguments, and how to tell the user. */
export interface AppAction {
	toolkit: Toolkit;
	tool: string;
	args: Record<string, unknown>;
	/** Finishes "I'll … once it's connected", e.g. "fetch your latest emails and summarize them". */
	purpose: string;
	/** The answer built from the tool's result. */
	render: (payload: unknown) => string;
}

/** Answer with this text. */
export interface SayStep {
	say: string;
}

/**
 * Call a tool, wait for its result, and go on with the step `then` makes of it. Each call step
 * takes the first result of that tool after the task that no earlier step took.
 */
export interface CallStep {
	call: string;
	args: Record<string, unknown>;
	/** When set, a failed result is answered "I couldn't <failed>: <error>" and `then` sees only successes. */
	failed?: string;
	then: (result: ToolResult) => Step;
}

/**
 * Run `app.tool` on a connected account: COMPOSIO_MANAGE_CONNECTIONS first when the session has
 * it, a Connect Link when the app is not connected, then the tool (directly, or through
 * COMPOSIO_MULTI_EXECUTE_TOOL), then `app.render` of its result or an explanation of its error.
 */
export interface AppStep {
	app: AppAction;
}

/** Hand out a Connect Link for (another account of) an app, then say when it is connected. */
export interface ConnectStep {
	connect: Toolkit;
	another: boolean;
}

/** One step of a script's answer. */
export type Step = SayStep | CallStep | AppStep | ConnectStep;

/** One scripted conversation: the tasks it takes and how it answers them. */
export interface Script {
	/** Its name, for readers and tests. */
	name: string;
	when: When;
	/** The first step for a task `when` took. Pure: the same request always gets the same step. */
	start: (request: TaskRequest) => Step;
}
