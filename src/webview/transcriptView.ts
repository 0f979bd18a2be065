/**
 * The conversation as DOM. Items are keyed by id; adding or updating one touches only its own
 * element. Streamed text is collected and rendered at most once per animation frame, for the
 * streaming message only, and only its last block is rendered again (see streamingText.ts).
 * An opened conversation shows its newest items first and the earlier ones when the page is idle
 * (`setItems`). What each item looks like is `TranscriptItems` (transcriptItems.ts).
 */
import type { WebviewToHost } from '../protocol/chatProtocol';
import { type ChatStrings, formatString as format } from '../protocol/chatStrings';
import { NOTICE_ACTIONS, type TranscriptItem } from '../protocol/transcript';
import { h } from './dom';
import { needsWholeRender, settledLength } from './streamingText';
import { authStatus, TranscriptItems } from './transcriptItems';
import { TranscriptScroll } from './transcriptScroll';

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

/** Items rendered at a time before the first paint (until they fill the view twice) and as the reader nears the top. */
const FIRST_BATCH = 10;
/** At most this long rendering earlier items in one idle callback, well under a long task's 50 ms. */
const SLICE_MS = 12;

export class TranscriptView {
	readonly element: HTMLElement;
	private readonly nodes = new Map<string, { item: Item; el: HTMLElement }>();
	private readonly dirtyText = new Set<string>();
	/** Streaming answers: how much of the text is rendered for good, and the nodes of the rest. */
	private readonly streams = new Map<string, { settledText: string; tail: ChildNode[] }>();
	private frame: number | undefined;
	/** The opened conversation's items not rendered yet, oldest first (see `setItems`). */
	private earlier: Item[] = [];
	private idle: number | undefined;
	private readonly scroll: TranscriptScroll;
	private readonly t: ChatStrings;
	private readonly items: TranscriptItems;

	constructor(private readonly host: TranscriptHost) {
		this.t = host.strings;
		this.items = new TranscriptItems(host.strings, host.language);
		this.element = h('div', { class: 'transcript', role: 'log', 'aria-label': this.t.conversation, tabindex: '0' });
		this.scroll = new TranscriptScroll(this.element);
		this.element.addEventListener('click', (e) => this.onClick(e));
		this.element.addEventListener(
			'scroll',
			() => {
				// Near the top with earlier items still to come: bring the next ones in now.
				if (this.earlier.length > 0 && this.element.scrollTop < this.element.clientHeight) {
					this.renderEarlier(FIRST_BATCH);
				}
			},
			{ passive: true },
		);
		// Home and Ctrl+Home go to the first message: have it there.
		this.element.addEventListener('keydown', (e) => {
			if (e.key === 'Home' && this.earlier.length > 0) {
				this.renderAllEarlier();
			}
		});
	}

	get isEmpty(): boolean {
		return this.nodes.size === 0 && this.earlier.length === 0;
	}

	/**
	 * Replaces everything with these items. The newest are rendered at once, enough to fill the
	 * view twice over; the earlier ones in the background when the page is idle, newest first,
	 * above them, keeping the reader's place. The transcript is `aria-busy` until all are in.
	 */
	setItems(items: readonly Item[]): void {
		this.nodes.clear();
		this.dirtyText.clear();
		this.streams.clear();
		this.cancelEarlier();
		this.scroll.reset();
		this.element.replaceChildren();
		this.earlier = [...items];
		// The newest first, in batches, until they fill the view twice (or are all shown).
		do {
			this.renderEarlier(FIRST_BATCH);
		} while (this.earlier.length > 0 && this.element.scrollHeight < 2 * this.element.clientHeight);
		this.scroll.settleAtEnd();
		this.scheduleEarlier();
	}

	/** Renders up to `count` of the items not shown yet (the newest of them) above what is shown, keeping the reader's place. */
	private renderEarlier(count: number, deadline?: IdleDeadline): void {
		const els: HTMLElement[] = [];
		const until = performance.now() + SLICE_MS;
		while (this.earlier.length > 0 && els.length < count && (!deadline || els.length === 0 || (deadline.timeRemaining() > 1 && performance.now() < until))) {
			const item = this.earlier.pop() as Item;
			const el = this.items.render(item);
			this.nodes.set(item.id, { item, el });
			this.scroll.watch(el);
			els.push(el);
		}
		if (els.length === 0) {
			return;
		}
		const fragment = document.createDocumentFragment();
		for (let i = els.length - 1; i >= 0; i--) {
			fragment.append(els[i] as HTMLElement);
		}
		// The browser's scroll anchoring keeps what the reader sees in place (no layout forced here).
		this.element.prepend(fragment);
		this.element.setAttribute('aria-busy', this.earlier.length > 0 ? 'true' : 'false');
	}

	/** Renders every earlier item now (the reader jumps to the start). */
	private renderAllEarlier(): void {
		this.cancelEarlier();
		this.renderEarlier(Number.POSITIVE_INFINITY);
	}

	private scheduleEarlier(): void {
		if (this.earlier.length === 0 || this.idle !== undefined) {
			return;
		}
		this.idle = requestIdleCallback(
			(deadline) => {
				this.idle = undefined;
				this.renderEarlier(Number.POSITIVE_INFINITY, deadline);
				this.scheduleEarlier();
			},
			{ timeout: 250 },
		);
	}

	private cancelEarlier(): void {
		if (this.idle !== undefined) {
			cancelIdleCallback(this.idle);
			this.idle = undefined;
		}
	}

	/** The item not shown yet with this id: it takes `item`'s place. */
	private replaceEarlier(item: Item): boolean {
		const i = this.earlier.findIndex((e) => e.id === item.id);
		if (i < 0) {
			return false;
		}
		this.earlier[i] = item;
		return true;
	}

	add(item: Item): void {
		if (this.nodes.has(item.id)) {
			this.update(item);
			return;
		}
		if (this.replaceEarlier(item)) {
			return;
		}
		// The user's own message brings the view to the end; anything else only if the reader is there.
		const el = this.items.render(item);
		this.nodes.set(item.id, { item, el });
		this.scroll.watch(el);
		this.element.append(el);
		if (item.kind === 'user') {
			this.scroll.toEnd();
		} else {
			this.scroll.follow();
		}
		if (item.kind === 'tool' && item.status === 'awaitingApproval') {
			this.askForApproval(item, el);
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
		this.scroll.follow();
		if (item.kind === 'tool' && previous.kind === 'tool' && item.status !== previous.status && item.status === 'awaitingApproval') {
			this.askForApproval(item, node.el);
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
		if (!node || node.item.kind !== 'assistant') {
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
