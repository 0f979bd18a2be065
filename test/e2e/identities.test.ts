import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { until } from '../shared/until';
import { authorizeOpenedLink, lastUserMessageId, runCommand, screenshot, useWorkbench } from './workbench';

/**
 * Who each account is, and Reconnect, in the real workbench: two Gmail accounts connected from
 * the chat (each Connect card and the Connections view say who they are), "my work email" using
 * the right one (the approval card of a send names it), and an account expired in the emulator
 * repaired by a Reconnect card without typing anything more.
 */
describe('Identities and Reconnect in the real workbench (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true, settings: { 'composio.multiAccount': true } });
	const message = (): Locator => wb.chat.getByRole('textbox', { name: 'Message' });
	const idle = async (): Promise<void> => wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });

	/** Sends `text`, waits for the newest card that asks to (re)connect, opens its link in a tab and signs in on the Connect page as `identity` (the page's default when undefined). */
	async function completeCard(card: Locator, button: 'Connect' | 'Reconnect', identity?: string): Promise<void> {
		await card.waitFor();
		await authorizeOpenedLink(wb, () => card.getByRole('button', { name: button }).click(), identity === undefined ? {} : { identity });
	}

	/** Types and sends `text`, and waits until the transcript shows it: the host has taken it (a turn has started). */
	async function send(text: string): Promise<void> {
		const before = await lastUserMessageId(wb.chat);
		await message().fill(text);
		await message().press('Enter');
		await until(async () => (await lastUserMessageId(wb.chat)) !== before, `"${text}" in the transcript`);
	}

	it('connects two Gmail accounts from the chat; each Connect card and the Connections view say who they are', async () => {
		await send('Connect my Gmail account');
		const first = wb.chat.locator('.auth-card').nth(0);
		await completeCard(first, 'Connect', 'alex@home.example');
		await wb.chat.locator('.auth-card-connected .auth-status', { hasText: 'Connected as alex@home.example' }).waitFor({ timeout: 30_000 });
		await idle();

		await send('Connect another Gmail account');
		const second = wb.chat.locator('.auth-card').nth(1);
		await completeCard(second, 'Connect', 'alex@work.example');
		await wb.chat.locator('.auth-card-connected .auth-status', { hasText: 'Connected as alex@work.example' }).waitFor({ timeout: 30_000 });
		await idle();
		assert.equal(await wb.chat.locator('.auth-card-connected').count(), 2);
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'identities-connect-cards');

		await runCommand(wb.page, 'Composio: Manage Connections');
		const rows = wb.page.locator('.monaco-list-row', { hasText: /@(home|work)\.example/ });
		await until(async () => (await rows.count()) === 2, 'both identities in the Connections view');
		const labels = (await rows.allTextContents()).join(' | ');
		assert.match(labels, /alex@home\.example/);
		assert.match(labels, /alex@work\.example/);
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'identities-connections-view');
	});

	it('"Summarize my work email" uses the work account; the approval card of a send names it', async () => {
		await send('Summarize my work email');
		await idle();
		const fetch = wb.chat.locator('.tool-card', { hasText: 'Fetch' }).last();
		assert.match((await fetch.locator('.tool-json').first().textContent()) ?? '', /"account": "alex@work\.example"/);
		assert.match((await wb.chat.locator('.message.assistant').last().textContent()) ?? '', /Inbox summary/);

		await send('Send an email to bob@example.com from my work account saying hello');
		const card = wb.chat.locator('.tool-card.tool-awaitingApproval');
		// Two model turns and the tool calls between them; a loaded machine may take a while.
		await card.waitFor({ timeout: 60_000 });
		assert.match((await card.locator('.approval-account').textContent()) ?? '', /as alex@work\.example/);
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'identities-approval-as');
		await card.getByRole('button', { name: 'Deny' }).click();
		await idle();
	});

	it('an account expired in the emulator: the task shows a Reconnect card, and finishes once the Connect page is completed, without typing more', async () => {
		const emulator = wb.emulator!;
		const accounts = emulator.accounts();
		const work = accounts.find((a) => a.toolkit.slug === 'gmail' && a.status === 'ACTIVE' && emulator.accountIdentity(a.id) === 'alex@work.example');
		assert.ok(work, 'the work account in the emulator');
		emulator.setAccountStatus(work.id, 'EXPIRED', 'Max auth failures reached');

		await send('Summarize my work email');
		const asked = await lastUserMessageId(wb.chat);
		const card = wb.chat.locator('.auth-card.auth-card-reconnect');
		await card.waitFor({ timeout: 30_000 });
		assert.match((await card.locator('.auth-title').textContent()) ?? '', /Reconnect Gmail \(alex@work\.example\)/);
		assert.match((await card.textContent()) ?? '', /Max auth failures reached/);
		assert.match((await card.locator('.auth-status').textContent()) ?? '', /Waiting for you to reconnect Gmail/);
		assert.equal(await wb.chat.locator('.tool-card.tool-failed').count(), 0, 'no failed card in place of the Reconnect card');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'reconnect-card-before');

		await completeCard(card, 'Reconnect');
		await wb.chat.locator('.auth-card-reconnect.auth-card-connected .auth-status', { hasText: 'Reconnected as alex@work.example' }).waitFor({ timeout: 30_000 });
		await idle();
		assert.match((await wb.chat.locator('.message.assistant').last().textContent()) ?? '', /Inbox summary/);
		assert.equal(await lastUserMessageId(wb.chat), asked, 'nothing typed after the request');
		assert.equal(await wb.chat.locator('.tool-card', { hasText: 'Fetch' }).last().getAttribute('class').then((c) => /tool-done/.test(c ?? '')), true);
		await card.scrollIntoViewIfNeeded();
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'reconnect-card-after');
	});
});
