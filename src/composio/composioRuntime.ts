/**
 * The Composio bundle (dist/lazy/composio.js): the Composio SDK (`@composio/core` with its OpenAI
 * provider) and the service over it. Loaded the first time something needs a session (the
 * Connections view or the chat shown, a command), never at activation; see esbuild.mjs.
 */
export { config as configureL10n } from '@vscode/l10n';
export { ComposioService } from './composioService';
