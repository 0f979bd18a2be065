/**
 * Auth configs in the real workbench: Use Your Own App for a Toolkit… run from the palette (the
 * redirect URL dialog, the input boxes, the secret masked), then a chat request that connects
 * Gmail through the new config on its Connect page and finishes, and the Connections view
 * naming the config.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { until } from '../shared/until';
import { answerInputBox, authorizeOpenedLink, runCommand, screenshot, useWorkbench } from './workbench';

const READONLY = 'https://www.googleapis.com/auth/gmail.readonly';

function quickRow(page: Page, text: string): Locator {
	return page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
}

describe('Auth configs in the real workbench (browser) @floor', function () {
	const wb = useWorkbench({ ownSandbox: true });

	const answerBox = (title: string, text: string, password = false): Promise<void> => answerInputBox(wb.page, title, text, password);

	/** Drags the sidebar's edge out to about 660 px, where the pictures show cards and rows whole. */
	async function widenSidebar(): Promise<void> {
		const { page } = wb;
		const side = await page.locator('.part.sidebar').boundingBox();
		if (side && side.width < 600) {
			await page.mouse.move(side.x + side.width, side.y + 300);
			await page.mouse.down();
			await page.mouse.move(side.x + 660, side.y + 300, { steps: 8 });
			await page.mouse.up();
		}
	}

	it('Use Your Own App for Gmail from the palette, then "Summarize my emails" connects through it on the Connect page and finishes; the Connections view names the config', async () => {
		const { page } = wb;
		await runCommand(page, 'Composio: Use Your Own App for a Toolkit…');
		await quickRow(page, 'Gmail').click();
		await quickRow(page, 'Your own OAuth 2.0 app').click();
		const dialog = page.locator('.monaco-dialog-box', { hasText: 'Register this redirect URL with your Gmail app' });
		await dialog.waitFor();
		assert.match((await dialog.textContent()) ?? '', /https?:\/\/[^ ]+\/api\/v3\.1\/toolkits\/auth\/callback/, 'the redirect URL to register');
		await screenshot(page, 'auth-config-redirect-url');
		await dialog.getByRole('button', { name: 'Continue', exact: true }).click();
		await answerBox('Use Your Own App for Gmail', 'Acme Mail Helper');
		await answerBox('(1/3)', 'acme-client-browser');
		await answerBox('(2/3)', 'acme-browser-secret-31f9', true);
		await answerBox('(3/3)', READONLY);
		const toast = page.locator('.notification-toast', { hasText: 'Gmail now connects through Acme Mail Helper in this workspace.' });
		await toast.waitFor();
		await screenshot(page, 'auth-config-made');

		// The chat: the Connect card opens the own app's Connect page.
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('Summarize my emails');
		await input.press('Enter');
		const card = wb.chat.locator('.auth-card').first();
		await card.waitFor();
		const before = wb.openedUrls.length;
		await card.getByRole('button', { name: 'Connect' }).click();
		await until(() => wb.openedUrls.length > before, 'the Connect Link to be opened');
		const connectPage = await wb.browser.context.newPage();
		try {
			await connectPage.goto(wb.openedUrls[wb.openedUrls.length - 1] ?? '');
			const text = (await connectPage.locator('body').textContent()) ?? '';
			assert.match(text, /Acme Mail Helper wants to access your Gmail account/);
			assert.ok(text.includes(READONLY), 'the scope asked for is on the page');
			await screenshot(connectPage, 'auth-config-connect-page');
			await connectPage.getByRole('button', { name: 'Authorize' }).click();
			await connectPage.getByText(/connected/i).first().waitFor();
		} finally {
			await connectPage.close();
		}
		await wb.chat.locator('.auth-card.auth-card-connected').waitFor({ timeout: 30_000 });
		const answer = wb.chat.locator('.message.assistant:not(.streaming)').last();
		await until(async () => /Inbox summary/.test((await answer.textContent()) ?? '') && (await wb.chat.locator('#app[data-turn="idle"]').count()) > 0, 'the summary');
		const accounts = wb.emulator!.accounts().filter((a) => a.toolkit.slug === 'gmail');
		assert.equal(accounts.length, 1);
		assert.notEqual(accounts[0]?.auth_config.id, 'ac_gmail_managed', 'the account is on the new config');
		assert.equal(accounts[0]?.auth_config.is_composio_managed, false);

		await runCommand(page, 'Composio: Manage Connections');
		const row = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) }).locator('.monaco-list-row', { hasText: 'via Acme Mail Helper' });
		await row.waitFor({ timeout: 30_000 });
		// The sidebar is narrow: widen it for the picture, so the row's description shows whole.
		await toast.getByRole('button', { name: /Clear Notification|Close/ }).first().click().catch(() => undefined);
		await widenSidebar();
		await page.mouse.move(900, 450);
		await screenshot(page, 'auth-config-connections', { publish: true });
	});

	it('"List my PostHog projects": the chat card says Composio has no app for PostHog; Set Up Your Own App asks in the workbench, the same card connects, and the answer follows without more typing', async () => {
		const { page } = wb;
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('List my PostHog projects');
		await input.press('Enter');
		const card = wb.chat.locator('.auth-card-own-app.auth-card-needsApp');
		await card.waitFor({ timeout: 60_000 });
		const shown = (await card.textContent()) ?? '';
		assert.match(shown, /PostHog needs your own app/);
		assert.match(shown, /Composio has no app of its own for PostHog/);
		assert.match(shown, /Composio: Toolkit "posthog" has no Composio managed auth/, 'Composio’s own words under the plain ones');
		assert.equal(await card.getByRole('button', { name: 'Connect with an API Key' }).count(), 0, 'PostHog takes no API key');
		assert.equal(await wb.chat.locator('#app[data-turn="waitingForChoice"]').count(), 1, 'the turn waits for the card');
		await widenSidebar();
		await card.scrollIntoViewIfNeeded();
		await page.mouse.move(900, 450);
		await screenshot(page, 'own-app-card', { publish: true });

		await card.getByRole('button', { name: 'Set Up Your Own App' }).click();
		const dialog = page.locator('.monaco-dialog-box', { hasText: 'Register this redirect URL with your PostHog app' });
		await dialog.waitFor();
		await dialog.getByRole('button', { name: 'Continue', exact: true }).click();
		await answerBox('Use Your Own App for PostHog', 'Acme Analytics');
		await answerBox('(1/3)', 'acme-analytics-browser');
		await answerBox('(2/3)', 'acme-analytics-secret-77c0', true);
		await answerBox('(3/3)', '');

		const connecting = wb.chat.locator('.auth-card.auth-card-waiting', { hasText: 'Connect PostHog' });
		await connecting.waitFor({ timeout: 30_000 });
		await authorizeOpenedLink(wb, () => connecting.getByRole('button', { name: 'Connect' }).click());
		const answer = wb.chat.locator('.message.assistant:not(.streaming)').last();
		await until(async () => /PostHog projects/.test((await answer.textContent()) ?? '') && (await wb.chat.locator('#app[data-turn="idle"]').count()) > 0, 'the PostHog projects');
		assert.match((await answer.textContent()) ?? '', /Acme Web/);
		assert.equal(await wb.chat.locator('.auth-card-own-app').count(), 0, 'the card became the Connect card');
		const accounts = wb.emulator!.accounts().filter((a) => a.toolkit.slug === 'posthog');
		assert.deepEqual(accounts.map((a) => [a.status, a.auth_config.is_composio_managed]), [['ACTIVE', false]], 'connected through the own app');
		await page.mouse.move(900, 450);
		await screenshot(page, 'own-app-card-connected');
	});
});
