/**
 * Composio as Language Model Tools (`vscode.lm.registerTool`): four tools any agent in VS Code
 * (its Agent mode, another extension's participant) can call to use the user's apps: find tools,
 * connect an app, run a tool, list the connected accounts. A front door over the same core as the
 * sidebar chat: the same Composio session, user ID and keys, the same link policy for Connect
 * Links, and the same approval rules and always-allowed list, here as VS Code's own confirmation
 * (`prepareInvocation`) before a side-effecting call. A call runs by the rules the agent loop's
 * tool step uses (`approvalOf`, `runOnSession`, `readToolResult` from `agentTurn.ts`); this file
 * only translates them into VS Code's confirmation and the text the calling model reads.
 *
 * Registering costs nothing: the session is opened by the first call.
 */
import * as vscode from 'vscode';
import { approvalOf, readToolResult, runOnSession, type ToolCall } from '../../agent/agentTurn';
import { approvalHeading, approvalMarkdown, summarizeAction } from '../../agent/approvalSummary';
import { type OwnAppPort, ownAppReason } from '../../agent/ownAppSetup';
import { type AlwaysAllowedStore, type ApprovalMode, ToolApprovalGate } from '../../agent/toolApproval';
import { isRecord } from '../../common/isRecord';
import { toolkitDisplayName } from '../../common/toolkitNames';
import { accountsOf, type AccountsSnapshot, listingEachTime } from '../../composio/accountsSnapshot';
import { ComposioError } from '../../composio/composioErrors';
import { type OwnAppCause, ownAppCause, needsNoSignIn } from '../../composio/managedAuth';
import type { LinkOpener } from '../../composio/linkPolicy';
import { accountChanges, MetaTools, searchResultSlugs, searchToolsArguments } from '../../composio/metaTools';
import type { ConnectRequest, ToolSession } from '../../composio/toolSession';
import { LanguageModelToolNames } from '../workbench/commandIds';
import type { UserPrompts } from '../workbench/userPrompts';

/** Characters of one tool result the calling model gets. */
export const LM_TOOL_RESULT_BUDGET = 8_000;
/** How long `composio_connect_app` waits for the user by default. */
export const CONNECT_TIMEOUT_MS = 5 * 60 * 1000;

/** What the tools need from the rest of the extension. */
export interface LanguageModelToolsDeps {
	/** The Composio session of this workspace's user (resolving keys and the link policy's base URL). Throws ComposioError. */
	session(): Promise<ToolSession>;
	readonly approval: { readonly store: AlwaysAllowedStore; readonly mode: () => ApprovalMode };
	readonly linkOpener: LinkOpener;
	readonly log: vscode.LogOutputChannel;
	/** `composio.languageModelTools.enabled`. */
	enabled(): boolean;
	/** How long the connect tool waits; default 5 minutes. */
	readonly connectTimeoutMs?: number;
	/** The extension's one snapshot of the user's accounts (accountsSnapshot.ts); without one the tools list them through the session. */
	readonly accounts?: AccountsSnapshot;
	/** Setting up the user's own app when Composio's cannot connect a toolkit (one per call); without it the tool says why and stops. */
	ownApp?(): OwnAppPort;
	/** Where the connect tool asks how such a toolkit should connect. */
	readonly prompts?: UserPrompts;
}

function text(value: string): vscode.LanguageModelToolResult {
	return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
}

function signalOf(token: vscode.CancellationToken): { signal: AbortSignal; dispose: () => void } {
	const controller = new AbortController();
	if (token.isCancellationRequested) {
		controller.abort();
	}
	const sub = token.onCancellationRequested(() => controller.abort());
	return {
		signal: controller.signal,
		dispose: () => {
			sub.dispose();
		},
	};
}

