/**
 * The VS Code chat bundle (dist/lazy/vscodeChat.js): the `@composio` participant's handler and
 * the Composio Language Model Tools' implementation, with the agent loop and approval gate they
 * run. Loaded on the first request to the participant, the first press of one of its buttons or
 * the first call of a tool, never at activation; see vsCodeChatRegistration.ts and esbuild.mjs.
 */
export { config as configureL10n } from '@vscode/l10n';
export { ComposioChatParticipant } from './chatParticipant';
export { ComposioLanguageModelTools } from './languageModelTools';
