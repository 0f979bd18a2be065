/**
 * What the model is told: the system prompt (who it is, how to handle Connect Links, which
 * accounts exist), and how a user message carries the editor context attached to it.
 *
 * Decision: editor context goes into the user message it was attached to (as fenced code
 * blocks with path and line range), not into the system prompt, so it stays with the question
 * it belongs to in the history, and later messages do not re-send it.
 */
import { toolkitDisplayName } from '../common/toolkitNames';
import { MetaTools } from '../composio/metaTools';
import type { EditorContext } from '../protocol/transcript';

/** One connected account as the prompt lists it. */
export interface PromptAccount {
	readonly toolkit: string;
	readonly alias?: string;
	readonly id: string;
	/** Who the account is (an email, a login, a workspace), when known. */
	readonly name?: string;
	/** Set for an account that went bad ('expired', 'revoked', 'failed'): listed so the model still calls its tools (the editor reconnects it). */
	readonly attention?: string;
}

/** What the system prompt is built from. */
export interface SystemPromptOptions {
	/**
	 * ACTIVE accounts (multi-account mode). Toolkits with more than one account are listed with
	 * their aliases so the user can pick one by name.
	 */
	readonly accounts?: readonly PromptAccount[];
	/**
	 * Identities are known: every toolkit's accounts are listed (not only toolkits with several),
	 * each with who it is, so the model can tell "which Gmail" from the user's words.
	 */
	readonly identities?: boolean;
	/** Today's date for relative requests ("emails from today"); default now. */
	readonly now?: Date;
	/** More sections at the end, each a block of lines (the editor tools describe themselves and the editor here). */
	readonly sections?: readonly string[];
}

/** Accounts grouped by toolkit, only toolkits with several accounts, aliases sorted. */
export function multiAccountToolkits(accounts: readonly PromptAccount[]): Map<string, PromptAccount[]> {
	const byToolkit = new Map<string, PromptAccount[]>();
	for (const a of accounts) {
		const list = byToolkit.get(a.toolkit) ?? [];
		list.push(a);
		byToolkit.set(a.toolkit, list);
	}
	for (const [toolkit, list] of byToolkit) {
		if (list.length < 2) {
			byToolkit.delete(toolkit);
		}
	}
	return byToolkit;
}

/** Accounts grouped by toolkit, in the order given. */
function groupByToolkit(accounts: readonly PromptAccount[]): Map<string, PromptAccount[]> {
	const byToolkit = new Map<string, PromptAccount[]>();
	for (const a of accounts) {
		byToolkit.set(a.toolkit, [...(byToolkit.get(a.toolkit) ?? []), a]);
	}
	return byToolkit;
}

/** One account as the prompt lists it: `"alias" = who`, `"alias"`, `who (id …, no alias)` or `id (no alias)`. */
function describeAccount(a: PromptAccount): string {
	const attention = a.attention ? ` (${a.attention}: call its tools anyway; the editor has the user reconnect it and then runs the call again)` : '';
	if (a.alias) {
		return (a.name && a.name.toLowerCase() !== a.alias.toLowerCase() ? `"${a.alias}" = ${a.name}` : `"${a.alias}"`) + attention;
	}
	const base = a.name ? `${a.name} (id ${a.id}, no alias)` : `${a.id} (no alias)`;
	return base + attention;
}

/**
 * The system prompt. Careful with wording: no example aliases appear in it, so a word in it is
 * never mistaken for an account name.
 */
export function buildSystemPrompt(options: SystemPromptOptions = {}): string {
	const today = (options.now ?? new Date()).toISOString().slice(0, 10);
	const lines = [
		"You are Composio Agent, an assistant inside the user's VS Code. You act on the user's own apps (email, code hosting, chat, issue trackers and more) through Composio tools, and you help with code.",
		`Today is ${today}.`,
		'',
		'How to work:',
		'- Use the tools to do what the user asks; do not just describe what you would do. Prefer the simplest tool that does the job.',
		'- Read tool results carefully. If a tool fails, say what went wrong in plain words and what the user can do; do not pretend it worked.',
		'- Before sending, posting, creating or deleting anything on the user\'s behalf, make sure the request is clear; if it is ambiguous, ask first.',
		'- Answer in concise markdown. Put code in fenced code blocks with a language.',
		'',
		'Connecting apps (Connect Links):',
		`- When an app is not connected, call ${MetaTools.manageConnections} with its toolkit. It returns a Connect Link (a redirect_url).`,
		'- Give the user that exact link as a markdown link, for example [Connect Gmail](<the redirect_url>), and ask them to connect. The editor also shows a Connect card for it and continues the task automatically once the account is connected; the user can also reply "done".',
		'- Never invent, shorten or alter a link: only use URLs that a tool returned. Never ask for passwords, API keys or tokens in the chat; credentials are only entered on the Connect page.',
		'- After the user has connected, carry on with the original task without asking again.',
	];
	const all = options.accounts ?? [];
	const multi = multiAccountToolkits(all.filter((a) => !a.attention));
	const listed = options.identities ? groupByToolkit(all) : multi;
	if (listed.size > 0) {
		lines.push('', options.identities ? 'Connected accounts (who each one is):' : 'Connected accounts (several for some apps):');
		for (const [toolkit, accounts] of listed) {
			lines.push(`- ${toolkitDisplayName(toolkit)} (${toolkit}): ${accounts.map(describeAccount).join(', ')}`);
		}
		if (multi.size > 0) {
			lines.push(
				'- When the user names one of these accounts by its alias, or by its address, login or a word of it, that account is used for that app: pass its alias (or its id) as `account`. Mention which account you used in your answer. If it matters which account to use and the user did not say, ask.',
			);
		} else if (options.identities) {
			lines.push("- These are the accounts your tools act as. When it matters (sending, posting, creating), say which account you used.");
		}
	}
	for (const section of options.sections ?? []) {
		lines.push('', section);
	}
	return lines.join('\n');
}

/** A code fence longer than any run of backticks inside `text`. */
function fenceFor(text: string): string {
	let longest = 0;
	for (const m of text.matchAll(/`+/g)) {
		longest = Math.max(longest, m[0].length);
	}
	return '`'.repeat(Math.max(3, longest + 1));
}

/** "src/app.ts (lines 10-20)" or "src/app.ts" for a whole file. */
export function describeContext(context: EditorContext): string {
	if (context.startLine === undefined) {
		return context.path;
	}
	const end = context.endLine ?? context.startLine;
	return end === context.startLine ? `${context.path} (line ${context.startLine})` : `${context.path} (lines ${context.startLine}-${end})`;
}

/**
 * The text of a user message as the model gets it: the user's words, then each attached file
 * or selection as a fenced code block headed by its path and line range.
 */
export function userMessageContent(text: string, context: readonly EditorContext[] = []): string {
	if (context.length === 0) {
		return text;
	}
	const blocks = context.map((c) => {
		const fence = fenceFor(c.text);
		const body = c.text.endsWith('\n') ? c.text : `${c.text}\n`;
		return `${c.startLine === undefined ? 'File' : 'Selection from'} ${describeContext(c)}:\n${fence}${c.languageId}\n${body}${fence}`;
	});
	return `${text}\n\nAttached from the editor:\n\n${blocks.join('\n\n')}`;
}
