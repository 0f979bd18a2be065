/**
 * The chat view's controller, on the VS Code side: the adapter between `ChatSession` (the
 * editor-agnostic chat core in src/agent/chatSession.ts, which owns conversations and turns)
 * and the chat webview (`ChatViewProvider`). It only translates: conversations and turns live in ChatSession.
 */
import * as vscode from 'vscode';
import type { ChatSession, SendResult } from '../../agent/chatSession';
import { assertNever } from '../../common/assertNever';
import { systemClock } from '../../common/clock';
import { DisposableBase } from '../../common/disposable';
import type { LinkOpener } from '../../composio/linkPolicy';
import { type ChatConfigState, conversationMessages, type HostAction, type HostToWebview, type WebviewToHost } from '../../protocol/chatProtocol';
import type { ChatHost, ChatViewProvider } from './chatViewProvider';
import { insertAtCursor, openInEditor } from '../editor/editorActions';
import { TextDeltaBatcher } from './textDeltaBatcher';

/** What the controller needs besides the chat session and the view. */
export interface ChatControllerDeps {
	readonly chat: ChatSession;
	readonly view: ChatViewProvider;
	readonly linkOpener: LinkOpener;
	readonly log: vscode.LogOutputChannel;
	/** The configuration the view shows (sandbox, which keys exist). */
	config(): Promise<ChatConfigState>;
	/** Runs a remedy named by a notice or banner (set a key, open logs, …); `retry` is handled here. */
	runAction(action: Exclude<HostAction, 'retry'>): Promise<void>;
	/** The text of a file Composio kept in the session's remote workbench (a tool card's whole result). */
	readWorkbenchFile(path: string, signal: AbortSignal): Promise<string>;
}

/**
 * Connects the chat session to the chat view: forwards every change of the
 * conversation to the webview, and carries out what the webview asks for. The view only ever
 * sends item ids for links it wants opened from cards (Connect, Copy link); the URL is read
 * from the host's own transcript, and every other link goes through the link policy.
 */
export class ChatController extends DisposableBase implements ChatHost {
	private started: Promise<void> | undefined;
	/** Every message to the view goes through it, so streamed text never overtakes what follows it. */
	private readonly batcher: TextDeltaBatcher;

	constructor(private readonly deps: ChatControllerDeps) {
		super();
		this.batcher = new TextDeltaBatcher((message) => deps.view.post(message), systemClock);
		this._register({ dispose: () => this.batcher.dispose() });
		const { chat } = deps;
		const view = { post: (message: HostToWebview): void => this.post(message) };
		this._register(
			chat.onDidChangeConversation((c) => {
				for (const message of conversationMessages(c)) {
					view.post(message);
				}
			}),
		);
		this._register(
			chat.onDidAddItem((e) => {
				view.post({ type: 'itemAdded', conversationId: e.conversationId, item: e.item });
				if (e.item.kind === 'user') {
					// The first message names the conversation.
					view.post({ type: 'title', conversationId: e.conversationId, title: chat.current.title });
				}
			}),
		);
		this._register(chat.onDidUpdateItem((e) => view.post({ type: 'itemUpdated', conversationId: e.conversationId, item: e.item })));
		this._register(chat.onDidAppendText((e) => view.post({ type: 'textDelta', conversationId: e.conversationId, itemId: e.itemId, delta: e.delta })));
		this._register(chat.onDidChangeTurnState((e) => view.post({ type: 'turnState', conversationId: e.conversationId, state: e.state })));
	}

