/**
 * The model bundle (dist/lazy/model.js): the OpenAI SDK and the model client over it. Loaded when
 * the first message goes to the OpenAI-compatible or the sandbox's model, never at activation and
 * not just to show the chat; see esbuild.mjs.
 */
export { config as configureL10n } from '@vscode/l10n';
export { OpenAiModelClient } from './openAiModelClient';
