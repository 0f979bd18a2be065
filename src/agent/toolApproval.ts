/**
 * Tool approval: which tool calls may run without asking, and the host-side gate that asks.
 *
 * The decision lives here, in the host, and is made from the call the model asked for — never
 * from anything the model or a tool result says — so text that tells the model to "send this
 * email now" still ends in an approval card. Read-only tools (fetch, list, get, search) run
 * freely; everything else asks, judged from Composio's tool tags where the session provided
 * them (`readOnlyHint`, `destructiveHint`) and from the tool's name otherwise. Each call inside
 * Composio's multi-execute tool is judged on its own.
 */
import { accountChanges, appToolkitOf, CODE_META_TOOLS, isMetaTool, LOOKUP_META_TOOLS, multiExecuteEntries, MetaTools } from '../composio/metaTools';
import { findSecrets, type SecretFinding } from './secretScan';

/** The `composio.approval` setting: ask for side-effecting tools (default), for every tool, or never. */
export type ApprovalMode = 'writes' | 'all' | 'never';

/** What the user chose on an approval card. */
export type ApprovalDecision = 'once' | 'chat' | 'always' | 'deny';

/** One tool the model wants to run, as shown on the approval card. */
export interface ToolAction {
	/** The tool slug, e.g. GMAIL_SEND_EMAIL. */
	readonly tool: string;
	/** The toolkit slug, e.g. gmail, when known. */
	readonly toolkit?: string;
	/** The account (id or alias) it runs as, when one was named. */
	readonly account?: string;
	/** Who it runs as (the account's email, login or workspace), when the host knows. */
	readonly as?: string;
	readonly args: Readonly<Record<string, unknown>>;
	/**
	 * Set by the host for its own (local) tools, which it knows: true when the action only
	 * looks. Unset for Composio tools, which are judged by their tags and name.
	 */
	readonly readOnly?: boolean;
	/**
	 * Asks even when `composio.approval` is `never` (reading a secret file such as `.env`), unless
	 * the user allowed this action in the chat or for good.
	 */
	readonly sensitive?: boolean;
	/**
	 * Set by the gate (`assessAction`): secrets found in what the call would send out. The card
	 * warns, naming each; no earlier answer and no approval mode skips it.
	 */
	readonly secrets?: readonly SecretFinding[];
	/**
	 * Set by the gate: the call runs code in Composio's remote workbench, which can act on every
	 * connected account. It always asks, and only "Allow once" is offered.
	 */
	readonly runsCode?: boolean;
	/**
	 * Set for a connection call that renames or removes a connected account (an entry of
	 * `COMPOSIO_MANAGE_CONNECTIONS` with `action: rename|remove`). It asks even though the tool
	 * otherwise only looks, and only "Allow once" is offered; a removal asks in every mode.
	 */
	readonly changesAccount?: 'rename' | 'remove';
}

/** Verbs of tools that only read. The verb is the first word after the toolkit prefix. */
const READ_VERBS: ReadonlySet<string> = new Set([
	'FETCH', 'LIST', 'GET', 'SEARCH', 'FIND', 'READ', 'VIEW', 'RETRIEVE', 'QUERY', 'LOOKUP', 'COUNT', 'CHECK', 'DESCRIBE', 'SHOW', 'EXPORT', 'DOWNLOAD',
]);

/** Words that mark a side effect wherever they appear in the name (GMAIL_FETCH_AND_DELETE…). */
const WRITE_WORDS: ReadonlySet<string> = new Set([
	'SEND', 'CREATE', 'DELETE', 'UPDATE', 'POST', 'REPLY', 'ADD', 'REMOVE', 'MODIFY', 'EDIT', 'PATCH', 'PUT', 'MOVE', 'ARCHIVE', 'TRASH', 'MERGE', 'CLOSE',
	'ASSIGN', 'INVITE', 'UPLOAD', 'SET', 'STAR', 'UNSTAR', 'LABEL', 'FORWARD', 'DRAFT', 'SCHEDULE', 'CANCEL', 'APPROVE', 'REJECT', 'PUBLISH', 'SHARE', 'RUN',
	'EXECUTE', 'TRIGGER', 'WRITE', 'INSERT', 'REPLACE', 'RENAME', 'COPY', 'ENABLE', 'DISABLE', 'BAN', 'KICK', 'PIN', 'UNPIN', 'REACT', 'COMMENT', 'MARK', 'LOCK',
	'UNLOCK', 'TRANSFER', 'PAY', 'CHARGE', 'REFUND', 'SUBMIT', 'ACCEPT', 'DECLINE', 'JOIN', 'LEAVE', 'FOLLOW', 'UNFOLLOW', 'SUBSCRIBE', 'UNSUBSCRIBE', 'BULK',
]);

