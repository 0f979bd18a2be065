/** Driving VS Code's own MCP server list ("MCP: List Servers", VS Code 1.101 and newer) in the browser. */
import type { Locator, Page } from 'playwright-core';
import { until } from '../shared/until';
import { runCommand, screenshot } from './workbench';

/** A row of the open quick pick by its label. */
export function quickPickRow(page: Page, label: RegExp): Locator {
	return page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
}

/** Opens "MCP: List Servers" and returns the row of the server with this label once it shows. */
export async function mcpServerRow(page: Page, label: string): Promise<Locator> {
	await runCommand(page, 'MCP: List Servers');
	const row = quickPickRow(page, new RegExp(`^${label}$`));
	await row.waitFor({ timeout: 30_000 });
	return row;
}

/** The text of the MCP output panel VS Code shows while a server starts (Monaco's no-break spaces as spaces). */
async function outputText(page: Page): Promise<string> {
	return ((await page.locator('.part.panel .monaco-editor .view-lines').textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
}

/**
 * Starts a server from "MCP: List Servers" → its row → Start Server, waits for VS Code's MCP
 * output to report the tools it discovered, and returns that output. `shots` names the
 * screenshots taken on the way (the list, the server's actions), when given.
 */
export async function startMcpServerFromList(page: Page, label: string, shots?: { list: string; actions: string }): Promise<string> {
	const row = await mcpServerRow(page, label);
	if (shots) {
		await screenshot(page, shots.list);
	}
	await row.click();
	const start = quickPickRow(page, /^Start Server$/);
	await start.waitFor();
	if (shots) {
		await screenshot(page, shots.actions);
	}
	await start.click();
	let text = '';
	await until(
		async () => {
			text = await outputText(page);
			return /Discovered \d+ tools/.test(text);
		},
		`VS Code's MCP output to report the tools of ${label}`,
		60_000,
	);
	return text;
}
