import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Locator } from 'playwright-core';
import { until } from '../shared/until';
import { answersAfter, authorizeOpenedLink, lastUserMessageId, openChat, runCommand, screenshot, useWorkbench, type Workbench } from './workbench';

/** The finished (not streaming) assistant answers of the conversations titled `title` that the extension has saved in this editor's data folder. */
function savedAnswers(wb: Workbench, title: string): string[] {
	// Files come and go while the editor runs (writes go through a temporary file and a rename): skip what vanished.
	const files = (dir: string): string[] =>
		readdirSync(dir).flatMap((name) => {
			const path = join(dir, name);
			try {
				return statSync(path).isDirectory() ? files(path) : /[/\\]conversations[/\\](?!index\.json$)[^/\\]+\.json$/.test(path) ? [path] : [];
			} catch {
				return [];
			}
		});
	return files(wb.server.userDataDir).flatMap((file) => {
		let saved: { title?: string; items?: Array<{ kind: string; text?: string; streaming?: boolean }> };
		try {
			saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
		} catch {
			return [];
		}
		return saved.title === title ? (saved.items ?? []).flatMap((i) => (i.kind === 'assistant' && !i.streaming && i.text ? [i.text] : [])) : [];
	});
}

describe('Chat view in the real workbench (browser)', function () {
	const wb = useWorkbench();

	it('shows the sandbox banner when no Composio key is set', async () => {
		const banner = wb.chat.getByRole('note');
		await banner.waitFor();
		assert.match((await banner.textContent()) ?? '', /Sandbox: simulated apps and model/);
	});

	it('sends a typed message to the host and shows the reply', async () => {
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Hello from the browser test');
		await input.press('Enter');
		const user = wb.chat.locator('.message.user').last();
		await user.waitFor();
		assert.equal(await user.locator('.message-body').textContent(), 'Hello from the browser test');
		const reply = wb.chat.locator('.message.assistant:not(.streaming)').last();
		await reply.waitFor();
		assert.match((await reply.textContent()) ?? '', /Here's what I can do/);
		assert.equal(await input.inputValue(), '', 'the composer is cleared after sending');
		await screenshot(wb.page, 'chat-basic');
	});

	it('takes an API key through the real input box and leaves sandbox mode', async () => {
		await runCommand(wb.page, 'Composio: Set Composio API Key');
		const box = wb.page.locator('.quick-input-widget input');
		await box.waitFor();
		// The palette's own input may still be the one shown for a moment (VS Code 1.139 reuses it).
		await until(async () => (await box.getAttribute('type')) === 'password', 'the key to be typed into a password box');
		await box.fill('ck_browser_test_key_123');
		await wb.page.keyboard.press('Enter');
		// Live mode now: no OpenAI key and no language model in this VS Code, so the banner says
		// what to do, with the three ways out, and the composer waits.
		const banner = wb.chat.locator('.banner-warning', { hasText: 'No model to talk to yet.' });
		await banner.waitFor();
		for (const way of ['Set OpenAI key', 'Get models in VS Code', 'Use the sandbox']) {
			assert.equal(await banner.getByRole('button', { name: way }).isVisible(), true, way);
		}
		assert.equal(await wb.chat.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
		assert.equal(await wb.chat.getByRole('textbox', { name: 'Message' }).getAttribute('placeholder'), 'Choose a model to start');
		assert.match((await wb.chat.locator('.model-button').textContent()) ?? '', /Choose model/);
		await screenshot(wb.page, 'chat-with-key');
	});
});

describe('In-chat authentication in the real workbench (browser) @floor', function () {
	const wb = useWorkbench({ ownSandbox: true });

	it('"Summarize my emails": tool card, Connect card, Authorize in the browser, and the answer arrives by itself', async () => {
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Summarize my emails');
		await input.press('Enter');
		const tool = wb.chat.locator('.tool-card').first();
		await tool.waitFor();
		const card = wb.chat.locator('.auth-card').first();
		await card.waitFor();
		assert.match((await tool.textContent()) ?? '', /Gmail/);
		const emulator = wb.emulator!;
		assert.match((await card.locator('.auth-host').textContent()) ?? '', new RegExp(`Opens 127\\.0\\.0\\.1:${new URL(emulator.baseUrl).port}`));
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'flow-connect-card', { publish: true });

		// The user completes the hosted Connect page in their browser.
		const opened = await authorizeOpenedLink(wb, () => card.getByRole('button', { name: 'Connect' }).click(), { screenshotName: 'flow-connect-page-done' });
		// The browser sits where the editor's server is reachable, not necessarily on the sandbox's
		// machine: the link arrives through code-server's forwarding route for the emulator's port.
		assert.match(opened, new RegExp(`^${escapeRegExp(new URL(wb.page.url()).origin)}/proxy/${new URL(emulator.baseUrl).port}/link/ln_`), 'the opened URL is the Connect Link through the editor\'s forwarding route');

		// Nothing typed: the card turns connected and the agent carries on.
		await wb.chat.locator('.auth-card.auth-card-connected').waitFor({ timeout: 30_000 });
		const answer = wb.chat.locator('.message.assistant:not(.streaming)').last();
		await wb.chat.locator('.tool-card', { hasText: 'Fetch' }).first().waitFor();
		await until(async () => /Inbox summary/.test((await answer.textContent()) ?? '') && (await wb.chat.locator('#app[data-turn="idle"]').count()) > 0, 'the summary');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'flow-answer');
	});

	it('asks before sending an email: the approval card shows the app and arguments, Deny and Allow once work from the keyboard', async () => {
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		const sent = (): number => wb.emulator!.requests.filter((r) => /\/execute$/.test(r.path) && JSON.stringify(r.body).includes('GMAIL_SEND_EMAIL')).length;
		await input.fill('Send an email to dana@acme.dev saying the build is green');
		await input.press('Enter');
		const card = wb.chat.locator('.tool-card.tool-awaitingApproval');
		await card.waitFor();
		const approval = card.getByRole('group', { name: /Approval needed: Gmail/ });
		assert.match((await approval.textContent()) ?? '', /dana@acme\.dev/);
		assert.match((await approval.textContent()) ?? '', /recipient_email/);
		assert.equal(sent(), 0, 'nothing is sent while the card waits');
		// The question is on screen without scrolling: the buttons lie inside the transcript's visible box.
		const buttons = card.locator('.approval-buttons');
		const transcript = wb.chat.locator('.transcript');
		await until(async () => {
			const [box, view] = [await buttons.boundingBox(), await transcript.boundingBox()];
			return box !== null && view !== null && box.height > 0 && box.y >= view.y && box.y + box.height <= view.y + view.height;
		}, 'the approval buttons in view').catch(async (e: unknown) => {
			const where = await transcript.evaluate((el) => {
				const t = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number; children: ArrayLike<unknown>; getAttribute(n: string): string | null };
				return `scrollTop ${t.scrollTop}, scrollHeight ${t.scrollHeight}, clientHeight ${t.clientHeight}, ${t.children.length} items, aria-busy ${t.getAttribute('aria-busy')}`;
			});
			console.log(`      approval buttons ${JSON.stringify(await buttons.boundingBox())}, transcript ${JSON.stringify(await transcript.boundingBox())}: ${where}`);
			await screenshot(wb.page, 'approval-card-not-in-view').catch(() => undefined);
			throw e;
		});
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'approval-card', { publish: true });
		// Keyboard only: focus Deny and press Enter.
		await card.getByRole('button', { name: 'Deny' }).focus();
		await wb.page.keyboard.press('Enter');
		await wb.chat.locator('.tool-card.tool-declined').waitFor();
		await wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });
		assert.equal(sent(), 0, 'a declined email is never sent');

		await input.fill('Send an email to dana@acme.dev saying the build is green');
		await input.press('Enter');
		await card.waitFor();
		await card.getByRole('button', { name: 'Allow once' }).focus();
		await wb.page.keyboard.press('Space');
		await wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });
		assert.equal(sent(), 1, 'allowed once, sent once');
		assert.equal(await wb.chat.locator('.tool-card.tool-done', { hasText: 'Send email' }).count(), 1);
	});

	it('asks before the agent removes a connected account: the card names the change and offers only Allow once', async () => {
		const created = wb.emulator!.requests.find((r) => r.method === 'POST' && r.path.endsWith('/tool_router/session'));
		const userId = (created?.body as { user_id?: string } | undefined)?.user_id;
		assert.ok(userId, 'the chat made a session in the tests before');
		const old = wb.emulator!.seedAccount(userId, 'gmail', 'old');
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Remove my old Gmail account');
		await input.press('Enter');
		const card = wb.chat.locator('.tool-card.tool-awaitingApproval');
		await card.waitFor();
		const approval = card.getByRole('group', { name: /Approval needed: Gmail/ });
		assert.match((await approval.textContent()) ?? '', /Remove connected account/);
		assert.match((await approval.textContent()) ?? '', /remove a connected account from Composio/);
		assert.deepEqual(await card.locator('.approval-buttons button').allTextContents(), ['Allow once', 'Deny'], 'no lasting answer for a removal');
		assert.ok(wb.emulator!.accounts().some((a) => a.id === old), 'nothing removed while the card waits');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'approval-remove-account');
		// Connected elsewhere (seeded in the emulator): the view lists it after the user's refresh, as nothing lists the accounts per turn.
		const header = wb.page.locator('.pane-header', { has: wb.page.locator('.action-label[aria-label^="Refresh Connections"]') });
		await header.hover();
		await header.locator('.action-label[aria-label^="Refresh Connections"]').click();
		await until(async () => (await wb.page.locator('.monaco-list-row', { hasText: '+old@' }).count()) > 0, 'the account in the Connections view before');
		await card.getByRole('button', { name: 'Allow once' }).click();
		await wb.chat.locator('.message.assistant', { hasText: 'Removed the Gmail account "old"' }).waitFor({ timeout: 60_000 });
		assert.equal(wb.emulator!.accounts().some((a) => a.id === old), false, 'removed once allowed');
		// The Connections view lists the accounts again by itself: the removed one's row goes.
		await until(async () => (await wb.page.locator('.monaco-list-row', { hasText: '+old@' }).count()) === 0, 'the removed account gone from the Connections view');
	});
});