/**
 * True when a tool only reads. Tags win when present: `destructiveHint` means it writes,
 * `readOnlyHint` that it reads. Otherwise the name decides: its verb must be a read verb and no
 * word in it may be a write word. Unknown shapes count as writes (they ask).
 */
export function isReadOnlyTool(slug: string, tags?: readonly string[]): boolean {
	if (LOOKUP_META_TOOLS.has(slug)) {
		return true;
	}
	if (isMetaTool(slug)) {
		// The multi-execute tool is judged by what it runs; other meta tools (remote workbench, bash) run code.
		return false;
	}
	if (tags?.includes('destructiveHint')) {
		return false;
	}
	if (tags?.includes('readOnlyHint')) {
		return true;
	}
	const words = slug.toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w !== '');
	// Skip the toolkit prefix (GMAIL_, GITHUB_, …): the verb comes after it.
	const rest = words.slice(1);
	const verb = rest[0];
	if (!verb || !READ_VERBS.has(verb)) {
		return false;
	}
	return !rest.some((w) => WRITE_WORDS.has(w));
}

/**
 * The actions a Composio call performs: the call itself, or for the multi-execute tool each tool
 * in its `tools` list, so each is judged on its own.
 */
export function actionsOf(name: string, args: Readonly<Record<string, unknown>>, account?: string): ToolAction[] {
	const entries = multiExecuteEntries(name, args);
	if (entries) {
		return entries.map((entry): ToolAction => {
			const slug = entry.slug ?? 'UNKNOWN_TOOL';
			const innerAccount = entry.account ?? account;
			const toolkit = appToolkitOf(slug);
			return { tool: slug, ...(toolkit ? { toolkit } : {}), ...(innerAccount ? { account: innerAccount } : {}), args: entry.arguments };
		});
	}
	if (name === MetaTools.multiExecute) {
		return [{ tool: name, args, ...(account ? { account } : {}) }];
	}
	const changes = accountChanges(name, args);
	if (changes.length > 0) {
		// Only the entries that change an account are actions to judge; the rest only look.
		return changes.map((c): ToolAction => ({
			tool: name,
			toolkit: c.toolkit,
			...(c.account ? { account: c.account } : {}),
			args: { action: c.action, ...(c.account ? { account_id: c.account } : {}), ...(c.alias !== undefined ? { alias: c.alias } : {}) },
			changesAccount: c.action === 'rename' ? 'rename' : 'remove',
		}));
	}
	const toolkit = appToolkitOf(name);
	return [{ tool: name, ...(toolkit ? { toolkit } : {}), ...(account ? { account } : {}), args }];
}

/** Where the user's "Always allow this tool" answers are kept (across windows and restarts). */
export interface AlwaysAllowedStore {
	/** Tool slugs allowed for good. */
	list(): readonly string[];
	add(tool: string): Promise<void>;
	remove(tool: string): Promise<void>;
	clear(): Promise<void>;
}

/** An AlwaysAllowedStore in memory (tests, and a fallback). */
export class MemoryAlwaysAllowedStore implements AlwaysAllowedStore {
	private readonly tools = new Set<string>();
	list(): readonly string[] {
		return [...this.tools].sort();
	}
	add(tool: string): Promise<void> {
		this.tools.add(tool);
		return Promise.resolve();
	}
	remove(tool: string): Promise<void> {
		this.tools.delete(tool);
		return Promise.resolve();
	}
	clear(): Promise<void> {
		this.tools.clear();
		return Promise.resolve();
	}
}

/** What the gate needs to judge a call. */
export interface ApprovalContext {
	readonly mode: ApprovalMode;
	/** The session's tags per tool slug, where it provided them. */
	readonly tagsOf?: (tool: string) => readonly string[] | undefined;
}

/**
 * An action with what the card must say about it: `runsCode` for the workbench and bash tools,
 * and `secrets` found in the arguments of an action that sends data out (it writes, judged as
 * approval judges it, and is not one of the editor's own tools, which send nothing anywhere).
 */
export function assessAction(a: ToolAction, context: ApprovalContext): ToolAction {
	const runsCode = CODE_META_TOOLS.has(a.tool);
	const sendsOut = a.toolkit !== 'vscode' && (runsCode || !(a.readOnly ?? isReadOnlyTool(a.tool, context.tagsOf?.(a.tool))));
	const secrets = sendsOut ? findSecrets(a.args) : [];
	return { ...a, ...(runsCode ? { runsCode: true } : {}), ...(secrets.length > 0 ? { secrets } : {}) };
}

/** True when the question may offer "Allow in this chat" and "Always allow": none of its actions runs code or changes an account. */
export function offersLastingAnswers(actions: readonly ToolAction[]): boolean {
	return !actions.some(isOnceOnly);
}

