import * as vscode from 'vscode';
import { asComponent } from '../../common/requestComponent';
import { DisposableBase } from '../../common/disposable';
import { Emitter } from '../../common/emitter';
import { type ChatConfigState, type HostPacket, type HostToWebview, parseWebviewMessage, type WebviewToHost } from '../../protocol/chatProtocol';
import { renderChatHtml } from './webviewHtml';

/** What the chat view asks of the rest of the extension. */
export interface ChatHost {
	config(): Promise<ChatConfigState>;
	/** Whatever must happen before the first snapshot (restoring the last conversation). */
	prepare(): Promise<void>;
	/**
	 * Messages that bring a freshly loaded view up to date (the current conversation, its turn
	 * state). Synchronous, so nothing can change between taking it and the view going live.
	 */
	snapshot(): HostToWebview[];
	/** Handles a validated message from the view (everything but `ready`). */
	handle(message: Exclude<WebviewToHost, { type: 'ready' }>): Promise<void>;
}

/**
 * The sidebar chat (a WebviewView). Owns the webview's document and message channel: it
 * validates every message from the webview and queues its own messages until the webview
 * says it is ready. A view that is hidden and shown again (or reloaded) is re-synced from
 * the host's snapshot; turns keep running in the host meanwhile.
 */
export class ChatViewProvider extends DisposableBase implements vscode.WebviewViewProvider {
	private view: vscode.WebviewView | undefined;
	private ready = false;
	private readonly outbox: HostToWebview[] = [];
	/** Posted in this task, to go in one packet at its end (`flush`). */
	private sending: HostToWebview[] = [];
	private readonly viewDisposables: vscode.Disposable[] = [];
	private host: ChatHost | undefined;
	/** Messages from the view are handled in order; this is the last one's handling. */
	private inbox: Promise<void> = Promise.resolve();

	private readonly readyEmitter = this._register(new Emitter<void>());
	/** Fires when the webview has loaded and said `ready`. */
	readonly onDidBecomeReady = this.readyEmitter.event;

	private readonly postEmitter = this._register(new Emitter<HostToWebview>());
	/** Fires for every message delivered to the webview (used by tests and logs). */
	readonly onDidPostMessage = this.postEmitter.event;

	private readonly receiveEmitter = this._register(new Emitter<WebviewToHost>());
	/** Fires for every valid message received from the webview. */
	readonly onDidReceiveMessage = this.receiveEmitter.event;

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register({ dispose: () => this.disposeView() });
	}

	/** Connects the host that handles the view's messages (set once, by the composition root). */
	setHost(host: ChatHost): void {
		this.host = host;
	}

	get isReady(): boolean {
		return this.ready;
	}

	get isVisible(): boolean {
		return this.view?.visible ?? false;
	}

	resolveWebviewView(view: vscode.WebviewView): void {
		this.disposeView();
		this.view = view;
		this.ready = false;
		// What was on its way to an earlier view: this one is brought up to date by the snapshot.
		this.sending = [];
		view.webview.options = {
			enableScripts: true,
			localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
		};
		view.webview.html = renderChatHtml(view.webview, this.extensionUri);
		this.viewDisposables.push(
			view.webview.onDidReceiveMessage((raw: unknown) => asComponent('chat', () => this.receive(raw))),
			view.onDidDispose(() => {
				if (this.view === view) {
					this.view = undefined;
					this.ready = false;
					this.sending = [];
				}
			}),
		);
	}

	/**
	 * Sends a message to the webview, with the others posted in the same task (`HostPacket`).
	 * While the view is loading, messages queue until it is ready; while no view exists they are
	 * dropped (the snapshot re-syncs a new view).
	 */
	post(message: HostToWebview): void {
		if (!this.view) {
			return;
		}
		if (!this.ready) {
			this.outbox.push(message);
			return;
		}
		this.sending.push(message);
		if (this.sending.length === 1) {
			setImmediate(() => this.flush());
		}
	}

	private flush(): void {
		const messages = this.sending;
		this.sending = [];
		const view = this.view;
		if (!view || messages.length === 0) {
			return;
		}
		const packet: HostPacket = messages.length === 1 && messages[0] ? messages[0] : { type: 'batch', messages };
		void view.webview.postMessage(packet).then((delivered) => {
			if (delivered) {
				for (const message of messages) {
					this.postEmitter.fire(message);
				}
			}
		});
	}

	/** Pushes the current configuration (sandbox, which keys exist) to the webview. */
	async refreshConfig(): Promise<void> {
		if (this.host && this.view) {
			this.post({ type: 'config', config: await this.host.config() });
		}
	}

	/** Reveals the view (opening the sidebar if needed) and resolves once it is ready. */
	async reveal(): Promise<void> {
		if (this.view && this.ready) {
			this.view.show(true);
			return;
		}
		const ready = new Promise<void>((resolve) => {
			const sub = this.onDidBecomeReady(() => {
				sub.dispose();
				resolve();
			});
		});
		await vscode.commands.executeCommand('composio.chat.focus');
		await ready;
	}

	private receive(raw: unknown): void {
		const message = parseWebviewMessage(raw);
		if (!message) {
			this.log.warn('Ignored a malformed message from the chat view.');
			return;
		}
		this.receiveEmitter.fire(message);
		// One at a time, in the order sent: "New chat" then "send" must not swap. Handlers that
		// start long work (a turn) return at once, so the queue never waits for a turn.
		const handle = (): Promise<void> =>
			this.dispatch(message).catch((e: unknown) => {
				this.log.error(e instanceof Error ? e : String(e));
			});
		// Stop never waits behind anything.
		this.inbox = message.type === 'cancel' ? (void handle(), this.inbox) : this.inbox.then(handle);
	}

	private async dispatch(message: WebviewToHost): Promise<void> {
		if (!this.host) {
			return;
		}
		if (message.type !== 'ready') {
			await this.host.handle(message);
			return;
		}
		const view = this.view;
		const [config] = await Promise.all([this.host.config(), this.host.prepare()]);
		if (!view || view !== this.view) {
			return;
		}
		// From here on nothing awaits: the snapshot supersedes whatever queued while the view
		// loaded, and every change after it is posted live.
		const snapshot = this.host.snapshot();
		this.ready = true;
		const queued = this.outbox.splice(0).filter((m) => m.type === 'addContext' || m.type === 'prefill' || m.type === 'focusComposer');
		for (const m of [{ type: 'config', config } as const, ...snapshot, ...queued]) {
			this.post(m);
		}
		this.readyEmitter.fire();
	}

	private disposeView(): void {
		for (const d of this.viewDisposables.splice(0)) {
			d.dispose();
		}
	}
}
