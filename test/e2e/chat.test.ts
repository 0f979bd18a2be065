import assert from 'node:assert/strict';
import { type FrameLocator } from 'playwright-core';
import { openChat, openWorkbench, runCommand, screenshot, waitUntil, type Workbench } from './workbench';

describe('Chat view in the real workbench (browser)', function () {
	let wb: Workbench;
	let chat: FrameLocator;

	before(async () => {
		wb = await openWorkbench();
		chat = await openChat(wb.page);
	});

	after(async () => {
		await wb?.close();
	});

	it('shows the sandbox banner when no Composio key is set', async () => {
		const banner = chat.getByRole('note');
		await banner.waitFor();
		assert.match((await banner.textContent()) ?? '', /Sandbox: simulated apps and model/);
	});

	it('sends a typed message to the host and shows the reply', async () => {
		const input = chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Hello from the browser test');
		await input.press('Enter');
		const user = chat.locator('.message.user').last();
		await user.waitFor();
		assert.equal(await user.locator('.message-body').textContent(), 'Hello from the browser test');
		const reply = chat.locator('.message.assistant:not(.streaming)').last();
		await reply.waitFor();
		assert.match((await reply.textContent()) ?? '', /Here's what I can do/);
		assert.equal(await input.inputValue(), '', 'the composer is cleared after sending');
		await screenshot(wb.page, 'chat-basic');
	});

	it('takes an API key through the real input box and leaves sandbox mode', async () => {
		await runCommand(wb.page, 'Composio: Set Composio API Key');
		const box = wb.page.locator('.quick-input-widget input');
		await box.waitFor();
		assert.equal(await box.getAttribute('type'), 'password', 'the key is typed into a password box');
		await box.fill('ck_browser_test_key_123');
		await wb.page.keyboard.press('Enter');
		// Live mode now: the sandbox banner gives way to the one key still missing, and the composer waits for it.
		await chat.locator('.banner-warning', { hasText: 'Set your OpenAI API key to start.' }).waitFor();
		assert.equal(await chat.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
		await screenshot(wb.page, 'chat-with-key');
	});
});

describe('In-chat authentication in the real workbench (browser)', function () {
	let wb: Workbench;
	let chat: FrameLocator;

	before(async () => {
		wb = await openWorkbench({ ownSandbox: true });
		chat = await openChat(wb.page);
	});

	after(async () => {
		await wb?.close();
	});

	it('"Summarize my emails": tool card, Connect card, Authorize in the browser, and the answer arrives by itself', async () => {
		const input = chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Summarize my emails');
		await input.press('Enter');
		const tool = chat.locator('.tool-card').first();
		await tool.waitFor();
		const card = chat.locator('.auth-card').first();
		await card.waitFor();
		assert.match((await tool.textContent()) ?? '', /Gmail/);
		const emulator = wb.emulator!;
		assert.match((await card.locator('.auth-host').textContent()) ?? '', new RegExp(`Opens 127\\.0\\.0\\.2:${new URL(emulator.baseUrl).port}`));
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'flow-connect-card');

		await card.getByRole('button', { name: 'Connect' }).click();
		await waitUntil(() => wb.openedUrls.length > 0, 'the Connect Link to be opened');
		const opened = wb.openedUrls[0]!;
		assert.match(opened, new RegExp(`^http://127\\.0\\.0\\.2:${new URL(emulator.baseUrl).port}/link/`), 'the opened URL is the emulator\'s Connect Link');

		// The user completes the hosted Connect page in their browser.
		const connectPage = await wb.browser.context.newPage();
		await connectPage.goto(opened);
		await connectPage.getByRole('button', { name: 'Authorize' }).click();
		await connectPage.getByText(/connected/i).first().waitFor();
		await screenshot(connectPage, 'flow-connect-page-done');
		await connectPage.close();

		// Nothing typed: the card turns connected and the agent carries on.
		await chat.locator('.auth-card.auth-card-connected').waitFor({ timeout: 30_000 });
		const answer = chat.locator('.message.assistant:not(.streaming)').last();
		await chat.locator('.tool-card', { hasText: 'Fetch' }).first().waitFor();
		await waitUntil(async () => /inbox|email/i.test((await answer.textContent()) ?? '') && (await chat.locator('[data-turn="idle"]').count()) > 0, 'the summary');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'flow-answer');
	});
});
