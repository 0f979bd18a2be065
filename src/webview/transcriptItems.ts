/**
 * One transcript item as DOM: a message (markdown with code-block actions), a tool card, an
 * approval card, a Connect Link card, a notice. Pure rendering: the view keys, updates and scrolls
 * the elements; the buttons carry `data-action`, which the view handles.
 */
import { type ChatStrings, formatString as format } from '../protocol/chatStrings';
import { type ApprovalAnswer, type ApprovalRequestAction, type AuthCardStatus, type EditorContext, type NoticeAction, type ToolCallStatus, type TranscriptItem } from '../protocol/transcript';
import { h, icon } from './dom';
import { codeLanguage, renderMarkdown } from './markdown';
import { toolAction } from '../common/toolkitNames';
import { linkHost, toolkitName } from './names';

/** Longest tool output shown inline; the rest opens in an editor tab. */
export const INLINE_RESULT_LIMIT = 4000;

type Item = TranscriptItem;
type ItemOf<K extends Item['kind']> = Extract<Item, { kind: K }>;

export function contextLabel(c: EditorContext): string {
	if (c.startLine !== undefined) {
		return c.endLine !== undefined && c.endLine !== c.startLine ? `${c.path}:${c.startLine}-${c.endLine}` : `${c.path}:${c.startLine}`;
	}
	return c.path;
}

/** A tool card's status: its icon and its badge. */
function toolStatus(status: ToolCallStatus, t: ChatStrings): { icon: string; label: string } {
	switch (status) {
		case 'awaitingApproval':
			return { icon: 'shield', label: t.toolNeedsApproval };
		case 'running':
			return { icon: 'loading', label: t.toolRunning };
		case 'done':
			return { icon: 'check', label: t.toolDone };
		case 'failed':
			return { icon: 'error', label: t.toolFailed };
		case 'declined':
			return { icon: 'circle-slash', label: t.toolDeclined };
	}
}

/** A Connect card's status: its icon and what it says about the app. */
export function authStatus(status: AuthCardStatus, app: string, t: ChatStrings): { icon: string; text: string } {
	switch (status) {
		case 'waiting':
			return { icon: 'loading', text: format(t.waitingToConnect, app) };
		case 'connected':
			return { icon: 'pass-filled', text: format(t.connectedContinuing, app) };
		case 'expired':
			return { icon: 'clock', text: t.linkExpired };
		case 'failed':
			return { icon: 'error', text: format(t.connectingFailed, app) };
		case 'cancelled':
			return { icon: 'circle-slash', text: t.stoppedWaiting };
		case 'needsApp':
			return { icon: 'loading', text: format(t.choosingHowToConnect, app) };
		case 'settingUp':
			return { icon: 'loading', text: format(t.settingUpApp, app) };
	}
}

/** Logos the card may show: https images, or raster/SVG data URIs (an SVG in an <img> runs no script). */
const SAFE_LOGO = /^(https:\/\/|data:image\/(png|jpeg|gif|webp|svg\+xml)[;,])/i;

/** Renders items in the view's words and display language. */
export class TranscriptItems {
	/** Times of day in the display language; one formatter for every item. */
	private readonly times: Intl.DateTimeFormat;

	constructor(private readonly t: ChatStrings, language: string) {
		this.times = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
	}

	/** The element of one item. */
	render(item: Item): HTMLElement {
		switch (item.kind) {
			case 'user':
				return this.renderUser(item);
			case 'assistant':
				return this.renderAssistant(item);
			case 'tool':
				return this.renderTool(item);
			case 'auth':
				return this.renderAuth(item);
			case 'notice':
				return this.renderNotice(item);
		}
	}

	/** A toolkit's display name, or the view's word for a tool of no known app. */
	app(toolkit: string | undefined): string {
		return toolkitName(toolkit, this.t.tool);
	}