describe('Chat view behaviour in the real workbench (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true });
	const message = (): Locator => wb.chat.getByRole('textbox', { name: 'Message' });
	const idle = async (): Promise<void> => wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });

	it('sends and stops with the keyboard alone: Enter sends, Escape stops mid-stream and keeps what streamed', async () => {
		wb.model!.setPace({ chunkDelayMs: 250, wordsPerChunk: 1 });
		await runCommand(wb.page, 'Composio: Open Chat');
		// Open Chat leaves the keyboard in the message box.
		await until(async () => (await message().evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)) === true, 'the message box to have focus');
		await wb.page.keyboard.type('Write a debounce function in TypeScript');
		await wb.page.keyboard.press('Enter');
		const streaming = wb.chat.locator('.message.assistant.streaming');
		await streaming.waitFor();
		await until(async () => ((await streaming.textContent()) ?? '').length > 20, 'some streamed text');
		assert.equal(await wb.chat.getByRole('button', { name: 'Send' }).isDisabled(), true, 'Send waits while the agent works');
		await wb.chat.getByRole('button', { name: 'Stop' }).waitFor();
		await wb.page.keyboard.press('Escape');
		await idle();
		const answer = wb.chat.locator('.message.assistant').last();
		assert.doesNotMatch((await answer.getAttribute('class')) ?? '', /\bstreaming\b/);
		const kept = (await answer.textContent()) ?? '';
		assert.ok(kept.length > 20, 'the streamed part stays on screen');
		assert.equal(await wb.chat.getByRole('button', { name: 'Stop' }).isHidden(), true);
		wb.model!.setPace({ chunkDelayMs: 15, wordsPerChunk: 3 });
	});

	it('keeps a turn running while the view is hidden, and shows all of it when the view comes back', async () => {
		await wb.chat.getByRole('button', { name: 'New chat' }).click();
		wb.model!.setPace({ chunkDelayMs: 60, wordsPerChunk: 1 });
		await message().fill('Write a retry function in TypeScript');
		await message().press('Enter');
		await wb.chat.locator('.message.assistant.streaming').waitFor();
		// Another view container replaces the chat: its webview is disposed.
		await wb.page.locator('.activitybar a[aria-label^="Explorer"]').click();
		await wb.chat.locator('body').waitFor({ state: 'detached', timeout: 30_000 });
		// The turn goes on without a view: it ends, and the host saves the whole answer, while nothing shows it.
		await until(() => savedAnswers(wb, 'Write a retry function in TypeScript').some((a) => /Ask me to add unit tests/.test(a)), 'the hidden turn to finish and be saved', 60_000);
		assert.equal(await wb.chat.locator('body').count(), 0, 'the chat view stayed hidden until the turn was over');
		await openChat(wb.page);
		await idle();
		const answers = wb.chat.locator('.message.assistant');
		assert.equal(await answers.count(), 1, 'one answer, not a duplicate after the re-sync');
		const text = (await answers.first().textContent()) ?? '';
		assert.match(text, /retry/);
		assert.match(text, /Ask me to add unit tests/, 'the answer is complete: the turn went on while the view was hidden');
		wb.model!.setPace({ chunkDelayMs: 15, wordsPerChunk: 3 });
	});

	it('Insert at Cursor puts a code block into the open editor', async () => {
		// Quick Open, typed only once its box is there (from the chat view, Ctrl+P reaches the
		// workbench a moment later than the next keys would), and the file's own row clicked.
		await wb.page.keyboard.press('Control+P');
		const quickOpen = wb.page.locator('.quick-input-widget input');
		await quickOpen.waitFor();
		await quickOpen.fill('sample.ts');
		await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample.ts' }).first().click();
		const editor = wb.page.locator('.monaco-editor[data-uri$="sample.ts"]').first();
		await editor.waitFor();
		await editor.locator('.view-lines').click();
		await wb.page.keyboard.press('Control+End');
		const before = await lastUserMessageId(wb.chat);
		await message().fill('Write a debounce function in TypeScript');
		await message().press('Enter');
		// This turn's own answer, not the last one of the test before (which has a code block too).
		await until(async () => (await lastUserMessageId(wb.chat)) !== before, 'the message in the transcript');
		const answer = answersAfter(wb.chat, await lastUserMessageId(wb.chat));
		await until(async () => (await answer.count()) > 0, 'the answer to start');
		await idle();
		const block = answer.last().locator('.code-block', { hasText: 'debounce' }).first();
		await block.waitFor();
		await block.hover();
		await block.getByRole('button', { name: 'Insert at Cursor' }).click();
		await until(async () => /debounce/.test((await editor.locator('.view-lines').textContent()) ?? ''), 'the code in the editor');
		await screenshot(wb.page, 'chat-insert-at-cursor');
	});

	it('shows a model failure as a notice with Retry, and Retry works once the fault clears', async () => {
		await wb.chat.getByRole('button', { name: 'New chat' }).click();
		await wb.chat.locator('.empty-state').waitFor();
		// More failures than the SDK retries: the request fails for the user.
		wb.model!.injectFault({ status: 500, count: 3 });
		await message().fill('What can you do?');
		await message().press('Enter');
		const notice = wb.chat.locator('.notice-error').last();
		await notice.waitFor();
		const text = (await notice.textContent()) ?? '';
		assert.doesNotMatch(text, /[{}]|"error"|stack/i, 'no raw JSON or stack in the notice');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'chat-error');
		wb.model!.clearFaults();
		await notice.getByRole('button', { name: 'Retry' }).click();
		// The view is still idle when Retry is clicked (the failure ended the turn), so waiting for
		// idle alone could return before the retried turn starts: wait for its finished answer, then
		// for the turn to end. The next test must not start while this turn streams (New chat would
		// cancel it, and the reopened conversation would hold a "stopped" notice it never showed).
		await wb.chat.locator('.message.assistant:not(.streaming)', { hasText: "Here's what I can do" }).waitFor();
		await idle();
		assert.equal(await wb.chat.locator('.message.user').count(), 1, 'Retry does not repeat the message');
	});

	it('New chat, the history list (open and delete), and the conversation back after a reload', async () => {
		const before = await wb.chat.locator('.transcript [data-id]').count();
		assert.ok(before > 0);
		await wb.chat.getByRole('button', { name: 'New chat' }).click();
		await wb.chat.locator('.empty-state').waitFor();
		await wb.chat.getByRole('button', { name: 'History' }).click();
		const rows = wb.chat.locator('.history-item');
		await rows.first().waitFor();
		const titles = (await rows.locator('.history-name').allTextContents()).sort();
		assert.deepEqual(titles, ['What can you do?', 'Write a debounce function in TypeScript', 'Write a retry function in TypeScript'], 'the three conversations of this test');
		await screenshot(wb.page, 'chat-history');
		await rows.filter({ hasText: 'What can you do?' }).getByRole('button', { name: /^What can you do/ }).click();
		await wb.chat.locator('.message.user', { hasText: 'What can you do?' }).waitFor();
		assert.equal(await wb.chat.locator('.transcript [data-id]').count(), before);

		// Delete the other one.
		await wb.chat.getByRole('button', { name: 'History' }).click();
		await wb.chat.getByRole('button', { name: /^Delete Write a debounce/ }).click();
		await until(async () => (await rows.count()) === 2, 'the deleted conversation to leave the list');
		await wb.page.keyboard.press('Escape');

		// A reload of the window: the conversation is back as it was.
		await wb.page.reload();
		await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
		await openChat(wb.page);
		await wb.chat.locator('.message.user', { hasText: 'What can you do?' }).waitFor();
		await wb.chat.locator('.message.assistant', { hasText: "Here's what I can do" }).waitFor();
		assert.equal(await wb.chat.locator('.transcript [data-id]').count(), before);
	});
});

