/**
 * The conversation as DOM. Items are keyed by id; adding or updating one touches only its own
 * element. Streamed text is collected and rendered at most once per animation frame, for the
 * streaming message only, and only its last block is rendered again (see streamingText.ts).
 */
import type { WebviewToHost } from '../protocol/chatProtocol';
import { type ApprovalAnswer, type ApprovalRequestAction, type AuthCardStatus, type EditorContext, NOTICE_ACTIONS, type NoticeAction, type ToolCallStatus, type TranscriptItem } from '../protocol/transcript';
import { h, icon } from './dom';
import { codeLanguage, renderMarkdown } from './markdown';
import { toolAction } from '../common/toolkitNames';
import { linkHost, toolkitName } from './names';
import { settledLength } from './streamingText';

/** Longest tool output shown inline; the rest opens in an editor tab. */
export const INLINE_RESULT_LIMIT = 4000;

type Item = TranscriptItem;
type ItemOf<K extends Item['kind']> = Extract<Item, { kind: K }>;

export interface TranscriptHost {
	post(message: WebviewToHost): void;
	/** Says something through the live region. */
	announce(text: string): void;
}

function time(at: number): string {
	return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function contextLabel(c: EditorContext): string {
	if (c.startLine !== undefined) {
		return c.endLine !== undefined && c.endLine !== c.startLine ? `${c.path}:${c.startLine}-${c.endLine}` : `${c.path}:${c.startLine}`;
	}
	return c.path;
}

const TOOL_STATUS: Record<ToolCallStatus, { icon: string; label: string }> = {
	awaitingApproval: { icon: 'shield', label: 'Needs approval' },
	running: { icon: 'loading', label: 'Running' },
	done: { icon: 'check', label: 'Done' },
	failed: { icon: 'error', label: 'Failed' },
	declined: { icon: 'circle-slash', label: 'Declined' },
};

const AUTH_STATUS: Record<AuthCardStatus, { icon: string; text: (app: string) => string }> = {
	waiting: { icon: 'loading', text: (app) => `Waiting for you to connect ${app}…` },
	connected: { icon: 'pass-filled', text: (app) => `${app} connected — continuing.` },
	expired: { icon: 'clock', text: () => 'This link expired. Get a new one to continue.' },
	failed: { icon: 'error', text: (app) => `Connecting ${app} failed.` },
	cancelled: { icon: 'circle-slash', text: () => 'Stopped waiting for this connection.' },
};

/** Logos the card may show: https images, or raster/SVG data URIs (an SVG in an <img> runs no script). */
const SAFE_LOGO = /^(https:\/\/|data:image\/(png|jpeg|gif|webp|svg\+xml)[;,])/i;

export class TranscriptView {
	readonly element: HTMLElement;
	private readonly nodes = new Map<string, { item: Item; el: HTMLElement }>();
	private readonly dirtyText = new Set<string>();
	/** Streaming answers: how much of the text is rendered for good, and the nodes of the rest. */
	private readonly streams = new Map<string, { settled: number; tail: ChildNode[] }>();
	private frame: number | undefined;
	private settleToken = 0;
	private atEnd = true;

	constructor(private readonly host: TranscriptHost) {
		this.element = h('div', { class: 'transcript', role: 'log', 'aria-label': 'Conversation', tabindex: '0' });
		this.element.addEventListener('click', (e) => this.onClick(e));
		for (const userScroll of ['wheel', 'pointerdown', 'keydown', 'touchstart'] as const) {
			this.element.addEventListener(userScroll, () => this.settleToken++, { passive: true });
		}
		// Whether the reader is at the newest item, so a resize (the view made smaller, a panel
		// opened below it) keeps them there instead of leaving them mid-conversation.
		this.element.addEventListener('scroll', () => (this.atEnd = this.nearEnd()), { passive: true });
		new ResizeObserver(() => this.scrollToEnd(this.atEnd)).observe(this.element);
	}

	get isEmpty(): boolean {
		return this.nodes.size === 0;
	}

	/** Replaces everything with these items. */
	setItems(items: readonly Item[]): void {
		this.nodes.clear();
		this.dirtyText.clear();
		this.streams.clear();
		const fragment = document.createDocumentFragment();
		for (const item of items) {
			const el = this.render(item);
			this.nodes.set(item.id, { item, el });
			fragment.append(el);
		}
		this.element.replaceChildren(fragment);
		this.settleAtEnd();
	}

	/**
	 * Scrolls to the newest item and keeps it there while layout settles: off-screen items have
	 * an estimated height until they are first rendered (content-visibility), so the real end
	 * is known only after the items near it are laid out. Stops when the height holds still,
	 * or as soon as the user scrolls, clicks or types in the transcript.
	 */
	private settleAtEnd(): void {
		const token = ++this.settleToken;
		let lastHeight = -1;
		let steady = 0;
		this.scrollToEnd(true);
		const step = (frame: number): void => {
			if (token !== this.settleToken || frame > 30) {
				return;
			}
			this.scrollToEnd(true);
			const height = this.element.scrollHeight;
			steady = height === lastHeight ? steady + 1 : 0;
			lastHeight = height;
			if (steady < 2) {
				requestAnimationFrame(() => step(frame + 1));
			}
		};
		requestAnimationFrame(() => step(0));
	}

	add(item: Item): void {
		if (this.nodes.has(item.id)) {
			this.update(item);
			return;
		}
		const stick = this.nearEnd();
		const el = this.render(item);
		this.nodes.set(item.id, { item, el });
		this.element.append(el);
		this.scrollToEnd(stick);
		if (item.kind === 'tool' && item.status === 'running' && item.note) {
			// It waits for the user somewhere else (a diff in the editor): say where.
			this.host.announce(item.note);
		}
	}

	update(item: Item): void {
		const node = this.nodes.get(item.id);
		if (!node) {
			this.add(item);
			return;
		}
		const stick = this.nearEnd();
		const previous = node.item;
		node.item = item;
		if (item.kind === 'assistant' && previous.kind === 'assistant') {
			// Only the text and streaming flag change: re-render the body, keep the element.
			this.dirtyText.add(item.id);
			this.renderDirtyText();
		} else {
			const el = this.render(item);
			node.el.replaceWith(el);
			node.el = el;
		}
		if (item.kind === 'auth' && previous.kind === 'auth' && item.status !== previous.status) {
			this.host.announce(item.status === 'connected' && item.identity ? `${item.toolkitName} connected as ${item.identity}.` : AUTH_STATUS[item.status].text(item.toolkitName));
		}
		if (item.kind === 'tool' && previous.kind === 'tool' && item.status !== previous.status && item.status === 'failed') {
			this.host.announce(`${toolkitName(item.toolkit)} tool failed.`);
		}
		this.scrollToEnd(stick);
		if (item.kind === 'tool' && previous.kind === 'tool' && item.status !== previous.status && item.status === 'awaitingApproval') {
			this.host.announce(`Approval needed: ${toolkitName(item.toolkit)} wants to ${toolAction(item.name, item.toolkit).toLowerCase()}.`);
			// Nothing goes on until the user answers: make sure they see the question.
			node.el.scrollIntoView({ block: 'nearest' });
		}
	}

	/** Appends streamed text to an assistant item; rendered on the next animation frame. */
	appendDelta(itemId: string, delta: string): void {
		const node = this.nodes.get(itemId);
		if (!node || node.item.kind !== 'assistant') {
			return;
		}
		node.item = { ...node.item, text: node.item.text + delta };
		this.dirtyText.add(itemId);
		this.frame ??= requestAnimationFrame(() => {
			this.frame = undefined;
			const stick = this.nearEnd();
			this.renderDirtyText();
			this.scrollToEnd(stick);
		});
	}

	private renderDirtyText(): void {
		for (const id of this.dirtyText) {
			const node = this.nodes.get(id);
			if (node?.item.kind === 'assistant') {
				const body = node.el.querySelector('.message-body');
				if (body && node.item.streaming === true) {
					this.renderStreaming(id, body, node.item.text);
				} else {
					this.streams.delete(id);
					body?.replaceChildren(this.markdown(node.item.text));
				}
				node.el.classList.toggle('streaming', node.item.streaming === true);
				node.el.setAttribute('aria-busy', node.item.streaming === true ? 'true' : 'false');
			}
		}
		this.dirtyText.clear();
	}

	/** Renders a streaming answer: finished blocks once, appended; the unfinished rest again. */
	private renderStreaming(id: string, body: Element, text: string): void {
		let stream = this.streams.get(id);
		if (!stream || text.length < stream.settled) {
			stream = { settled: 0, tail: [] };
			this.streams.set(id, stream);
			body.replaceChildren();
		}
		for (const child of stream.tail) {
			child.remove();
		}
		const settled = settledLength(text, stream.settled);
		if (settled > stream.settled) {
			body.append(this.markdown(text.slice(stream.settled, settled)));
			stream.settled = settled;
		}
		const tail = this.markdown(text.slice(settled));
		stream.tail = Array.from(tail.childNodes);
		body.append(tail);
	}

	private nearEnd(): boolean {
		const el = this.element;
		return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
	}

	private scrollToEnd(stick: boolean): void {
		if (stick) {
			this.element.scrollTop = this.element.scrollHeight;
		}
	}

	private render(item: Item): HTMLElement {
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

	private renderUser(item: ItemOf<'user'>): HTMLElement {
		const body = h('div', { class: 'message-body' });
		body.textContent = item.text;
		const chips = item.context?.length
			? h('div', { class: 'chips', 'aria-label': 'Attached context' }, ...item.context.map((c) => h('span', { class: 'chip', title: `${c.languageId} · ${contextLabel(c)}` }, icon('file-code'), h('span', {}, contextLabel(c)))))
			: undefined;
		return h('article', { class: 'message user', 'data-id': item.id, 'aria-label': 'You said' }, h('div', { class: 'message-author' }, h('span', {}, 'You'), h('time', {}, time(item.at))), chips, body);
	}

	private renderAssistant(item: ItemOf<'assistant'>): HTMLElement {
		const body = h('div', { class: 'message-body markdown' });
		body.append(this.markdown(item.text));
		const el = h(
			'article',
			{ class: `message assistant${item.streaming ? ' streaming' : ''}`, 'data-id': item.id, 'aria-label': 'Composio said', 'aria-busy': item.streaming ? 'true' : 'false' },
			h('div', { class: 'message-author' }, h('span', {}, 'Composio'), h('time', {}, time(item.at))),
			body,
		);
		return el;
	}

	private markdown(text: string): DocumentFragment {
		const fragment = renderMarkdown(text);
		for (const pre of Array.from(fragment.querySelectorAll('pre'))) {
			const code = pre.querySelector('code');
			const language = code ? codeLanguage(code) : '';
			const copy = h('button', { class: 'icon-button', type: 'button', 'data-action': 'copy-code', 'aria-label': 'Copy', title: 'Copy' }, icon('copy'));
			const insert = h('button', { class: 'icon-button', type: 'button', 'data-action': 'insert-code', 'aria-label': 'Insert at Cursor', title: 'Insert at Cursor' }, icon('insert'));
			const header = h('div', { class: 'code-header' }, h('span', { class: 'code-language' }, language || 'text'), h('span', { class: 'code-actions' }, copy, insert));
			const wrapper = h('div', { class: 'code-block', 'data-language': language });
			pre.replaceWith(wrapper);
			wrapper.append(header, pre);
		}
		return fragment;
	}

	private renderTool(item: ItemOf<'tool'>): HTMLElement {
		const status = TOOL_STATUS[item.status];
		const app = toolkitName(item.toolkit);
		const summary = h(
			'summary',
			{},
			h('span', { class: `status-icon status-${item.status}` }, icon(status.icon)),
			h('span', { class: 'tool-app' }, app),
			h('span', { class: 'tool-name' }, toolAction(item.name, item.toolkit)),
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
		body.append(h('div', { class: 'tool-section-title' }, 'Tool'), h('code', { class: 'tool-slug' }, item.name));
		body.append(h('div', { class: 'tool-section-title' }, 'Arguments'), h('pre', { class: 'tool-json' }, item.args));
		if (item.error) {
			body.append(h('div', { class: 'tool-section-title' }, 'Error'), h('pre', { class: 'tool-json tool-error' }, item.error));
		}
		if (item.result !== undefined) {
			const big = item.result.length > INLINE_RESULT_LIMIT;
			body.append(h('div', { class: 'tool-section-title' }, 'Result'), h('pre', { class: 'tool-json' }, big ? `${item.result.slice(0, INLINE_RESULT_LIMIT)}\n…` : item.result));
			if (big) {
				body.append(
					h('button', { class: 'button', type: 'button', 'data-action': 'open-result' }, icon('go-to-file'), h('span', {}, `Open full result (${Math.round(item.result.length / 1024)} KB)`)),
				);
			}
		}
		details.append(body);
		return details;
	}

	/** The consent part of a tool card: what would run, as whom, with which arguments, and the four answers. */
	private renderApproval(item: ItemOf<'tool'>): HTMLElement {
		const actions = item.approval ?? [{ tool: item.name, ...(item.toolkit ? { toolkit: item.toolkit } : {}), args: item.args }];
		const list = h('ul', { class: 'approval-actions' }, ...actions.map((a) => this.renderApprovalAction(a)));
		const answer = (decision: ApprovalAnswer, label: string, primary = false): HTMLElement =>
			h('button', { class: `button${primary ? ' primary' : ''}`, type: 'button', 'data-action': 'approve', 'data-decision': decision }, label);
		const heading = actions.length === 1 ? 'Allow this action?' : `Allow these ${actions.length} actions?`;
		return h(
			'section',
			{ class: 'approval', role: 'group', 'aria-label': `Approval needed: ${toolkitName(item.toolkit)} ${toolAction(item.name, item.toolkit)}` },
			h('div', { class: 'approval-title' }, icon('shield'), h('span', {}, heading)),
			h('p', { class: 'approval-explain' }, approvalExplanation(actions)),
			list,
			h('div', { class: 'approval-buttons' }, answer('once', 'Allow once', true), answer('chat', 'Allow in this chat'), answer('always', 'Always allow this tool'), answer('deny', 'Deny')),
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
			rows.append(h('dt', {}, 'arguments'), h('dd', {}, action.args));
		}
		return h(
			'li',
			{ class: 'approval-action' },
			h('div', { class: 'approval-what' }, h('strong', {}, toolkitName(action.toolkit)), ` ${toolAction(action.tool, action.toolkit)}`, action.as || action.account ? h('span', { class: 'approval-account' }, ` as ${action.as ?? action.account ?? ''}`) : undefined),
			h('code', { class: 'tool-slug' }, action.tool),
			rows,
		);
	}

	private renderAuth(item: ItemOf<'auth'>): HTMLElement {
		const status = AUTH_STATUS[item.status];
		const reconnect = item.reconnect;
		const verb = reconnect ? 'Reconnect' : 'Connect';
		const who = reconnect?.name;
		const logo = item.logo && SAFE_LOGO.test(item.logo)
			? h('img', { class: 'auth-logo', src: item.logo, alt: '' })
			: h('span', { class: 'auth-logo auth-initial', 'aria-hidden': 'true' }, item.toolkitName.charAt(0).toUpperCase());
		const host = linkHost(item.url);
		const buttons = h('div', { class: 'auth-actions' });
		if (item.status === 'waiting') {
			buttons.append(
				h('button', { class: 'button primary', type: 'button', 'data-action': 'connect', 'aria-label': verb, title: `Open ${host || 'the Connect Link'} in your browser` }, icon(reconnect ? 'debug-restart' : 'link-external'), h('span', {}, verb)),
				h('button', { class: 'button', type: 'button', 'data-action': 'copy-link', 'aria-label': 'Copy link' }, icon('copy'), h('span', {}, 'Copy link')),
			);
		} else if (item.status === 'expired' || item.status === 'failed') {
			buttons.append(h('button', { class: 'button primary', type: 'button', 'data-action': 'renew-link', 'aria-label': 'New link' }, icon('refresh'), h('span', {}, 'New link')));
		}
		const statusText =
			item.status === 'connected' && item.identity
				? `${reconnect ? 'Reconnected' : 'Connected'} as ${item.identity} — continuing.`
				: item.status === 'connected' && reconnect
					? `${item.toolkitName} reconnected — continuing.`
					: item.status === 'waiting' && reconnect
						? `Waiting for you to reconnect ${item.toolkitName}…`
						: status.text(item.toolkitName);
		const statusLine = h('div', { class: `auth-status auth-${item.status}` }, h('span', { class: 'status-icon' }, icon(status.icon)), h('span', { class: 'auth-status-text' }, statusText));
		const reason = item.reason && !(reconnect && item.status === 'connected') ? h('div', { class: 'auth-reason' }, item.reason) : undefined;
		const title = reconnect ? `Reconnect ${item.toolkitName}${who ? ` (${who})` : ''}` : `Connect ${item.toolkitName}`;
		const explain = reconnect
			? `Your ${item.toolkitName} account${who ? ` ${who}` : ''} is no longer connected, so the last step could not run. Sign in again in your browser; that step runs again and the task carries on by itself.`
			: `The agent needs your ${item.toolkitName} account to continue. Connect it in your browser; the chat carries on by itself once it's active.`;
		return h(
			'section',
			{ class: `auth-card auth-card-${item.status}${reconnect ? ' auth-card-reconnect' : ''}`, 'data-id': item.id, 'aria-label': title },
			h('div', { class: 'auth-header' }, logo, h('div', {}, h('div', { class: 'auth-title' }, title), h('div', { class: 'auth-host' }, host ? `Opens ${host}` : 'Connect Link'))),
			item.status === 'waiting' ? h('p', { class: 'auth-explain' }, explain) : undefined,
			statusLine,
			reason,
			buttons,
		);
	}

	private renderNotice(item: ItemOf<'notice'>): HTMLElement {
		const actionLabels: Record<NoticeAction, string> = {
			setComposioKey: 'Set Composio API Key',
			setOpenAiKey: 'Set OpenAI API Key',
			openLogs: 'Open Logs',
			retry: 'Retry',
			openSettings: 'Open Settings',
			chooseModel: 'Choose Model',
			findModelProviders: 'Get Models',
			useSandbox: 'Use the Sandbox',
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

	private onClick(e: MouseEvent): void {
		const target = e.target instanceof Element ? e.target : null;
		if (!target) {
			return;
		}
		const link = target.closest('a[href]');
		if (link) {
			e.preventDefault();
			this.host.post({ type: 'openLink', url: link.getAttribute('href') ?? '' });
			return;
		}
		const button = target.closest<HTMLElement>('[data-action]');
		if (!button) {
			return;
		}
		const itemId = button.closest<HTMLElement>('[data-id]')?.dataset.id ?? '';
		switch (button.dataset.action) {
			case 'copy-code': {
				const code = button.closest('.code-block')?.querySelector('pre')?.textContent ?? '';
				this.host.post({ type: 'copyText', text: code });
				this.host.announce('Code copied.');
				break;
			}
			case 'insert-code': {
				const block = button.closest<HTMLElement>('.code-block');
				this.host.post({ type: 'insertCode', code: block?.querySelector('pre')?.textContent ?? '', language: block?.dataset.language ?? '' });
				break;
			}
			case 'connect':
				this.host.post({ type: 'connect', itemId });
				break;
			case 'copy-link':
				this.host.post({ type: 'copyLink', itemId });
				this.host.announce('Link copied.');
				break;
			case 'renew-link':
				this.host.post({ type: 'renewLink', itemId });
				break;
			case 'approve': {
				const decision = button.dataset.decision;
				if (decision === 'once' || decision === 'chat' || decision === 'always' || decision === 'deny') {
					button.closest('.approval')?.querySelectorAll('button').forEach((b) => b.setAttribute('disabled', ''));
					this.host.post({ type: 'approve', itemId, decision });
					this.host.announce(decision === 'deny' ? 'Declined.' : 'Allowed.');
				}
				break;
			}
			case 'open-result':
				this.host.post({ type: 'openToolResult', itemId });
				break;
			case 'notice-action': {
				const action = NOTICE_ACTIONS.find((a) => a === button.dataset.noticeAction);
				if (action) {
					this.host.post({ type: 'runAction', action });
				}
				break;
			}
		}
	}
}

/** What an approval card asks, in words: acting on an account, or looking into the workspace (a secret file). */
function approvalExplanation(actions: readonly ApprovalRequestAction[]): string {
	if (actions.length > 0 && actions.every((a) => a.toolkit === 'vscode')) {
		return actions.some((a) => a.tool === 'VSCODE_READ_SECRET_FILE')
			? 'The agent wants to read a file that may hold secrets (keys, passwords). Nothing is read until you answer.'
			: 'The agent wants to look at your workspace. Nothing runs until you answer.';
	}
	return 'The agent wants to act on your account. Nothing runs until you answer.';
}
