import * as vscode from 'vscode';
import { DisposableBase } from './common/disposable';
import type { SecretStore } from './common/secrets';
import type { ChatConfigState, HostAction } from './protocol/chatProtocol';
import { ChatViewProvider, type ChatHost } from './vscode/chatViewProvider';
import { CommandIds } from './vscode/commandIds';
import { type UserPrompts, VsCodeUserPrompts } from './vscode/userPrompts';
import { VsCodeSecretStore } from './vscode/vsCodeSecretStore';

/**
 * The composition root: the one place where real implementations are chosen and wired.
 * Everything it creates is disposed with it.
 */
export class Services extends DisposableBase implements ChatHost {
	readonly secrets: SecretStore;
	/** Replaceable so tests in the real editor can answer prompts. */
	prompts: UserPrompts = new VsCodeUserPrompts();
	readonly chatView: ChatViewProvider;

	constructor(
		readonly context: vscode.ExtensionContext,
		readonly log: vscode.LogOutputChannel,
	) {
		super();
		this.secrets = this._register(new VsCodeSecretStore(context.secrets));
		this.chatView = this._register(new ChatViewProvider(context.extensionUri, this, log));
		this._register(this.secrets.onDidChange(() => void this.chatView.refreshConfig()));
	}

	async config(): Promise<ChatConfigState> {
		const [composio, openAi] = await Promise.all([this.secrets.source('composioApiKey'), this.secrets.source('openAiApiKey')]);
		return { sandbox: composio === 'none', hasComposioKey: composio !== 'none', hasOpenAiKey: openAi !== 'none' };
	}

	handleUserMessage(text: string): Promise<string> {
		this.log.info(`Chat message received (${text.length} characters).`);
		return Promise.resolve(`Received your message (${text.length} characters). The agent arrives in a later version.`);
	}

	async runAction(action: HostAction): Promise<void> {
		const command = {
			setComposioKey: CommandIds.setComposioApiKey,
			setOpenAiKey: CommandIds.setOpenAiApiKey,
			openLogs: CommandIds.showLogs,
		}[action];
		await vscode.commands.executeCommand(command);
	}
}
