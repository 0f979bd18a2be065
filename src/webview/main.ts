import type { ChatConfigState, HostToWebview } from '../protocol/chatProtocol';
import { h, icon } from './dom';
import { vscodeApi } from './vscodeApi';

const app = document.getElementById('app');
if (!app) {
	throw new Error('chat: #app missing');
}

const banner = h('div', { class: 'banner', role: 'note', hidden: true });
const transcript = h('div', { class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
const input = h('textarea', { class: 'composer-input', 'aria-label': 'Message', placeholder: 'Ask the agent to act on your apps…', rows: '3' });
const send = h('button', { class: 'button primary', type: 'submit', 'aria-label': 'Send', title: 'Send (Enter)' }, icon('send'), h('span', {}, 'Send'));
const form = h('form', { class: 'composer' }, input, h('div', { class: 'composer-actions' }, send));
app.append(banner, transcript, form);

function addMessage(role: 'user' | 'assistant', text: string): void {
	const body = h('div', { class: 'message-body' });
	body.textContent = text;
	transcript.append(h('div', { class: `message ${role}`, 'data-role': role }, h('div', { class: 'message-author' }, role === 'user' ? 'You' : 'Composio'), body));
	transcript.scrollTop = transcript.scrollHeight;
}

function showConfig(config: ChatConfigState): void {
	banner.replaceChildren();
	banner.hidden = !config.sandbox;
	if (config.sandbox) {
		const setKeys = h('button', { class: 'link-button', type: 'button' }, 'Set API keys');
		setKeys.addEventListener('click', () => vscodeApi.postMessage({ type: 'runAction', action: 'setComposioKey' }));
		banner.append(icon('beaker'), h('span', {}, 'Sandbox: simulated apps and model — set your keys to use your own accounts. '), setKeys);
	}
}

function submit(): void {
	const text = input.value.trim();
	if (!text) {
		return;
	}
	addMessage('user', text);
	vscodeApi.postMessage({ type: 'send', text });
	input.value = '';
	input.focus();
}

form.addEventListener('submit', (e) => {
	e.preventDefault();
	submit();
});
input.addEventListener('keydown', (e) => {
	if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
		e.preventDefault();
		submit();
	}
});

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
	const message = event.data;
	switch (message.type) {
		case 'config':
			showConfig(message.config);
			break;
		case 'reply':
			addMessage('assistant', message.text);
			break;
	}
});

vscodeApi.postMessage({ type: 'ready' });