	/** Reads a result Composio kept in its workbench, with progress and a way to stop, and opens it; says why when it cannot. */
	private async openWorkbenchFile(path: string): Promise<void> {
		const controller = new AbortController();
		try {
			const text = await vscode.window.withProgress(
				{ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Reading the whole result from Composio's workbench…"), cancellable: true },
				async (_progress, token) => {
					const listener = token.onCancellationRequested(() => controller.abort());
					try {
						return await this.deps.readWorkbenchFile(path, controller.signal);
					} finally {
						listener.dispose();
					}
				},
			);
			await openInEditor(text, /\.json$/i.test(path) ? 'json' : 'plaintext');
		} catch (e) {
			if (controller.signal.aborted) {
				return;
			}
			const reason = e instanceof Error ? e.message : String(e);
			this.deps.log.warn(`Reading ${path} from the workbench failed: ${reason}`);
			void vscode.window.showErrorMessage(vscode.l10n.t("The whole result could not be read from Composio's workbench ({0}): {1}", path, reason));
		}
	}

	/** Opens the most recent conversation once, before the view first renders. */
	prepare(): Promise<void> {
		this.started ??= this.deps.chat.start().catch((e: unknown) => {
			this.deps.log.error(`Could not restore the last conversation: ${e instanceof Error ? e.message : String(e)}`);
		});
		return this.started;
	}

	config(): Promise<ChatConfigState> {
		return this.deps.config();
	}

	snapshot(): HostToWebview[] {
		// The snapshot has the text held back so far: a view that reloads gets it once, not again after.
		this.batcher.discard();
		return conversationMessages(this.deps.chat.snapshot());
	}

	private post(message: HostToWebview): void {
		this.batcher.post(message);
	}

	/**
	 * Sends a message as if typed in the view (editor prompts use this). Resolves when the turn
	 * it starts has ended; a message sent while a turn runs (and does not wait for a connection)
	 * is refused with a notice.
	 */
	async send(text: string, context: Parameters<ChatSession['send']>[1] = []): Promise<SendResult> {
		await this.prepare();
		const result = await this.deps.chat.send(text, context);
		if (result === 'busy') {
			void vscode.window.showInformationMessage(vscode.l10n.t('The agent is still working on the last message. Stop it first, or wait until it finishes.'));
		}
		return result;
	}

	async handle(message: Exclude<WebviewToHost, { type: 'ready' }>): Promise<void> {
		const { chat } = this.deps;
		switch (message.type) {
			case 'send':
				// A turn can run for minutes; do not hold the message queue for it.
				// A message the host did not take goes back to the view's box (see webview/sendTracker.ts).
				void this.send(message.text, message.context).then(
					(result) => {
						if (result === 'busy' || result === 'empty') {
							this.post({ type: 'sendRefused' });
						}
					},
					(e: unknown) => {
						this.deps.log.error(e instanceof Error ? e : String(e));
						this.post({ type: 'sendRefused' });
					},
				);
				return;
			case 'cancel':
				chat.cancel();
				return;
			case 'newChat':
				await chat.newConversation();
				return;
			case 'listHistory':
				await this.postHistory();
				return;
			case 'openConversation':
				if (!(await chat.open(message.id))) {
					void vscode.window.showWarningMessage(vscode.l10n.t('That conversation could not be opened; it may have been deleted.'));
					await this.postHistory();
				}
				return;
			case 'deleteConversation':
				await chat.delete(message.id);
				await this.postHistory();
				return;
			case 'openLink':
				// May ask first (a modal): the view's next messages do not wait for the answer.
				void this.deps.linkOpener.open(message.url).catch((e: unknown) => this.deps.log.error(e instanceof Error ? e : String(e)));
				return;
			case 'connect': {
				const item = chat.findItem(message.itemId);
				if (item?.kind === 'auth') {
					void this.deps.linkOpener.open(item.url).catch((e: unknown) => this.deps.log.error(e instanceof Error ? e : String(e)));
				}
				return;
			}
			case 'copyLink': {
				const item = chat.findItem(message.itemId);
				if (item?.kind === 'auth') {
					await vscode.env.clipboard.writeText(item.url);
				}
				return;
			}
			case 'renewLink': {
				if (!(await chat.renewLinkForItem(message.itemId))) {
					// The turn that asked is over: asking again makes the agent offer a fresh link.
					void chat.retry();
				}
				return;
			}
			case 'copyText':
				await vscode.env.clipboard.writeText(message.text);
				return;
			case 'insertCode':
				await insertAtCursor(message.code, message.language);
				return;
			case 'openToolResult': {
				const item = chat.findItem(message.itemId);
				if (item?.kind === 'tool' && item.workbenchFile !== undefined) {
					await this.openWorkbenchFile(item.workbenchFile);
				} else if (item?.kind === 'tool' && item.result !== undefined) {
					await openInEditor(item.result, 'json');
				}
				return;
			}
			case 'setUpOwnApp': {
				if (!chat.setUpOwnApp(message.itemId, message.way)) {
					this.deps.log.info('An own-app answer arrived for a card that no longer waits; ignored.');
				}
				return;
			}
			case 'approve':
				if (!(await chat.approve(message.itemId, message.decision))) {
					this.deps.log.info('An approval answer arrived for a call that no longer waits; ignored.');
				}
				return;
			case 'runAction':
				if (message.action === 'retry') {
					void chat.retry();
				} else {
					// Setting a key opens an input box: the view's next messages do not wait for it.
					void this.deps.runAction(message.action).catch((e: unknown) => this.deps.log.error(e instanceof Error ? e : String(e)));
				}
				return;
			default:
				assertNever(message);
		}
	}

	private async postHistory(): Promise<void> {
		const conversations = await this.deps.chat.list();
		this.post({ type: 'history', conversations, currentId: this.deps.chat.current.id });
	}
}
