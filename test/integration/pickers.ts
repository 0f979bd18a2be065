import * as vscode from 'vscode';
import type { PickOptions, QuickPicker } from '../../src/vscode/workbench/quickPicker';

/** What a ScriptedPicker was shown. */
export interface ShownPick {
	readonly title: string;
	readonly items: readonly vscode.QuickPickItem[];
}

/**
 * Answers the extension's quick picks from a script, recording what was offered. An answer is
 * the label of the item to choose (an exact label first, else the first label containing it);
 * `undefined` dismisses the pick. Choosing an item that is not offered throws.
 */
export class ScriptedPicker implements QuickPicker {
	readonly shown: ShownPick[] = [];
	/** What the picks searched for (an answer not among the items shown first) and found. */
	readonly searched: { readonly query: string; readonly items: vscode.QuickPickItem[] }[] = [];

	constructor(private readonly answers: (string | undefined)[]) {}

	async pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions): Promise<T | undefined> {
		const list = await items;
		this.shown.push({ title: options.title, items: [...list] });
		const answer = this.answers.shift();
		if (answer === undefined) {
			return undefined;
		}
		let choosable = list.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
		const match = (): T | undefined => choosable.find((i) => i.label === answer) ?? choosable.find((i) => i.label.includes(answer));
		if (!match() && options.search) {
			// The user types the answer: the picker searches for it.
			const found = (await options.search(answer)) as readonly T[];
			this.searched.push({ query: answer, items: [...found] });
			choosable = [...choosable, ...found.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator)];
		}
		const found = match();
		if (!found) {
			throw new Error(`"${answer}" is not offered in "${options.title}": ${choosable.map((i) => i.label).join(', ')}`);
		}
		return found;
	}
}

/** Records the URLs the extension opens with vscode.env.openExternal instead of opening them; `restore()` puts the real one back. */
export class OpenExternalRecorder {
	readonly urls: string[] = [];
	private readonly env = vscode.env as unknown as { openExternal: (target: vscode.Uri) => Thenable<boolean> };
	private readonly original = this.env.openExternal;

	constructor() {
		this.env.openExternal = (target: vscode.Uri) => {
			this.urls.push(target.toString(true));
			return Promise.resolve(true);
		};
	}

	restore(): void {
		this.env.openExternal = this.original;
	}
}

/** Calls the sandbox emulator's admin API (loopback only) at `baseUrl`. */
export async function emulatorAdmin(baseUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
	const res = await fetch(`${baseUrl}/_emulator${path}`, {
		method,
		...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
	});
	if (!res.ok) {
		throw new Error(`emulator admin ${method} ${path} answered ${res.status}: ${await res.text()}`);
	}
	return res.json();
}