function stringField(input: unknown, key: string): string | undefined {
	const value = isRecord(input) ? input[key] : undefined;
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The Composio call a `composio_run_tool` input asks for; its slug is undefined when the input names none. */
function requestedCall(input: unknown): { readonly slug: string | undefined; readonly call: ToolCall } {
	const slug = stringField(input, 'tool_slug');
	const args = isRecord(input) && isRecord(input['arguments']) ? input['arguments'] : {};
	const account = stringField(input, 'account');
	return { slug, call: { name: slug ?? 'UNKNOWN_TOOL', args, ...(account ? { account } : {}) } };
}

/** What a failure means to the calling model, in a sentence (never the key, never raw JSON). */
function failureText(e: unknown): string {
	if (e instanceof ComposioError) {
		return `Composio could not do this: ${e.message}`;
	}
	return `Composio could not do this: ${e instanceof Error ? e.message : String(e)}`;
}

/** The four tools and their shared plumbing. */
export class ComposioLanguageModelTools {
	constructor(private readonly deps: LanguageModelToolsDeps) {}

	private checkEnabled(): void {
		if (!this.deps.enabled()) {
			throw new Error('The Composio tools are turned off (composio.languageModelTools.enabled).');
		}
	}

	private snapshot(session: ToolSession): AccountsSnapshot {
		return this.deps.accounts ?? listingEachTime(session);
	}

	/** An account was connected, renamed or removed: the snapshot lists them again, in the background. */
	private accountsChanged(session: ToolSession): void {
		this.snapshot(session)
			.changed()
			.catch((e: unknown) => this.deps.log.warn(`Listing the accounts after a connection failed: ${e instanceof Error ? e.message : String(e)}`));
	}

	/** Runs `body` with the session, turning failures into text the model reads. */
	private async withSession(token: vscode.CancellationToken, body: (session: ToolSession, signal: AbortSignal) => Promise<string>): Promise<vscode.LanguageModelToolResult> {
		this.checkEnabled();
		const { signal, dispose } = signalOf(token);
		try {
			const session = await this.deps.session();
			return text(await body(session, signal));
		} catch (e) {
			if (signal.aborted) {
				return text('Cancelled by the user.');
			}
			this.deps.log.warn(`A Composio language model tool failed: ${e instanceof ComposioError ? e.detail : String(e)}`);
			return text(failureText(e));
		} finally {
			dispose();
		}
	}

	readonly findTools: vscode.LanguageModelTool<{ use_case?: string; toolkit?: string }> = {
		prepareInvocation: (options) => {
			const useCase = stringField(options.input, 'use_case');
			return { invocationMessage: useCase ? vscode.l10n.t('Finding Composio tools for “{0}”', useCase) : vscode.l10n.t('Finding Composio tools for the task') };
		},
		invoke: (options, token) =>
			this.withSession(token, async (session, signal) => {
				const useCase = stringField(options.input, 'use_case');
				if (!useCase) {
					return 'Give use_case: what the user wants done, in plain words.';
				}
				const toolkit = stringField(options.input, 'toolkit');
				const result = await runOnSession(session, { name: MetaTools.searchTools, args: searchToolsArguments(toolkit ? `${useCase} (in ${toolkit})` : useCase) }, signal);
				if (result.error) {
					return `Finding tools failed: ${result.error}`;
				}
				const slugs = searchResultSlugs(result.data);
				const head = slugs.length > 0 ? `Tools for “${useCase}”: ${slugs.join(', ')}.` : `No tool matched “${useCase}”.`;
				const next = `Run one with ${LanguageModelToolNames.runTool} (tool_slug and arguments matching its input_schema). If its app is not connected, call ${LanguageModelToolNames.connectApp} first.`;
				return `${head} ${next}\n\n${readToolResult(result.data, LM_TOOL_RESULT_BUDGET, 'composio').output.forModel}`;
			}),
	};

	readonly connectApp: vscode.LanguageModelTool<{ toolkit?: string; alias?: string }> = {
		prepareInvocation: (options) => {
			const toolkit = stringField(options.input, 'toolkit');
			return {
				invocationMessage: toolkit
					? vscode.l10n.t('Connecting {0}: finish on the Connect page that opens in your browser', toolkitDisplayName(toolkit))
					: vscode.l10n.t('Connecting an app: finish on the Connect page that opens in your browser'),
			};
		},
		invoke: (options, token) =>
			this.withSession(token, async (session, signal) => {
				const toolkit = stringField(options.input, 'toolkit')?.toLowerCase();
				if (!toolkit) {
					return 'Give toolkit: the app to connect, by slug (gmail, github, slack, …).';
				}
				const name = toolkitDisplayName(toolkit);
				const alias = stringField(options.input, 'alias');
				if (!alias) {
					const active = accountsOf(await this.snapshot(session).read(), toolkit).find((a) => a.status === 'ACTIVE' && !a.disabled);
					if (active) {
						return `${name} is already connected (account ${active.alias ?? active.id}). Go on with the task.`;
					}
				}
				let request: ConnectRequest;
				let on = session;
				try {
					request = await on.authorize(toolkit, alias ? { alias } : {});
				} catch (e) {
					const said = e instanceof ComposioError ? `${e.message} ${e.detail}` : String(e);
					if (needsNoSignIn(said)) {
						return `${name} needs no sign-in: there is nothing to connect. Run its tools directly with ${LanguageModelToolNames.runTool}.`;
					}
					const cause = ownAppCause(said);
					if (!cause) {
						throw e;
					}
					const viaOwnApp = await this.connectThroughOwnApp(toolkit, cause, alias);
					if (typeof viaOwnApp === 'string') {
						return viaOwnApp;
					}
					({ session: on, request } = viaOwnApp);
				}
				const opened = await this.deps.linkOpener.open(request.redirectUrl);
				if (!opened) {
					return `The Connect Link for ${name} was not opened (the user declined, or the link policy refused it). Ask the user to open it themselves: ${request.redirectUrl}`;
				}
				const timeoutMs = this.deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
				const outcome = await on.waitForConnection(request.accountId, { signal, timeoutMs });
				switch (outcome.status) {
					case 'ACTIVE':
						this.accountsChanged(on);
						return `Connected ${name} (account ${request.accountId}). Go on with the task: its tools work now.`;
					case 'TIMEOUT':
						return `The user has not finished connecting ${name} within ${Math.round(timeoutMs / 60_000)} minutes. Ask them to finish on the Connect page (${request.redirectUrl}), then call ${LanguageModelToolNames.connectApp} again.`;
					default:
						return `Connecting ${name} did not work (${outcome.status.toLowerCase()}${outcome.reason ? `: ${outcome.reason}` : ''}). Tell the user; they can try again.`;
				}
			}),
	};

	/**
	 * Composio's app cannot connect `toolkit`: asks the user how it should (an API key on the
	 * Connect page where it takes one, or their own app), sets that up as the sidebar chat's card
	 * does, and makes the Connect Link on a session that uses it. A string: what to tell the model.
	 */
	private async connectThroughOwnApp(toolkit: string, cause: OwnAppCause, alias: string | undefined): Promise<string | { session: ToolSession; request: ConnectRequest }> {
		const name = toolkitDisplayName(toolkit);
		const port = this.deps.ownApp?.();
		const prompts = this.deps.prompts;
		const why = ownAppReason(cause, toolkit);
		if (!port || !prompts) {
			return `${why} Ask the user to run Composio: Use Your Own App for a Toolkit… for ${name}, then call ${LanguageModelToolNames.connectApp} again.`;
		}
		const apiKey = vscode.l10n.t('Connect with an API Key');
		const own = vscode.l10n.t('Set Up Your Own App');
		const choices = (await port.takesApiKey(toolkit)) ? [apiKey, own] : [own];
		const chosen = await prompts.confirm(vscode.l10n.t('{0} needs your own app', name), why, ...choices);
		if (chosen === undefined) {
			return `The user chose not to set up ${name} now. Tell them they can run Composio: Use Your Own App for a Toolkit… later.`;
		}
		if (!(await port.setUp(toolkit, chosen === apiKey ? 'apiKey' : 'ownApp'))) {
			return `${name} was not set up (the user backed out, or Composio refused the auth config; they were told why). Ask them whether to try again.`;
		}
		const session = await port.session();
		return { session, request: await session.authorize(toolkit, alias ? { alias } : {}) };
	}

	readonly runTool: vscode.LanguageModelTool<{ tool_slug?: string; arguments?: Record<string, unknown>; account?: string }> = {
		prepareInvocation: async (options) => {
			this.checkEnabled();
			const { call } = requestedCall(options.input);
			const account = call.account;
			const tagsOf = await this.tagsOf();
			const gate = new ToolApprovalGate(this.deps.approval.store, () => ({ mode: this.deps.approval.mode(), ...(tagsOf ? { tagsOf } : {}) }));
			const { actions, asking } = approvalOf(call, gate);
			const first = actions[0];
			const label = first ? `${first.toolkit ? toolkitDisplayName(first.toolkit) : vscode.l10n.t('Composio')}: ${summarizeAction(first).action}` : call.name;
			return {
				invocationMessage: account ? vscode.l10n.t('Running {0} as {1}', label, account) : vscode.l10n.t('Running {0}', label),
				...(asking.length > 0 ? { confirmationMessages: { title: `${approvalHeading(asking)} ${label}`, message: new vscode.MarkdownString(approvalMarkdown(asking)) } } : {}),
			};
		},
		invoke: (options, token) =>
			this.withSession(token, async (session, signal) => {
				const { slug, call } = requestedCall(options.input);
				if (!slug) {
					return `Give tool_slug (find one with ${LanguageModelToolNames.findTools}).`;
				}
				const result = await runOnSession(session, call, signal);
				if (result.error === null && accountChanges(call.name, call.args).length > 0) {
					this.accountsChanged(session);
				}
				const { output, links } = readToolResult(result, LM_TOOL_RESULT_BUDGET, 'composio');
				const needs = links.map((l) => l.toolkit).filter((t): t is string => t !== undefined);
				const hint = needs.length > 0 ? `\n\nThis needs a connected account: call ${LanguageModelToolNames.connectApp} with toolkit "${needs[0]}" and then run the tool again.` : '';
				return `${result.error ? `${slug} failed: ${result.error}` : `${slug} ran.`}\n\n${output.forModel}${hint}`;
			}),
	};

	readonly listAccounts: vscode.LanguageModelTool<{ toolkit?: string }> = {
		prepareInvocation: () => ({ invocationMessage: vscode.l10n.t('Listing your connected Composio accounts') }),
		invoke: (options, token) =>
			this.withSession(token, async (session) => {
				const toolkit = stringField(options.input, 'toolkit')?.toLowerCase();
				const all = await this.snapshot(session).read();
				const accounts = toolkit ? accountsOf(all, toolkit) : all;
				if (accounts.length === 0) {
					return toolkit ? `No ${toolkitDisplayName(toolkit)} account is connected. Connect one with ${LanguageModelToolNames.connectApp}.` : `No account is connected yet. Connect one with ${LanguageModelToolNames.connectApp}.`;
				}
				const lines = accounts.slice(0, 100).map((a) => {
					const state = a.disabled ? 'disabled' : a.status.toLowerCase();
					return `- ${toolkitDisplayName(a.toolkit)} (${a.toolkit}): ${a.alias ? `“${a.alias}”, ` : ''}${state}, id ${a.id}, connected ${a.createdAt.slice(0, 10)}`;
				});
				const more = accounts.length > 100 ? `\n… ${accounts.length - 100} more` : '';
				return `Connected accounts:\n${lines.join('\n')}${more}`;
			}),
	};

	/** The session's tool tags, when the session is open and its tools listed (read-only and destructive hints). */
	private async tagsOf(): Promise<((tool: string) => readonly string[] | undefined) | undefined> {
		try {
			const session = await this.deps.session();
			await session.tools();
			return (tool) => session.toolTags(tool);
		} catch (e) {
			// Without tags the names decide, which asks for anything unknown.
			this.deps.log.debug(`Tool tags unavailable for a confirmation: ${e instanceof Error ? e.message : String(e)}`);
			return undefined;
		}
	}
}
