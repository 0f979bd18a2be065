/**
 * The brain of the scripted sandbox model: a deterministic state machine over an OpenAI Chat
 * Completions conversation. Given the messages and the offered tools it decides the next
 * assistant turn (a text answer or one tool call). No I/O, no clocks, no randomness: the same
 * conversation always gets the same answer.
 *
 * How it decides:
 * 1. The task is the last user message that asks for something. Short continuations ("done",
 *    "ok", "I've connected Gmail, continue") do not start a task; they continue the one before.
 * 2. The task is classified into a script (email summary, GitHub issue, Slack message, list
 *    reads, code answer, help).
 * 3. For scripts that act on an app, the tool calls and results after the task give the state:
 *    nothing yet → COMPOSIO_MANAGE_CONNECTIONS; 'initiated' with a link → ask the user to
 *    connect; 'active' or a continuation after connecting → the app tool; its result → an
 *    answer built from that result; an error result → an explanation of the error.
 */
import { EDITOR_TOOL_NAMES } from '../../common/editorToolNames';
import { isRecord } from '../../common/isRecord';

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
	/** Raw `messages` from the request body; checked here, never trusted. */
	messages: unknown[];
	tools: ScriptedToolSpec[];
}

/** The meta tool that checks and starts connections. */
export const MANAGE_CONNECTIONS = 'COMPOSIO_MANAGE_CONNECTIONS';
/** The meta tool that runs app tools when they are not offered directly. */
export const MULTI_EXECUTE = 'COMPOSIO_MULTI_EXECUTE_TOOL';

/** Repository the GitHub scripts act on. */
export const SANDBOX_REPO = { owner: 'acme', repo: 'webapp' } as const;

type Toolkit = 'gmail' | 'github' | 'slack' | 'linear';

const TOOLKIT_NAMES: Record<Toolkit, string> = { gmail: 'Gmail', github: 'GitHub', slack: 'Slack', linear: 'Linear' };

// ---------------------------------------------------------------------------------------------
// Conversation model

interface ToolCallInfo {
	id: string;
	name: string;
	args: Record<string, unknown>;
}

type Message =
	| { role: 'system'; text: string }
	| { role: 'user'; text: string }
	| { role: 'assistant'; text: string; toolCalls: ToolCallInfo[] }
	| { role: 'tool'; toolCallId: string; text: string };

/** A tool call after the task together with its result, if one came back. */
interface Step {
	/** The app tool's slug; for MULTI_EXECUTE calls, the slug it ran. */
	name: string;
	args: Record<string, unknown>;
	result?: ToolOutcome;
}

interface ToolOutcome {
	ok: boolean;
	payload: unknown;
	error?: string;
}

/** Text of a message `content`, which may be a string or an array of parts. */
function contentText(content: unknown): string {
	if (typeof content === 'string') {
		return content;
	}
	if (Array.isArray(content)) {
		return content
			.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : ''))
			.join('');
	}
	return '';
}

function parseJsonObject(text: string): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(text);
		return isRecord(value) ? value : {};
	} catch {
		return {};
	}
}

