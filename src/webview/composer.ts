/**
 * The message box: multi-line, Enter sends, Shift+Enter adds a line, Escape stops a running turn.
 * Holds the editor-context chips for the next message; its draft survives the view being hidden.
 */
import type { TurnState } from '../protocol/chatProtocol';
import { type ChatStrings, formatString as format } from '../protocol/chatStrings';
import type { EditorContext } from '../protocol/transcript';
import { h, icon } from './dom';
import { contextLabel } from './transcriptItems';

export interface ComposerHost {
	/** The view's words, in the display language. */
	readonly strings: ChatStrings;
	send(text: string, context: readonly EditorContext[]): void;
	stop(): void;
	saveDraft(draft: ComposerDraft): void;
	announce(text: string): void;
}

export interface ComposerDraft {
	readonly text: string;
	readonly context: readonly EditorContext[];
}

export class Composer {
	readonly element: HTMLElement;
	private readonly input: HTMLTextAreaElement;
	private readonly sendButton: HTMLButtonElement;
	private readonly stopButton: HTMLButtonElement;
	private readonly chips: HTMLElement;
	private readonly hint: HTMLElement;
	private context: EditorContext[] = [];
	private state: TurnState = 'idle';
	private disabledReason: string | undefined;

	private readonly t: ChatStrings;

	constructor(private readonly host: ComposerHost) {
		const t = (this.t = host.strings);
		this.input = h('textarea', { class: 'composer-input', 'aria-label': t.message, placeholder: t.composerPlaceholder, rows: '3' });
		this.sendButton = h('button', { class: 'button primary', type: 'submit', 'aria-label': t.send, title: t.sendTitle }, icon('send'), h('span', {}, t.send));
		this.stopButton = h('button', { class: 'button', type: 'button', 'aria-label': t.stop, title: t.stopTitle, hidden: true }, icon('debug-stop'), h('span', {}, t.stop));
		this.chips = h('div', { class: 'chips composer-chips', 'aria-label': t.nextMessageContext });
		this.hint = h('div', { class: 'composer-hint', id: 'composer-hint' }, t.hintIdle);
		this.input.setAttribute('aria-describedby', 'composer-hint');
		const form = h('form', { class: 'composer' }, this.chips, this.input, h('div', { class: 'composer-actions' }, this.hint, this.stopButton, this.sendButton));
		this.element = form;

		form.addEventListener('submit', (e) => {
			e.preventDefault();
			this.submit();
		});
		this.stopButton.addEventListener('click', () => this.host.stop());
		this.input.addEventListener('keydown', (e) => {
			if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
				e.preventDefault();
				this.submit();
			} else if (e.key === 'Escape' && this.state !== 'idle') {
				e.preventDefault();
				this.host.stop();
			}
		});
		this.input.addEventListener('input', () => this.saveDraft());
		this.chips.addEventListener('click', (e) => {
			const button = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-chip]') : null;
			if (button) {
				const index = Number(button.dataset.chip);
				const removed = this.context[index];
				this.context.splice(index, 1);
				this.renderChips();
				this.saveDraft();
				if (removed) {
					this.host.announce(format(this.t.removedContext, contextLabel(removed)));
				}
				this.input.focus();
			}
		});
	}

	restore(draft: ComposerDraft | undefined): void {
		if (draft) {
			this.input.value = draft.text;
			this.context = [...draft.context];
			this.renderChips();
		}
	}

	/** Whether the box holds no text (a refused message goes back only into an empty box). */
	get isEmpty(): boolean {
		return this.input.value.trim() === '';
	}

	focus(): void {
		this.input.focus();
	}

	addContext(context: EditorContext): void {
		this.context.push(context);
		this.renderChips();
		this.saveDraft();
		this.host.announce(format(this.t.attachedContext, contextLabel(context)));
	}

	prefill(text: string, send: boolean): void {
		this.input.value = text;
		this.saveDraft();
		if (send) {
			this.submit();
		} else {
			this.focus();
		}
	}

	/**
	 * Follows the turn: while it runs, Stop shows, Escape stops and sending waits (the draft stays
	 * in the box); while it waits for a connection, a message goes to the wait ("done" checks the
	 * connection), so sending is allowed.
	 */
	setTurnState(state: TurnState): void {
		this.state = state;
		this.stopButton.hidden = state === 'idle';
		this.hint.textContent = state === 'running' ? this.t.hintRunning : state === 'waitingForAuth' ? this.t.hintWaiting : state === 'waitingForChoice' ? this.t.hintChoosing : this.t.hintIdle;
		this.updateDisabled();
	}

	/** Whether a turn runs (Escape anywhere in the view stops it). */
	get isRunning(): boolean {
		return this.state !== 'idle';
	}

	/** Disables sending with a reason shown as the placeholder (e.g. a key is missing), or enables it. */
	setDisabled(reason: string | undefined): void {
		this.disabledReason = reason;
		this.updateDisabled();
	}

	private updateDisabled(): void {
		const disabled = this.disabledReason !== undefined;
		this.input.disabled = disabled;
		this.input.placeholder = this.disabledReason ?? (this.state === 'waitingForAuth' ? this.t.composerPlaceholderWaiting : this.state === 'waitingForChoice' ? this.t.composerPlaceholderChoosing : this.t.composerPlaceholder);
		this.sendButton.disabled = disabled || this.state === 'running';
	}

	private submit(): void {
		const text = this.input.value.trim();
		if (!text || this.disabledReason !== undefined || this.state === 'running') {
			return;
		}
		this.host.send(text, this.context);
		this.input.value = '';
		this.context = [];
		this.renderChips();
		this.saveDraft();
		this.input.focus();
	}

	private renderChips(): void {
		this.chips.replaceChildren(
			...this.context.map((c, i) =>
				h(
					'span',
					{ class: 'chip', title: `${c.languageId} · ${contextLabel(c)}` },
					icon('file-code'),
					h('span', {}, contextLabel(c)),
					h('button', { class: 'chip-remove', type: 'button', 'data-chip': String(i), 'aria-label': format(this.t.removeContext, contextLabel(c)) }, icon('close')),
				),
			),
		);
		this.chips.hidden = this.context.length === 0;
	}

	private saveDraft(): void {
		this.host.saveDraft({ text: this.input.value, context: this.context });
	}
}
