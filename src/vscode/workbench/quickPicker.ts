import * as vscode from 'vscode';

/** How a pick is presented. */
export interface PickOptions {
	readonly title: string;
	readonly placeHolder: string;
	readonly matchOnDescription?: boolean;
	readonly matchOnDetail?: boolean;
	/**
	 * Asks for more items as the user types (a catalog too large to list): the results, always
	 * shown, take the place of the items that do not match. Called after a pause in typing.
	 */
	readonly search?: (query: string) => Promise<readonly vscode.QuickPickItem[]>;
}

/** The pause in typing after which `PickOptions.search` is called. */
const SEARCH_PAUSE_MS = 250;

/**
 * Quick picks the extension shows. Behind an interface (like UserPrompts) so tests inside the
 * real editor can see what was offered and choose.
 */
export interface QuickPicker {
	/**
	 * Shows `items`, which may still be loading: the list is busy until they arrive and can be
	 * dismissed meanwhile. Resolves to the chosen item, or undefined when dismissed. Rejects when
	 * loading the items fails (the pick is closed first).
	 */
	pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions): Promise<T | undefined>;
}

/** QuickPicker through VS Code's own quick pick. */
export class VsCodeQuickPicker implements QuickPicker {
	pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions): Promise<T | undefined> {
		const qp = vscode.window.createQuickPick<T>();
		qp.title = options.title;
		qp.placeholder = options.placeHolder;
		qp.matchOnDescription = options.matchOnDescription ?? false;
		qp.matchOnDetail = options.matchOnDetail ?? false;
		qp.ignoreFocusOut = false;
		return new Promise<T | undefined>((resolve, reject) => {
			let settled = false;
			const finish = (value: T | undefined, error?: unknown): void => {
				if (settled) {
					return;
				}
				settled = true;
				for (const d of subscriptions) {
					d.dispose();
				}
				qp.dispose();
				if (error !== undefined) {
					reject(error instanceof Error ? error : new Error('Loading the choices failed.'));
				} else {
					resolve(value);
				}
			};
			const subscriptions = [
				qp.onDidAccept(() => {
					// Enter while the list is still loading chooses nothing yet.
					if (!qp.busy) {
						finish(qp.selectedItems[0] ?? qp.activeItems[0]);
					}
				}),
				qp.onDidHide(() => finish(undefined)),
			];
			let initial: readonly T[] = [];
			const search = options.search;
			if (search) {
				let timer: ReturnType<typeof setTimeout> | undefined;
				let asked = 0;
				subscriptions.push(
					qp.onDidChangeValue((value) => {
						clearTimeout(timer);
						const query = value.trim();
						const mine = ++asked;
						if (!query) {
							qp.items = initial;
							qp.busy = false;
							return;
						}
						timer = setTimeout(() => {
							qp.busy = true;
							search(query).then(
								(found) => {
									if (mine === asked && !settled) {
										const shown = new Set(initial.map((i) => i.label));
										const more = (found as readonly T[]).filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && !shown.has(i.label));
										qp.items = [...initial, ...more.map((i) => ({ ...i, alwaysShow: true }))];
										qp.busy = false;
									}
								},
								() => {
									if (mine === asked && !settled) {
										qp.busy = false;
									}
								},
							);
						}, SEARCH_PAUSE_MS);
					}),
					{ dispose: () => clearTimeout(timer) },
				);
			}
			if (Array.isArray(items)) {
				initial = items as readonly T[];
				qp.items = initial;
			} else {
				qp.busy = true;
				(items as Promise<readonly T[]>).then(
					(loaded) => {
						initial = loaded;
						qp.items = loaded;
						qp.busy = false;
					},
					(e: unknown) => finish(undefined, e),
				);
			}
			qp.show();
		});
	}
}
