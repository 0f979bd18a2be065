/**
 * From agent events to transcript items, as pure functions. Given the items a conversation holds
 * and what the running turn has opened (its streaming answer, its tool cards, its Connect cards),
 * `reduceEvent` says which items to add or replace, whether to save, and which turn state the
 * view should show. It changes nothing itself: `ChatSession` applies the changes to the
 * conversation and tells the view. Ids and times come from the `ItemFactory` it is given.
 */
import * as l10n from '@vscode/l10n';
import type { TurnState } from '../protocol/chatProtocol';
import type { AuthCardStatus, EditorContext, TranscriptItem } from '../protocol/transcript';
import { toolkitDisplayName } from '../common/toolkitNames';
import { multiExecuteEntries } from '../composio/metaTools';
import type { AgentEvent } from './agentEvents';
import type { LeftOut } from './modelClient';
import { secretWarning } from './secretScan';
import { Draft, type TranscriptChange } from './transcriptDraft';

export type { TranscriptChange } from './transcriptDraft';

/** What a running turn has opened, by the ids of their items. */
export interface TurnItems {
	/** The assistant item receiving text deltas, if one is open. */
	readonly assistantId: string | undefined;
	/** Tool call id → its tool card. */
	readonly toolItems: ReadonlyMap<string, string>;
	/** Toolkit slug → its Connect card. */
	readonly authItems: ReadonlyMap<string, string>;
	/** The notice saying earlier context was left out, once this turn has shown one. */
	readonly contextNoticeId?: string;
}

/** A turn that has opened nothing yet. */
export const NO_TURN_ITEMS: TurnItems = { assistantId: undefined, toolItems: new Map(), authItems: new Map() };

/**
 * When to save after a step: `now` (an item completed), `soon` (streamed text: at most every few
 * hundred milliseconds), or `none` (nothing a reload would miss, such as a tool card starting).
 */
export type SaveHint = 'now' | 'soon' | 'none';

/** What one event does to the transcript. */
export interface TranscriptStep {
	readonly turn: TurnItems;
	readonly changes: readonly TranscriptChange[];
	readonly save: SaveHint;
	/** The turn state the view should show from now on, when the event says. */
	readonly state?: TurnState;
	/** A new Connect card that should get its toolkit's logo (fetched by the caller). */
	readonly wantsLogo?: { readonly itemId: string; readonly toolkit: string };
}

