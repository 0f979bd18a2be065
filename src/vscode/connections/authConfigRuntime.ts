/**
 * The auth config bundle (dist/lazy/authConfigs.js): Use Your Own App for a Toolkit…, Choose Auth
 * Config…, Show Auth Configs, and the own-app card's setup in a turn. Loaded the first time one of
 * them is used, never at activation; see esbuild.mjs.
 */
export { config as configureL10n } from '@vscode/l10n';
export { AuthConfigCommands } from './authConfigCommands';
