/**
 * The chat view's browser side: a toolbar (New chat, History), a sandbox or missing-key banner,
 * the transcript (or an empty state with example prompts), the history list and the composer.
 * It renders what the host sends and asks the host for everything else. Its words come from the
 * host, in the display language, with the document (the initial state on #app).
 */
import { assertNever } from '../common/assertNever';
import type { ChatConfigState, HostPacket, HostToWebview, TurnState, WebviewToHost } from '../protocol/chatProtocol';
import { formatString as format, parseChatInitialState, type ChatInitialState } from '../protocol/chatStrings';
import { type ConversationSummary, UNTITLED } from '../protocol/transcript';
import { Composer, type ComposerDraft } from './composer';
import { h, icon } from './dom';
import { warmUpMarkdown } from './markdown';
import { SendTracker } from './sendTracker';
import { TranscriptView } from './transcriptView';
import { vscodeApi } from './vscodeApi';

interface ViewState {
	readonly draft?: ComposerDraft;
	/** The sandbox banner was closed; a badge in the toolbar brings it back. */
	readonly sandboxBannerClosed?: boolean;
}

const app = document.getElementById('app');
if (!app) {
	throw new Error('chat: #app missing');
}

/** The host's initial state: the view's strings in the display language (English where it gave none). */
function readInitialState(): ChatInitialState {
	try {
		const raw = app?.dataset.initialState;
		return parseChatInitialState(raw ? JSON.parse(raw) : undefined);
	} catch {
		return parseChatInitialState(undefined);
	}
}
const { strings: t, language } = readInitialState();
const EXAMPLES = [t.exampleEmails, t.exampleIssue, t.exampleSlack, t.exampleWhatCanYouDo];

/** A conversation's title as shown: the view's own words for one not named yet. */
function shownTitle(title: string): string {
	return title === '' || title === UNTITLED ? t.newChat : title;
}

const post = (message: WebviewToHost) => vscodeApi.postMessage(message);
let saved = (vscodeApi.getState() ?? {}) as ViewState;
function saveState(patch: Partial<ViewState>): void {
	saved = { ...saved, ...patch };
	vscodeApi.setState(saved);
}

const liveRegion = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
let announceTimer: number | undefined;
function announce(text: string): void {
	// Clearing first makes screen readers repeat an identical message.
	liveRegion.textContent = '';
	window.clearTimeout(announceTimer);
	announceTimer = window.setTimeout(() => (liveRegion.textContent = text), 50);
}

let conversationId = '';
let turnState: TurnState = 'idle';
const sends = new SendTracker();

const transcript = new TranscriptView({ post, announce, strings: t, language });
const composer = new Composer({
	strings: t,
	send: (text, context) => {
		sends.sent({ text, context: [...context] });
		post({ type: 'send', text, context: [...context] });
		setTurnState(sends.shown);
	},
	stop: () => {
		sends.stopped();
		post({ type: 'cancel' });
		setTurnState(sends.shown);
	},
	saveDraft: (draft) => saveState({ draft }),
	announce,
});
composer.restore(saved.draft);

const newChatButton = h('button', { class: 'icon-button', type: 'button', 'aria-label': t.newChat, title: t.newChat }, icon('add'));
const historyButton = h('button', { class: 'icon-button', type: 'button', 'aria-label': t.history, title: t.conversationHistory, 'aria-expanded': 'false', 'aria-controls': 'history' }, icon('history'));
const title = h('div', { class: 'toolbar-title' }, t.newChat);
const sandboxBadge = h('button', { class: 'sandbox-badge', type: 'button', hidden: true, title: t.sandboxBadgeTitle, 'aria-label': t.sandboxBadgeLabel }, icon('beaker'), h('span', {}, t.sandbox));
// The model picker: shows the model the next message goes to; the host shows the choices.
const modelName = h('span', { class: 'model-name' }, t.model);
const modelButton = h('button', { class: 'model-button', type: 'button' }, icon('sparkle'), modelName, icon('chevron-down'));
modelButton.addEventListener('click', () => post({ type: 'runAction', action: 'chooseModel' }));
const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t.chatToolbar }, title, sandboxBadge, modelButton, h('div', { class: 'toolbar-actions' }, newChatButton, historyButton));
const banner = h('div', { class: 'banner', role: 'note', hidden: true });
const historyPanel = h('div', { class: 'history', id: 'history', hidden: true, role: 'region', 'aria-label': t.conversationHistory });
const empty = h(
	'div',
	{ class: 'empty-state' },
	h('div', { class: 'empty-icon', 'aria-hidden': 'true' }, icon('comment-discussion')),
	h('h2', {}, t.emptyTitle),
	h('p', {}, t.emptyText),
	h(
		'div',
		{ class: 'examples', role: 'list', 'aria-label': t.examplePrompts },
		...EXAMPLES.map((text) => {
			const b = h('button', { class: 'example', type: 'button', role: 'listitem' }, icon('sparkle'), h('span', {}, text));
			b.addEventListener('click', () => composer.prefill(text, true));
			return b;
		}),
	),
);
app.append(toolbar, banner, historyPanel, empty, transcript.element, composer.element, liveRegion);

