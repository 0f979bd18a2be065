/**
 * How the `@composio` participant shows a run: each agent event becomes parts of VS Code's chat
 * response (markdown, progress lines, buttons whose commands come back to the participant).
 */
import * as vscode from 'vscode';
import type { AgentEvent } from '../../agent/agentEvents';
import { approvalMarkdown, escapeMarkdown } from '../../agent/approvalSummary';
import type { PendingConnection } from '../../agent/authWaiter';
import { type ApprovalDecision, offersLastingAnswers } from '../../agent/toolApproval';
import { assertNever } from '../../common/assertNever';
import { isRecord } from '../../common/isRecord';
import { toolAction, toolkitDisplayName } from '../../common/toolkitNames';
import { accountsOf, type AccountsSnapshot } from '../../composio/accountsSnapshot';
import { appToolkitOf, isMetaTool, MetaTools, multiExecuteEntries } from '../../composio/metaTools';
import { decisionSaid } from './participantMessages';
import { ParticipantCommandIds } from '../workbench/commandIds';

/** A progress line for a tool call: the app, the action, and the account it acts as. */
function toolProgress(name: string, toolkit: string | undefined, args: unknown, account: string | undefined): string {
	if (name === MetaTools.searchTools) {
		return vscode.l10n.t('Looking for the right tools…');
	}
	if (name === MetaTools.manageConnections) {
		return toolkit ? vscode.l10n.t('Checking the {0} connection…', toolkitDisplayName(toolkit)) : vscode.l10n.t('Checking the app connection…');
	}
	const as = (line: string): string => (account ? vscode.l10n.t('{0} · as {1}', line, account) : line);
	const inner = (multiExecuteEntries(name, args) ?? []).flatMap((entry) => (entry.slug !== undefined ? [entry.slug] : []));
	if (inner.length > 0) {
		return as(inner.map((slug) => `${toolkitDisplayName(appToolkitOf(slug) ?? 'tool')} · ${toolAction(slug, appToolkitOf(slug))}`).join(', '));
	}
	const app = toolkit ? toolkitDisplayName(toolkit) : vscode.l10n.t('Tool');
	return `${as(`${app} · ${toolAction(name, toolkit)}`)}…`;
}

/** Turns one run's agent events into response parts. */
export class ResponseRenderer {
	/** The connection the run waited for when it was stopped (kept in the result so "done" can resume). */
	waitingFor: PendingConnection[] | undefined;
	/** Account labels per toolkit, looked up once per run. */
	private readonly accounts = new Map<string, Promise<string | undefined>>();
	/** Toolkits whose wait is a reconnect of an account that went bad, not a first connection. */
	private readonly reconnecting = new Set<string>();
	/** Toolkits asked about an own app, and whether each takes an API key instead. */
	private readonly ownAppKeys = new Map<string, boolean>();

	constructor(
		private readonly runId: string,
		private readonly stream: vscode.ChatResponseStream,
		private readonly snapshot: AccountsSnapshot,
		private readonly log: vscode.LogOutputChannel,
		private readonly keepLink: (toolkit: string, url: string) => void,
		/** Who an account is (its email, login or workspace), once learned. */
		private readonly identityOf: (accountId: string) => string | undefined = () => undefined,
	) {}

