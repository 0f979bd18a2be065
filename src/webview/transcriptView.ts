/**
 * The conversation as DOM. Items are keyed by id; adding or updating one touches only its own
 * element. Streamed text is collected and rendered at most once per animation frame, for the
 * streaming message only, and only its last block is rendered again (see streamingText.ts).
 * Only the items near the viewport are in the DOM (`TranscriptWindow`, transcriptWindow.ts): an
 * opened conversation shows its newest items at once, and the others as the reader scrolls to
 * them. What each item looks like is `TranscriptItems` (transcriptItems.ts).
 */
import type { WebviewToHost } from '../protocol/chatProtocol';
import { type ChatStrings, formatString as format } from '../protocol/chatStrings';
import { NOTICE_ACTIONS, type TranscriptItem } from '../protocol/transcript';
import { h } from './dom';
import { needsWholeRender, settledLength } from './streamingText';
import { authStatus, TranscriptItems } from './transcriptItems';
import { TranscriptScroll } from './transcriptScroll';
import { TranscriptWindow } from './transcriptWindow';

type Item = TranscriptItem;
type ItemOf<K extends Item['kind']> = Extract<Item, { kind: K }>;

export interface TranscriptHost {
	post(message: WebviewToHost): void;
	/** Says something through the live region. */
	announce(text: string): void;
	/** The view's words, in the display language. */
	readonly strings: ChatStrings;
	/** The display language, for times. */
	readonly language: string;
}

/** Items rendered at a time before the first paint, until they fill the view. */
const FIRST_BATCH = 4;

export class TranscriptView {
	readonly element: HTMLElement;
	private readonly nodes = new Map<string, { item: Item; el: HTMLElement }>();
	private readonly dirtyText = new Set<string>();
	/** Streaming answers: how much of the text is rendered for good, and the nodes of the rest. */
	private readonly streams = new Map<string, { settledText: string; tail: ChildNode[] }>();
	private frame: number | undefined;
	/** Tool cards the reader opened or closed, while they are out of the DOM (see `release`). */
	private readonly opened = new Map<string, boolean>();
	private readonly scroll: TranscriptScroll;
	private readonly window: TranscriptWindow;
	private readonly t: ChatStrings;
	private readonly items: TranscriptItems;

	constructor(private readonly host: TranscriptHost) {
		this.t = host.strings;
		this.items = new TranscriptItems(host.strings, host.language);
		this.element = h('div', { class: 'transcript', role: 'log', 'aria-label': this.t.conversation, tabindex: '0' });
		this.scroll = new TranscriptScroll(this.element);
		this.window = new TranscriptWindow(this.element, { render: (item) => this.render(item), release: (el) => this.release(el) });
		this.element.addEventListener('click', (e) => this.onClick(e));
		// Home and End (with Ctrl too) go to the first and the newest item at once: animated, the
		// scroll would render the items it passes, and miss the end if heights changed meanwhile.
		this.element.addEventListener('keydown', (e) => {
			if ((e.key === 'Home' || e.key === 'End') && !e.altKey && !e.shiftKey && !e.metaKey) {
				e.preventDefault();
				if (e.key === 'Home') {
					this.scroll.toStart();
				} else {
					this.scroll.toEnd();
				}
			}
		});
	}

	get isEmpty(): boolean {
		return this.nodes.size === 0 && this.window.pendingCount === 0;
	}

	/** Renders an item and keys it. */
	private render(item: Item): HTMLElement {
		const el = this.items.render(item);
		const opened = this.opened.get(item.id);
		if (opened !== undefined && el instanceof HTMLDetailsElement) {
			el.open = opened;
		}
		this.opened.delete(item.id);
		this.nodes.set(item.id, { item, el });
		this.scroll.watch(el);
		return el;
	}

	/** Forgets a rendered item far from the view, unless the reader is in it, it streams or it waits for them. */
	private release(el: HTMLElement): Item | undefined {
		const id = el.dataset.id ?? '';
		const node = this.nodes.get(id);
		if (!node || node.el !== el || el.contains(document.activeElement) || this.streams.has(id) || this.dirtyText.has(id) || this.scroll.isPinned(el)) {
			return undefined;
		}
		if ((node.item.kind === 'assistant' && node.item.streaming === true) || (node.item.kind === 'tool' && node.item.status === 'awaitingApproval')) {
			return undefined;
		}
		if (el instanceof HTMLDetailsElement) {
			this.opened.set(id, el.open);
		}
		this.nodes.delete(id);
		this.scroll.unwatch(el);
		return node.item;
	}

	/**
	 * Replaces everything with these items, and `earlier` more the host sends next (`addEarlier`).
	 * The newest are rendered at once, enough to fill the view, and the view goes to the end; the
	 * ones above them after the first paint, and the others when the reader scrolls to them. The
	 * transcript is `aria-busy` until the host has sent them all.
	 */
	setItems(items: readonly Item[], earlier = 0): void {
		this.nodes.clear();
		this.dirtyText.clear();
		this.streams.clear();
		this.opened.clear();
		this.scroll.reset();
		this.window.reset();
		this.element.replaceChildren();
		// The newest first, in batches, until they fill the view (or are all shown).
		let end = items.length;
		do {
			const start = Math.max(0, end - FIRST_BATCH);
			this.element.prepend(...items.slice(start, end).map((item) => this.render(item)));
			end = start;
		} while (end > 0 && this.element.scrollHeight <= this.element.clientHeight);
		if (end > 0 || earlier > 0) {
			this.window.prepend(items.slice(0, end), earlier);
		}
		this.scroll.settleAtEnd();
	}

	/** The items just before the earliest the view has (oldest first), and how many more the host will send before them. */
	addEarlier(items: readonly Item[], remaining: number): void {
		this.window.prepend(items, remaining);
	}