newChatButton.addEventListener('click', () => {
	post({ type: 'newChat' });
	composer.focus();
});
historyButton.addEventListener('click', () => {
	if (historyPanel.hidden) {
		post({ type: 'listHistory' });
	} else {
		closeHistory();
	}
});

const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
/** "just now", "5 minutes ago", "yesterday", or a date for anything older than a week. */
function ago(at: number): string {
	const seconds = Math.round((at - Date.now()) / 1000);
	if (seconds > -45) {
		return t.justNow;
	}
	const minutes = Math.round(seconds / 60);
	if (minutes > -60) {
		return relative.format(minutes, 'minute');
	}
	const hours = Math.round(minutes / 60);
	if (hours > -24) {
		return relative.format(hours, 'hour');
	}
	const days = Math.round(hours / 24);
	return days > -7 ? relative.format(days, 'day') : new Date(at).toLocaleDateString(language);
}

function closeHistory(): void {
	historyPanel.hidden = true;
	historyButton.setAttribute('aria-expanded', 'false');
}

function showHistory(conversations: readonly ConversationSummary[], currentId: string): void {
	historyPanel.replaceChildren(h('div', { class: 'history-title' }, t.historyHeading));
	if (conversations.length === 0) {
		historyPanel.append(h('p', { class: 'history-empty' }, t.historyEmpty));
	}
	const list = h('ul', { class: 'history-list' });
	for (const c of conversations) {
		const name = c.title === UNTITLED ? t.newChat : c.title || t.untitled;
		const meta = c.messageCount === 1 ? format(t.historyMetaOne, ago(c.updatedAt)) : format(t.historyMetaMany, ago(c.updatedAt), c.messageCount);
		const open = h('button', { class: 'history-open', type: 'button', 'aria-current': c.id === currentId ? 'true' : undefined }, h('span', { class: 'history-name' }, name), h('span', { class: 'history-meta' }, meta));
		open.addEventListener('click', () => {
			post({ type: 'openConversation', id: c.id });
			closeHistory();
			composer.focus();
		});
		const del = h('button', { class: 'icon-button', type: 'button', 'aria-label': c.title ? format(t.deleteNamed, name) : t.deleteConversation, title: t.delete }, icon('trash'));
		del.addEventListener('click', () => post({ type: 'deleteConversation', id: c.id }));
		list.append(h('li', { class: 'history-item' }, open, del));
	}
	historyPanel.append(list);
	historyPanel.hidden = false;
	historyButton.setAttribute('aria-expanded', 'true');
	historyPanel.querySelector<HTMLElement>('.history-open')?.focus();
}

historyPanel.addEventListener('keydown', (e) => {
	if (e.key === 'Escape') {
		closeHistory();
		historyButton.focus();
	}
});

let config: ChatConfigState | undefined;
sandboxBadge.addEventListener('click', () => {
	saveState({ sandboxBannerClosed: false });
	if (config) {
		showConfig(config);
	}
	banner.querySelector<HTMLElement>('button')?.focus();
});

function showConfig(next: ChatConfigState): void {
	config = next;
	banner.replaceChildren();
	sandboxBadge.hidden = true;
	const keyButton = (label: string, action: 'setComposioKey' | 'setOpenAiKey' | 'chooseModel' | 'findModelProviders' | 'useSandbox') => {
		const b = h('button', { class: 'link-button', type: 'button' }, label);
		b.addEventListener('click', () => post({ type: 'runAction', action }));
		return b;
	};
	const model = next.model;
	modelName.textContent = model ? model.label : t.chooseModel;
	modelButton.classList.toggle('model-missing', !model || next.missing === 'model');
	modelButton.title = model ? format(t.modelTitle, model.label, model.detail) : t.noModelTitle;
	modelButton.setAttribute('aria-label', model ? format(t.modelLabel, model.label, model.detail) : t.noModelLabel);
	if (next.sandbox && saved.sandboxBannerClosed) {
		banner.hidden = true;
		sandboxBadge.hidden = false;
	} else if (next.sandbox) {
		banner.className = 'banner banner-info';
		const close = h('button', { class: 'icon-button banner-close', type: 'button', 'aria-label': t.hideSandboxNote, title: t.hide }, icon('close'));
		close.addEventListener('click', () => {
			saveState({ sandboxBannerClosed: true });
			showConfig(next);
			sandboxBadge.focus();
		});
		banner.append(icon('beaker'), h('span', {}, t.sandboxBanner), close, h('span', { class: 'banner-actions' }, keyButton(t.setComposioKey, 'setComposioKey'), keyButton(t.setOpenAiKey, 'setOpenAiKey')));
		banner.hidden = false;
	} else if (next.missing === 'model') {
		banner.className = 'banner banner-warning';
		banner.append(
			icon('sparkle'),
			h('span', {}, t.noModelBanner),
			h('span', { class: 'banner-actions' }, keyButton(t.setOpenAiKey, 'setOpenAiKey'), keyButton(t.getModelsInVsCode, 'findModelProviders'), keyButton(t.useTheSandbox, 'useSandbox')),
		);
		banner.hidden = false;
	} else if (next.missing) {
		banner.className = 'banner banner-warning';
		const composio = next.missing === 'composioKey';
		const actions = [composio ? keyButton(t.setComposioKey, 'setComposioKey') : keyButton(t.setOpenAiKey, 'setOpenAiKey')];
		if (next.missing === 'openAiKey') {
			actions.push(keyButton(t.chooseAnotherModel, 'chooseModel'));
		}
		banner.append(icon('key'), h('span', {}, composio ? t.composioKeyToStart : t.openAiKeyToStart), h('span', { class: 'banner-actions' }, ...actions));
		banner.hidden = false;
	} else {
		banner.hidden = true;
	}
	composer.setDisabled(next.missing === 'model' ? t.composerNeedsModel : next.missing === 'composioKey' ? t.composerNeedsComposioKey : next.missing === 'openAiKey' ? t.composerNeedsOpenAiKey : undefined);
}

