/**
 * Minimal declarations of VS Code's language model provider API (stable since 1.104). The
 * project builds against @types/vscode 1.100, which has the consumer side only; the test-only
 * extension registers a provider through these, after checking at run time that the API exists.
 */
import type * as vscode from 'vscode';

/** A model the provider offers (`LanguageModelChatInformation`). */
export interface ChatModelInformation {
	readonly id: string;
	readonly name: string;
	readonly family: string;
	readonly version: string;
	readonly tooltip?: string;
	readonly detail?: string;
	readonly maxInputTokens: number;
	readonly maxOutputTokens: number;
	readonly capabilities: { readonly imageInput?: boolean; readonly toolCalling?: boolean | number };
	/** Proposed (`chatProvider`): VS Code asks the user's consent before another extension uses the model. */
	readonly requiresAuthorization?: true | { readonly label: string };
}

/** A message as the provider receives it (`LanguageModelChatRequestMessage`). */
export interface ChatRequestMessage {
	readonly role: vscode.LanguageModelChatMessageRole;
	readonly content: ReadonlyArray<unknown>;
	readonly name: string | undefined;
}

/** `ProvideLanguageModelChatResponseOptions`. */
export interface ProvideResponseOptions {
	readonly modelOptions?: { readonly [name: string]: unknown };
	readonly tools?: readonly vscode.LanguageModelChatTool[];
	readonly toolMode: vscode.LanguageModelChatToolMode;
}

/** What a response may report (`LanguageModelResponsePart`). */
export type ResponsePart = vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart;

/** `LanguageModelChatProvider`. */
export interface ChatModelProvider<T extends ChatModelInformation = ChatModelInformation> {
	readonly onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
	provideLanguageModelChatInformation(options: { readonly silent: boolean }, token: vscode.CancellationToken): vscode.ProviderResult<T[]>;
	provideLanguageModelChatResponse(model: T, messages: readonly ChatRequestMessage[], options: ProvideResponseOptions, progress: vscode.Progress<ResponsePart>, token: vscode.CancellationToken): Thenable<void>;
	provideTokenCount(model: T, text: string | ChatRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

/** The part of `vscode.lm` this file declares. */
export interface ProviderRegistration {
	registerLanguageModelChatProvider(vendor: string, provider: ChatModelProvider): vscode.Disposable;
}

/** `vscode.lm` with the provider API, or undefined on a VS Code without it (before 1.104). */
export function providerApi(lm: unknown): ProviderRegistration | undefined {
	const candidate = lm as Partial<ProviderRegistration> | undefined;
	return candidate && typeof candidate.registerLanguageModelChatProvider === 'function' ? (candidate as ProviderRegistration) : undefined;
}