/** Where new items get their ids and times. */
export interface ItemFactory {
	now(): number;
	newId(kind: TranscriptItem['kind']): string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type AuthItem = Extract<TranscriptItem, { kind: 'auth' }>;

/** Arguments as pretty JSON text for the tool card (raw text when the model's JSON was invalid). */
export function prettyArgs(args: unknown): string {
	if (typeof args === 'string') {
		return args;
	}
	try {
		return JSON.stringify(args, null, 2) ?? '{}';
	} catch {
		return String(args);
	}
}

/**
 * What `event` does to a conversation whose items are `items`, during a turn that has opened
 * `turn`. Every event but text and usage first closes the streaming answer (the next text starts
 * a new assistant item).
 */
export function reduceEvent(items: readonly TranscriptItem[], turn: TurnItems, event: AgentEvent, factory: ItemFactory): TranscriptStep {
	const draft = new Draft(items);
	if (event.type === 'usage') {
		return { turn, changes: [], save: 'none' };
	}
	if (event.type === 'text') {
		const found = draft.locate(turn.assistantId);
		if (found?.item.kind === 'assistant') {
			draft.appendText(found.index, { ...found.item, text: found.item.text + event.delta }, event.delta);
			return { turn, changes: draft.changes, save: 'soon', state: 'running' };
		}
		const item: TranscriptItem = { kind: 'assistant', id: factory.newId('assistant'), at: factory.now(), text: event.delta, streaming: true };
		draft.add(item);
		return { turn: { ...turn, assistantId: item.id }, changes: draft.changes, save: 'soon', state: 'running' };
	}

	let save: SaveHint = closeAssistant(draft, turn) ? 'now' : 'none';
	let next: TurnItems = { ...turn, assistantId: undefined };
	let state: TurnState | undefined;
	let wantsLogo: TranscriptStep['wantsLogo'];

	/** Adds a Connect card (a Reconnect or own-app card too) and makes it the turn's card for its toolkit. */
	const addAuthCard = (toolkit: string, fields: Omit<AuthItem, 'kind' | 'id' | 'at' | 'toolkit' | 'toolkitName'>): AuthItem => {
		const item: AuthItem = { kind: 'auth', id: factory.newId('auth'), at: factory.now(), toolkit, toolkitName: toolkitDisplayName(toolkit), ...fields };
		next = { ...next, authItems: new Map(next.authItems).set(toolkit, item.id) };
		draft.add(item);
		return item;
	};
	const newAuthCard = (toolkit: string, url: string, status: AuthCardStatus, accountId?: string, reason?: string): AuthItem =>
		addAuthCard(toolkit, { url, ...(accountId ? { accountId } : {}), status, ...(reason !== undefined ? { reason } : {}) });

	switch (event.type) {
		case 'toolStarted': {
			const runs = (multiExecuteEntries(event.name, event.args) ?? []).flatMap((entry) => (entry.slug !== undefined ? [entry.slug] : []));
			const item: TranscriptItem = {
				kind: 'tool',
				id: factory.newId('tool'),
				at: factory.now(),
				name: event.name,
				...(event.toolkit ? { toolkit: event.toolkit } : {}),
				...(runs.length > 0 ? { runs } : {}),
				args: prettyArgs(event.args),
				status: 'running',
				...(event.note ? { note: event.note } : {}),
			};
			next = { ...next, toolItems: new Map(next.toolItems).set(event.callId, item.id) };
			draft.add(item);
			state = 'running';
			break;
		}
		case 'toolFinished': {
			const found = draft.locate(turn.toolItems.get(event.callId));
			if (found?.item.kind === 'tool') {
				draft.replace(found.index, {
					...found.item,
					status: event.declined ? 'declined' : event.ok ? 'done' : 'failed',
					result: event.result,
					...(event.error !== undefined ? { error: event.error } : {}),
					...(event.workbenchFile ? { workbenchFile: event.workbenchFile } : {}),
				});
			}
			save = 'now';
			break;
		}
		case 'approvalRequired': {
			const found = draft.locate(turn.toolItems.get(event.callId));
			if (found?.item.kind === 'tool') {
				draft.replace(found.index, {
					...found.item,
					status: 'awaitingApproval',
					approval: event.actions.map((a) => ({
						tool: a.tool,
						...(a.toolkit ? { toolkit: a.toolkit } : {}),
						...(a.account ? { account: a.account } : {}),
						...(a.as ? { as: a.as } : {}),
						args: prettyArgs(a.args),
						...(a.secrets && a.secrets.length > 0 ? { warnings: a.secrets.map(secretWarning) } : {}),
						...(a.runsCode ? { runsCode: true } : {}),
						...(a.changesAccount ? { changesAccount: a.changesAccount } : {}),
					})),
				});
			}
			save = 'now';
			break;
		}
		case 'approvalDecided': {
			const found = draft.locate(turn.toolItems.get(event.callId));
			if (found?.item.kind === 'tool' && event.decision !== 'deny') {
				draft.replace(found.index, { ...found.item, status: 'running', approvedAs: event.decision });
			}
			break;
		}
		case 'authRequired': {
			const found = draft.locate(turn.authItems.get(event.toolkit));
			const same = found?.item.kind === 'auth' && (found.item.status === 'waiting' || (found.item.ownApp !== undefined && found.item.status === 'settingUp'));
			if (found?.item.kind === 'auth' && same) {
				// A link for a card that waited, or the card that set up the user's own app: it becomes the Connect card.
				const updated: Mutable<AuthItem> = { ...found.item, url: event.url, status: 'waiting' };
				if (found.item.status === 'settingUp') {
					delete updated.reason;
				}
				if (event.accountId) {
					updated.accountId = event.accountId;
				}
				draft.replace(found.index, updated);
			} else {
				const item = newAuthCard(event.toolkit, event.url, 'waiting', event.accountId);
				wantsLogo = { itemId: item.id, toolkit: event.toolkit };
			}
			save = 'now';
			break;
		}
		case 'reconnectRequired': {
			const tool = draft.locate(turn.toolItems.get(event.callId));
			if (tool?.item.kind === 'tool') {
				const app = toolkitDisplayName(event.toolkit);
				const note = event.name
					? l10n.t('Paused: {0} ({1}) needs to be reconnected; this runs again once it is.', app, event.name)
					: l10n.t('Paused: {0} (the account) needs to be reconnected; this runs again once it is.', app);
				draft.replace(tool.index, { ...tool.item, note });
			}
			const item = addAuthCard(event.toolkit, {
				url: event.url,
				accountId: event.accountId,
				status: 'waiting',
				reason: event.reason,
				reconnect: { accountId: event.replacesAccountId, ...(event.name ? { name: event.name } : {}) },
			});
			wantsLogo = { itemId: item.id, toolkit: event.toolkit };
			state = 'waitingForAuth';
			save = 'now';
			break;
		}
		case 'authStatus': {
			const found = draft.locate(turn.authItems.get(event.toolkit));
			if (found?.item.kind === 'auth') {
				const updated: Mutable<AuthItem> = { ...found.item, status: event.status };
				if (event.identity) {
					updated.identity = event.identity;
				}
				if (event.url) {
					updated.url = event.url;
				}
				if (event.accountId) {
					updated.accountId = event.accountId;
				}
				if (event.reason !== undefined) {
					updated.reason = event.reason;
				} else if ((event.status === 'waiting' && !updated.reconnect) || event.status === 'connected') {
					delete updated.reason;
				}
				draft.replace(found.index, updated);
			} else if (event.url) {
				newAuthCard(event.toolkit, event.url, event.status, event.accountId, event.reason);
			}
			state = event.status === 'waiting' || event.status === 'expired' ? 'waitingForAuth' : 'running';
			save = 'now';
			break;
		}
		case 'ownAppRequired': {
			// No link yet: the card asks how to connect first.
			const item = addAuthCard(event.toolkit, { url: '', status: 'needsApp', reason: event.reason, ownApp: { detail: event.detail, apiKey: event.apiKey } });
			wantsLogo = { itemId: item.id, toolkit: event.toolkit };
			state = 'waitingForChoice';
			save = 'now';
			break;
		}
		case 'ownAppStatus': {
			const found = draft.locate(turn.authItems.get(event.toolkit));
			if (found?.item.kind === 'auth') {
				draft.replace(found.index, { ...found.item, status: event.status === 'settingUp' ? 'settingUp' : 'needsApp' });
			}
			state = event.status === 'settingUp' ? 'running' : 'waitingForChoice';
			save = 'now';
			break;
		}
		case 'notice':
			draft.add({ kind: 'notice', id: factory.newId('notice'), at: factory.now(), level: 'info', text: event.text });
			save = 'now';
			break;
		case 'contextTrimmed': {
			// One notice per turn, kept up to date as later requests of the turn leave out more.
			const text = contextTrimmedText(event.leftOut);
			const found = draft.locate(turn.contextNoticeId);
			if (found?.item.kind === 'notice') {
				if (found.item.text !== text) {
					draft.replace(found.index, { ...found.item, text });
				}
			} else {
				const item: TranscriptItem = { kind: 'notice', id: factory.newId('notice'), at: factory.now(), level: 'info', text };
				next = { ...next, contextNoticeId: item.id };
				draft.add(item);
			}
			save = 'now';
			break;
		}
		case 'error':
			draft.add({
				kind: 'notice',
				id: factory.newId('notice'),
				at: factory.now(),
				level: 'error',
				text: event.error.message,
				...(event.error.action ? { action: event.error.action } : {}),
			});
			save = 'now';
			break;
		case 'done':
			if (event.reason === 'cancelled') {
				draft.add({ kind: 'notice', id: factory.newId('notice'), at: factory.now(), level: 'info', text: 'Stopped.' });
			}
			save = 'now';
			break;
	}
	return { turn: next, changes: draft.changes, save, ...(state ? { state } : {}), ...(wantsLogo ? { wantsLogo } : {}) };
}

/** Marks the streaming assistant item finished; true when there was one. */
function closeAssistant(draft: Draft, turn: TurnItems): boolean {
	const found = draft.locate(turn.assistantId);
	if (found?.item.kind === 'assistant' && found.item.streaming) {
		const { streaming: _streaming, ...rest } = found.item;
		draft.replace(found.index, rest);
		return true;
	}
	return false;
}

/**
 * Ends what a turn left open when it stops (answered, cancelled or failed): streaming text is
 * final, running tools failed, approval cards declined, waiting Connect cards cancelled. Looks
 * only at the items from `firstItem` on (the turn's own).
 */
export function closeTurn(items: readonly TranscriptItem[], firstItem: number, turn: TurnItems): TranscriptStep {
	const draft = new Draft(items);
	const closed = closeAssistant(draft, turn);
	for (let i = firstItem; i < items.length; i++) {
		const item = items[i];
		if (item?.kind === 'tool' && item.status === 'running') {
			draft.replace(i, { ...item, status: 'failed', error: l10n.t('Cancelled by the user.') });
		} else if (item?.kind === 'tool' && item.status === 'awaitingApproval') {
			draft.replace(i, { ...item, status: 'declined', error: l10n.t('Stopped before you answered; it did not run.') });
		} else if (item?.kind === 'auth' && (item.status === 'waiting' || item.status === 'needsApp' || item.status === 'settingUp')) {
			draft.replace(i, { ...item, status: 'cancelled' });
		}
	}
	return { turn: { ...turn, assistantId: undefined }, changes: draft.changes, save: closed ? 'now' : 'none' };
}

/** The item for a message the user sent, with the editor context attached to it. */
export function userItem(text: string, context: readonly EditorContext[], factory: ItemFactory): TranscriptItem {
	return { kind: 'user', id: factory.newId('user'), at: factory.now(), text, ...(context.length > 0 ? { context: [...context] } : {}) };
}

/** The notice for a request that left earlier context out: what was left out, and that the chat still shows it all. */
export function contextTrimmedText(leftOut: LeftOut): string {
	const parts: string[] = [];
	const { summarizedMessages: summarized, shortenedToolResults: shortened, shortenedMessages: cut } = leftOut;
	if (summarized > 0) {
		parts.push(summarized === 1 ? l10n.t('1 earlier message summarized') : l10n.t('{0} earlier messages summarized', summarized));
	}
	if (shortened > 0) {
		parts.push(shortened === 1 ? l10n.t('1 tool result shortened') : l10n.t('{0} tool results shortened', shortened));
	}
	if (cut > 0) {
		parts.push(cut === 1 ? l10n.t('1 long message cut') : l10n.t('{0} long messages cut', cut));
	}
	return l10n.t("Earlier context was left out so the conversation fits the model's context window ({0}). The model no longer sees those parts in full; this chat still shows everything.", parts.join(', '));
}
