/**
 * The `@composio` chat participant: the agent inside VS Code's own chat view. A front door over
 * the same core as the sidebar chat (rule 12): the agent loop with the model the user picked in
 * VS Code's chat (`request.model`), the same Composio session, editor tools, approval gate and
 * always-allowed list, the same AuthWaiter for Connect Links and the same link policy. This file
 * only translates: agent events become `ChatResponseStream` parts, and the response's buttons come
 * back as commands.
 *
 * Registering costs nothing: the handler builds its state on the first request.
 */
import { asComponent } from '../../common/requestComponent';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { type AgentFailure, toAgentFailure } from '../../agent/agentEvents';
import { startAgentTurn, type TurnSetup } from '../../agent/agentTurn';
import type { AuthWaiter } from '../../agent/authWaiter';
import type { OwnAppRequests } from '../../agent/ownAppSetup';
import { allowedInChat, type HistoryTurn, historyMessages, type ParticipantMetadata, ParticipantRuns, parseParticipantMetadata, resumable } from '../../agent/participantHistory';
import { userMessageContent } from '../../agent/systemPrompt';
import { type AlwaysAllowedStore, type ApprovalDecision, type ApprovalMode, ToolApprovalGate } from '../../agent/toolApproval';
import type { Clock } from '../../common/clock';
import { listingEachTime } from '../../composio/accountsSnapshot';
import type { LinkOpener } from '../../composio/linkPolicy';
import { fileContext, selectionContext } from '../../protocol/editorContext';
import type { EditorContext } from '../../protocol/transcript';
import { actionCommand } from './participantMessages';
import { ResponseRenderer } from './participantResponse';

/** What the participant needs from the rest of the extension. */
export interface ChatParticipantDeps {
	/** The turn's model (around VS Code's `request.model`), session, limits and editor tools. Throws ComposioError/ModelError with a remedy. */
	setup(signal: AbortSignal, model: vscode.LanguageModelChat): Promise<TurnSetup>;
	/** The same always-allowed list and `composio.approval` mode as the sidebar chat. */
	readonly approval: { readonly store: AlwaysAllowedStore; readonly mode: () => ApprovalMode };
	/** The link policy. */
	readonly linkOpener: LinkOpener;
	readonly log: vscode.LogOutputChannel;
	/** Waits and link expiry; default the system clock. */
	readonly clock?: Clock;
}

/** A request being answered: what its buttons reach. */
interface ActiveRun {
	readonly gate: ToolApprovalGate;
	readonly waiter: AuthWaiter;
	readonly ownApp: OwnAppRequests;
}

/** How many Connect Links the buttons of finished responses still open. */
const KEPT_LINKS = 100;

/** The shown text of a response (its markdown parts). */
function responseText(turn: vscode.ChatResponseTurn): string {
	return turn.response
		.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
		.join('');
}

/** VS Code's history as plain turns (requests and their responses; VS Code gives only this participant's). */
export function historyTurns(history: vscode.ChatContext['history']): HistoryTurn[] {
	const out: HistoryTurn[] = [];
	for (const entry of history) {
		if (entry instanceof vscode.ChatRequestTurn) {
			out.push({ prompt: entry.prompt });
		} else if (entry instanceof vscode.ChatResponseTurn) {
			const last = out[out.length - 1];
			const metadata = parseParticipantMetadata(entry.result.metadata);
			const turn: HistoryTurn = { prompt: last && last.responseText === undefined ? last.prompt : '', responseText: responseText(entry), ...(metadata ? { metadata } : {}) };
			if (last && last.responseText === undefined) {
				out[out.length - 1] = turn;
			} else {
				out.push(turn);
			}
		}
	}
	return out;
}

/** The editor context a request's references carry (`#file`, the selection, a pasted value). */
export async function referenceContext(references: readonly vscode.ChatPromptReference[], log: vscode.LogOutputChannel): Promise<EditorContext[]> {
	const out: EditorContext[] = [];
	// References come last-first; the user wrote them first-first.
	for (const ref of [...references].reverse()) {
		try {
			const value: unknown = ref.value;
			if (value instanceof vscode.Location) {
				const doc = await vscode.workspace.openTextDocument(value.uri);
				const range = value.range;
				const text = doc.getText(range);
				if (text.trim() === '') {
					continue;
				}
				out.push(selectionContext(vscode.workspace.asRelativePath(value.uri), doc.languageId, { start: range.start, end: range.end, text }).context);
			} else if (value instanceof vscode.Uri) {
				const doc = await vscode.workspace.openTextDocument(value);
				out.push(fileContext(vscode.workspace.asRelativePath(value), doc.languageId, doc.getText()).context);
			} else if (typeof value === 'string' && value.trim() !== '') {
				out.push({ path: ref.modelDescription ?? ref.id, languageId: 'plaintext', text: value });
			}
		} catch (e) {
			log.warn(`A chat reference (${ref.id}) could not be read: ${e instanceof Error ? e.message : String(e)}`);
		}
	}
	return out;
}

/**
 * The participant's handler and the commands its buttons run. One instance per extension host;
 * each request gets its own approval gate (seeded with the chat's "Allow in this chat" answers)
 * and AuthWaiter.
 */
export class ComposioChatParticipant implements vscode.Disposable {
	private readonly runs = new ParticipantRuns();
	private readonly active = new Map<string, ActiveRun>();
	/** Connect Links by `runId/toolkit`: a Connect button opens the link the host made, never a URL from anywhere else. */
	private readonly links = new Map<string, string>();

	constructor(private readonly deps: ChatParticipantDeps) {}

	dispose(): void {
		this.active.clear();
	}

