import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import type { UserPrompts } from '../../src/vscode/userPrompts';
import { until } from '../shared/until';

export const EXTENSION_ID = 'composio-agent.composio-agent';

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
	return api;
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

/** Resolves when `check` returns true, polling every 100 ms; rejects after `timeoutMs` with `what`. */
export function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
	return until(check, what, timeoutMs, 100);
}

/** A folder the runner shares between phases (windows) of the in-editor tests. */
export function sharedDir(): string {
	const dir = process.env.COMPOSIO_TEST_SHARED;
	if (!dir) {
		throw new Error('COMPOSIO_TEST_SHARED is not set; run through out/test/editor/runIntegration.js');
	}
	return dir;
}
