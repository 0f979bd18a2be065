/**
 * VS Code's language models in the real workbench (VS Code 1.104 or later): the test-only
 * "Scripted Models" extension offers models through `vscode.lm`, answering through the
 * sandbox's scripted model run in this process. Live mode: a Composio key (the emulator's, run
 * here) and no OpenAI key, as for a user who has Copilot but no OpenAI account.
 */
import assert from 'node:assert/strict';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { until } from '../shared/until';
import { answersAfter, authorizeOpenedLink, noModelProviderApi, screenshot, useWorkbench } from './workbench';

/** The model picker the chat header's model button opens (a quick pick in the workbench). */
function pickerRows(page: Page): Locator {
	return page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
}

/** Waits for the turn to end (the view says so on its root). */
async function idle(chat: FrameLocator): Promise<void> {
	await chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 120_000 });
}

async function send(chat: FrameLocator, text: string): Promise<void> {
	const input = chat.getByRole('textbox', { name: 'Message' });
	await input.fill(text);
	await input.press('Enter');
}

describe('VS Code language models in the chat view (browser)', function () {
	const wb = useWorkbench({ skip: noModelProviderApi, liveComposio: true, vscodeModels: {} });

	it('with no OpenAI key: "Summarize my emails from today" gets the Connect card, then the answer, from VS Code\'s model', async () => {
		const button = wb.chat.locator('.model-button');
		await until(async () => ((await button.textContent()) ?? '').includes('Scripted Large'), 'the model button to show the VS Code model');
		assert.equal(await wb.chat.locator('.banner').isVisible(), false, 'no banner: nothing is missing');
		assert.equal(await wb.chat.getByRole('textbox', { name: 'Message' }).isDisabled(), false);

		await send(wb.chat, 'Summarize my emails from today');
		const card = wb.chat.locator('.auth-card').first();
		await card.waitFor({ timeout: 60_000 });
		const emulator = wb.emulator!;
		assert.match((await card.locator('.auth-host').textContent()) ?? '', new RegExp(`Opens 127\\.0\\.0\\.1:${new URL(emulator.baseUrl).port}`));
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'models-connect-card');

		await authorizeOpenedLink(wb, () => card.getByRole('button', { name: 'Connect' }).click());

		// Nothing typed: the card turns connected and the agent carries on, through the same model.
		await wb.chat.locator('.auth-card.auth-card-connected').waitFor({ timeout: 60_000 });
		await idle(wb.chat);
		const answer = wb.chat.locator('.message.assistant').last();
		assert.match((await answer.textContent()) ?? '', /Inbox summary/);
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'models-answer');

		const requests = wb.vscodeModel!.requests;
		assert.ok(requests.length >= 3, `${requests.length} requests reached the VS Code model`);
		assert.deepEqual([...new Set(requests.map((r) => r.model))], ['scripted-large']);
	});

	it('the picker in the header switches models mid-conversation', async () => {
		const shownBefore = await wb.chat.locator('.message').count();
		await wb.chat.locator('.model-button').click();
		const rows = pickerRows(wb.page);
		await rows.first().waitFor();
		const labels = await rows.allTextContents();
		assert.ok(labels.some((l) => l.includes('Scripted Large') && l.includes('composio-tests')), labels.join(' | '));
		assert.ok(labels.some((l) => l.includes('Scripted Small')), labels.join(' | '));
		assert.ok(labels.some((l) => l.includes('gpt-4.1-mini') && l.includes('Needs an OpenAI API key')), labels.join(' | '));
		await screenshot(wb.page, 'models-picker');
		await rows.filter({ hasText: 'Scripted Small' }).first().click();
		await until(async () => ((await wb.chat.locator('.model-button').textContent()) ?? '').includes('Scripted Small'), 'the button to show the new model');

		const before = wb.vscodeModel!.requests.length;
		await send(wb.chat, 'What can you do?');
		await until(() => wb.vscodeModel!.requests.length > before, 'a request');
		await idle(wb.chat);
		assert.match((await wb.chat.locator('.message.assistant').last().textContent()) ?? '', /what I can do/);
		const request = wb.vscodeModel!.requests[before]!;
		assert.equal(request.model, 'scripted-small');
		assert.match(JSON.stringify(request.messages), /Summarize my emails from today/, 'the conversation so far went to the new model');
		assert.ok((await wb.chat.locator('.message').count()) > shownBefore, 'the earlier messages are still shown');
		assert.match((await wb.chat.locator('.message.assistant').first().textContent()) ?? '', /connect your Gmail|Gmail/);
	});

	it('a provider error shows its notice with Retry, and Retry answers', async () => {
		wb.vscodeModel!.injectFault({ status: 500 });
		await send(wb.chat, 'What can you do?');
		const notice = wb.chat.locator('.notice-error').last();
		await notice.waitFor();
		assert.equal(await notice.locator('.notice-text').textContent(), 'Scripted Small (composio-tests) reported an error while answering. Try again, or choose another model.');
		await idle(wb.chat);
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'models-provider-error');
		const answer = answersAfter(wb.chat, (await notice.evaluate((el) => el.closest('[data-id]')?.getAttribute('data-id'))) ?? '');
		await notice.getByRole('button', { name: 'Retry' }).click();
		await until(async () => (await answer.count()) > 0, 'the answer after Retry');
		await idle(wb.chat);
	});
});

describe('Consent to use a VS Code language model (browser)', function () {
	const wb = useWorkbench({ skip: noModelProviderApi, liveComposio: true, vscodeModels: { consent: true } });

	it('VS Code asks when the first message is sent; Cancel ends the turn with a notice, Retry asks again, and Allow answers', async () => {
		await until(async () => ((await wb.chat.locator('.model-button').textContent()) ?? '').includes('Scripted Large'), 'the VS Code model');
		// Nothing is asked before the user sends something.
		assert.equal(await wb.page.locator('.monaco-dialog-box').count(), 0);
		await send(wb.chat, 'What can you do?');
		const dialog = wb.page.locator('.monaco-dialog-box');
		await dialog.waitFor({ timeout: 60_000 });
		assert.match((await dialog.textContent()) ?? '', /The extension 'Composio Agent' wants to access the language models provided by Scripted Models \(tests\)/);
		assert.match((await dialog.textContent()) ?? '', /Justification: Composio Agent sends your chat messages/);
		await screenshot(wb.page, 'models-consent');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await dialog.waitFor({ state: 'detached' });

		const notice = wb.chat.locator('.notice-error').last();
		await notice.waitFor({ timeout: 30_000 });
		assert.equal(
			await notice.locator('.notice-text').textContent(),
			'Composio Agent is not allowed to use Scripted Large (composio-tests): VS Code asked, and permission was not given. Send your message again and choose Allow, or choose another model.',
		);
		await idle(wb.chat);
		assert.equal(wb.vscodeModel!.requests.length, 0, 'nothing reached the model');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'models-consent-refused');

		await notice.getByRole('button', { name: 'Retry' }).click();
		await dialog.waitFor({ timeout: 60_000 });
		await dialog.getByRole('button', { name: 'Allow' }).click();
		await dialog.waitFor({ state: 'detached' });
		await until(async () => /what I can do/.test((await wb.chat.locator('.message.assistant').last().textContent().catch(() => '')) ?? ''), 'the answer');
		await idle(wb.chat);
		assert.equal(wb.vscodeModel!.requests.length, 1);

		// Allowed once: the next message is not asked about.
		await send(wb.chat, 'What can you do?');
		await until(() => wb.vscodeModel!.requests.length === 2, 'the second request');
		await idle(wb.chat);
		assert.equal(await dialog.count(), 0);
	});
});