	/** What a tool card is titled: its action, or for a multi-execute call the first app tool it runs (and how many more). */
	toolTitle(item: ItemOf<'tool'>): string {
		const [first, ...more] = item.runs ?? [];
		if (first === undefined) {
			return toolAction(item.name, item.toolkit);
		}
		const action = toolAction(first, undefined);
		return more.length > 0 ? format(this.t.toolAndMore, action, more.length) : action;
	}

	/** A time of day in the display language. */
	private time(at: number): string {
		return this.times.format(at);
	}

	private renderUser(item: ItemOf<'user'>): HTMLElement {
		const body = h('div', { class: 'message-body' });
		body.textContent = item.text;
		const chips = item.context?.length
			? h('div', { class: 'chips', 'aria-label': this.t.attachedContextLabel }, ...item.context.map((c) => h('span', { class: 'chip', title: `${c.languageId} · ${contextLabel(c)}` }, icon('file-code'), h('span', {}, contextLabel(c)))))
			: undefined;
		return h('article', { class: 'message user', 'data-id': item.id, 'aria-label': this.t.youSaid }, h('div', { class: 'message-author' }, h('span', {}, this.t.you), h('time', {}, this.time(item.at))), chips, body);
	}

	private renderAssistant(item: ItemOf<'assistant'>): HTMLElement {
		const body = h('div', { class: 'message-body markdown' });
		body.append(this.markdown(item.text));
		const el = h(
			'article',
			{ class: `message assistant${item.streaming ? ' streaming' : ''}`, 'data-id': item.id, 'aria-label': this.t.composioSaid, 'aria-busy': item.streaming ? 'true' : 'false' },
			h('div', { class: 'message-author' }, h('span', {}, this.t.composio), h('time', {}, this.time(item.at))),
			body,
		);
		return el;
	}

	/** Markdown as DOM, each code block with its Copy and Insert at Cursor buttons. */
	markdown(text: string): DocumentFragment {
		const fragment = renderMarkdown(text);
		for (const pre of Array.from(fragment.querySelectorAll('pre'))) {
			const code = pre.querySelector('code');
			const language = code ? codeLanguage(code) : '';
			const copy = h('button', { class: 'icon-button', type: 'button', 'data-action': 'copy-code', 'aria-label': this.t.copy, title: this.t.copy }, icon('copy'));
			const insert = h('button', { class: 'icon-button', type: 'button', 'data-action': 'insert-code', 'aria-label': this.t.insertAtCursor, title: this.t.insertAtCursor }, icon('insert'));
			const header = h('div', { class: 'code-header' }, h('span', { class: 'code-language' }, language || this.t.plainText), h('span', { class: 'code-actions' }, copy, insert));
			const wrapper = h('div', { class: 'code-block', 'data-language': language });
			pre.replaceWith(wrapper);
			wrapper.append(header, pre);
		}
		return fragment;
	}