	add(item: Item): void {
		if (this.nodes.has(item.id)) {
			this.update(item);
			return;
		}
		if (this.window.replace(item.id, () => item)) {
			this.opened.delete(item.id);
			return;
		}
		// The user's own message brings the view to the end; a question for them, its buttons; anything else only if the reader is there.
		const el = this.render(item);
		this.element.append(el);
		if (item.kind === 'user') {
			this.scroll.toEndBeforePaint();
		} else if (item.kind === 'tool' && item.status === 'awaitingApproval') {
			this.askForApproval(item, el);
		} else {
			this.scroll.follow();
		}
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
		const previous = node.item;
		node.item = item;
		if (item.kind === 'assistant' && previous.kind === 'assistant') {
			// Only the text and streaming flag change: re-render the body, keep the element.
			this.dirtyText.add(item.id);
			this.renderDirtyText();
		} else {
			const el = this.items.render(item);
			this.scroll.unwatch(node.el);
			this.scroll.watch(el);
			node.el.replaceWith(el);
			node.el = el;
		}
		if (item.kind === 'auth' && previous.kind === 'auth' && item.status !== previous.status) {
			this.host.announce(item.status === 'connected' && item.identity ? format(this.t.connectedAsAnnouncement, item.toolkitName, item.identity) : authStatus(item.status, item.toolkitName, this.t).text);
		}
		if (item.kind === 'tool' && previous.kind === 'tool' && item.status !== previous.status && item.status === 'failed') {
			this.host.announce(format(this.t.toolFailedAnnouncement, this.items.app(item.toolkit)));
		}
		if (item.kind === 'tool' && previous.kind === 'tool' && item.status !== previous.status && item.status === 'awaitingApproval') {
			// Its buttons come into view, from below with the card above them (not from the end, past them).
			this.askForApproval(item, node.el);
		} else {
			this.scroll.follow();
		}
	}

	/**
	 * Nothing goes on until the user answers an approval card: say so, and bring its buttons into
	 * view (the card may be taller than the transcript, or arrive while the user reads above).
	 */
	private askForApproval(item: ItemOf<'tool'>, el: HTMLElement): void {
		this.host.announce(format(this.t.approvalNeededAnnouncement, this.items.app(item.toolkit), this.items.toolTitle(item).toLowerCase()));
		this.scroll.pin(el.querySelector('.approval-buttons') ?? el);
	}

	/** Appends streamed text to an assistant item; rendered on the next animation frame. */
	appendDelta(itemId: string, delta: string): void {
		const node = this.nodes.get(itemId);
		if (!node) {
			this.window.replace(itemId, (item) => (item.kind === 'assistant' ? { ...item, text: item.text + delta } : item));
			return;
		}
		if (node.item.kind !== 'assistant') {
			return;
		}
		node.item = { ...node.item, text: node.item.text + delta };
		this.dirtyText.add(itemId);
		this.frame ??= requestAnimationFrame(() => {
			this.frame = undefined;
			this.renderDirtyText();
			this.scroll.follow();
		});
	}

	private renderDirtyText(): void {
		for (const id of this.dirtyText) {
			const node = this.nodes.get(id);
			if (node?.item.kind === 'assistant') {
				const body = node.el.querySelector('.message-body');
				if (body && node.item.streaming === true) {
					this.renderStreaming(id, body, node.item.text);
				} else if (body) {
					this.renderFinished(id, body, node.item.text);
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
		if (!stream || !text.startsWith(stream.settledText)) {
			stream = { settledText: '', tail: [] };
			this.streams.set(id, stream);
			body.replaceChildren();
		}
		for (const child of stream.tail) {
			child.remove();
		}
		const from = stream.settledText.length;
		const settled = settledLength(text, from);
		if (settled > from) {
			body.append(this.items.markdown(text.slice(from, settled)));
			stream.settledText = text.slice(0, settled);
		}
		const tail = this.items.markdown(text.slice(settled));
		stream.tail = Array.from(tail.childNodes);
		body.append(tail);
	}

	/**
	 * Renders a complete answer. One that streamed here keeps its finished blocks and renders only
	 * the rest, which gives what a whole render gives (streamingText.ts); any other, or one with
	 * link reference definitions, is rendered whole.
	 */
	private renderFinished(id: string, body: Element, text: string): void {
		const stream = this.streams.get(id);
		this.streams.delete(id);
		if (!stream || !text.startsWith(stream.settledText) || needsWholeRender(text)) {
			body.replaceChildren(this.items.markdown(text));
			return;
		}
		for (const child of stream.tail) {
			child.remove();
		}
		body.append(this.items.markdown(text.slice(stream.settledText.length)));
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
				this.host.announce(this.t.codeCopied);
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
				this.host.announce(this.t.linkCopied);
				break;
			case 'renew-link':
				this.host.post({ type: 'renewLink', itemId });
				break;
			case 'approve': {
				const decision = button.dataset.decision;
				if (decision === 'once' || decision === 'chat' || decision === 'always' || decision === 'deny') {
					button.closest('.approval')?.querySelectorAll('button').forEach((b) => b.setAttribute('disabled', ''));
					this.host.post({ type: 'approve', itemId, decision });
					this.host.announce(decision === 'deny' ? this.t.declined : this.t.allowed);
				}
				break;
			}
			case 'own-app': {
				const way = button.dataset.way;
				if (way === 'ownApp' || way === 'apiKey' || way === 'declined') {
					button.closest('.auth-actions')?.querySelectorAll('button').forEach((b) => b.setAttribute('disabled', ''));
					this.host.post({ type: 'setUpOwnApp', itemId, way });
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
