/**
 * Translations in the real editor, in English: the chat view's strings come from the host's one
 * table, which words the same English as the view's fallback, and travel in the view's document.
 * (The pseudo-locale journey, where everything comes out translated, is a browser test:
 * test/e2e/pseudoLocale.test.ts.)
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ENGLISH_CHAT_STRINGS } from '../../src/protocol/chatStrings';
import { chatInitialState, chatStrings } from '../../src/vscode/chatView/chatStrings';
import { renderChatHtml } from '../../src/vscode/chatView/webviewHtml';

describe('Translations in English (VS Code shows the extension in its display language)', () => {
	it('runs in English, so vscode.l10n has no bundle to load', () => {
		assert.match(vscode.env.language, /^en\b/);
		assert.equal(vscode.l10n.bundle, undefined);
	});

	it("the host's chat view table words exactly the view's English fallback, key by key", () => {
		assert.deepEqual(chatStrings(), { ...ENGLISH_CHAT_STRINGS });
	});

	it("the chat view's document carries its initial state: the strings and the display language", () => {
		const webview = { cspSource: 'https://webview.test', asWebviewUri: (uri: vscode.Uri) => uri } as unknown as vscode.Webview;
		const html = renderChatHtml(webview, vscode.Uri.file('/extension'));
		const attr = /data-initial-state="([^"]*)"/.exec(html)?.[1];
		assert.ok(attr, 'the #app element holds the initial state');
		const state = JSON.parse(attr.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&')) as unknown;
		assert.deepEqual(state, chatInitialState());
		assert.ok(html.includes(`<html lang="${vscode.env.language}">`));
	});
});
