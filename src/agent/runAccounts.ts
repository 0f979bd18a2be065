/**
 * The user's accounts during one run of the agent loop: listed through the shared snapshot
 * (accountsSnapshot.ts) at the start and again after an account was connected or reconnected,
 * named in the system prompt, named on approval cards ("as
 * alice@example.com"), and used to route a call to the account the user named (an alias in what
 * they said, or an `account` argument the model added).
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isRecord } from '../common/isRecord';
import type { Logger } from '../common/logger';
import type { AccountIdentities } from '../composio/accountIdentities';
import { ComposioError } from '../composio/composioErrors';
import { appToolkitOf, isMetaTool, mapMultiExecuteEntries, multiExecuteList } from '../composio/metaTools';
import type { AccountsSnapshot } from '../composio/accountsSnapshot';
import type { ConnectedAccount } from '../composio/toolSession';
import { whoActs } from './accountHealth';
import type { PromptAccount } from './systemPrompt';
import type { ToolAction } from './toolApproval';

/** A call's arguments once routed, and the account it runs as (an id or alias), if one was named. */
export interface RoutedCall {
	readonly args: Record<string, unknown>;
	readonly account?: string;
}

/** What routing a call needs to know about it. */
export interface CallToRoute {
	readonly name: string;
	readonly args: Record<string, unknown>;
	/** The toolkit it acts on, when known. */
	readonly toolkit?: string;
	/** True for a local (editor) tool: never routed. */
	readonly local: boolean;
	/** The tool's own parameters: a tool with an `account` parameter keeps it. */
	readonly ownParams?: Record<string, unknown>;
}

function contentText(content: unknown): string {
	if (typeof content === 'string') {
		return content;
	}
	if (Array.isArray(content)) {
		return content.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('');
	}
	return '';
}

/** The text of the last three user messages, for alias routing. */
function recentUserText(messages: readonly ChatCompletionMessageParam[]): string {
	const parts: string[] = [];
	for (let i = messages.length - 1; i >= 0; i--) {
		const m = messages[i];
		if (m?.role === 'user') {
			parts.push(contentText(m.content));
			if (parts.length >= 3) {
				break;
			}
		}
	}
	return parts.join('\n');
}

/** The alias the user named for a toolkit in `text`, when exactly one of its aliases appears as a word. */
function namedAlias(text: string, accounts: readonly PromptAccount[], toolkit: string): string | undefined {
	const aliases = [...new Set(accounts.filter((a) => a.toolkit === toolkit && a.alias).map((a) => a.alias as string))];
	if (aliases.length < 2) {
		return undefined;
	}
	const lower = text.toLowerCase();
	const hits = aliases.filter((alias) => new RegExp(`(^|[^\\w-])${alias.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(lower));
	return hits.length === 1 ? hits[0] : undefined;
}

/** The accounts of one run. Lists nothing unless the run is in multi-account mode or knows identities. */
export class RunAccounts {
	/** Every account of the user, any status (for the approval card's "as …" and for telling a dead account). */
	private all: readonly ConnectedAccount[] = [];
	private listed: PromptAccount[] = [];

	constructor(
		private readonly snapshot: AccountsSnapshot,
		private readonly options: { readonly multiAccount?: boolean; readonly identities?: AccountIdentities },
		private readonly logger: Logger,
	) {}

	/** The accounts the system prompt names. */
	get forPrompt(): readonly PromptAccount[] {
		return this.listed;
	}

	/**
	 * The accounts from the snapshot: at the start as they are (listed only when nothing is loaded
	 * yet), and listed again with `fresh` after an account was connected or reconnected, through
	 * the snapshot, so every view showing it takes the list too. A failure leaves the prompt
	 * without them.
	 */
	async load(fresh = false): Promise<void> {
		const { multiAccount, identities } = this.options;
		if (!multiAccount && !identities) {
			return;
		}
		try {
			this.all = await (fresh ? this.snapshot.changed() : this.snapshot.read());
			const usable = this.all.filter((a) => a.status === 'ACTIVE' && !a.disabled);
			// Accounts that went bad are listed too (identities mode), marked, so the model still calls their tools and the editor reconnects them.
			const dead = identities ? this.all.filter((a) => (a.status === 'EXPIRED' || a.status === 'REVOKED' || a.status === 'FAILED') && !a.disabled) : [];
			this.listed = [...usable, ...dead].map((a) => {
				const name = identities?.nameOf(a.id);
				return {
					toolkit: a.toolkit,
					id: a.id,
					...(a.alias ? { alias: a.alias } : {}),
					...(name ? { name } : {}),
					...(a.status !== 'ACTIVE' ? { attention: a.status.toLowerCase() } : {}),
				};
			});
		} catch (e) {
			// The prompt just lacks the accounts; the tools still work with the default account.
			this.logger.warn(`Listing connected accounts for the prompt failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
		}
	}

	/** Every account of the user as this run last read them (empty unless the run reads accounts). */
	get known(): readonly ConnectedAccount[] {
		return this.all;
	}

	/** The actions with who each acts as, for the approval card (as they are without identities). */
	withWho(actions: ToolAction[]): ToolAction[] {
		const identities = this.options.identities;
		if (!identities) {
			return actions;
		}
		return actions.map((a) => {
			const as = a.toolkit ? whoActs(this.all, a.toolkit, a.account, (id) => identities.nameOf(id)) : undefined;
			return as ? { ...a, as } : a;
		});
	}

	/**
	 * Which account a call runs as. The model may name one with an `account` argument when the
	 * tool has no such parameter of its own (taken out of the arguments); in multi-account mode, an
	 * alias the user named in `messages` routes the call, or each tool of a multi-execute.
	 */
	route(call: CallToRoute, messages: readonly ChatCompletionMessageParam[]): RoutedCall {
		let args = call.args;
		let account: string | undefined;
		if (!call.local && typeof args['account'] === 'string' && !(call.ownParams && 'account' in call.ownParams) && !isMetaTool(call.name)) {
			account = args['account'];
			const { account: _dropped, ...rest } = args;
			args = rest;
		}
		if (this.options.multiAccount && this.listed.length > 0 && !call.local) {
			const said = recentUserText(messages);
			if (multiExecuteList(call.name, args)) {
				args = mapMultiExecuteEntries(args, (entry, read) => {
					if (read.slug === undefined || read.account !== undefined) {
						return entry;
					}
					const alias = namedAlias(said, this.listed, appToolkitOf(read.slug) ?? '');
					return alias ? { ...entry, account: alias } : entry;
				});
			} else if (!account && call.toolkit && !isMetaTool(call.name)) {
				account = namedAlias(said, this.listed, call.toolkit);
			}
		}
		return { args, ...(account !== undefined ? { account } : {}) };
	}
}
