/**
 * Everything besides the chat itself, in the real workbench driven by a browser: the editor's
 * context menu (Ask About Selection → a chip in the chat → the sandbox answers about it), the
 * Connections view filled through Connect App… with a Connect Link completed on the emulator,
 * the status bar item, and the walkthrough.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { until } from '../shared/until';
import { runCommand, screenshot, useWorkbench } from './workbench';

/** The Connections view's pane in the Composio side bar. */
function connectionsPane(page: Page): Locator {
	return page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
}

/** A row of the Connections tree by its label (toolkit name or account alias). */
function treeRow(page: Page, label: string): Locator {
	return connectionsPane(page).locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
}

/** Picks a quick pick row by its label. */
async function pickQuickItem(page: Page, label: string): Promise<void> {
	const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
	await row.waitFor();
	await row.click();
}

describe('Editor prompts, connections view, status bar and walkthrough in the real workbench (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true, settings: { 'workbench.editor.enablePreview': false } });

	it('right-click a selection → Composio Agent → Ask About Selection: the chat shows the chip and the sandbox answers about it', async () => {
		const { page } = wb;
		await runCommand(page, 'Go to File');
		await page.locator('.quick-input-widget input').fill('sample.ts');
		await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample.ts' }).first().waitFor();
		await page.keyboard.press('Enter');
		const editor = page.locator('.editor-group-container .monaco-editor').first();
		await editor.locator('.view-line', { hasText: 'export function add' }).waitFor();
		// Select the first two lines with the keyboard, as a user would.
		await editor.locator('.view-line', { hasText: 'export function add' }).click();
		await page.keyboard.press('Control+Home');
		await page.keyboard.press('Shift+ArrowDown');
		await page.keyboard.press('Shift+ArrowDown');
		await editor.locator('.view-line', { hasText: 'return a + b' }).click({ button: 'right' });
		const menu = page.locator('.context-view .monaco-menu').first();
		await menu.waitFor();
		const submenu = menu.locator('.action-menu-item', { hasText: 'Composio Agent' });
		await submenu.hover();
		const item = page.locator('.context-view .monaco-menu .action-menu-item', { hasText: 'Ask About Selection' });
		await item.waitFor();
		await page.locator('.context-view .monaco-menu .action-menu-item', { hasText: 'Run Prompt on Selection…' }).waitFor();
		await item.hover();
		await screenshot(page, 'editor-context-menu');
		await item.click();

		const chip = wb.chat.locator('.composer-chips .chip');
		await chip.waitFor();
		assert.equal((await chip.textContent())?.trim(), 'src/sample.ts:1-2');
		assert.equal(await chip.getAttribute('title'), 'typescript · src/sample.ts:1-2');
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await until(() => input.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement), 'the composer to have the focus');
		await screenshot(page, 'editor-selection-chip');
		await page.keyboard.type('Explain this');
		await page.keyboard.press('Enter');
		const user = wb.chat.locator('.message.user').last();
		await user.waitFor();
		assert.match((await user.locator('.chips').textContent()) ?? '', /src\/sample\.ts:1-2/, 'the message carries the chip');
		const reply = wb.chat.locator('.message.assistant:not(.streaming)').last();
		await reply.waitFor();
		const text = (await reply.textContent()) ?? '';
		assert.match(text, /What this code does/);
		assert.match(text, /add/, 'the answer is about the attached function');
		await screenshot(page, 'editor-ask-about-selection');

		// The keybinding does the same from the editor.
		await editor.locator('.view-line', { hasText: 'return a + b' }).click();
		await page.keyboard.press('Control+Home');
		await page.keyboard.press('Shift+ArrowDown');
		await page.keyboard.press('Control+Shift+Alt+A');
		await chip.waitFor();
		assert.equal((await chip.textContent())?.trim(), 'src/sample.ts:1');
	});

	it('Connect App… from the palette lists the toolkits; the Connect Link completed on the emulator shows the account in the Connections view and the status bar @floor', async () => {
		const { page } = wb;
		const emulator = wb.emulator;
		assert.ok(emulator);
		await runCommand(page, 'Composio: Connect App…');
		for (const name of ['Gmail', 'GitHub', 'Slack', 'Linear']) {
			await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
		}
		await pickQuickItem(page, 'Gmail');
		await until(() => wb.openedUrls.some((u) => u.includes('/link/ln_')), 'the Connect Link to open in the browser');
		const link = wb.openedUrls.filter((u) => u.includes('/link/ln_')).at(-1) ?? '';
		await connectionsPane(page).locator('.pane-header').waitFor();
		emulator.completeLink(link, { decision: 'authorize' });
		await treeRow(page, 'Gmail').waitFor({ timeout: 30_000 });

		// A second Gmail account: the alias is asked for in a real input box.
		await runCommand(page, 'Composio: Connect App…');
		await pickQuickItem(page, 'Gmail');
		const box = page.locator('.quick-input-widget input');
		await page.locator('.quick-input-widget', { hasText: 'Connect another Gmail account' }).waitFor();
		await box.fill('work');
		await page.keyboard.press('Enter');
		await until(() => wb.openedUrls.filter((u) => u.includes('/link/ln_')).length === 2, 'the second Connect Link');
		emulator.completeLink(wb.openedUrls.filter((u) => u.includes('/link/ln_')).at(-1) ?? '', { decision: 'authorize' });
		// Listed as who it is, with the alias beside it (the emulator signs "work" in as …+work@…).
		await connectionsPane(page).locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /\+work@example\.com \(work\)$/ }) }).waitFor({ timeout: 30_000 });

		// And a Slack account that expired, so the view shows a status that needs the user.
		await runCommand(page, 'Composio: Connect App…');
		await pickQuickItem(page, 'Slack');
		await until(() => wb.openedUrls.filter((u) => u.includes('/link/ln_')).length === 3, 'the Slack Connect Link');
		emulator.completeLink(wb.openedUrls.filter((u) => u.includes('/link/ln_')).at(-1) ?? '', { decision: 'authorize' });
		await treeRow(page, 'Slack').waitFor({ timeout: 30_000 });
		// Wait until the extension saw it active, then let it expire on the server.
		await page.locator('.statusbar-item', { hasText: 'Composio Sandbox: 2 apps connected' }).waitFor({ timeout: 30_000 });
		const slackId = emulator.accounts().find((a) => a.toolkit.slug === 'slack')?.id;
		assert.ok(slackId);
		emulator.setAccountStatus(slackId, 'EXPIRED', 'Token refresh failed');
		await runCommand(page, 'Composio: Manage Connections');
		const expired = connectionsPane(page).locator('.monaco-list-row', { hasText: 'Expired' });
		await expired.waitFor({ timeout: 30_000 });

		// Hovering an account shows its inline actions (Reconnect on the expired one).
		await expired.hover();
		await expired.locator('.action-label[aria-label="Reconnect"]').waitFor();
		const gmail = treeRow(page, 'Gmail');
		assert.match((await gmail.textContent()) ?? '', /2 accounts/);
		const status = page.locator('.statusbar-item', { hasText: 'Composio Sandbox' });
		assert.match((await status.textContent()) ?? '', /1 needs attention/);
		await runCommand(page, 'Notifications: Clear All Notifications');
		await expired.hover();
		await screenshot(page, 'connections-view');
	});

	it('waiting for a Connect Link can be cancelled from its notification; the account then waits for sign-in, with Reconnect', async () => {
		const { page } = wb;
		await runCommand(page, 'Composio: Connect App…');
		await pickQuickItem(page, 'Linear');
		const toast = page.locator('.notification-toast', { hasText: 'Connecting Linear' });
		await toast.waitFor();
		const status = page.locator('.statusbar-item', { hasText: 'Composio' }).last();
		await until(async () => /connecting Linear/.test((await status.textContent()) ?? ''), 'the status bar to show the waiting connection');
		await toast.hover();
		await toast.getByRole('button', { name: 'Cancel' }).click();
		await until(async () => !/connecting/.test((await status.textContent()) ?? ''), 'the status bar to stop waiting');
		const row = connectionsPane(page).locator('.monaco-list-row', { hasText: 'Waiting for sign-in' });
		await row.waitFor({ timeout: 30_000 });
		await row.hover();
		await row.locator('.action-label[aria-label="Reconnect"]').waitFor();
		await screenshot(page, 'connections-cancelled-wait');
	});

	it('Get Started opens the walkthrough with its four steps', async () => {
		const { page } = wb;
		await runCommand(page, 'Composio: Get Started');
		const walkthrough = page.locator('.gettingStartedContainer');
		await walkthrough.locator('text=Get Started with Composio Agent').first().waitFor({ timeout: 30_000 });
		for (const step of ['Set your keys, or try the sandbox', 'Connect an app', 'Ask the agent', 'Try a selection prompt']) {
			await walkthrough.locator('.getting-started-step', { hasText: step }).first().waitFor();
		}
		await walkthrough.locator('.getting-started-step', { hasText: 'Connect an app' }).first().click();
		await walkthrough.getByRole('button', { name: 'Connect App' }).first().waitFor();
		await screenshot(page, 'walkthrough');
	});
});