function normalizeMessages(raw: unknown[]): Message[] {
	const out: Message[] = [];
	for (const m of raw) {
		if (!isRecord(m)) {
			continue;
		}
		const text = contentText(m['content']);
		switch (m['role']) {
			case 'system':
			case 'developer':
				out.push({ role: 'system', text });
				break;
			case 'user':
				out.push({ role: 'user', text });
				break;
			case 'assistant': {
				const toolCalls: ToolCallInfo[] = [];
				const calls = m['tool_calls'];
				if (Array.isArray(calls)) {
					for (const c of calls) {
						if (!isRecord(c) || !isRecord(c['function'])) {
							continue;
						}
						const fn = c['function'];
						toolCalls.push({
							id: typeof c['id'] === 'string' ? c['id'] : '',
							name: typeof fn['name'] === 'string' ? fn['name'] : '',
							args: typeof fn['arguments'] === 'string' ? parseJsonObject(fn['arguments']) : {},
						});
					}
				}
				out.push({ role: 'assistant', text, toolCalls });
				break;
			}
			case 'tool':
				out.push({ role: 'tool', toolCallId: typeof m['tool_call_id'] === 'string' ? m['tool_call_id'] : '', text });
				break;
			default:
				break;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Tool results

const NOT_CONNECTED = /not connected|no (?:active )?(?:connected )?(?:account|connection)|COMPOSIO_MANAGE_CONNECTIONS|connect (?:it|the toolkit|your account) first/i;

/** Reads a tool message: `{data, error}` JSON (the Composio shape), other JSON, or plain text. */
function parseToolResult(text: string): ToolOutcome {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		const trimmed = text.trim();
		if (/^(error|failed|tool error)\b/i.test(trimmed) || NOT_CONNECTED.test(trimmed)) {
			return { ok: false, payload: undefined, error: trimmed.replace(/^error:\s*/i, '') };
		}
		return { ok: true, payload: trimmed };
	}
	return outcomeOf(value, 0);
}

function outcomeOf(value: unknown, depth: number): ToolOutcome {
	if (!isRecord(value)) {
		return { ok: true, payload: value };
	}
	// COMPOSIO_MULTI_EXECUTE_TOOL wraps each run as {data: {results: [{response: {data, error}}]}, error: "1 out of 1 tools failed"};
	// the inner response says what really happened.
	const inner = value['data'];
	if (depth < 2 && isRecord(inner) && Array.isArray(inner['results']) && inner['results'].length === 1) {
		const only: unknown = inner['results'][0];
		if (isRecord(only) && isRecord(only['response'])) {
			return outcomeOf(only['response'], depth + 1);
		}
	}
	const error = errorText(value['error']);
	if (error) {
		return { ok: false, payload: value['data'], error };
	}
	if (value['successful'] === false || value['success'] === false) {
		return { ok: false, payload: value['data'], error: 'The tool reported a failure without details.' };
	}
	return { ok: true, payload: 'data' in value ? value['data'] : value };
}

function errorText(error: unknown): string | undefined {
	if (typeof error === 'string') {
		return error.trim().length > 0 ? error.trim() : undefined;
	}
	if (isRecord(error)) {
		const message = error['message'];
		return typeof message === 'string' && message.length > 0 ? message : 'The tool reported an error.';
	}
	return undefined;
}

interface ConnectionState {
	status: string;
	link?: string;
	aliases: string[];
}

/** Reads COMPOSIO_MANAGE_CONNECTIONS output for one toolkit: `{results: {<toolkit>: {status, redirect_url, accounts}}}`. */
function connectionState(payload: unknown, toolkit: Toolkit): ConnectionState | undefined {
	if (!isRecord(payload)) {
		return undefined;
	}
	let entry: unknown = payload;
	const results = payload['results'];
	if (isRecord(results)) {
		const key = Object.keys(results).find((k) => k.toLowerCase() === toolkit);
		entry = key === undefined ? undefined : results[key];
	} else if (Array.isArray(results)) {
		entry = results.find((r) => isRecord(r) && typeof r['toolkit'] === 'string' && r['toolkit'].toLowerCase() === toolkit);
	}
	if (!isRecord(entry)) {
		return undefined;
	}
	const status = typeof entry['status'] === 'string' ? entry['status'].toLowerCase() : '';
	const direct = entry['redirect_url'] ?? entry['redirectUrl'];
	const link = typeof direct === 'string' ? direct : findUrl(entry);
	const aliases: string[] = [];
	if (Array.isArray(entry['accounts'])) {
		for (const a of entry['accounts']) {
			if (isRecord(a) && typeof a['alias'] === 'string' && a['alias'].length > 0) {
				aliases.push(a['alias']);
			}
		}
	}
	return { status, aliases, ...(link ? { link } : {}) };
}

function findUrl(value: unknown, depth = 0): string | undefined {
	if (typeof value === 'string') {
		return /^https?:\/\/\S+$/.test(value) ? value : undefined;
	}
	if (depth > 3) {
		return undefined;
	}
	const children = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
	for (const child of children) {
		const url = findUrl(child, depth + 1);
		if (url) {
			return url;
		}
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading tool payloads

const LIST_KEYS = ['messages', 'emails', 'items', 'issues', 'channels', 'nodes', 'results', 'data'];

/** The list of records in a payload: the payload itself, a well-known key, or the first array of objects. */
function findRecords(payload: unknown, depth = 0): Record<string, unknown>[] {
	if (Array.isArray(payload)) {
		return payload.filter(isRecord);
	}
	if (!isRecord(payload) || depth > 3) {
		return [];
	}
	for (const key of LIST_KEYS) {
		const value = payload[key];
		if (Array.isArray(value) || isRecord(value)) {
			const found = findRecords(value, depth + 1);
			if (found.length > 0 || Array.isArray(value)) {
				return found;
			}
		}
	}
	for (const value of Object.values(payload)) {
		if (Array.isArray(value) && value.some(isRecord)) {
			return value.filter(isRecord);
		}
	}
	return [];
}

/** The first non-empty string among the given fields (dotted paths allowed). */
function pick(record: Record<string, unknown>, ...paths: string[]): string | undefined {
	for (const path of paths) {
		let value: unknown = record;
		for (const key of path.split('.')) {
			value = isRecord(value) ? value[key] : undefined;
		}
		if (typeof value === 'string' && value.trim().length > 0) {
			return value.trim();
		}
		if (typeof value === 'number') {
			return String(value);
		}
		if (isRecord(value)) {
			const named = pick(value, 'name', 'email', 'login', 'title');
			if (named) {
				return named;
			}
		}
	}
	return undefined;
}

/** A one-line gist: the first sentence, cut to a readable length. */
function gist(text: string | undefined): string | undefined {
	if (!text) {
		return undefined;
	}
	// Skip a greeting such as "Hi," or "Hello team," so the gist starts with the point.
	const flat = text.replace(/\s+/g, ' ').trim().replace(/^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,.!:]{0,30}[,!:]\s*/i, '');
	const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
	return sentence.length > 120 ? `${sentence.slice(0, 117).trimEnd()}…` : sentence;
}

/** Plain text for markdown contexts: no newlines, no stray emphasis markers. */
function inline(text: string): string {
	return text.replace(/\s+/g, ' ').replace(/[*_`]/g, '').trim();
}

// ---------------------------------------------------------------------------------------------
// Tasks

/** An app action: which tool to run with which arguments, and how to tell the user about it. */
interface AppTask {
	kind: 'app';
	toolkit: Toolkit;
	tool: string;
	args: Record<string, unknown>;
	/** Finishes "I'll … once it's connected", e.g. "fetch your latest emails". */
	purpose: string;
	render(payload: unknown): string;
}

/**
 * A task that looks at the editor first: one editor tool call, then what to do with its result
 * (an app task built from it, or an answer).
 */
interface EditorTask {
	kind: 'editor';
	tool: string;
	args: Record<string, unknown>;
	next(outcome: ToolOutcome): AppTask | string;
}

/** "Connect (another) Gmail account": a Connect Link, nothing else. */
interface ConnectTask {
	kind: 'connect';
	toolkit: Toolkit;
	/** Another account of an app that may be connected already. */
	another: boolean;
}

type Task = AppTask | EditorTask | ConnectTask | { kind: 'code'; request: string; code: CodeBlock[] } | { kind: 'help' } | { kind: 'text'; text: string };

interface CodeBlock {
	lang: string;
	code: string;
}

const CODE_BLOCK = /```([\w+#.-]*)[^\n]*\n([\s\S]*?)```/g;

function codeBlocks(text: string): CodeBlock[] {
	return [...text.matchAll(CODE_BLOCK)].map((m) => ({ lang: m[1] ?? '', code: (m[2] ?? '').replace(/\n$/, '') }));
}

function withoutCode(text: string): string {
	return text.replace(CODE_BLOCK, ' ').replace(/\s+/g, ' ').trim();
}

const TASK_WORDS = /\b(summari[sz]e|create|open|file|raise|post|send|list|show|write|explain|fetch|read|check|draft|what|which|how|tell|find|get|review|refactor|help)\b/i;
const CONTINUATION = /^(?:ok(?:ay)?|done|yes|yep|yeah|sure|continue|go ahead|go on|proceed|finished|all set|ready|retry|try again|connected|thanks|thank you|great|perfect)\b|^i(?:'ve|’ve| have)?\s+(?:now\s+|just\s+)?(?:connected|authori[sz]ed|linked|finished|done|logged in|signed in|completed)\b/i;

/** True for replies that carry on the previous task instead of asking something new. */
export function isContinuation(text: string): boolean {
	const plain = text.trim();
	if (plain.length === 0 || plain.length > 160 || codeBlocks(plain).length > 0) {
		return false;
	}
	if (CONTINUATION.test(plain) && !TASK_WORDS.test(plain.replace(CONTINUATION, ''))) {
		return true;
	}
	return /\b(continue|carry on|go ahead|try again)\b/i.test(plain) && !TASK_WORDS.test(plain);
}

// Single quotes count only around words, so apostrophes ("user's") are not mistaken for quotes.
const QUOTED = /"([^"\n]{2,200})"|“([^”\n]{2,200})”|(?:^|\s)'([^'\n]{2,200})'(?=$|[\s.,!?:;])|‘([^’\n]{2,200})’/;

function quoted(text: string): string | undefined {
	const m = QUOTED.exec(text);
	return m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
}

function capitalize(text: string): string {
	return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : text;
}

function tidyPhrase(text: string): string {
	return text
		.replace(/\s+(?:with|including|and (?:attach|include))\s+(?:the\s+|this\s+|my\s+)?(?:selected\s+|attached\s+|current\s+)?(?:code|snippet|selection|file|context)\b.*$/i, '')
		.replace(/\s+(?:in|on|to)\s+(?:the\s+)?(?:github|repo(?:sitory)?|[\w.-]+\/[\w.-]+)\b.*$/i, '')
		.replace(/\s+(?:on|in|to)\s+(?:slack|linear)\b.*$/i, '')
		.replace(/[\s.!?:;,]+$/, '')
		.trim();
}

/** The issue title: quoted text, else the words after "titled"/"called"/"about"/"for". */
function titleFrom(request: string): string | undefined {
	const q = quoted(request);
	if (q) {
		return q.trim();
	}
	const m = /\b(?:titled|called|named)\s+(.+)$/i.exec(request) ?? /\b(?:about|for|saying|that says|regarding)\s+(.+)$/i.exec(request);
	const phrase = m?.[1] ? tidyPhrase(m[1]) : '';
	return phrase.length > 0 ? capitalize(phrase) : undefined;
}

function repoFrom(request: string): { owner: string; repo: string } {
	const m = /\b(?:in|on|to|for)\s+(?:the\s+)?(?:repo(?:sitory)?\s+)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)/.exec(request);
	return m?.[1] && m[2] ? { owner: m[1], repo: m[2] } : { ...SANDBOX_REPO };
}

function channelFrom(request: string): string {
	const m = /#([A-Za-z0-9_-]+)/.exec(request) ?? /\bchannel\s+([A-Za-z0-9_-]+)/i.exec(request);
	return m?.[1] ?? 'general';
}

/** The Slack message text: quoted text, else the words between the verb and "to #channel". */
function slackTextFrom(request: string): string {
	const q = quoted(request);
	if (q) {
		return q.trim();
	}
	const saying =
		/\b(?:saying|that says|with the text|the message)\s*:?\s+(.+)$/i.exec(request) ??
		/\b(?:slack|#[\w-]+|channel)\s+(?:that|:)\s*(.+)$/i.exec(request) ??
		/:\s+(.+)$/.exec(request);
	const said = saying?.[1] ? tidyPhrase(saying[1].replace(/\s+(?:to|in|on)\s+(?:#[\w-]+|slack)\s*$/i, '')) : '';
	if (said.length > 0) {
		return capitalize(said);
	}
	const between = /\b(?:post|send|share|say|tell)\s+(.+?)\s+(?:to|in|on)\s+(?:#|slack|the\s+#?[\w-]+\s+channel|channel)/i.exec(request);
	const text = between?.[1]?.replace(/^(?:a\s+message|message|this)\s*/i, '').trim();
	return text && text.length > 0 ? capitalize(text) : 'Hello from the Composio Agent sandbox!';
}

/** The Linear team key named in the request ("for the DES team", "in ENG"), else ENG. */
function linearTeamFrom(request: string): string {
	return /\b(?:team|in|for)\s+([A-Z]{2,5})\b/.exec(request)?.[1] ?? /\b([A-Z]{2,5})\s+team\b/.exec(request)?.[1] ?? 'ENG';
}

function emailAddress(request: string): string | undefined {
	return /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(request)?.[0];
}

function issueBody(request: string, code: CodeBlock[]): string {
	const parts = [`Requested from the Composio Agent chat: "${withoutCode(request)}"`];
	for (const block of code) {
		parts.push(`\`\`\`${block.lang}\n${block.code}\n\`\`\``);
	}
	return parts.join('\n\n');
}

/** "open an issue" asks to create one; "open issues" (plural) asks to list them. */
function wantsIssueIn(lower: string): boolean {
	return /\b(?:create|open|file|raise|make|submit|log|add)\s+(?:[\w-]+\s+){0,3}?(?:issue|bug|ticket)\b|\bnew (?:issue|ticket)\b/.test(lower);
}

/** Creates an issue in Linear when the request names it, else in GitHub (the repository it names, or the sandbox's). */
function issueTask(plain: string, title: string, body: string, hadCode: boolean): AppTask {
	if (/\blinear\b/i.test(plain)) {
		return {
			kind: 'app',
			toolkit: 'linear',
			tool: 'LINEAR_CREATE_LINEAR_ISSUE',
			args: { team_id: linearTeamFrom(plain), title, description: body },
			purpose: `create the Linear issue "${title}"`,
			render: (payload) => renderCreatedIssue(payload, title, 'Linear', hadCode),
		};
	}
	const { owner, repo } = repoFrom(plain);
	return {
		kind: 'app',
		toolkit: 'github',
		tool: 'GITHUB_CREATE_AN_ISSUE',
		args: { owner, repo, title, body },
		purpose: `create the issue "${title}" in ${owner}/${repo}`,
		render: (payload) => renderCreatedIssue(payload, title, `${owner}/${repo}`, hadCode),
	};
}

/** Posts `message` to the channel the request names (#general by default). */
function slackTask(plain: string, message: string): AppTask {
	const channel = channelFrom(plain);
	return {
		kind: 'app',
		toolkit: 'slack',
		tool: 'SLACK_SEND_MESSAGE',
		args: { channel, text: message },
		purpose: `post your message to #${channel}`,
		render: (payload) => renderSlackSent(payload, channel, message),
	};
}

/** Classifies the task message into a script. Order matters: the most specific wins. */
function classify(text: string, editor: EditorState): Task {
	const code = codeBlocks(text);
	const plain = withoutCode(text);
	const lower = plain.toLowerCase();
	const mentions = (word: RegExp): boolean => word.test(lower);

	const connect = /^(?:please\s+)?(?:connect|link|add)\s+(?:my\s+|a\s+|another\s+|a\s+second\s+|one\s+more\s+)?(?:[\w-]+\s+)?(gmail|github|slack|linear)\b(?:\s+account)?/.exec(lower.trim());
	if (connect?.[1]) {
		return { kind: 'connect', toolkit: connect[1] as Toolkit, another: /\b(?:another|second|one more|other|new)\b/.test(lower) };
	}
	// "In the workbench, count my unread emails": code for the remote workbench, when the session offers it.
	if (/\b(?:in|on|with) the (?:remote )?workbench\b/.test(lower) && editor.tools.has('COMPOSIO_REMOTE_WORKBENCH')) {
		const request = plain.replace(/\b(?:in|on|with) the (?:remote )?workbench\b[,:]?\s*/i, '').trim();
		const codeToRun = code[0]?.code ?? `# ${request}\nresult = run_composio_tool("GMAIL_FETCH_EMAILS", {"max_results": 50})\nprint(len(result["data"]["messages"]))`;
		return {
			kind: 'editor',
			tool: 'COMPOSIO_REMOTE_WORKBENCH',
			args: { code_to_execute: codeToRun, thought: request },
			next: (outcome) => (outcome.ok ? 'The workbench ran the code.' : `The workbench did not run the code: ${inline(outcome.error ?? 'it reported an error')}`),
		};
	}
	const wantsIssue = wantsIssueIn(lower);
	const editorTask = classifyEditorTask(plain, editor);
	if (editorTask) {
		return editorTask;
	}
	if (wantsIssue) {
		return issueTask(plain, titleFrom(plain) ?? 'Issue from the Composio Agent sandbox', issueBody(text, code), code.length > 0);
	}
	const slackish = mentions(/\bslack\b/) || /(?:^|\s)#[a-z0-9_-]+/.test(lower);
	if (slackish && /\b(?:post|send|share|say|tell|message|announce|notify)\b/.test(lower)) {
		return slackTask(plain, slackTextFrom(plain));
	}
	const codeRequest =
		/^(?:please\s+)?(?:write|implement|generate|create|build|make)\b.*\b(?:function|class|code|snippet|script|test|hook|component|method|regex)\b/.test(lower) ||
		/\b(?:show me|give me|write me)\b.*\bcode\b/.test(lower) ||
		(code.length > 0 && /\b(?:explain|review|refactor|improve|fix|document|what does|simplify)\b/.test(lower));
	if (codeRequest) {
		return { kind: 'code', request: plain, code };
	}
	if (mentions(/\bchannels?\b/) && (mentions(/\bslack\b/) || /\b(?:list|show|what|which)\b/.test(lower))) {
		return {
			kind: 'app',
			toolkit: 'slack',
			tool: 'SLACK_LIST_ALL_CHANNELS',
			args: {},
			purpose: 'list your Slack channels',
			render: renderChannels,
		};
	}
	if (mentions(/\blinear\b/) && mentions(/\b(?:issues?|tickets?|tasks?)\b/)) {
		return {
			kind: 'app',
			toolkit: 'linear',
			tool: 'LINEAR_LIST_LINEAR_ISSUES',
			args: {},
			purpose: 'list your Linear issues',
			render: renderLinearIssues,
		};
	}
	if (mentions(/\b(?:issues|bugs|tickets)\b/) || (mentions(/\bgithub\b/) && mentions(/\bissues?\b/))) {
		const { owner, repo } = repoFrom(plain);
		return {
			kind: 'app',
			toolkit: 'github',
			tool: 'GITHUB_LIST_REPOSITORY_ISSUES',
			args: { owner, repo },
			purpose: `list the issues in ${owner}/${repo}`,
			render: (payload) => renderGithubIssues(payload, `${owner}/${repo}`),
		};
	}
	const address = emailAddress(plain);
	if (address && /\b(?:send|email|mail|write)\b/.test(lower)) {
		const subject = /\bsubject\s*:?\s*"([^"]+)"/i.exec(plain)?.[1] ?? titleFrom(plain.replace(address, '')) ?? 'Hello';
		const body = /\b(?:saying|that says|body)\s*:?\s+(.+)$/i.exec(plain)?.[1]?.trim() ?? quoted(plain) ?? subject;
		return {
			kind: 'app',
			toolkit: 'gmail',
			tool: 'GMAIL_SEND_EMAIL',
			args: { recipient_email: address, subject, body },
			purpose: `send the email to ${address}`,
			render: (payload) => renderEmailSent(payload, address, subject),
		};
	}
	if (mentions(/\b(?:e-?mails?|inbox|gmail|mail|mailbox)\b/)) {
		return {
			kind: 'app',
			toolkit: 'gmail',
			tool: 'GMAIL_FETCH_EMAILS',
			args: { max_results: 10 },
			purpose: 'fetch your latest emails and summarize them',
			render: renderEmailSummary,
		};
	}
	return { kind: 'help' };
}


// ---------------------------------------------------------------------------------------------
// Editor tasks: look at the editor first (problems, uncommitted changes, a file), then act.

/** The editor tools the scripts use (offered by the extension next to the session's tools). */
const EDITOR_TOOLS = EDITOR_TOOL_NAMES;

/** What the scripts know about the editor: the tools offered and the active file the system prompt names. */
interface EditorState {
	tools: ReadonlySet<string>;
	activeFile?: string;
}

function editorStateOf(messages: readonly Message[], tools: ReadonlySet<string>): EditorState {
	const system = messages.filter((m) => m.role === 'system').map((m) => m.text).join('\n');
	const active = /active editor shows `([^`\n]+)`/.exec(system)?.[1];
	return { tools, ...(active ? { activeFile: active } : {}) };
}

const THIS_FILE = /\b(?:this|the current|the open|my current|the active) file\b|\bin here\b/;
const PROBLEMS = /\b(?:problems?|errors?|diagnostics?|warnings?|type errors?|compiler errors?|lint(?:ing)? (?:errors|warnings|issues))\b/;
const CHANGES = /\b(?:uncommitted|unstaged|staged|local) changes\b|\bmy (?:current )?changes\b|\bgit diff\b|\bthe diff\b|\bwhat i(?:'ve| have)? changed\b|\bworking tree\b/;

interface ProblemRecord {
	path: string;
	line: number;
	column: number;
	severity: string;
	message: string;
	source?: string;
	code?: string;
}

function problemsOf(payload: unknown): ProblemRecord[] {
	const list = isRecord(payload) && Array.isArray(payload['problems']) ? payload['problems'] : [];
	return list.filter(isRecord).map((p) => ({
		path: typeof p['path'] === 'string' ? p['path'] : '?',
		line: typeof p['line'] === 'number' ? p['line'] : 0,
		column: typeof p['column'] === 'number' ? p['column'] : 0,
		severity: typeof p['severity'] === 'string' ? p['severity'] : 'error',
		message: typeof p['message'] === 'string' ? p['message'] : '',
		...(typeof p['source'] === 'string' ? { source: p['source'] } : {}),
		...(typeof p['code'] === 'string' ? { code: p['code'] } : {}),
	}));
}

/** "- `src/a.ts:3:7` **error** Type … (ts 2322)" per problem, and the "… N more" line. */
function problemLines(payload: unknown): string[] {
	const lines = problemsOf(payload).map((p) => {
		const origin = [p.source, p.code].filter(Boolean).join(' ');
		return `- \`${p.path}:${p.line}:${p.column}\` **${p.severity}** ${inline(p.message)}${origin ? ` (${origin})` : ''}`;
	});
	const rest = isRecord(payload) && typeof payload['more'] === 'string' ? payload['more'] : undefined;
	return rest ? [...lines, `- ${rest}`] : lines;
}

function scopeOf(payload: unknown, fallback: string): string {
	return isRecord(payload) && typeof payload['scope'] === 'string' ? (payload['scope'] === 'workspace' ? 'the workspace' : payload['scope']) : fallback;
}

interface ChangedFile {
	path: string;
	status: string;
	additions?: number;
	deletions?: number;
	note?: string;
}

function changedFilesOf(payload: unknown): ChangedFile[] {
	const list = isRecord(payload) && Array.isArray(payload['files']) ? payload['files'] : [];
	return list.filter(isRecord).map((f) => ({
		path: typeof f['path'] === 'string' ? f['path'] : '?',
		status: typeof f['status'] === 'string' ? f['status'] : 'changed',
		...(typeof f['additions'] === 'number' ? { additions: f['additions'] } : {}),
		...(typeof f['deletions'] === 'number' ? { deletions: f['deletions'] } : {}),
		...(typeof f['note'] === 'string' ? { note: f['note'] } : {}),
	}));
}

/** A plain-text summary of the uncommitted changes, for a chat message or an email. */
function changesSummary(payload: unknown): string {
	const files = changedFilesOf(payload);
	const summary = isRecord(payload) && typeof payload['summary'] === 'string' ? payload['summary'] : `${files.length} changed files`;
	const branch = isRecord(payload) && typeof payload['branch'] === 'string' ? ` on ${payload['branch']}` : '';
	const lines = files.map((f) => {
		const counts = f.additions !== undefined ? ` (+${f.additions} −${f.deletions ?? 0})` : '';
		return `• ${f.path} — ${f.status}${counts}${f.note ? `, ${f.note}` : ''}`;
	});
	const rest = isRecord(payload) && typeof payload['more'] === 'string' ? [payload['more']] : [];
	return [`Uncommitted changes${branch}: ${summary}`, ...lines, ...rest].join('\n');
}

function toolError(outcome: ToolOutcome, what: string): string {
	return `I couldn't ${what}: ${inline(outcome.error ?? 'the editor reported an error')}`;
}

/** The editor task a request asks for, when the editor tools it needs are offered. */
function classifyEditorTask(plain: string, editor: EditorState): Task | undefined {
	const lower = plain.toLowerCase();
	const has = (tool: string): boolean => editor.tools.has(tool);
	const needsFile = THIS_FILE.test(lower);
	const noFile = (): Task => ({ kind: 'text', text: "I can't tell which file you mean: no file is open in the editor. Open it and ask again." });

	// 'Replace "a" with "b" in this file' (or `"a"` with `b`, for code with quotes): a proposed edit the user applies or discards.
	const quotedArg = '"([^"\\n]*)"|\'([^\'\\n]*)\'|`([^`\\n]*)`|“([^”\\n]*)”';
	const replace = new RegExp(`\\breplace\\s+(?:${quotedArg})\\s+with\\s+(?:${quotedArg})`, 'i').exec(plain);
	if (replace && has(EDITOR_TOOLS.edit) && needsFile) {
		const file = editor.activeFile;
		if (!file) {
			return noFile();
		}
		const from = replace.slice(1, 5).find((g) => g !== undefined) ?? '';
		const to = replace.slice(5, 9).find((g) => g !== undefined) ?? '';
		return {
			kind: 'editor',
			tool: EDITOR_TOOLS.edit,
			args: { path: file, edits: [{ old_text: from, new_text: to, replace_all: true }] },
			next: (outcome) => {
				if (outcome.ok && isRecord(outcome.payload) && outcome.payload['applied'] === true) {
					const n = typeof outcome.payload['replacements'] === 'number' ? outcome.payload['replacements'] : 1;
					return `Done — you applied the change: \`${from}\` is now \`${to}\` in \`${file}\` (${n} place${n === 1 ? '' : 's'}).`;
				}
				if (/discarded/i.test(outcome.error ?? '')) {
					return `OK — you discarded the change, so \`${file}\` is unchanged.`;
				}
				return toolError(outcome, `change \`${file}\``);
			},
		};
	}

	if (PROBLEMS.test(lower) && has(EDITOR_TOOLS.problems) && (needsFile || /\b(?:workspace|project)\b/.test(lower))) {
		const file = needsFile ? editor.activeFile : undefined;
		if (needsFile && !file) {
			return noFile();
		}
		const where = file ? `\`${file}\`` : 'the workspace';
		const slackish = /\bslack\b/.test(lower) || /(?:^|\s)#[a-z0-9_-]+/.test(lower);
		return {
			kind: 'editor',
			tool: EDITOR_TOOLS.problems,
			args: file ? { path: file } : {},
			next: (outcome) => {
				if (!outcome.ok) {
					return toolError(outcome, `get the problems in ${where}`);
				}
				const found = problemsOf(outcome.payload);
				if (found.length === 0) {
					return `VS Code reports no problems in ${where}, so there is nothing to ${wantsIssueIn(lower) ? 'file' : 'report'}.`;
				}
				const scope = scopeOf(outcome.payload, file ?? 'the workspace');
				const count = `${found.length} problem${found.length === 1 ? '' : 's'}`;
				const list = problemLines(outcome.payload);
				if (wantsIssueIn(lower)) {
					const title = `Fix ${count} in ${scope}`;
					const body = [`VS Code reports ${count} in \`${scope}\`:`, '', ...list, '', `Filed from the Composio Agent chat: "${plain}"`].join('\n');
					return issueTask(plain, title, body, false);
				}
				if (slackish) {
					return slackTask(plain, [`${count} in ${scope}:`, ...list.map((l) => l.replace(/^- /, '• ').replace(/[`*]/g, ''))].join('\n'));
				}
				return [`## Problems in ${file ? `\`${scope}\`` : scope}`, '', `VS Code reports ${count}:`, '', ...list].join('\n');
			},
		};
	}

	if (CHANGES.test(lower) && has(EDITOR_TOOLS.diff)) {
		const address = emailAddress(plain);
		const slackish = /\bslack\b/.test(lower) || /(?:^|\s)#[a-z0-9_-]+/.test(lower);
		return {
			kind: 'editor',
			tool: EDITOR_TOOLS.diff,
			args: {},
			next: (outcome) => {
				if (!outcome.ok) {
					return toolError(outcome, 'read your uncommitted changes');
				}
				if (changedFilesOf(outcome.payload).length === 0) {
					return 'You have no uncommitted changes, so there is nothing to summarize.';
				}
				const summary = changesSummary(outcome.payload);
				if (address) {
					const subject = 'Summary of my uncommitted changes';
					return {
						kind: 'app',
						toolkit: 'gmail',
						tool: 'GMAIL_SEND_EMAIL',
						args: { recipient_email: address, subject, body: summary },
						purpose: `send the summary to ${address}`,
						render: (payload) => renderEmailSent(payload, address, subject),
					};
				}
				if (wantsIssueIn(lower)) {
					return issueTask(plain, 'Review the uncommitted changes', summary, false);
				}
				if (slackish) {
					return slackTask(plain, summary);
				}
				return ['## Your uncommitted changes', '', ...summary.split('\n').slice(1).map((l) => l.replace(/^• /, '- ')), '', summary.split('\n')[0] ?? ''].join('\n');
			},
		};
	}

	// "Find "TODO" in the workspace"
	const findText = /\b(?:find|search for|look for|where (?:is|are))\s+["“']([^"”'\n]+)["”']/i.exec(plain);
	if (findText?.[1] && has(EDITOR_TOOLS.find)) {
		const query = findText[1];
		return {
			kind: 'editor',
			tool: EDITOR_TOOLS.find,
			args: { query },
			next: (outcome) => {
				if (!outcome.ok) {
					return toolError(outcome, `search for "${query}"`);
				}
				const matches = isRecord(outcome.payload) && Array.isArray(outcome.payload['matches']) ? outcome.payload['matches'].filter(isRecord) : [];
				if (matches.length === 0) {
					return `I found no "${inline(query)}" in the workspace.`;
				}
				const rest = isRecord(outcome.payload) && typeof outcome.payload['more'] === 'string' ? [`- ${outcome.payload['more']}`] : [];
				return [
					`## "${inline(query)}" in the workspace`,
					'',
					...matches.map((m) => `- \`${String(m['path'])}:${String(m['line'])}\` ${inline(typeof m['text'] === 'string' ? m['text'] : '')}`),
					...rest,
				].join('\n');
			},
		};
	}

	// "Open src/app.ts at line 12"
	const open = /\bopen\s+`?([\w./-]+\.[A-Za-z0-9]+)`?(?:\s+at\s+line\s+(\d+))?/i.exec(plain);
	if (open?.[1] && has(EDITOR_TOOLS.open) && !wantsIssueIn(lower)) {
		const path = open[1];
		const line = open[2] ? Number(open[2]) : undefined;
		return {
			kind: 'editor',
			tool: EDITOR_TOOLS.open,
			args: { path, ...(line ? { start_line: line } : {}) },
			next: (outcome) => (outcome.ok ? `Opened \`${path}\`${line ? ` at line ${line}` : ''}.` : toolError(outcome, `open \`${path}\``)),
		};
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Renderers: every answer about app data is built from the tool result.

function renderEmailSummary(payload: unknown): string {
	const emails = findRecords(payload);
	if (emails.length === 0) {
		return 'Your inbox has no recent emails to summarize.';
	}
	const lines = emails.map((email, i) => {
		const sender = inline(pick(email, 'sender', 'from', 'messageFrom', 'from_email', 'author') ?? 'Unknown sender');
		const subject = inline(pick(email, 'subject', 'preview.subject', 'title') ?? '(no subject)');
		const summary = gist(pick(email, 'snippet', 'messageText', 'preview.body', 'body', 'text', 'preview'));
		return `${i + 1}. **${sender}** — *${subject}*${summary ? `: ${inline(summary)}` : ''}`;
	});
	const senders = [...new Set(emails.map((e) => inline(pick(e, 'sender', 'from', 'messageFrom', 'from_email', 'author') ?? 'Unknown sender')))];
	const unread = emails.filter((e) => Array.isArray(e['labelIds']) && e['labelIds'].includes('UNREAD')).length;
	const count = emails.length === 1 ? '1 recent email' : `${emails.length} recent emails`;
	return [
		`## Inbox summary`,
		'',
		`You have ${count}${unread > 0 ? ` (${unread} unread)` : ''} from ${senders.length === 1 ? senders[0] : `${senders.length} senders`}:`,
		'',
		...lines,
		'',
		`The most recent is from **${senders[0]}** about *${inline(pick(emails[0]!, 'subject', 'preview.subject', 'title') ?? '(no subject)')}*. Want me to draft a reply to any of these?`,
	].join('\n');
}

function renderCreatedIssue(payload: unknown, title: string, where: string, hadCode: boolean): string {
	const record = isRecord(payload) ? (isRecord(payload['issue']) ? payload['issue'] : payload) : {};
	const number = pick(record, 'number', 'issue_number', 'identifier', 'id');
	const url = pick(record, 'html_url', 'url') ?? findUrl(record);
	const finalTitle = inline(pick(record, 'title') ?? title);
	const ref = number ? (/^\d+$/.test(number) ? `#${number}` : number) : 'the issue';
	const link = url ? `[${finalTitle}](${url})` : `"${finalTitle}"`;
	const lines = [`Done — I created **${ref}** in ${where}: ${link}.`];
	if (hadCode) {
		lines.push('', 'The code you attached is included in the issue body.');
	}
	return lines.join('\n');
}

function renderSlackSent(payload: unknown, channel: string, message: string): string {
	const record = isRecord(payload) ? payload : {};
	const where = pick(record, 'channel_name', 'channel') ?? channel;
	const shownChannel = /^[CG][A-Z0-9]{6,}$/.test(where) ? channel : where.replace(/^#/, '');
	const link = pick(record, 'permalink', 'url');
	return [`Posted to **#${shownChannel}**:`, '', `> ${inline(pick(record, 'message.text', 'text') ?? message)}`, ...(link ? ['', `[Open in Slack](${link})`] : [])].join('\n');
}

function renderEmailSent(payload: unknown, address: string, subject: string): string {
	const record = isRecord(payload) ? payload : {};
	const id = pick(record, 'id', 'messageId', 'message_id');
	return `Sent your email to **${address}** with the subject *${inline(subject)}*${id ? ` (message id \`${id}\`)` : ''}.`;
}

function renderGithubIssues(payload: unknown, where: string): string {
	const issues = findRecords(payload);
	if (issues.length === 0) {
		return `There are no issues in ${where} right now.`;
	}
	const lines = issues.map((issue) => {
		const number = pick(issue, 'number');
		const title = inline(pick(issue, 'title') ?? '(untitled)');
		const state = pick(issue, 'state');
		const url = pick(issue, 'html_url', 'url');
		const label = number ? `#${number}` : '•';
		return `- **${label}** ${url ? `[${title}](${url})` : title}${state ? ` — ${state}` : ''}`;
	});
	return [`## Issues in ${where}`, '', `${issues.length === 1 ? 'There is 1 issue' : `There are ${issues.length} issues`}:`, '', ...lines].join('\n');
}

function renderChannels(payload: unknown): string {
	const channels = findRecords(payload);
	if (channels.length === 0) {
		return 'I found no Slack channels in this workspace.';
	}
	const lines = channels.map((c) => {
		const name = inline(pick(c, 'name', 'name_normalized', 'id') ?? 'unnamed');
		const purpose = gist(pick(c, 'purpose.value', 'topic.value', 'purpose', 'topic'));
		const facts = [typeof c['num_members'] === 'number' ? `${c['num_members']} members` : '', c['is_archived'] === true ? 'archived' : ''].filter(Boolean);
		return `- **#${name.replace(/^#/, '')}**${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${purpose ? `: ${inline(purpose)}` : ''}`;
	});
	return [`## Slack channels`, '', `You're in ${channels.length} channel${channels.length === 1 ? '' : 's'}:`, '', ...lines].join('\n');
}

function renderLinearIssues(payload: unknown): string {
	const issues = findRecords(payload);
	if (issues.length === 0) {
		return 'There are no Linear issues to show.';
	}
	const lines = issues.map((issue) => {
		const id = pick(issue, 'identifier', 'id');
		const title = inline(pick(issue, 'title') ?? '(untitled)');
		const state = pick(issue, 'state.name', 'state', 'status');
		return `- **${id ?? '•'}** ${title}${state ? ` — ${inline(state)}` : ''}`;
	});
	return [`## Linear issues`, '', `${issues.length === 1 ? 'There is 1 issue' : `There are ${issues.length} issues`}:`, '', ...lines].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Text answers that need no tools

function camelName(request: string): string {
	const m = /\b(?:function|method)\s+(?:that|which|to)\s+(.+)$/i.exec(request) ?? /\b(?:write|implement|generate|create)\s+(?:a|an|the)?\s*(.+)$/i.exec(request);
	const words = (m?.[1] ?? 'transform input')
		.toLowerCase()
		.replace(/[^a-z0-9\s]/g, ' ')
		.split(/\s+/)
		.filter((w) => w.length > 0 && !['a', 'an', 'the', 'of', 'in', 'for', 'and', 'function', 'typescript', 'ts', 'me', 'please'].includes(w))
		.slice(0, 3);
	const [first = 'transform', ...rest] = words;
	return first + rest.map(capitalize).join('');
}

function exampleFunction(request: string): { name: string; code: string; explain: string[] } {
	const lower = request.toLowerCase();
	if (lower.includes('debounce')) {
		return {
			name: 'debounce',
			explain: ['Each call restarts the timer.', 'Only the last call within `waitMs` runs.', 'The returned function keeps the original argument types.'],
			code: [
				'export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void {',
				'\tlet timer: ReturnType<typeof setTimeout> | undefined;',
				'\treturn (...args: A) => {',
				'\t\tclearTimeout(timer);',
				'\t\ttimer = setTimeout(() => fn(...args), waitMs);',
				'\t};',
				'}',
			].join('\n'),
		};
	}
	if (lower.includes('retry') || lower.includes('backoff')) {
		return {
			name: 'retry',
			explain: ['Runs the task and returns its result on success.', 'Waits twice as long after each failure.', 'Rethrows the last error once the attempts run out.'],
			code: [
				'export async function retry<T>(task: () => Promise<T>, attempts = 3, delayMs = 200): Promise<T> {',
				'\tlet lastError: unknown;',
				'\tfor (let i = 0; i < attempts; i++) {',
				'\t\ttry {',
				'\t\t\treturn await task();',
				'\t\t} catch (e) {',
				'\t\t\tlastError = e;',
				'\t\t\tawait new Promise((r) => setTimeout(r, delayMs * 2 ** i));',
				'\t\t}',
				'\t}',
				'\tthrow lastError;',
				'}',
			].join('\n'),
		};
	}
	if (lower.includes('prime')) {
		return {
			name: 'isPrime',
			explain: ['Rejects numbers below 2 and non-integers.', 'Only tries divisors up to the square root.', 'Skips even divisors after 2.'],
			code: [
				'export function isPrime(n: number): boolean {',
				'\tif (!Number.isInteger(n) || n < 2) {',
				'\t\treturn false;',
				'\t}',
				'\tif (n % 2 === 0) {',
				'\t\treturn n === 2;',
				'\t}',
				'\tfor (let d = 3; d * d <= n; d += 2) {',
				'\t\tif (n % d === 0) {',
				'\t\t\treturn false;',
				'\t\t}',
				'\t}',
				'\treturn true;',
				'}',
			].join('\n'),
		};
	}
	// Anything else gets an honest skeleton: the sandbox model does not invent logic.
	const name = camelName(request);
	return {
		name,
		explain: ['Checks its input before doing any work.', 'Has explicit parameter and return types, so callers get checked results.', 'Leaves one clearly marked place for the logic you need.'],
		code: [
			`export function ${name}(input: string): string {`,
			'\tconst value = input.trim();',
			'\tif (value.length === 0) {',
			"\t\tthrow new Error('input must not be empty');",
			'\t}',
			'\t// The sandbox model writes a skeleton: put the real logic here.',
			'\treturn value;',
			'}',
		].join('\n'),
	};
}

function codeAnswer(request: string, code: CodeBlock[]): string {
	const first = code[0];
	if (first) {
		const lines = first.code.split('\n');
		const names = [...first.code.matchAll(/\b(?:function|class|interface|type|const|let)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]).filter((n): n is string => !!n);
		const unique = [...new Set(names)].slice(0, 6);
		const lang = first.lang || 'ts';
		const main = /\b(?:function|class)\s+([A-Za-z_$][\w$]*)/.exec(first.code)?.[1] ?? unique[0];
		return [
			'## What this code does',
			'',
			`The ${lang} snippet you attached has ${lines.length} line${lines.length === 1 ? '' : 's'}${unique.length > 0 ? ` and declares ${unique.map((n) => `\`${n}\``).join(', ')}` : ''}.`,
			'',
			'### Key points',
			'',
			`- **Entry point:** ${main ? `\`${main}\` is the main declaration, so start reading there.` : 'there are no named declarations; it runs top to bottom.'}`,
			`- **Size:** ${lines.length > 30 ? 'long enough that splitting it into smaller functions would help.' : 'small enough to read in one pass.'}`,
			`- **Types:** ${/:\s*any\b/.test(first.code) ? 'it uses `any`; prefer `unknown` plus a check.' : 'no `any` in sight, which keeps the compiler on your side.'}`,
			'',
			'### How to use it',
			'',
			'```ts',
			main ? `import { ${main} } from './${main}';\n\n// Call it with real inputs and check the result in a unit test.\nconsole.log(${main});` : `// Paste the snippet into a module and export what callers need.\nexport {};`,
			'```',
		].join('\n');
	}
	const example = exampleFunction(request);
	return [
		`## \`${example.name}\``,
		'',
		'Here is a small, typed implementation:',
		'',
		'```ts',
		example.code,
		'```',
		'',
		'### How it works',
		'',
		...example.explain.map((line) => `- ${line}`),
		'',
		'Ask me to add unit tests for it, or to open a GitHub issue to track the change.',
	].join('\n');
}

function helpAnswer(tools: ReadonlySet<string>): string {
	const has = (name: string): boolean => tools.has(name) || tools.has(MULTI_EXECUTE);
	const examples: string[] = [];
	if (has('GMAIL_FETCH_EMAILS')) {
		examples.push('- **Gmail:** "Summarize my emails"');
	}
	if (has('GITHUB_CREATE_AN_ISSUE')) {
		examples.push('- **GitHub:** "Create a GitHub issue titled \\"Login button is misaligned\\"" (select code first to attach it)');
	}
	if (has('GITHUB_LIST_REPOSITORY_ISSUES')) {
		examples.push('- **GitHub:** "List the open issues"');
	}
	if (has('SLACK_SEND_MESSAGE')) {
		examples.push('- **Slack:** "Post \\"Deploy finished\\" to #general"');
	}
	if (has('SLACK_LIST_ALL_CHANNELS')) {
		examples.push('- **Slack:** "Which Slack channels am I in?"');
	}
	if (has('LINEAR_LIST_LINEAR_ISSUES')) {
		examples.push('- **Linear:** "Show my Linear issues"');
	}
	if (tools.has(EDITOR_TOOLS.problems)) {
		examples.push('- **Editor → GitHub:** "Create a GitHub issue for the problems in this file"');
	}
	if (tools.has(EDITOR_TOOLS.diff)) {
		examples.push('- **Editor → Slack:** "Summarize my uncommitted changes to Slack"');
	}
	if (tools.has(EDITOR_TOOLS.edit)) {
		examples.push('- **Editor:** \'Replace "foo" with "bar" in this file\' (you review the change before it is applied)');
	}
	examples.push('- **Code:** "Write a debounce function" or select code and ask "Explain this"');
	return [
		"## Here's what I can do",
		'',
		'I can act on your connected apps through Composio and help with code. Try one of these:',
		'',
		...examples,
		'',
		"If an app isn't connected yet, I'll send you a link to connect it right here in the chat.",
	].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The state machine

interface Conversation {
	messages: Message[];
	taskIndex: number;
	tools: ReadonlySet<string>;
}

/** Tool calls made after the task, paired with their results, in order. */
function stepsAfter(conv: Conversation): Step[] {
	const steps: Step[] = [];
	const byId = new Map<string, Step>();
	for (const m of conv.messages.slice(conv.taskIndex + 1)) {
		if (m.role === 'assistant') {
			for (const call of m.toolCalls) {
				const step = effectiveStep(call);
				steps.push(step);
				byId.set(call.id, step);
			}
		} else if (m.role === 'tool') {
			const step = byId.get(m.toolCallId);
			if (step) {
				step.result = parseToolResult(m.text);
			}
		}
	}
	return steps;
}

function effectiveStep(call: ToolCallInfo): Step {
	if (call.name === MULTI_EXECUTE) {
		const list = call.args['tools'];
		const first: unknown = Array.isArray(list) ? list[0] : undefined;
		if (isRecord(first) && typeof first['tool_slug'] === 'string') {
			return { name: first['tool_slug'], args: isRecord(first['arguments']) ? first['arguments'] : {} };
		}
	}
	return { name: call.name, args: call.args };
}

/** One connected account as the system prompt lists it. */
interface ListedAccount {
	alias?: string;
	name?: string;
	id?: string;
	/** The prompt says it went bad (expired, revoked, failed) and its tools should be called anyway. */
	needsReconnect?: boolean;
}

/** The accounts of a toolkit the system prompt lists (`- Gmail (gmail): "work" = a@b.c, x@y.z (id ca_1, no alias)`). */
function listedAccounts(conv: Conversation, toolkit: Toolkit): ListedAccount[] {
	const system = conv.messages.filter((m) => m.role === 'system').map((m) => m.text).join('\n');
	const line = system.split('\n').find((l) => l.startsWith('- ') && l.includes(`(${toolkit}): `));
	if (!line) {
		return [];
	}
	return line
		.slice(line.indexOf(`(${toolkit}): `) + toolkit.length + 4)
		.split(/, (?=["A-Za-z0-9_])/)
		.map((entry): ListedAccount => {
			const alias = /^"([^"]+)"/.exec(entry)?.[1];
			const named = / = (.+)$/.exec(entry)?.[1] ?? /^([^"(\s][^(]*?) \(id /.exec(entry)?.[1];
			const id = /\b(ca_[\w-]+)/.exec(entry)?.[1];
			const needsReconnect = /\((?:expired|revoked|failed):/.test(entry);
			const clean = named?.replace(/ \((?:expired|revoked|failed):.*$/, '').trim();
			return { ...(alias ? { alias } : {}), ...(clean ? { name: clean } : {}), ...(id ? { id } : {}), ...(needsReconnect ? { needsReconnect } : {}) };
		});
}

/**
 * The account the user named for this task ("my work email", "from my personal account"), as a
 * model reading the system prompt would pick it: the one listed account whose alias is that word,
 * or whose address or login has it as a part. Its alias (or id) goes into the call's `account`.
 */
function namedAccount(conv: Conversation, task: AppTask): string | undefined {
	const accounts = listedAccounts(conv, task.toolkit);
	if (accounts.length < 2) {
		return undefined;
	}
	const userText = conv.messages
		.slice(conv.taskIndex)
		.filter((m) => m.role === 'user')
		.map((m) => m.text)
		.join('\n');
	const pattern = /\b(?:my|the|use|from)\s+([A-Za-z][\w.@+-]*)\s+(?:gmail|github|slack|linear|account|inbox|e-?mails?|workspace|mailbox|address)\b/gi;
	for (const m of userText.matchAll(pattern)) {
		const word = (m[1] ?? '').toLowerCase();
		const hits = accounts.filter(
			(a) => a.alias?.toLowerCase() === word || a.name?.toLowerCase() === word || (a.name ?? a.alias ?? '').toLowerCase().split(/[@.+_\-\s()]+/).includes(word),
		);
		const hit = hits.length === 1 ? hits[0] : undefined;
		if (hit) {
			return hit.alias ?? hit.id;
		}
	}
	return undefined;
}

function callApp(task: AppTask, tools: ReadonlySet<string>, account?: string): ScriptedTurn {
	if (tools.has(task.tool)) {
		return { type: 'toolCall', name: task.tool, arguments: account ? { ...task.args, account } : task.args };
	}
	if (tools.has(MULTI_EXECUTE)) {
		return { type: 'toolCall', name: MULTI_EXECUTE, arguments: { tools: [{ tool_slug: task.tool, arguments: task.args, ...(account ? { account } : {}) }] } };
	}
	return {
		type: 'text',
		text: `I can't do that in this session: the \`${task.tool}\` tool isn't available to me. Enable the ${TOOLKIT_NAMES[task.toolkit]} toolkit for this session and ask again.`,
	};
}

function connectPrompt(task: AppTask, link: string, again: boolean, preface: string): string {
	const name = TOOLKIT_NAMES[task.toolkit];
	const first = again
		? `${name} still isn't connected, so I can't ${task.purpose} yet. Please finish connecting here: [Connect ${name}](${link})`
		: `I need you to connect your ${name} account first. Please click here to authorize: [Connect ${name}](${link})`;
	return `${preface}${first}\n\nWhen you've finished, reply **done** and I'll ${task.purpose}.`;
}

function errorAnswer(task: AppTask, tool: string, error: string, preface: string): string {
	return `${preface}I couldn't ${task.purpose}: \`${tool}\` failed with this error:\n\n> ${inline(error)}\n\nYou can ask me to try again.`;
}

/** "Using your **work** Gmail account." when the user named an alias the host knows about. */
function aliasPreface(conv: Conversation, task: AppTask, aliases: readonly string[]): string {
	const system = conv.messages.filter((m) => m.role === 'system').map((m) => m.text.toLowerCase()).join('\n');
	const userText = conv.messages
		.slice(conv.taskIndex)
		.filter((m) => m.role === 'user')
		.map((m) => m.text)
		.join('\n');
	const pattern = /\b(?:my|the|use)\s+([A-Za-z][\w-]*)\s+(?:gmail|github|slack|linear|account|inbox|e-?mail|workspace)\b/gi;
	for (const m of userText.matchAll(pattern)) {
		const alias = m[1] ?? '';
		const known = aliases.some((a) => a.toLowerCase() === alias.toLowerCase()) || new RegExp(`\\b${alias.toLowerCase()}\\b`).test(system);
		if (known && !['latest', 'recent', 'new', 'unread', 'own', 'connected'].includes(alias.toLowerCase())) {
			return `Using your **${alias}** ${TOOLKIT_NAMES[task.toolkit]} account.\n\n`;
		}
	}
	return '';
}

function decideApp(conv: Conversation, task: AppTask): ScriptedTurn {
	// The editor tools that prepared the task (problems, the diff) are not part of the app's flow.
	const steps = stepsAfter(conv).filter((s) => !isEditorTool(s.name));
	const last = conv.messages[conv.messages.length - 1];
	const manageSteps = steps.filter((s) => s.name === MANAGE_CONNECTIONS && s.result?.ok === true);
	const states = manageSteps.map((s) => connectionState(s.result?.payload, task.toolkit)).filter((s): s is ConnectionState => s !== undefined);
	const latestLink = [...states].reverse().find((s) => s.link !== undefined)?.link;
	const preface = aliasPreface(conv, task, states.flatMap((s) => s.aliases));
	const manageAvailable = conv.tools.has(MANAGE_CONNECTIONS);

	if (last?.role === 'tool') {
		const step = [...steps].reverse().find((s) => s.result !== undefined);
		if (step?.name === MANAGE_CONNECTIONS && step.result) {
			if (!step.result.ok) {
				return { type: 'text', text: errorAnswer(task, MANAGE_CONNECTIONS, step.result.error ?? 'unknown error', preface) };
			}
			const state = connectionState(step.result.payload, task.toolkit);
			if (state?.status === 'active') {
				return callApp(task, conv.tools, namedAccount(conv, task));
			}
			if (state?.link) {
				return { type: 'text', text: connectPrompt(task, state.link, false, preface) };
			}
			return {
				type: 'text',
				text: `${preface}I couldn't get a connection link for ${TOOLKIT_NAMES[task.toolkit]} (status: ${state?.status || 'unknown'}). Try connecting it from the Connections view, then ask again.`,
			};
		}
		if (step?.name === task.tool && step.result) {
			const result = step.result;
			if (result.ok) {
				return { type: 'text', text: preface + task.render(result.payload) };
			}
			const error = result.error ?? 'unknown error';
			if (NOT_CONNECTED.test(error)) {
				if (latestLink) {
					return { type: 'text', text: connectPrompt(task, latestLink, true, preface) };
				}
				if (manageAvailable && manageSteps.length === 0) {
					return { type: 'toolCall', name: MANAGE_CONNECTIONS, arguments: { toolkits: [task.toolkit] } };
				}
				return {
					type: 'text',
					text: `${preface}${TOOLKIT_NAMES[task.toolkit]} isn't connected, so I can't ${task.purpose}. Connect it from the Connections view, then say **done**.`,
				};
			}
			return { type: 'text', text: errorAnswer(task, task.tool, error, preface) };
		}
	}

	// The user spoke last: either the task itself or a continuation of it.
	const finished = [...steps].reverse().find((s) => s.name === task.tool && s.result?.ok === true);
	if (finished?.result) {
		return { type: 'text', text: `${preface}That's already done. ${task.render(finished.result.payload)}` };
	}
	// The prompt says the app's accounts went bad and to call its tools anyway (the editor reconnects them).
	const listed = listedAccounts(conv, task.toolkit);
	if (steps.length > 0 || !manageAvailable || (listed.length > 0 && listed.every((a) => a.needsReconnect))) {
		return callApp(task, conv.tools, namedAccount(conv, task));
	}
	return { type: 'toolCall', name: MANAGE_CONNECTIONS, arguments: { toolkits: [task.toolkit] } };
}

/**
 * Decides the scripted model's next turn for a conversation. Pure and deterministic.
 * Only tools named in `input.tools` are ever called.
 */
export function decideNextTurn(input: ScriptInput): ScriptedTurn {
	const messages = normalizeMessages(input.messages);
	const tools = new Set(input.tools.map((t) => t.name));
	let taskIndex = -1;
	for (let i = messages.length - 1; i >= 0; i--) {
		const m = messages[i];
		if (m?.role === 'user' && !isContinuation(m.text)) {
			taskIndex = i;
			break;
		}
	}
	const taskMessage = messages[taskIndex];
	if (taskIndex < 0 || taskMessage?.role !== 'user') {
		return { type: 'text', text: helpAnswer(tools) };
	}
	const task = classify(taskMessage.text, editorStateOf(messages, tools));
	const conv = { messages, taskIndex, tools };
	switch (task.kind) {
		case 'app':
			return decideApp(conv, task);
		case 'connect':
			return decideConnect(conv, task);
		case 'editor':
			return decideEditor(conv, task);
		case 'code':
			return { type: 'text', text: codeAnswer(task.request, task.code) };
		case 'help':
			return { type: 'text', text: helpAnswer(tools) };
		case 'text':
			return { type: 'text', text: task.text };
	}
}

/** Connect (another) account of an app: a Connect Link, then, once the chat says it is connected, a line saying so. */
function decideConnect(conv: Conversation, task: ConnectTask): ScriptedTurn {
	const name = TOOLKIT_NAMES[task.toolkit];
	const steps = stepsAfter(conv).filter((s) => s.name === MANAGE_CONNECTIONS);
	const last = conv.messages[conv.messages.length - 1];
	const step = steps[steps.length - 1];
	if (!step) {
		if (!conv.tools.has(MANAGE_CONNECTIONS)) {
			return { type: 'text', text: `I can't make Connect Links in this session. Use **Composio: Connect App…** to connect ${name}.` };
		}
		return { type: 'toolCall', name: MANAGE_CONNECTIONS, arguments: { toolkits: [task.toolkit], ...(task.another ? { reinitiate_all: true } : {}) } };
	}
	const state = step.result?.ok ? connectionState(step.result.payload, task.toolkit) : undefined;
	if (last?.role === 'tool') {
		if (!step.result?.ok) {
			return { type: 'text', text: `I couldn't get a Connect Link for ${name}: ${inline(step.result?.error ?? 'unknown error')}` };
		}
		if (state?.link) {
			return { type: 'text', text: `Here is a link to connect ${task.another ? 'another' : 'your'} ${name} account: [Connect ${name}](${state.link})\n\nSign in on that page; I'll carry on once it's connected.` };
		}
		return { type: 'text', text: `${name} is already connected. Ask me to connect **another ${name} account** to add one more.` };
	}
	return { type: 'text', text: `Your ${name} account is connected. I can use it now.` };
}

function isEditorTool(name: string): boolean {
	return (Object.values(EDITOR_TOOLS) as string[]).includes(name);
}

/** An editor task: its editor tool first, then the app task or answer made from the result. */
function decideEditor(conv: Conversation, task: EditorTask): ScriptedTurn {
	const step = stepsAfter(conv).find((s) => s.name === task.tool);
	if (!step?.result) {
		return { type: 'toolCall', name: task.tool, arguments: task.args };
	}
	const next = task.next(step.result);
	return typeof next === 'string' ? { type: 'text', text: next } : decideApp(conv, next);
}