/** True for an action only "Allow once" may cover: code in the workbench, a change to a connected account. */
function isOnceOnly(a: ToolAction): boolean {
	return a.runsCode === true || CODE_META_TOOLS.has(a.tool) || a.changesAccount !== undefined;
}

/**
 * The actions of a call that need the user's consent (empty: it may run), assessed
 * (`assessAction`). Code that runs in the workbench, removing a connected account and an action
 * sending a secret out always ask, whatever the mode and earlier answers.
 */
export function actionsNeedingApproval(actions: readonly ToolAction[], context: ApprovalContext, allowed: (tool: string) => boolean): ToolAction[] {
	return actions.map((a) => assessAction(a, context)).filter((a) => {
		if (a.runsCode || a.changesAccount === 'remove' || (a.secrets?.length ?? 0) > 0) {
			return true;
		}
		if (a.changesAccount) {
			// A rename follows the mode; no earlier answer covers it (the tool's other calls only look).
			return context.mode !== 'never';
		}
		if (allowed(a.tool)) {
			return false;
		}
		if (a.sensitive) {
			return true;
		}
		if (context.mode === 'never') {
			return false;
		}
		if (context.mode === 'all') {
			return !LOOKUP_META_TOOLS.has(a.tool);
		}
		return !(a.readOnly ?? isReadOnlyTool(a.tool, context.tagsOf?.(a.tool)));
	});
}

/** A pending question: which call, and how to answer it. */
interface Pending {
	readonly callId: string;
	readonly actions: readonly ToolAction[];
	readonly resolve: (decision: ApprovalDecision) => void;
}

/**
 * The gate the agent loop asks before running a call. One per conversation: "Allow in this
 * chat" answers are remembered for its life; "Always allow" answers go to the store. The loop
 * calls `check` (no question needed?) and then `ask`, which waits for `decide` — from the
 * approval card, through the chat session — or for the turn's signal.
 */
export class ToolApprovalGate {
	private readonly chatAllowed = new Set<string>();
	private readonly pending = new Map<string, Pending>();

	/**
	 * `allowedInChat`: tools already allowed "in this chat" by earlier answers (a front door whose
	 * chat outlives one gate, such as the `@composio` participant, carries them over).
	 */
	constructor(
		private readonly store: AlwaysAllowedStore,
		private readonly context: () => ApprovalContext,
		allowedInChat: Iterable<string> = [],
	) {
		for (const tool of allowedInChat) {
			this.chatAllowed.add(tool);
		}
	}

	/** The tools allowed for the rest of this chat, sorted. */
	allowedInChat(): string[] {
		return [...this.chatAllowed].sort();
	}

	/** The actions of this call that need asking (empty when it may run now). */
	check(actions: readonly ToolAction[]): ToolAction[] {
		const always = new Set(this.store.list());
		return actionsNeedingApproval(actions, this.context(), (tool) => always.has(tool) || this.chatAllowed.has(tool));
	}

	/** True while the call waits for an answer. */
	isWaiting(callId: string): boolean {
		return this.pending.has(callId);
	}

	/**
	 * Waits for the user's answer about `actions` of call `callId`. Resolves with the decision
	 * (remembering "chat" and "always" answers for these tools); resolves 'deny' when the signal
	 * aborts, so a stopped turn never runs the call.
	 */
	ask(callId: string, actions: readonly ToolAction[], signal: AbortSignal): Promise<ApprovalDecision> {
		if (signal.aborted) {
			return Promise.resolve('deny');
		}
		return new Promise<ApprovalDecision>((resolve) => {
			const onAbort = (): void => finish('deny');
			const finish = (decision: ApprovalDecision): void => {
				signal.removeEventListener('abort', onAbort);
				this.pending.delete(callId);
				resolve(decision);
			};
			signal.addEventListener('abort', onAbort, { once: true });
			this.pending.set(callId, { callId, actions, resolve: finish });
		});
	}

	/** Answers a waiting call. False when nothing waits under that id (already answered, stopped). */
	async decide(callId: string, decision: ApprovalDecision): Promise<boolean> {
		const pending = this.pending.get(callId);
		if (!pending) {
			return false;
		}
		// Code and account changes are allowed once at a time: a lasting answer never covers them.
		const tools = [...new Set(pending.actions.filter((a) => !isOnceOnly(a)).map((a) => a.tool))];
		if (decision === 'chat') {
			tools.forEach((t) => this.chatAllowed.add(t));
		} else if (decision === 'always') {
			for (const t of tools) {
				await this.store.add(t);
			}
		}
		pending.resolve(decision);
		return true;
	}
}

/** The tool result the model reads when the user declined a call. */
export const DECLINED_TOOL_RESULT = JSON.stringify({
	error: 'The user declined to run this tool. Do not run it again unless the user asks; tell them what you would have done instead.',
});
