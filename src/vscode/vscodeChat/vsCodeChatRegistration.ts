/**
 * VS Code's own chat, as registered at activation: the `@composio` participant, its buttons'
 * commands and the Composio Language Model Tools. Registering is all that happens here; the
 * participant's handler and the tools' implementation (with the agent loop, the approval gate
 * and the Composio session they use) load from their own bundle on the first request or call
 * (see vsCodeChatRuntime.ts and esbuild.mjs).
 */
import * as vscode from 'vscode';
import { asComponent } from '../../common/requestComponent';
import { LanguageModelToolNames, PARTICIPANT_ID, ParticipantCommandIds } from '../workbench/commandIds';
import type { ChatParticipantDeps, ComposioChatParticipant } from './chatParticipant';
import type { ComposioLanguageModelTools, LanguageModelToolsDeps } from './languageModelTools';
import type * as vsCodeChatRuntime from './vsCodeChatRuntime';

/** Loads the VS Code chat bundle (once). */
export type LoadVsCodeChat = () => Promise<typeof vsCodeChatRuntime>;

/**
 * Registers the participant and its buttons' commands; the handler loads and is built on the
 * first request. A button of a response from before a reload finds nothing running and says so.
 */
export function registerChatParticipant(deps: () => ChatParticipantDeps, extensionUri: vscode.Uri, load: LoadVsCodeChat): vscode.Disposable {
	const chat = (vscode as { chat?: typeof vscode.chat }).chat;
	if (!chat || typeof chat.createChatParticipant !== 'function') {
		return { dispose: () => undefined };
	}
	let handler: ComposioChatParticipant | undefined;
	let disposed = false;
	let building: Promise<ComposioChatParticipant> | undefined;
	const get = (): Promise<ComposioChatParticipant> =>
		(building ??= load().then(({ ComposioChatParticipant }) => {
			if (disposed) {
				throw new Error('The extension was deactivated while the Composio participant loaded.');
			}
			handler = new ComposioChatParticipant(deps());
			return handler;
		}));
	const participant = chat.createChatParticipant(PARTICIPANT_ID, async (request, context, stream, token) => (await get()).handle(request, context, stream, token));
	participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
	const disposables = [
		participant,
		vscode.commands.registerCommand(ParticipantCommandIds.approve, (runId: unknown, callId: unknown, decision: unknown) => asComponent('participant', async () => (await get()).approve(runId, callId, decision))),
		vscode.commands.registerCommand(ParticipantCommandIds.openConnectLink, (runId: unknown, toolkit: unknown) => asComponent('participant', async () => (await get()).openConnectLink(runId, toolkit))),
		vscode.commands.registerCommand(ParticipantCommandIds.renewLink, (runId: unknown, toolkit: unknown) => asComponent('participant', async () => (await get()).renewLink(runId, toolkit))),
		vscode.commands.registerCommand(ParticipantCommandIds.setUpOwnApp, (runId: unknown, toolkit: unknown, way: unknown) => asComponent('participant', async () => (await get()).setUpOwnApp(runId, toolkit, way))),
	];
	return {
		dispose: () => {
			disposed = true;
			disposables.forEach((d) => {
				d.dispose();
			});
			handler?.dispose();
		},
	};
}

/** The registered tools: dispose to withdraw them; `tools()` loads and builds (once) their implementation. */
export interface RegisteredLanguageModelTools extends vscode.Disposable {
	readonly tools: () => Promise<ComposioLanguageModelTools>;
}

/** Registers the four tools where this VS Code has the API; their code loads and the session opens on the first call. */
export function registerLanguageModelTools(deps: () => LanguageModelToolsDeps, load: LoadVsCodeChat): RegisteredLanguageModelTools {
	let building: Promise<ComposioLanguageModelTools> | undefined;
	const get = (): Promise<ComposioLanguageModelTools> => (building ??= load().then(({ ComposioLanguageModelTools }) => new ComposioLanguageModelTools(deps())));
	const lm = (vscode as { lm?: typeof vscode.lm }).lm;
	if (!lm || typeof lm.registerTool !== 'function') {
		return { tools: get, dispose: () => undefined };
	}
	/** A tool whose implementation loads on first use; its requests name the Language Model Tools. */
	const lazy = <T>(pick: (t: ComposioLanguageModelTools) => vscode.LanguageModelTool<T>): vscode.LanguageModelTool<T> => ({
		prepareInvocation: (options, token) => asComponent('languageModelTools', async () => pick(await get()).prepareInvocation?.(options, token)),
		invoke: (options, token) => asComponent('languageModelTools', async () => pick(await get()).invoke(options, token)),
	});
	const disposables = [
		lm.registerTool(LanguageModelToolNames.findTools, lazy((t) => t.findTools)),
		lm.registerTool(LanguageModelToolNames.connectApp, lazy((t) => t.connectApp)),
		lm.registerTool(LanguageModelToolNames.runTool, lazy((t) => t.runTool)),
		lm.registerTool(LanguageModelToolNames.listAccounts, lazy((t) => t.listAccounts)),
	];
	return {
		tools: get,
		dispose: () => {
			for (const d of disposables) {
				d.dispose();
			}
		},
	};
}