function setTurnState(state: TurnState): void {
	const was = turnState;
	turnState = state;
	composer.setTurnState(state);
	app?.setAttribute('data-turn', state);
	if (was !== state) {
		announce(state === 'running' ? t.agentWorking : state === 'waitingForAuth' ? t.agentWaiting : state === 'waitingForChoice' ? t.agentChoosing : t.agentFinished);
	}
}

function updateEmpty(): void {
	empty.hidden = !transcript.isEmpty;
	transcript.element.hidden = transcript.isEmpty;
}

window.addEventListener('message', (event: MessageEvent<HostPacket>) => {
	const packet = event.data;
	for (const message of packet.type === 'batch' ? packet.messages : [packet]) {
		handle(message);
	}
});

function handle(message: HostToWebview): void {
	switch (message.type) {
		case 'config':
			showConfig(message.config);
			break;
		case 'conversation':
			conversationId = message.id;
			title.textContent = shownTitle(message.title);
			// Shown before its items arrive, so it knows how many fill it.
			transcript.element.hidden = message.items.length === 0 && !message.earlier;
			transcript.setItems(message.items, message.earlier ?? 0);
			updateEmpty();
			sends.hostState(message.state);
			setTurnState(sends.shown);
			break;
		case 'earlierItems':
			if (message.conversationId === conversationId) {
				transcript.addEarlier(message.items, message.remaining);
			}
			break;
		case 'itemAdded':
			if (message.conversationId === conversationId) {
				transcript.add(message.item);
			}
			break;
		case 'itemUpdated':
			if (message.conversationId === conversationId) {
				transcript.update(message.item);
			}
			break;
		case 'textDelta':
			if (message.conversationId === conversationId) {
				transcript.appendDelta(message.itemId, message.delta);
			}
			break;
		case 'turnState':
			if (message.conversationId === conversationId) {
				sends.hostState(message.state);
				setTurnState(sends.shown);
			}
			break;
		case 'sendRefused': {
			const draft = sends.refused();
			setTurnState(sends.shown);
			if (draft && composer.isEmpty) {
				composer.restore(draft);
			}
			break;
		}
		case 'history':
			showHistory(message.conversations, message.currentId);
			break;
		case 'addContext':
			composer.addContext(message.context);
			composer.focus();
			break;
		case 'prefill':
			composer.prefill(message.text, message.send);
			break;
		case 'focusComposer':
			composer.focus();
			break;
		case 'title':
			if (message.conversationId === conversationId) {
				title.textContent = shownTitle(message.title);
			}
			break;
		default:
			// The host and this view ship together: a message type added to the protocol must be handled here.
			assertNever(message, 'Unknown message from the host');
	}
	if (message.type === 'conversation' || message.type === 'itemAdded') {
		updateEmpty();
	}
}

// Escape stops a running turn from anywhere in the view, not only from the message box.
document.addEventListener('keydown', (e) => {
	if (e.key === 'Escape' && composer.isRunning && !e.defaultPrevented && historyPanel.hidden) {
		e.preventDefault();
		post({ type: 'cancel' });
	}
});
// When the view takes focus (Open Chat, a click on its title), the message box gets it.
window.addEventListener('focus', () => {
	if (document.activeElement === document.body || document.activeElement === null) {
		composer.focus();
	}
});

updateEmpty();
post({ type: 'ready' });
warmUpMarkdown();
