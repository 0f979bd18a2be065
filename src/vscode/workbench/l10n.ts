/**
 * Translations for the core layers. `src/vscode` words what it shows with `vscode.l10n.t`; the
 * layers that never import `vscode` (agent/, composio/) mark their user-facing sentences with
 * `l10n.t` from `@vscode/l10n`, Microsoft's translator for code without the editor API. It
 * answers in English until it is given the window's translations, and both kinds of call are
 * collected into the one `l10n/bundle.l10n.json` by `npm run l10n`. Each bundle esbuild builds
 * (the activation bundle and every lazy one) carries its own copy of `@vscode/l10n`, so each copy
 * is given the translations as its bundle loads: here, and nowhere else.
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { once } from '../../common/once';

/** The `config` of one copy of `@vscode/l10n`. */
export type L10nConfig = typeof l10n.config;

/** What every lazily loaded bundle exports: its copy of `@vscode/l10n`'s `config` (`export { config as configureL10n } from '@vscode/l10n'`). */
export interface TranslatableBundle {
	readonly configureL10n: L10nConfig;
}

/**
 * Gives one copy of `@vscode/l10n` (by default the activation bundle's) the translations VS Code
 * loaded for this extension in the display language. In English there are none, and nothing
 * changes: every message is its own English.
 */
export function translateCoreLayers(configure: L10nConfig = l10n.config): void {
	const contents = vscode.l10n.bundle;
	if (contents) {
		configure({ contents });
	}
}

/**
 * A lazy bundle's loader: loads it the first time it is asked for (see `once`) and gives its copy
 * of `@vscode/l10n` the translations before anyone uses it.
 */
export function lazyBundle<T extends TranslatableBundle>(load: () => Promise<T>): () => Promise<T> {
	return once(async () => {
		const bundle = await load();
		translateCoreLayers(bundle.configureL10n);
		return bundle;
	});
}
