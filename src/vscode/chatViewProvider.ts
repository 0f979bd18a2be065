import * as vscode from 'vscode';
import { assertNever } from '../common/assertNever';
import { DisposableBase } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { type ChatConfigState, type HostAction, type HostToWebview, parseWebviewMessage, type WebviewToHost } from '../protocol/chatProtocol';
import { renderChatHtml } from './webviewHtml';

/** What the chat view asks of the rest of the extension. */
export interface ChatHost {
	config(): Promise<ChatConfigState>;
	/** Handles a message typed by the user; resolves to the reply to show. */
	handleUserMessage(text: string): Promise<string>;
	runAction(action: HostAction): Promise<void>;
}

/**
 * The sidebar chat (a WebviewView). Owns the webview's document and message channel: it
 * validates every message from the webview and queues its own messages until the webview
 * says it is ready.
 */
export class ChatViewProvider extends DisposableBase implements vscode.WebviewViewProvider {
	private view: vscode.WebviewView | undefined;
	private ready = false;
	private readonly outbox: HostToWebview[] = [];
	private readonly viewDisposables: vscode.Disposable[] = [];

	private readonly readyEmitter = this._register(new Emitter<void>());
	/** Fires when the webview has loaded and said `ready`. */
	readonly onDidBecomeReady = this.readyEmitter.event;

	private readonly postEmitter = this._register(new Emitter<HostToWebview>());
	/** Fires for every message delivered to the webview (used by tests and logs). */
	readonly onDidPostMessage = this.postEmitter.event;

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly host: ChatHost,
		private readonly log: vscode.LogOutputChannel,
	) {
		super();
		this._register({ dispose: () => this.disposeView() });
	}

	get isReady(): boolean {
		return this.ready;
	}

	resolveWebviewView(view: vscode.WebviewView): void {
		this.disposeView();
		this.view = view;
		this.ready = false;
		view.webview.options = {
			enableScripts: true,
			localResourceRoots: [
				vscode.Uri.joinPath(this.extensionUri, 'dist'),
				vscode.Uri.joinPath(this.extensionUri, 'media'),
			],
		};
		view.webview.html = renderChatHtml(view.webview, this.extensionUri);
		this.viewDisposables.push(
			view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
			view.onDidDispose(() => {
				if (this.view === view) {
					this.view = undefined;
					this.ready = false;
				}
			}),
		);
	}

	/** Sends a message to the webview, or queues it until the webview is ready. */
	post(message: HostToWebview): void {
		if (!this.view || !this.ready) {
			this.outbox.push(message);
			return;
		}
		void this.view.webview.postMessage(message).then((delivered) => {
			if (delivered) {
				this.postEmitter.fire(message);
			}
		});
	}

	/** Pushes the current configuration (sandbox, which keys exist) to the webview. */
	async refreshConfig(): Promise<void> {
		this.post({ type: 'config', config: await this.host.config() });
	}

	private receive(raw: unknown): void {
		const message = parseWebviewMessage(raw);
		if (!message) {
			this.log.warn('Ignored a malformed message from the chat view.');
			return;
		}
		void this.handle(message).catch((e: unknown) => {
			this.log.error(e instanceof Error ? e : String(e));
		});
	}

	private async handle(message: WebviewToHost): Promise<void> {
		switch (message.type) {
			case 'ready': {
				this.ready = true;
				await this.refreshConfig();
				for (const queued of this.outbox.splice(0)) {
					this.post(queued);
				}
				this.readyEmitter.fire();
				return;
			}
			case 'send': {
				const reply = await this.host.handleUserMessage(message.text);
				this.post({ type: 'reply', text: reply });
				return;
			}
			case 'runAction':
				await this.host.runAction(message.action);
				return;
			default:
				assertNever(message);
		}
	}

	private disposeView(): void {
		for (const d of this.viewDisposables.splice(0)) {
			d.dispose();
		}
	}
}
