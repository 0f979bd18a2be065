import * as vscode from 'vscode';
import { toLanguageModelError } from '../../agent/languageModelErrors';
import { type LmMessage, toLmMessages, toLmTools, toolCallFromLm } from '../../agent/languageModelMessages';
import type { ModelChunk, ModelClient, ModelRequest, ModelToolCall } from '../../agent/modelClient';
import { cancelledModelError, type ModelError } from '../../agent/modelErrors';

/** Why the extension asks to use a model; VS Code shows it in its consent prompt. */
export function modelJustification(): string {
	return vscode.l10n.t('Composio Agent sends your chat messages, and the results of the tools it runs on your apps, to the model you picked so it can answer and act for you.');
}

/** Settings for `VsCodeModelClient`. */
export interface VsCodeModelClientOptions {
	/** The model as named in messages ("GPT-4.1 (Copilot)"). */
	readonly title: string;
	/** Shown in VS Code's consent prompt; default `modelJustification()`. */
	readonly justification?: string;
}

/** A VS Code message from the plain form (one to one). */
export function toVsCodeMessage(m: LmMessage): vscode.LanguageModelChatMessage {
	if (m.role === 'assistant') {
		const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
		for (const p of m.parts) {
			if (p.kind === 'text') {
				parts.push(new vscode.LanguageModelTextPart(p.text));
			} else if (p.kind === 'toolCall') {
				parts.push(new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input));
			}
		}
		return vscode.LanguageModelChatMessage.Assistant(parts);
	}
	const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[] = [];
	for (const p of m.parts) {
		if (p.kind === 'text') {
			parts.push(new vscode.LanguageModelTextPart(p.text));
		} else if (p.kind === 'toolResult') {
			parts.push(new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.text)]));
		}
	}
	return vscode.LanguageModelChatMessage.User(parts);
}

/**
 * `ModelClient` over one of VS Code's language models (`vscode.lm`): Copilot's, or any that an
 * extension contributes. The agent loop cannot tell it from `OpenAiModelClient`.
 *
 * Contract of `stream()`: converts the Chat Completions conversation and tools (see
 * languageModelMessages.ts), sends them with `LanguageModelChat.sendRequest`, and yields text
 * parts as `text` deltas and tool call parts as one `toolCalls` chunk at the end, then `done`
 * (no `usage`: VS Code does not report it). The first request of this extension makes VS Code
 * ask the user's consent for models that need it, so it must start from a user action (a sent
 * message). Aborting the signal cancels the request and throws a `ModelError` of kind
 * 'cancelled'; every other failure is a `ModelError` mapped by `toLanguageModelError`
 * (consent refused, blocked or quota, model gone, rate limit, context too long).
 */
export class VsCodeModelClient implements ModelClient {
	readonly model: string;

	constructor(
		private readonly chat: vscode.LanguageModelChat,
		private readonly options: VsCodeModelClientOptions,
	) {
		this.model = chat.id;
	}

	async *stream(request: ModelRequest): AsyncGenerator<ModelChunk, void, undefined> {
		const { signal } = request;
		if (signal.aborted) {
			throw cancelledModelError();
		}
		const messages = toLmMessages(request.messages).map(toVsCodeMessage);
		const tools: vscode.LanguageModelChatTool[] = toLmTools(request.tools).map((t) => ({ name: t.name, description: t.description, ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}) }));
		const cancellation = new vscode.CancellationTokenSource();
		const onAbort = (): void => cancellation.cancel();
		signal.addEventListener('abort', onAbort, { once: true });
		try {
			let response: vscode.LanguageModelChatResponse;
			try {
				response = await this.chat.sendRequest(
					messages,
					{ justification: this.options.justification ?? modelJustification(), ...(tools.length > 0 ? { tools, toolMode: vscode.LanguageModelChatToolMode.Auto } : {}) },
					cancellation.token,
				);
			} catch (e) {
				throw this.fail(e, signal);
			}
			const calls: ModelToolCall[] = [];
			try {
				for await (const part of response.stream) {
					if (signal.aborted) {
						break;
					}
					if (part instanceof vscode.LanguageModelTextPart) {
						if (part.value !== '') {
							yield { type: 'text', delta: part.value };
						}
					} else if (part instanceof vscode.LanguageModelToolCallPart) {
						calls.push(toolCallFromLm(part, calls.length));
					}
					// Other parts (thinking, data) are not part of the answer.
				}
			} catch (e) {
				throw this.fail(e, signal);
			}
			if (signal.aborted) {
				throw cancelledModelError();
			}
			if (calls.length > 0) {
				yield { type: 'toolCalls', calls };
			}
			yield { type: 'done', finishReason: calls.length > 0 ? 'tool_calls' : 'stop' };
		} finally {
			signal.removeEventListener('abort', onAbort);
			cancellation.dispose();
		}
	}

	private fail(e: unknown, signal: AbortSignal): ModelError {
		return signal.aborted ? cancelledModelError() : toLanguageModelError(e, { model: this.options.title });
	}
}