	/** Answers an approval question of a running request. False when it no longer waits (answered, or the request ended). */
	async approve(runId: unknown, callId: unknown, decision: unknown): Promise<boolean> {
		const run = typeof runId === 'string' ? this.active.get(runId) : undefined;
		if (!run || typeof callId !== 'string' || !(decision === 'once' || decision === 'chat' || decision === 'always' || decision === 'deny')) {
			this.deps.log.info('An approval button of a request that no longer waits was pressed; nothing to do.');
			return false;
		}
		return run.gate.decide(callId, decision satisfies ApprovalDecision);
	}

	/** Opens the Connect Link a response's button stands for, through the link policy. */
	async openConnectLink(runId: unknown, toolkit: unknown): Promise<boolean> {
		const url = typeof runId === 'string' && typeof toolkit === 'string' ? this.links.get(`${runId}/${toolkit}`) : undefined;
		if (!url) {
			void vscode.window.showInformationMessage(vscode.l10n.t('This Connect Link is no longer available. Ask @composio again for a new one.'));
			return false;
		}
		return this.deps.linkOpener.open(url);
	}

	/** Asks the waiting request for a fresh Connect Link (after one expired). */
	async renewLink(runId: unknown, toolkit: unknown): Promise<boolean> {
		const run = typeof runId === 'string' ? this.active.get(runId) : undefined;
		if (!run || typeof toolkit !== 'string') {
			void vscode.window.showInformationMessage(vscode.l10n.t('That request has ended. Ask @composio again for a new link.'));
			return false;
		}
		return run.waiter.renew(toolkit);
	}

	/** Answers the own-app question of a running request: the user's own app, an API key, or not now. */
	setUpOwnApp(runId: unknown, toolkit: unknown, way: unknown): boolean {
		const run = typeof runId === 'string' ? this.active.get(runId) : undefined;
		if (!run || typeof toolkit !== 'string' || !(way === 'ownApp' || way === 'apiKey' || way === 'declined')) {
			void vscode.window.showInformationMessage(vscode.l10n.t('That request has ended. Run Composio: Use Your Own App for a Toolkit…, then ask @composio again.'));
			return false;
		}
		return run.ownApp.answer(toolkit, way);
	}

	/** The chat request handler. Its requests name the participant. */
	handle(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
		return asComponent('participant', () => this.respond(request, context, stream, token));
	}

	private async respond(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
		const { log } = this.deps;
		const runId = randomUUID();
		const controller = new AbortController();
		const cancelled = token.onCancellationRequested(() => controller.abort());
		if (token.isCancellationRequested) {
			controller.abort();
		}
		const signal = controller.signal;
		const turns = historyTurns(context.history);
		const earlierAllowed = allowedInChat(turns);
		const messages = historyMessages(turns, this.runs);
		const resume = resumable(turns, this.runs, request.prompt);
		const start = messages.length;
		const metadata = (extra: Partial<ParticipantMetadata> = {}): ParticipantMetadata => ({ runId, allowedInChat: earlierAllowed, ...extra });
		try {
			if (!resume) {
				const editorContext = await referenceContext(request.references, log);
				messages.push({ role: 'user', content: userMessageContent(request.prompt, editorContext) });
			}
			let setup: TurnSetup;
			try {
				setup = await this.deps.setup(signal, request.model);
			} catch (e) {
				if (signal.aborted) {
					return { metadata: metadata() };
				}
				log.warn(`@composio could not start: ${e instanceof Error ? e.message : String(e)}`);
				return this.failed(stream, toAgentFailure(e), metadata());
			}
			const gate = new ToolApprovalGate(this.deps.approval.store, () => ({ mode: this.deps.approval.mode(), tagsOf: (tool) => setup.session.toolTags(tool) }), earlierAllowed);
			const { waiter, ownApp, events } = startAgentTurn({
				setup,
				messages,
				signal,
				logger: log,
				...(this.deps.clock ? { clock: this.deps.clock } : {}),
				approval: gate,
				...(resume ? { resume: { pending: resume.pending, userSaid: request.prompt } } : {}),
			});
			this.active.set(runId, { gate, waiter, ownApp });
			const identities = setup.identities;
			const render = new ResponseRenderer(runId, stream, setup.accounts ?? listingEachTime(setup.session), log, (toolkit, url) => this.keepLink(`${runId}/${toolkit}`, url), (id) => identities?.nameOf(id));
			let failure: AgentFailure | undefined;
			try {
				for await (const event of events) {
					if (event.type === 'error') {
						failure = event.error;
					} else {
						await render.event(event);
					}
				}
			} finally {
				this.active.delete(runId);
			}
			const result = metadata({ allowedInChat: gate.allowedInChat(), ...(render.waitingFor ? { waitingFor: render.waitingFor } : {}) });
			return failure ? this.failed(stream, failure, result) : { metadata: result };
		} finally {
			cancelled.dispose();
			this.runs.remember(runId, messages.slice(start));
		}
	}

	/** Ends a response with its error and, where there is one, the button for the remedy. */
	private failed(stream: vscode.ChatResponseStream, failure: AgentFailure, metadata: ParticipantMetadata): vscode.ChatResult {
		const remedy = failure.action ? actionCommand(failure.action) : undefined;
		if (remedy) {
			stream.button({ command: remedy.command, title: remedy.title, ...(failure.action === 'openSettings' ? { arguments: ['composio'] } : {}) });
		}
		return { errorDetails: { message: failure.message }, metadata };
	}

	private keepLink(key: string, url: string): void {
		this.links.delete(key);
		this.links.set(key, url);
		while (this.links.size > KEPT_LINKS) {
			const oldest = this.links.keys().next().value;
			if (oldest === undefined) {
				break;
			}
			this.links.delete(oldest);
		}
	}
}
