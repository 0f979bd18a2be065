/**
 * The agent bundle (dist/lazy/agent.js): the chat session and the agent loop, the conversation
 * store, the editor toolbox, and fitting conversations into a model's context window. Loaded the
 * first time the chat is shown or a message is sent, never at activation; no model SDK is in it
 * (see modelRuntime.ts and vscode/models/vsCodeModelRuntime.ts). See esbuild.mjs.
 */
export { config as configureL10n } from '@vscode/l10n';
export { ChatSession } from './chatSession';
export { ContextFittingModelClient } from './contextFittingModelClient';
export { DEFAULT_CONTEXT_WINDOW, estimateTokens, openAiInputLimit } from './contextWindow';
export { ConversationStore } from './conversationStore';
export { EDITOR_TOOL_IDS, EditorTools } from './editor/editorTools';
export { ModelError } from './modelErrors';
export { readWorkbenchFile } from './workbenchFiles';
