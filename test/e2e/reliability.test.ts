/**
 * A window reload in the middle of a turn, in the real workbench: everything the chat showed
 * before the reload (the messages, the tool cards, the text streamed so far) is there after it.
 */
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { until } from '../shared/until';
import { runCommand, screenshot, useWorkbench } from './workbench';

interface Shown {
	readonly users: string[];
	readonly tools: string[];
	readonly answers: string[];
}

async function shown(chat: FrameLocator): Promise<Shown> {
	return {
		users: await chat.locator('.message.user .message-body').allTextContents(),
		tools: await chat.locator('.tool-card summary .tool-name').allTextContents(),
		answers: await chat.locator('.message.assistant .message-body').allTextContents(),
	};
}

describe('Reload mid-turn in the real workbench (browser)', function () {
	const wb = useWorkbench({ ownSandbox: true, failureScreenshot: 'reliability-failure' });

	it('a window reload while the answer streams loses nothing that was already shown', async () => {
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.fill('What can you do?');
		await input.press('Enter');
		await wb.chat.locator('.message.assistant:not(.streaming)').first().waitFor({ timeout: 60_000 });
		await wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });
		const created = wb.emulator!.requests.find((r) => r.method === 'POST' && r.path.endsWith('/tool_router/session'));
		const userId = (created?.body as { user_id?: string } | undefined)?.user_id;
		assert.ok(userId);
		wb.emulator!.seedAccount(userId, 'gmail');

		wb.model!.setPace({ chunkDelayMs: 300, wordsPerChunk: 1 });
		await input.fill('Summarize my emails');
		await input.press('Enter');
		const streaming = wb.chat.locator('.message.assistant.streaming');
		await streaming.waitFor({ timeout: 60_000 });
		await until(async () => ((await streaming.textContent()) ?? '').length > 60, 'some streamed text');
		const before = await shown(wb.chat);
		assert.equal(before.tools.length, 2, `two tool cards: ${before.tools.join(', ')}`);
		const streamedBefore = before.answers[before.answers.length - 1] ?? '';

		await wb.page.reload();
		await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
		// The sidebar comes back as it was; the command reveals the chat without toggling the container shut.
		await runCommand(wb.page, 'Composio: Open Chat');
		await wb.chat.locator('.message.user', { hasText: 'Summarize my emails' }).waitFor({ timeout: 60_000 });
		const after = await shown(wb.chat);
		await screenshot(wb.page, 'reload-mid-turn');
		assert.deepEqual(after.users, before.users, 'the messages are back');
		assert.deepEqual(after.tools, before.tools, 'the tool cards are back');
		assert.deepEqual(after.answers.slice(0, -1), before.answers.slice(0, -1), 'earlier answers are back');
		const streamedAfter = after.answers[before.answers.length - 1] ?? '';
		assert.ok(streamedAfter.startsWith(streamedBefore.trimEnd()), `the streamed text is all there:\nbefore: ${streamedBefore}\nafter:  ${streamedAfter}`);
		wb.model!.setPace({ chunkDelayMs: 15, wordsPerChunk: 3 });
	});
});
