/**
 * Installs the test-only "Scripted Models" extension (test/lmExtension, never shipped) into a
 * code-server extensions folder: a manifest written here and the bundle esbuild built into
 * out/test/lmExtension. Needs VS Code 1.104 or later (its provider API).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';

/** The extension's id, for `--enable-proposed-api` and `vscode.extensions.getExtension`. */
export const SCRIPTED_MODELS_EXTENSION_ID = 'composio-tests.scripted-models';

export interface ScriptedModelsInstall {
	/**
	 * Declare the proposed `chatProvider` API so the models can require consent (the server must
	 * also be started with `--enable-proposed-api composio-tests.scripted-models`).
	 */
	readonly consent?: boolean;
}

/** Writes the extension into `extensionsDir`; returns its folder. */
export function installScriptedModels(extensionsDir: string, options: ScriptedModelsInstall = {}): string {
	const bundle = join(repoRoot, 'out', 'test', 'lmExtension', 'extension.js');
	if (!existsSync(bundle)) {
		throw new Error(`${bundle} is missing: build the tests first (node esbuild.mjs --tests).`);
	}
	const folder = join(extensionsDir, `${SCRIPTED_MODELS_EXTENSION_ID}-0.0.1`);
	mkdirSync(folder, { recursive: true });
	copyFileSync(bundle, join(folder, 'extension.js'));
	writeFileSync(
		join(folder, 'package.json'),
		JSON.stringify(
			{
				name: 'scripted-models',
				displayName: 'Scripted Models (tests)',
				publisher: 'composio-tests',
				version: '0.0.1',
				private: true,
				engines: { vscode: '^1.104.0' },
				main: './extension.js',
				activationEvents: ['onStartupFinished'],
				...(options.consent ? { enabledApiProposals: ['chatProvider'] } : {}),
				contributes: { languageModelChatProviders: [{ vendor: 'composio-tests', displayName: 'Scripted Models (tests)' }] },
			},
			null,
			2,
		),
	);
	return folder;
}
