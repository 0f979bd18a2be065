/**
 * The VS Code language model bundle (dist/lazy/vscodeModel.js): the model client over
 * `vscode.lm` and the conversion of a conversation to its messages. Loaded with the first message
 * sent to one of VS Code's models, never at activation and not for the OpenAI-compatible or the
 * sandbox's model; see esbuild.mjs.
 */
export { config as configureL10n } from '@vscode/l10n';
export { VsCodeModelClient } from './vsCodeModelClient';