	async event(event: Exclude<AgentEvent, { type: 'error' }>): Promise<void> {
		const { stream } = this;
		switch (event.type) {
			case 'text':
				stream.markdown(event.delta);
				break;
			case 'toolStarted': {
				const inner = multiExecuteEntries(event.name, event.args)?.[0];
				const named = inner ? inner.account : isRecord(event.args) && typeof event.args['account'] === 'string' ? event.args['account'] : undefined;
				const appTool = event.toolkit !== undefined && event.toolkit !== 'vscode' && (!isMetaTool(event.name) || inner?.slug !== undefined);
				const account = named ?? (appTool && event.toolkit ? await this.accountOf(event.toolkit) : undefined);
				stream.progress(toolProgress(event.name, event.toolkit, event.args, account));
				break;
			}
			case 'toolFinished':
				if (!event.ok && !event.declined && event.error) {
					stream.markdown(`\n\n> ${escapeMarkdown(vscode.l10n.t('A tool failed: {0}', event.error))}\n\n`);
				}
				break;
			case 'approvalRequired': {
				// Name the account each action acts as, the default one where the call named none.
				const actions = await Promise.all(
					event.actions.map(async (a) => (a.account || !a.toolkit || a.toolkit === 'vscode' ? a : { ...a, ...((await this.accountOf(a.toolkit)) ? { account: await this.accountOf(a.toolkit) } : {}) })),
				);
				stream.markdown(`\n\n${approvalMarkdown(actions)}\n\n`);
				const button = (decision: ApprovalDecision, title: string): void => stream.button({ command: ParticipantCommandIds.approve, title, arguments: [this.runId, event.callId, decision] });
				button('once', vscode.l10n.t('Allow once'));
				// Code for the remote workbench is allowed once at a time (toolApproval.ts).
				if (offersLastingAnswers(event.actions)) {
					button('chat', vscode.l10n.t('Allow in this chat'));
					button('always', vscode.l10n.t('Always allow'));
				}
				button('deny', vscode.l10n.t('Deny'));
				stream.progress(vscode.l10n.t('Waiting for your answer…'));
				break;
			}
			case 'approvalDecided': {
				stream.markdown(`\n\n*${escapeMarkdown(decisionSaid(event.decision))}*\n\n`);
				break;
			}
			case 'authRequired':
				// The Connect button comes with the wait (authStatus 'waiting'), after the model's answer.
				break;
			case 'reconnectRequired': {
				// A call failed because its account went bad: say which and why; the wait that follows shows the button.
				const name = toolkitDisplayName(event.toolkit);
				this.reconnecting.add(event.toolkit);
				const account = event.name ? vscode.l10n.t('{0} ({1})', name, event.name) : name;
				stream.markdown(`\n\n> ${escapeMarkdown(vscode.l10n.t('{0} needs to be reconnected: {1}', account, event.reason))}\n\n`);
				break;
			}
			case 'authStatus': {
				const name = toolkitDisplayName(event.toolkit);
				const reconnect = this.reconnecting.has(event.toolkit);
				switch (event.status) {
					case 'waiting':
						if (event.url) {
							this.keepLink(event.toolkit, event.url);
							this.waitingFor = [{ toolkit: event.toolkit, url: event.url, ...(event.accountId ? { accountId: event.accountId } : {}) }];
						}
						stream.markdown('\n\n');
						stream.button({
							command: ParticipantCommandIds.openConnectLink,
							title: reconnect ? vscode.l10n.t('Reconnect {0}', name) : vscode.l10n.t('Connect {0}', name),
							arguments: [this.runId, event.toolkit],
						});
						stream.progress(reconnect ? vscode.l10n.t('Waiting for you to reconnect {0}…', name) : vscode.l10n.t('Waiting for you to connect {0}…', name));
						break;
					case 'expired':
						stream.markdown(`\n\n${escapeMarkdown(vscode.l10n.t('The {0} link expired. Get a new one to continue.', name))}\n\n`);
						stream.button({ command: ParticipantCommandIds.renewLink, title: vscode.l10n.t('New {0} link', name), arguments: [this.runId, event.toolkit] });
						stream.progress(vscode.l10n.t('Waiting for a new {0} link…', name));
						break;
					case 'connected':
					case 'failed':
						this.waitingFor = undefined;
						this.reconnecting.delete(event.toolkit);
						break;
					case 'cancelled':
						break;
				}
				break;
			}
			case 'ownAppRequired':
				this.ownAppKeys.set(event.toolkit, event.apiKey);
				stream.markdown(`\n\n**${escapeMarkdown(vscode.l10n.t('{0} needs your own app', toolkitDisplayName(event.toolkit)))}**\n\n${escapeMarkdown(event.reason)}\n\n> ${escapeMarkdown(vscode.l10n.t('Composio: {0}', event.detail))}\n\n`);
				this.ownAppButtons(event.toolkit);
				break;
			case 'ownAppStatus':
				if (event.status === 'settingUp') {
					stream.progress(vscode.l10n.t('Setting up {0}: answer the questions at the top of the window…', toolkitDisplayName(event.toolkit)));
				} else {
					stream.markdown(`\n\n${escapeMarkdown(vscode.l10n.t('{0} is not set up yet. Choose a way again when you are ready.', toolkitDisplayName(event.toolkit)))}\n\n`);
					this.ownAppButtons(event.toolkit);
				}
				break;
			case 'notice':
				stream.progress(event.text);
				break;
			case 'contextTrimmed':
				stream.markdown(`\n\n*${escapeMarkdown(vscode.l10n.t('Earlier parts of this chat were left out so it fits {0} tokens.', event.maxInputTokens))}*\n\n`);
				break;
			case 'usage':
				break;
			case 'done':
				if (event.reason !== 'cancelled') {
					this.waitingFor = undefined;
				}
				// After 'maxTurns' the loop's notice said why.
				break;
			default:
				assertNever(event);
		}
	}

	/** The own-app question's buttons: an API key where the toolkit takes one, the user's own app, or not now. */
	private ownAppButtons(toolkit: string): void {
		const name = toolkitDisplayName(toolkit);
		const button = (way: 'ownApp' | 'apiKey' | 'declined', title: string): void => this.stream.button({ command: ParticipantCommandIds.setUpOwnApp, title, arguments: [this.runId, toolkit, way] });
		if (this.ownAppKeys.get(toolkit)) {
			button('apiKey', vscode.l10n.t('Connect {0} with an API Key', name));
		}
		button('ownApp', vscode.l10n.t('Set Up Your Own App'));
		button('declined', vscode.l10n.t('Not Now'));
		this.stream.progress(vscode.l10n.t('Waiting for you to choose how {0} connects…', name));
	}

	/** The account a toolkit's tools act as by default: who its active account is, else its alias or id. */
	private accountOf(toolkit: string): Promise<string | undefined> {
		let found = this.accounts.get(toolkit);
		if (!found) {
			found = this.snapshot.read().then(
				(accounts) => {
					const active = accountsOf(accounts, toolkit).find((a) => a.status === 'ACTIVE' && !a.disabled);
					return active ? (this.identityOf(active.id) ?? active.alias ?? active.id) : undefined;
				},
				(e: unknown) => {
					this.log.debug(`Listing ${toolkit} accounts for the progress line failed: ${e instanceof Error ? e.message : String(e)}`);
					return undefined;
				},
			);
			this.accounts.set(toolkit, found);
		}
		return found;
	}
}
