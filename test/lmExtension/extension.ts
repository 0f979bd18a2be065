/**
 * A test-only VS Code extension (never shipped) that offers scripted language models through
 * `vscode.lm.registerLanguageModelChatProvider`. It plays the part of GitHub Copilot or any
 * extension that adds models: Composio Agent finds its models in `vscode.lm.selectChatModels`
 * and talks to them with `sendRequest`, exactly as it would to Copilot's.
 *
 * The answers come from the sandbox's scripted model (src/sandbox/scriptedModel/scriptedModel*.ts): each
 * request is converted back to Chat Completions and sent to a scripted model server (the tests' build), whose URL
 * the tests give (`COMPOSIO_TEST_LM_URL`, or `setServer` from the in-editor tests), so tests
 * inject faults and read what was sent there. Like a real provider it refuses a request longer
 * than the model's input limit, counting tokens as the scripted model does.
 */
import { OpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import * as vscode from 'vscode';
import { isRecord } from '../../src/common/isRecord';
import { fromLmMessages, type LmMessage, type LmPart } from '../../src/agent/languageModelMessages';
import { scriptedPromptTokens } from '../shared/scriptedTokens';
import { type ChatModelInformation, type ChatModelProvider, type ChatRequestMessage, providerApi } from './providerApi';

/** The vendor id (package.json `contributes.languageModelChatProviders`). */
export const SCRIPTED_VENDOR = 'composio-tests';

/**
 * The models offered: a roomy one and a small one. The small one's input limit leaves room for
 * one task beside the sandbox session's tool definitions (every app tool's schema, where a real
 * session offers the meta tools).
 */
export const SCRIPTED_MODELS = [
	{ id: 'scripted-large', name: 'Scripted Large', maxInputTokens: 100_000 },
	{ id: 'scripted-small', name: 'Scripted Small', maxInputTokens: 6_500 },
] as const;

/** What the tests get from `activate`. */
export interface ScriptedModelsApi {
	readonly vendor: string;
	/** Where requests go: a ScriptedModel server's `/v1` base URL. */
	setServer(baseUrl: string): void;
	/** Requests each model received, with their size in tokens, oldest first. */
	readonly received: ReadonlyArray<{ readonly model: string; readonly tokens: number }>;
}

/** One content part as the plain form (by shape: parts cross the extension host boundary). */
function toPart(part: unknown): LmPart | undefined {
	if (part instanceof vscode.LanguageModelTextPart || (isRecord(part) && typeof part['value'] === 'string' && !('callId' in part))) {
		return { kind: 'text', text: String((part as { value: string }).value) };
	}
	if (part instanceof vscode.LanguageModelToolCallPart || (isRecord(part) && typeof part['callId'] === 'string' && typeof part['name'] === 'string')) {
		const p = part as { callId: string; name: string; input: unknown };
		return { kind: 'toolCall', callId: p.callId, name: p.name, input: isRecord(p.input) ? (p.input) : {} };
	}
	if (part instanceof vscode.LanguageModelToolResultPart || (isRecord(part) && typeof part['callId'] === 'string' && Array.isArray(part['content']))) {
		const p = part as { callId: string; content: unknown[] };
		const text = p.content.map((c) => (isRecord(c) && typeof c['value'] === 'string' ? c['value'] : '')).join('');
		return { kind: 'toolResult', callId: p.callId, text };
	}
	return undefined;
}

/**
 * VS Code's API has no system role, so the agent sends its system prompt as a first user message
 * of its own. A real model reads it as its instructions (the accounts listed there included); the
 * scripted model reads instructions from a system message, so that first message is handed on as one.
 */
function asInstructions(chat: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
	const [first, ...rest] = chat;
	return first?.role === 'user' && typeof first.content === 'string' && first.content.startsWith('You are Composio Agent,') ? [{ role: 'system', content: first.content }, ...rest] : chat;
}

function toLm(message: ChatRequestMessage): LmMessage {
	return {
		role: message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user',
		parts: message.content.map(toPart).filter((p): p is LmPart => p !== undefined),
	};
}

function toTools(tools: readonly vscode.LanguageModelChatTool[] | undefined): ChatCompletionTool[] {
	return (tools ?? []).map((t) => ({
		type: 'function',
		function: { name: t.name, description: t.description, parameters: (t.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} } },
	}));
}

