/**
 * VS Code's own MCP server list in the real workbench: the Composio server the extension offers
 * is listed by "MCP: List Servers", starts from there, and VS Code discovers its tools. Needs VS Code 1.101
 * or newer (the provider API is stable from there); on older editors the suite is skipped.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { isVersionAtLeast } from '../../src/common/version';
import { MCP_PROVIDER_MIN_VERSION } from '../../src/composio/mcpConfig';
import { installedEditor } from '../editor/codeServer';
import { openWorkbench, runCommand, screenshot, waitUntil, type Workbench } from './workbench';

/** A row of the open quick pick by the start of its label. */
function quickPickRow(page: Page, label: RegExp): Locator {
	return page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
}

describe('The Composio MCP server in VS Code’s MCP server list (browser)', function () {
	let wb: Workbench;

	before(async function () {
		if (!isVersionAtLeast(installedEditor().vscodeVersion, MCP_PROVIDER_MIN_VERSION)) {
			this.skip(); // VS Code before 1.101 lets no installed extension offer MCP servers (see test/integration/mcp.test.ts)
		}
		wb = await openWorkbench({ ownSandbox: true });
	});

	after(async () => {
		await wb?.close();
	});

	it('"MCP: List Servers" lists Composio; started from there, VS Code runs the sandbox’s MCP server and discovers its tools', async () => {
		const { page } = wb;
		const emulator = wb.emulator!;
		// A notification about models may take the first keypress on a fresh profile.
		await page.keyboard.press('Escape');
		await runCommand(page, 'MCP: List Servers');
		const row = quickPickRow(page, /^Composio$/);
		await row.waitFor({ timeout: 30_000 });
		assert.match((await row.textContent()) ?? '', /Stopped/);
		await screenshot(page, 'mcp-server-list');

		await row.click();
		const start = quickPickRow(page, /^Start Server$/);
		await start.waitFor();
		await screenshot(page, 'mcp-server-options');
		await start.click();

		// VS Code shows the server's output: it resolved the definition (the session's mcp.url and
		// key), connected to the emulator over MCP and listed the tools.
		const output = page.locator('.part.panel .monaco-editor .view-lines');
		let text = '';
		await waitUntil(
			async () => {
				// Monaco renders spaces as no-break spaces.
				text = ((await output.textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
				return /Discovered \d+ tools/.test(text);
			},
			'the MCP output to report the discovered tools',
			60_000,
		);
		assert.match(text, /Connection state: Running/);
		const discovered = Number(/Discovered (\d+) tools/.exec(text)?.[1]);
		// The same configuration's session, asked over HTTP, lists exactly that many.
		const res = await fetch(`${emulator.baseUrl}/api/v3.1/tool_router/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
			body: JSON.stringify({ user_id: 'mcp-list-check', manage_connections: { enable: true } }),
		});
		const session = (await res.json()) as { tool_router_tools: string[] };
		assert.equal(discovered, session.tool_router_tools.length);
		await screenshot(page, 'mcp-server-output');

		await page.keyboard.press('Escape');
		await runCommand(page, 'MCP: List Servers');
		await waitUntil(async () => /Running/.test((await quickPickRow(page, /^Composio$/).textContent()) ?? ''), 'the list to show Composio running');
		await screenshot(page, 'mcp-server-list-running');
		await page.keyboard.press('Escape');
	});
});
