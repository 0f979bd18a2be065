import * as vscode from 'vscode';
import { type QuickPicker, VsCodeQuickPicker } from './quickPicker';
import { type UserPrompts, VsCodeUserPrompts } from './userPrompts';

/** Where the extension asks the user things: input boxes, confirmations, notices and quick picks. */
export interface UserInterface {
	readonly prompts: UserPrompts;
	readonly picker: QuickPicker;
}

/** VS Code's own input boxes, notifications and quick picks. */
export function vsCodeUserInterface(): UserInterface {
	return { prompts: new VsCodeUserPrompts(), picker: new VsCodeQuickPicker() };
}

/**
 * A UserInterface that asks through another one until a test takes over with `answerWith`. The
 * extension uses one only when it runs under tests, and hands it to them through its test API, so
 * tests in the real editor answer prompts and picks without a person at the keyboard.
 */
export class ScriptableUserInterface implements UserInterface {
	private current: UserInterface;

	readonly prompts: UserPrompts = {
		inputBox: (options) => this.current.prompts.inputBox(options),
		confirm: (message, detail, ...items) => this.current.prompts.confirm(message, detail, ...items),
		info: (message, ...items) => this.current.prompts.info(message, ...items),
		error: (message, ...items) => this.current.prompts.error(message, ...items),
	};

	readonly picker: QuickPicker = {
		pick: (items, options) => this.current.picker.pick(items, options),
	};

	constructor(real: UserInterface) {
		this.current = real;
	}

	/** Answers through `parts` (the other part as before) until the returned disposable is disposed. */
	answerWith(parts: Partial<UserInterface>): vscode.Disposable {
		const previous = this.current;
		this.current = { ...previous, ...parts };
		return new vscode.Disposable(() => {
			this.current = previous;
		});
	}
}
