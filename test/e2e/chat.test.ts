import assert from 'node:assert/strict';
import { type FrameLocator } from 'playwright-core';
import { openChat, openWorkbench, runCommand, screenshot, type Workbench } from './workbench';

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
