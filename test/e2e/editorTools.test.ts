/**
 * The editor tools in the real workbench, on the sandbox: a request that goes from the
 * problems VS Code reports (the built-in TypeScript support, for the open file) to a GitHub
 * issue in the emulator, and an edit shown as a diff that changes nothing until Apply.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { until } from '../shared/until';
import { authorizeOpenedLink, openChat, screenshot, useWorkbench } from './workbench';

const BROKEN = 'src/broken.ts';
const BROKEN_TEXT = [
	'export function total(prices: number[]): number {',
	'\tconst count: number = "three";',
	'\treturn prices.reduce((sum, p) => sum + p, 0) * count;',
	'}',
	'',
].join('\n');

describe('Editor tools in the real workbench (browser)', function () {
	// The chat is opened once the file with the type error is (below).
	const wb = useWorkbench({ ownSandbox: true, files: { [BROKEN]: BROKEN_TEXT, 'README.md': '# webapp\n' }, chat: false });
	const message = (): Locator => wb.chat.getByRole('textbox', { name: 'Message' });
	const idle = async (): Promise<void> => wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 90_000 });

	before(async () => {
		// Open the file with the type error: "this file" is the active editor.
		await wb.page.keyboard.press('Control+P');
		await wb.page.keyboard.type('broken.ts');
		await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'broken.ts' }).first().waitFor();
		await wb.page.keyboard.press('Enter');
		await wb.page.locator('.monaco-editor[data-uri$="broken.ts"]').first().waitFor();
		// VS Code's TypeScript support reports the error once the file is open.
		await wb.page.locator('.monaco-editor[data-uri$="broken.ts"] .squiggly-error').first().waitFor({ timeout: 120_000 });
		await openChat(wb.page);
		// A wider sidebar, so the screenshots show the cards' text: drag the sash on its right edge.
		const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
		for (const sash of await wb.page.locator('.monaco-sash.vertical').all()) {
			const box = await sash.boundingBox();
			if (sidebar && box && Math.abs(box.x + box.width / 2 - (sidebar.x + sidebar.width)) < 6) {
				const y = sidebar.y + sidebar.height / 2;
				await wb.page.mouse.move(box.x + box.width / 2, y);
				await wb.page.mouse.down();
				await wb.page.mouse.move(620, y, { steps: 10 });
				await wb.page.mouse.up();
				break;
			}
		}
	});

	it('"Create a GitHub issue for the problems in this file": problems, then the GitHub create; the card shows the diagnostic; Allow files it in the emulator', async () => {
		const emulator = wb.emulator!;
		await message().fill('Create a GitHub issue for the problems in this file');
		await message().press('Enter');

		// The editor tool runs first, on its own card, without asking.
		const problemsCard = wb.chat.locator('.tool-card', { hasText: 'Get problems' }).first();
		await problemsCard.waitFor();
		assert.match((await problemsCard.locator('.tool-app').textContent()) ?? '', /VS Code/);

		// GitHub is not connected yet in this sandbox: connect it through its Connect card.
		const connect = wb.chat.locator('.auth-card').first();
		await connect.waitFor({ timeout: 60_000 });
		await authorizeOpenedLink(wb, () => connect.getByRole('button', { name: 'Connect' }).click());

		// Then the GitHub create, which asks: its card shows the body with the diagnostic.
		const createCard = wb.chat.locator('.tool-card.tool-awaitingApproval');
		await createCard.waitFor({ timeout: 60_000 });
		const approval = createCard.getByRole('group', { name: /Approval needed: GitHub/ });
		const shown = (await approval.textContent()) ?? '';
		assert.match(shown, /Fix 1 problem in src\/broken\.ts/);
		assert.match(shown, /src\/broken\.ts:2:\d+/);
		assert.match(shown, /Type 'string' is not assignable to type 'number'/);
		assert.match(shown, /\(ts 2322\)/);
		const cards = await wb.chat.locator('.tool-card .tool-name').allTextContents();
		const problemsAt = cards.findIndex((t) => /Get problems/.test(t));
		const createAt = cards.findIndex((t) => /Create an issue/.test(t));
		assert.ok(problemsAt >= 0 && createAt > problemsAt, `problems first, then the GitHub create (cards: ${cards.join(' | ')})`);
		const executed = (): string[] => emulator.requests.filter((r) => /\/execute$/.test(r.path)).map((r) => JSON.stringify(r.body));
		assert.equal(executed().filter((b) => b.includes('GITHUB_CREATE_AN_ISSUE')).length, 0, 'nothing filed while the card waits');
		assert.equal(executed().filter((b) => b.includes('VSCODE_')).length, 0, 'the editor tool never went to Composio');
		await problemsCard.locator('summary').click();
		await problemsCard.locator('.tool-json').last().waitFor();
		await problemsCard.scrollIntoViewIfNeeded();
		await wb.page.mouse.move(900, 450);
		await screenshot(wb.page, 'editor-tools-problems-card');
		await problemsCard.locator('summary').click();
		await createCard.evaluate((el) => (el as unknown as { scrollIntoView(options: { block: string }): void }).scrollIntoView({ block: 'start' }));
		await screenshot(wb.page, 'editor-tools-problems-to-issue-approval');

		await createCard.getByRole('button', { name: 'Allow once' }).click();
		await idle();
		const answer = wb.chat.locator('.message.assistant').last();
		assert.match((await answer.textContent()) ?? '', /I created #\d+ in acme\/webapp/);
		await screenshot(wb.page, 'editor-tools-problems-to-issue-done');

		// The emulator holds the issue: list the repository's issues through the same session, over its API.
		const call = emulator.requests.find((r) => /\/tool_router\/session\/[^/]+\/execute$/.test(r.path) && JSON.stringify(r.body).includes('GITHUB_CREATE_AN_ISSUE'));
		assert.ok(call, 'the create went through the session');
		const response = await fetch(`${emulator.baseUrl}${call.path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
			body: JSON.stringify({ tool_slug: 'GITHUB_LIST_REPOSITORY_ISSUES', arguments: { owner: 'acme', repo: 'webapp' } }),
		});
		const listed = JSON.stringify(await response.json());
		assert.match(listed, /Fix 1 problem in src\/broken\.ts/);
		assert.match(listed, /Type 'string' is not assignable to type 'number'/);
	});

	it('the edit tool: the diff appears, and nothing changes until Apply', async () => {
		const file = join(wb.folder, BROKEN);
		await wb.chat.getByRole('button', { name: 'New chat' }).click();
		await message().fill('Replace `"three"` with `3` in this file');
		await message().press('Enter');

		// The card says where to look; the diff opens in the editor.
		const card = wb.chat.locator('.tool-card.tool-running', { hasText: 'Edit file' });
		await card.waitFor({ timeout: 60_000 });
		assert.match((await card.locator('.tool-note').textContent()) ?? '', /Review the proposed change to src\/broken\.ts in the editor's diff, then Apply or Discard it/);
		const diff = wb.page.locator('.monaco-diff-editor').first();
		await diff.waitFor({ timeout: 30_000 });
		const tab = wb.page.locator('.tabs-container .tab.active');
		assert.match((await tab.textContent()) ?? '', /proposed change/);
		// Monaco draws spaces as no-break spaces.
		await until(async () => ((await diff.textContent()) ?? '').replace(/\u00a0/g, ' ').includes('const count: number = 3;'), 'the proposed text in the diff');
		const apply = wb.page.getByRole('button', { name: 'Apply Proposed Change' });
		await apply.waitFor();

		// Nothing has changed: not the file on disk, not the editor's text; the turn waits (the
		// proposal is on screen, so the tool has run as far as it goes without an answer).
		assert.equal(readFileSync(file, 'utf8'), BROKEN_TEXT);
		assert.equal(await wb.chat.locator('#app[data-turn="running"]').count(), 1, 'the agent waits for the answer');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'editor-tools-edit-preview');

		await apply.click();
		await until(() => readFileSync(file, 'utf8') === BROKEN_TEXT.replace('"three"', '3'), 'the change written on Apply');
		await idle();
		assert.equal(await wb.chat.locator('.tool-card.tool-done', { hasText: 'Edit file' }).count(), 1);
		assert.match((await wb.chat.locator('.message.assistant').last().textContent()) ?? '', /you applied the change/);
		await wb.page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout: 30_000 });
		// The type error is gone with it.
		await wb.page.locator('.monaco-editor[data-uri$="broken.ts"] .squiggly-error').first().waitFor({ state: 'detached', timeout: 60_000 });
		await screenshot(wb.page, 'editor-tools-edit-applied');
	});
});