	private renderTool(item: ItemOf<'tool'>): HTMLElement {
		const status = toolStatus(item.status, this.t);
		const app = this.app(item.toolkit);
		const summary = h(
			'summary',
			{},
			h('span', { class: `status-icon status-${item.status}` }, icon(status.icon)),
			h('span', { class: 'tool-app' }, app),
			h('span', { class: 'tool-name' }, this.toolTitle(item)),
			h('span', { class: `badge badge-${item.status}` }, status.label),
		);
		const asking = item.status === 'awaitingApproval';
		const waitingElsewhere = item.status === 'running' && item.note !== undefined;
		const details = h('details', { class: `tool-card tool-${item.status}`, 'data-id': item.id, open: asking || waitingElsewhere }, summary);
		if (asking) {
			details.append(this.renderApproval(item));
		}
		if (waitingElsewhere) {
			details.append(h('p', { class: 'tool-note', role: 'status' }, icon('diff'), h('span', {}, item.note ?? '')));
		}
		const body = h('div', { class: 'tool-body' });
		body.append(h('div', { class: 'tool-section-title' }, this.t.tool), h('code', { class: 'tool-slug' }, item.name));
		if (item.runs && item.runs.length > 0) {
			body.append(h('div', { class: 'tool-section-title' }, this.t.runsTools), h('code', { class: 'tool-slug' }, item.runs.join(', ')));
		}
		body.append(h('div', { class: 'tool-section-title' }, this.t.arguments), h('pre', { class: 'tool-json' }, item.args));
		if (item.error) {
			body.append(h('div', { class: 'tool-section-title' }, this.t.error), h('pre', { class: 'tool-json tool-error' }, item.error));
		}
		if (item.result !== undefined) {
			const big = item.result.length > INLINE_RESULT_LIMIT;
			body.append(h('div', { class: 'tool-section-title' }, this.t.result));
			if (item.workbenchFile) {
				body.append(h('p', { class: 'tool-note' }, icon('cloud'), h('span', {}, format(this.t.workbenchKept, item.workbenchFile))));
			}
			body.append(h('pre', { class: 'tool-json' }, big ? `${item.result.slice(0, INLINE_RESULT_LIMIT)}\n…` : item.result));
			if (item.workbenchFile) {
				body.append(h('button', { class: 'button', type: 'button', 'data-action': 'open-result' }, icon('go-to-file'), h('span', {}, this.t.openWorkbenchResult)));
			} else if (big) {
				body.append(
					h('button', { class: 'button', type: 'button', 'data-action': 'open-result' }, icon('go-to-file'), h('span', {}, format(this.t.openFullResult, Math.round(item.result.length / 1024)))),
				);
			}
		}
		details.append(body);
		return details;
	}

	/** The consent part of a tool card: what would run, as whom, with which arguments, and the four answers. */
	renderApproval(item: ItemOf<'tool'>): HTMLElement {
		const actions = item.approval ?? [{ tool: item.name, ...(item.toolkit ? { toolkit: item.toolkit } : {}), args: item.args }];
		const list = h('ul', { class: 'approval-actions' }, ...actions.map((a) => this.renderApprovalAction(a)));
		const answer = (decision: ApprovalAnswer, label: string, primary = false): HTMLElement =>
			h('button', { class: `button${primary ? ' primary' : ''}`, type: 'button', 'data-action': 'approve', 'data-decision': decision }, label);
		const t = this.t;
		const heading = actions.length === 1 ? t.allowThisAction : format(t.allowTheseActions, actions.length);
		const lasting = !actions.some((a) => a.runsCode === true || a.changesAccount !== undefined);
		const warned = actions.some((a) => (a.warnings?.length ?? 0) > 0);
		return h(
			'section',
			{ class: 'approval', role: 'group', 'aria-label': format(t.approvalNeeded, this.app(item.toolkit), this.toolTitle(item)) },
			h('div', { class: 'approval-title' }, icon('shield'), h('span', {}, heading)),
			h('p', { class: 'approval-explain' }, approvalExplanation(actions, t)),
			warned ? h('p', { class: 'approval-secrets', role: 'alert' }, icon('warning'), h('span', {}, t.approvalSecrets)) : undefined,
			list,
			lasting
				? h('div', { class: 'approval-buttons' }, answer('once', t.allowOnce, true), answer('chat', t.allowInChat), answer('always', t.alwaysAllowTool), answer('deny', t.deny))
				: h('div', { class: 'approval-buttons' }, answer('once', t.allowOnce, true), answer('deny', t.deny)),
		);
	}

