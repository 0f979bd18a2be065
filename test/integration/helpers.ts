import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { SANDBOX_ENV } from '../../src/sandbox/sandboxServers';
import type { TestApi } from '../../src/extension';
import type { UserInterface } from '../../src/vscode/workbench/userInterface';
import type { UserPrompts } from '../../src/vscode/workbench/userPrompts';

export const EXTENSION_ID = 'composio-agent.composio-agent';

let activated: TestApi | undefined;

/** Activates the extension under test and returns its test API. */
export async function activateExtension(): Promise<TestApi> {
	const ext = vscode.extensions.getExtension<TestApi | undefined>(EXTENSION_ID);
	if (!ext) {
		throw new Error(`${EXTENSION_ID} is not loaded`);
	}
	const api = await ext.activate();
	if (!api) {
		throw new Error('The extension returned no test API; is it running in test mode?');
	}
	activated = api;
	return api;
}

/**
 * From now on the extension's prompts (and quick picks, when given) are answered by these instead
 * of a person; disposing the result puts back what answered before. Activate the extension first.
 */
export function answerWith(parts: Partial<UserInterface>): vscode.Disposable {
	if (!activated) {
		throw new Error('answerWith: activate the extension first (activateExtension)');
	}
	return activated.ui.answerWith(parts);
}

/** Answers the extension's prompts from a script, recording what was asked. */
export class ScriptedPrompts implements UserPrompts {
	readonly asked: string[] = [];
	constructor(private readonly answers: (string | undefined)[]) {}

	private next(question: string): Promise<string | undefined> {
		this.asked.push(question);
		return Promise.resolve(this.answers.shift());
	}

	inputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
		return this.next(options.title ?? options.prompt ?? 'input');
	}
	confirm(message: string): Promise<string | undefined> {
		return this.next(message);
	}
	/** Notices take the next answer too (a button such as "Copy"), or none when the script is empty. */
	info(message: string): Promise<string | undefined> {
		return this.next(message);
	}
	error(message: string): Promise<string | undefined> {
		this.asked.push(message);
		return Promise.resolve(undefined);
	}
}

/** A folder the runner shares between phases (windows) of the in-editor tests. */
export function sharedDir(): string {
	const dir = process.env.COMPOSIO_TEST_SHARED;
	if (!dir) {
		throw new Error('COMPOSIO_TEST_SHARED is not set; run through out/test/editor/runIntegration.js');
	}
	return dir;
}

/**
 * The bundles of the extension at `root` that this extension host has evaluated (Node's module
 * cache), relative to its dist/ folder and sorted: e.g. `['extension.js', 'lazy/composio.js']`.
 * Node keeps real paths, so an extension installed as a link is found too.
 */
export function loadedFiles(root: string): string[] {
	const dist = join(realpathSync(root), 'dist') + sep;
	return Object.keys(require.cache)
		.filter((f) => f.startsWith(dist))
		.map((f) => f.slice(dist.length).split(sep).join('/'))
		.sort();
}

/**
 * Every request the runner's sandbox servers (their tests' build) have received so far, as
 * "METHOD /path": the Composio emulator's `/api/v3.1` requests and the scripted model's chat
 * completions; `components` names, for each Composio request, the part of the extension that
 * made it (its `x-composio-agent-component` header), or undefined when it named none.
 */
export async function sandboxRequests(): Promise<{ composio: string[]; model: string[]; components: (string | undefined)[] }> {
	const composioUrl = process.env[SANDBOX_ENV.composioUrl];
	const modelUrl = process.env[SANDBOX_ENV.modelUrl];
	if (!composioUrl || !modelUrl) {
		throw new Error(`${SANDBOX_ENV.composioUrl} and ${SANDBOX_ENV.modelUrl} are not set; run through out/test/editor/runIntegration.js`);
	}
	const emulator = (await (await fetch(`${composioUrl}/_emulator/requests`)).json()) as { requests: { method: string; path: string; component?: string }[] };
	const model = (await (await fetch(`${modelUrl.replace(/\/v1$/, '')}/_scripted/requests`)).json()) as { requests: unknown[] };
	return { composio: emulator.requests.map((r) => `${r.method} ${r.path}`), model: model.requests.map(() => 'POST /v1/chat/completions'), components: emulator.requests.map((r) => r.component) };
}
