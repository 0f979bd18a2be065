/** The Connect App picker's items: what the user has and one page of Composio's catalog, or what a search found. */
import * as vscode from 'vscode';
import { ACCOUNT_STATES, accountName, accountState } from '../../composio/connectionSummary';
import type { ConnectionsModel } from '../../composio/connectionsModel';
import type { ToolkitStatus, ToolSession } from '../../composio/toolSession';
import type { QuickPicker } from '../workbench/quickPicker';
import type { UserPrompts } from '../workbench/userPrompts';

/** A toolkit in the Connect App picker. */
export interface ToolkitPickItem extends vscode.QuickPickItem {
	readonly toolkit?: ToolkitStatus;
}

/**
 * The Connect App picker's items, connected ones first, each saying how it stands: the
 * toolkits the user has accounts in and the first page of the session's catalog, or with
 * `search` the page of toolkits matching it.
 */
export async function toolkitPickItems(session: ToolSession, model: ConnectionsModel, search?: string): Promise<ToolkitPickItem[]> {
	const [page] = await Promise.all([session.toolkitsPage({ ...(search ? { search } : {}) }), search ? undefined : model.refresh()]);
	model.learnNames(session, page);
	const accounts = model.accounts;
	const bySlug = new Map<string, ToolkitStatus>();
	const mineToo = search ? [] : model.namedToolkits.filter((t) => accounts.some((a) => a.toolkit === t.slug));
	for (const t of [...mineToo, ...page]) {
		bySlug.set(t.slug, t);
	}
	const toolkits = [...bySlug.values()];
	const describe = (t: ToolkitStatus): ToolkitPickItem => {
		const mine = accounts.filter((a) => a.toolkit === t.slug);
		const active = mine.filter((a) => accountState(a) === 'active');
		const aliases = active.map((a) => accountName(a, model.identity(a.id)?.name)).filter((a): a is string => !!a);
		const latest = mine[mine.length - 1];
		let detail: string;
		if (t.isNoAuth) {
			detail = vscode.l10n.t('The agent uses it without an account');
		} else if (active.length > 0) {
			const connected = active.length > 1 ? vscode.l10n.t('Connected · {0} accounts', active.length) : vscode.l10n.t('Connected');
			const named = aliases.length > 0 ? vscode.l10n.t('{0} ({1})', connected, aliases.join(', ')) : connected;
			detail = vscode.l10n.t('{0} · choose to add another account', named);
		} else if (latest) {
			detail = vscode.l10n.t('Not connected · the last attempt is {0}', ACCOUNT_STATES[accountState(latest)].label.toLocaleLowerCase(vscode.env.language));
		} else {
			detail = vscode.l10n.t('Not connected');
		}
		const connected = t.isNoAuth || active.length > 0;
		return {
			label: t.name,
			description: t.slug,
			detail,
			iconPath: connected ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('plug'),
			toolkit: t,
		};
	};
	const byName = (a: ToolkitStatus, b: ToolkitStatus): number => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
	const isConnected = (t: ToolkitStatus): boolean => !t.isNoAuth && accounts.some((a) => a.toolkit === t.slug && accountState(a) === 'active');
	const connected = toolkits.filter(isConnected).sort(byName);
	const others = toolkits.filter((t) => !t.isNoAuth && !isConnected(t)).sort(byName);
	// Apps with no sign-in have nothing to connect: last, on their own.
	const noAuth = toolkits.filter((t) => t.isNoAuth).sort(byName);
	const separator = (label: string): ToolkitPickItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
	return [
		...(connected.length > 0 ? [separator(vscode.l10n.t('Connected')), ...connected.map(describe)] : []),
		...(others.length > 0 ? [separator(vscode.l10n.t('Not connected')), ...others.map(describe)] : []),
		...(noAuth.length > 0 ? [separator(vscode.l10n.t('No sign-in needed')), ...noAuth.map(describe)] : []),
	];
}

/**
 * Picks a toolkit from the session's catalog (the first page, then a server search as the user
 * types). A toolkit with no sign-in is not picked: `noAuth` says why, in a notice.
 */
export async function pickToolkit(
	deps: { readonly picker: QuickPicker; readonly prompts: UserPrompts; readonly model: ConnectionsModel },
	session: ToolSession,
	text: { readonly title: string; readonly placeHolder: string; noAuth(name: string): string },
): Promise<ToolkitStatus | undefined> {
	const picked = await deps.picker.pick(toolkitPickItems(session, deps.model), {
		title: text.title,
		placeHolder: text.placeHolder,
		matchOnDescription: true,
		// Composio's catalog is 1,000+ toolkits: the first page is shown, the rest found by searching.
		search: (query) => toolkitPickItems(session, deps.model, query),
	});
	if (picked?.toolkit?.isNoAuth) {
		void deps.prompts.info(text.noAuth(picked.toolkit.name));
		return undefined;
	}
	return picked?.toolkit;
}