export function activate(context: vscode.ExtensionContext): ScriptedModelsApi | undefined {
	const api = providerApi((vscode as { lm?: unknown }).lm);
	if (!api) {
		console.warn('[scripted-models] This VS Code has no language model provider API (1.104+); no models offered.');
		return undefined;
	}
	let baseUrl = process.env['COMPOSIO_TEST_LM_URL'] ?? '';
	const consent = process.env['COMPOSIO_TEST_LM_CONSENT'] === '1';
	const received: { model: string; tokens: number }[] = [];
	const infos: ChatModelInformation[] = SCRIPTED_MODELS.map((m) => ({
		id: m.id,
		name: m.name,
		family: 'scripted',
		version: '1',
		detail: 'Scripted (tests)',
		tooltip: 'The sandbox’s scripted model, offered through VS Code for tests',
		maxInputTokens: m.maxInputTokens,
		maxOutputTokens: 4_096,
		capabilities: { toolCalling: true },
		...(consent ? { requiresAuthorization: true as const } : {}),
	}));

	const provider: ChatModelProvider = {
		provideLanguageModelChatInformation: () => infos,
		provideTokenCount: (_model, text) => Promise.resolve(typeof text === 'string' ? Math.ceil(text.length / 4) : scriptedPromptTokens(fromLmMessages([toLm(text)]), [])),
		async provideLanguageModelChatResponse(model, messages, options, progress, token) {
			const chat: ChatCompletionMessageParam[] = asInstructions(fromLmMessages(messages.map(toLm)));
			const tools = toTools(options.tools);
			const tokens = scriptedPromptTokens(chat, tools);
			received.push({ model: model.id, tokens });
			if (tokens > model.maxInputTokens) {
				throw new Error(`This request has ${tokens} tokens, which exceeds the context window of ${model.name} (${model.maxInputTokens} tokens).`);
			}
			if (!baseUrl) {
				throw new Error('The scripted models have no server (COMPOSIO_TEST_LM_URL is not set).');
			}
			const client = new OpenAI({ baseURL: baseUrl, apiKey: 'scripted', maxRetries: 0, organization: null, project: null, logLevel: 'off' });
			const abort = new AbortController();
			const cancelled = token.onCancellationRequested(() => abort.abort());
			try {
				const stream: AsyncIterable<ChatCompletionChunk> = await client.chat.completions.create({ model: model.id, messages: chat, stream: true, ...(tools.length > 0 ? { tools } : {}) }, { signal: abort.signal });
				const calls = new Map<number, { id: string; name: string; args: string }>();
				for await (const chunk of stream) {
					const delta = chunk.choices[0]?.delta;
					if (typeof delta?.content === 'string' && delta.content !== '') {
						progress.report(new vscode.LanguageModelTextPart(delta.content));
					}
					for (const call of delta?.tool_calls ?? []) {
						const c = calls.get(call.index) ?? { id: '', name: '', args: '' };
						c.id ||= call.id ?? '';
						c.name += call.function?.name ?? '';
						c.args += call.function?.arguments ?? '';
						calls.set(call.index, c);
					}
				}
				for (const c of calls.values()) {
					progress.report(new vscode.LanguageModelToolCallPart(c.id, c.name, c.args ? (JSON.parse(c.args) as object) : {}));
				}
			} finally {
				cancelled.dispose();
			}
		},
	};
	context.subscriptions.push(api.registerLanguageModelChatProvider(SCRIPTED_VENDOR, provider));
	// VS Code resolves a provider's models lazily; asking once makes them available at once.
	void vscode.lm.selectChatModels({ vendor: SCRIPTED_VENDOR });
	return {
		vendor: SCRIPTED_VENDOR,
		setServer: (url) => {
			baseUrl = url;
		},
		received,
	};
}

export function deactivate(): void {}