describe('Chat view in a light theme (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true, colorScheme: 'light' });

	it('renders the flow with the theme\'s colours: Connect card, tool cards expanded, the answer', async () => {
		const bodyBackground: string = await wb.chat.locator('body').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
		const [r, g, b] = (bodyBackground.match(/\d+/g) ?? []).map(Number);
		assert.ok((r ?? 0) + (g ?? 0) + (b ?? 0) > 600, `a light sidebar background (${bodyBackground})`);
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Summarize my emails');
		await input.press('Enter');
		const card = wb.chat.locator('.auth-card').first();
		await card.waitFor();
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'light-connect-card');
		// Finish the link the way the hosted page's Authorize button does.
		await card.getByRole('button', { name: 'Connect' }).click();
		await until(() => wb.openedUrls.length > 0, 'the Connect Link to be opened');
		wb.emulator!.completeLink(wb.openedUrls[0]!, { decision: 'authorize' });
		await wb.chat.locator('.auth-card.auth-card-connected').waitFor({ timeout: 30_000 });
		await wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });
		const fetchCard = wb.chat.locator('.tool-card', { hasText: 'Fetch' }).first();
		await fetchCard.locator('summary').click();
		assert.notEqual(await fetchCard.getAttribute('open'), null, 'the card is expanded');
		await fetchCard.locator('.tool-json').first().waitFor();
		await fetchCard.scrollIntoViewIfNeeded();
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'light-tool-card');
		// The result shown is capped; the whole of it opens in an editor tab.
		await fetchCard.getByRole('button', { name: /Open full result/ }).click();
		const tab = wb.page.locator('.tabs-container .tab', { hasText: /Untitled/ }).first();
		await tab.waitFor();
		await until(async () => /"messages"/.test((await wb.page.locator('.monaco-editor .view-lines').first().textContent()) ?? ''), 'the full result in an editor');
	});
});

describe('Chat view in a high-contrast theme (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true, colorScheme: 'dark', theme: 'Default High Contrast' });

	it('draws cards and controls with the theme\'s contrast border', async () => {
		assert.match((await wb.chat.locator('body').getAttribute('class')) ?? '', /vscode-high-contrast/);
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Summarize my emails');
		await input.press('Enter');
		const card = wb.chat.locator('.auth-card').first();
		await card.waitFor();
		// The card is drawn again when its logo arrives: read the style of the one on screen (a
		// replaced element, no longer in the document, has no computed style).
		let border = '';
		await until(async () => {
			const seen = await card.evaluate((el) => ({ connected: (el as unknown as { isConnected: boolean }).isConnected, style: (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopStyle: string } }).getComputedStyle(el).borderTopStyle }));
			border = seen.style;
			return seen.connected;
		}, 'the Connect card on screen');
		assert.equal(border, 'solid');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'high-contrast-connect-card');
	});
});

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