	private renderApprovalAction(action: ApprovalRequestAction): HTMLElement {
		const rows = h('dl', { class: 'approval-args' });
		let parsed: unknown;
		try {
			parsed = JSON.parse(action.args);
		} catch {
			parsed = undefined;
		}
		if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
			for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
				const shown = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
				rows.append(h('dt', {}, key), h('dd', {}, shown ?? ''));
			}
		} else {
			rows.append(h('dt', {}, this.t.argumentsRow), h('dd', {}, action.args));
		}
		return h(
			'li',
			{ class: 'approval-action' },
			h(
				'div',
				{ class: 'approval-what' },
				h('strong', {}, this.app(action.toolkit)),
				` ${action.changesAccount === 'remove' ? this.t.removeAccountAction : action.changesAccount === 'rename' ? this.t.renameAccountAction : toolAction(action.tool, action.toolkit)}`,
				action.as || action.account ? h('span', { class: 'approval-account' }, ` ${format(this.t.actsAs, action.as ?? action.account ?? '')}`) : undefined,
			),
			h('code', { class: 'tool-slug' }, action.tool),
			...(action.warnings ?? []).map((w) => h('p', { class: 'approval-secret' }, icon('warning'), h('span', {}, w))),
			rows,
		);
	}

	private renderAuth(item: ItemOf<'auth'>): HTMLElement {
		if (item.ownApp && (item.status === 'needsApp' || item.status === 'settingUp' || (item.status === 'cancelled' && item.url === ''))) {
			return this.renderOwnApp(item, item.ownApp);
		}
		const t = this.t;
		const status = authStatus(item.status, item.toolkitName, t);
		const reconnect = item.reconnect;
		const verb = reconnect ? t.reconnect : t.connect;
		const who = reconnect?.name;
		const logo = item.logo && SAFE_LOGO.test(item.logo)
			? h('img', { class: 'auth-logo', src: item.logo, alt: '' })
			: h('span', { class: 'auth-logo auth-initial', 'aria-hidden': 'true' }, item.toolkitName.charAt(0).toUpperCase());
		const host = linkHost(item.url);
		const buttons = h('div', { class: 'auth-actions' });
		if (item.status === 'waiting') {
			buttons.append(
				h('button', { class: 'button primary', type: 'button', 'data-action': 'connect', 'aria-label': verb, title: host ? format(t.openHostInBrowser, host) : t.openLinkInBrowser }, icon(reconnect ? 'debug-restart' : 'link-external'), h('span', {}, verb)),
				h('button', { class: 'button', type: 'button', 'data-action': 'copy-link', 'aria-label': t.copyLink }, icon('copy'), h('span', {}, t.copyLink)),
			);
		} else if (item.status === 'expired' || item.status === 'failed') {
			buttons.append(h('button', { class: 'button primary', type: 'button', 'data-action': 'renew-link', 'aria-label': t.newLink }, icon('refresh'), h('span', {}, t.newLink)));
		}
		const statusText =
			item.status === 'connected' && item.identity
				? format(reconnect ? t.reconnectedAsContinuing : t.connectedAsContinuing, item.identity)
				: item.status === 'connected' && reconnect
					? format(t.reconnectedContinuing, item.toolkitName)
					: item.status === 'waiting' && reconnect
						? format(t.waitingToReconnect, item.toolkitName)
						: status.text;
		const statusLine = h('div', { class: `auth-status auth-${item.status}` }, h('span', { class: 'status-icon' }, icon(status.icon)), h('span', { class: 'auth-status-text' }, statusText));
		const reason = item.reason && !(reconnect && item.status === 'connected') ? h('div', { class: 'auth-reason' }, item.reason) : undefined;
		const title = reconnect ? (who ? format(t.reconnectAppAs, item.toolkitName, who) : format(t.reconnectApp, item.toolkitName)) : format(t.connectApp, item.toolkitName);
		const explain = reconnect ? (who ? format(t.reconnectExplainAs, item.toolkitName, who) : format(t.reconnectExplain, item.toolkitName)) : format(t.connectExplain, item.toolkitName);
		return h(
			'section',
			{ class: `auth-card auth-card-${item.status}${reconnect ? ' auth-card-reconnect' : ''}`, 'data-id': item.id, 'aria-label': title },
			h('div', { class: 'auth-header' }, logo, h('div', {}, h('div', { class: 'auth-title' }, title), h('div', { class: 'auth-host' }, host ? format(t.opensHost, host) : t.connectLink))),
			item.status === 'waiting' ? h('p', { class: 'auth-explain' }, explain) : undefined,
			statusLine,
			reason,
			buttons,
		);
	}

	/** The card for a toolkit Composio's app cannot connect: why, in plain words and in Composio's, and the ways to go on. */
	private renderOwnApp(item: ItemOf<'auth'>, ownApp: NonNullable<ItemOf<'auth'>['ownApp']>): HTMLElement {
		const t = this.t;
		const status = authStatus(item.status, item.toolkitName, t);
		const title = format(t.ownAppTitle, item.toolkitName);
		const logo = item.logo && SAFE_LOGO.test(item.logo)
			? h('img', { class: 'auth-logo', src: item.logo, alt: '' })
			: h('span', { class: 'auth-logo auth-initial', 'aria-hidden': 'true' }, item.toolkitName.charAt(0).toUpperCase());
		const buttons = h('div', { class: 'auth-actions' });
		if (item.status === 'needsApp') {
			const button = (way: 'ownApp' | 'apiKey' | 'declined', label: string, iconName: string, primary: boolean): HTMLElement =>
				h('button', { class: primary ? 'button primary' : 'button', type: 'button', 'data-action': 'own-app', 'data-way': way }, icon(iconName), h('span', {}, label));
			if (ownApp.apiKey) {
				buttons.append(button('apiKey', t.connectWithApiKey, 'key', true));
			}
			buttons.append(button('ownApp', t.setUpOwnApp, 'gear', !ownApp.apiKey), button('declined', t.notNow, 'close', false));
		}
		return h(
			'section',
			{ class: `auth-card auth-card-own-app auth-card-${item.status}`, 'data-id': item.id, 'aria-label': title },
			h('div', { class: 'auth-header' }, logo, h('div', {}, h('div', { class: 'auth-title' }, title), h('div', { class: 'auth-host' }, t.authConfigNeeded))),
			item.reason ? h('p', { class: 'auth-explain' }, item.reason) : undefined,
			item.status === 'needsApp' ? h('p', { class: 'auth-explain' }, format(ownApp.apiKey ? t.ownAppExplainApiKey : t.ownAppExplain, item.toolkitName)) : undefined,
			ownApp.detail ? h('p', { class: 'auth-detail' }, format(t.ownAppComposioSaid, ownApp.detail)) : undefined,
			h('div', { class: `auth-status auth-${item.status}` }, h('span', { class: 'status-icon' }, icon(status.icon)), h('span', { class: 'auth-status-text' }, status.text)),
			buttons,
		);
	}

	private renderNotice(item: ItemOf<'notice'>): HTMLElement {
		const t = this.t;
		const actionLabels: Record<NoticeAction, string> = {
			setComposioKey: t.actionSetComposioKey,
			setOpenAiKey: t.actionSetOpenAiKey,
			openLogs: t.actionOpenLogs,
			retry: t.actionRetry,
			openSettings: t.actionOpenSettings,
			chooseModel: t.actionChooseModel,
			findModelProviders: t.actionFindModelProviders,
			useSandbox: t.actionUseSandbox,
		};
		const button = item.action
			? h('button', { class: 'button', type: 'button', 'data-action': 'notice-action', 'data-notice-action': item.action }, h('span', {}, actionLabels[item.action]))
			: undefined;
		return h(
			'div',
			{ class: `notice notice-${item.level}`, 'data-id': item.id, role: item.level === 'error' ? 'alert' : 'status' },
			h('span', { class: 'status-icon' }, icon(item.level === 'error' ? 'error' : 'info')),
			h('span', { class: 'notice-text' }, item.text),
			button,
		);
	}

}


/** What an approval card asks, in words: acting on an account, or looking into the workspace (a secret file). */
function approvalExplanation(actions: readonly ApprovalRequestAction[], t: ChatStrings): string {
	if (actions.some((a) => a.runsCode === true)) {
		return t.approvalWorkbench;
	}
	if (actions.some((a) => a.changesAccount === 'remove')) {
		return t.approvalRemoveAccount;
	}
	if (actions.length > 0 && actions.every((a) => a.toolkit === 'vscode')) {
		return actions.some((a) => a.tool === 'VSCODE_READ_SECRET_FILE') ? t.approvalReadSecret : t.approvalWorkspace;
	}
	return t.approvalAccount;
}
