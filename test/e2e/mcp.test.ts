/**
 * VS Code's own MCP server list in the real workbench: the Composio server the extension offers
 * is listed by "MCP: List Servers", starts from there, and VS Code discovers its tools. Needs VS Code 1.101
 * or newer (the provider API is stable from there); on older editors the suite is skipped.
 */
import assert from 'node:assert/strict';
import { isVersionAtLeast } from '../../src/common/version';
import { MCP_PROVIDER_MIN_VERSION } from '../../src/composio/mcpConfig';
import { installedEditor } from '../editor/codeServer';
import { until } from '../shared/until';
import { mcpServerRow, startMcpServerFromList } from './mcpServerList';
import { screenshot, useWorkbench } from './workbench';

describe('The Composio MCP server in VS Code’s MCP server list (browser)', function () {
	const wb = useWorkbench({
		// VS Code before 1.101 lets no installed extension offer MCP servers (see test/integration/mcp.test.ts).
		skip: () => (isVersionAtLeast(installedEditor().vscodeVersion, MCP_PROVIDER_MIN_VERSION) ? undefined : `VS Code ${installedEditor().vscodeVersion} offers no MCP server provider API`),
		ownSandbox: true,
		chat: false,
	});

	it('"MCP: List Servers" lists Composio; started from there, VS Code runs the sandbox’s MCP server and discovers its tools', async () => {
		const { page } = wb;
		const emulator = wb.emulator!;
		// A notification about models may take the first keypress on a fresh profile.
		await page.keyboard.press('Escape');
		assert.match((await (await mcpServerRow(page, 'Composio')).textContent()) ?? '', /Stopped/);
		await page.keyboard.press('Escape');

		// VS Code shows the server's output: it resolved the definition (the session's mcp.url and
		// key), connected to the emulator over MCP and listed the tools.
		const output = await startMcpServerFromList(page, 'Composio', { list: 'mcp-server-list', actions: 'mcp-server-actions' });
		assert.match(output, /Connection state: Running/);
		const discovered = Number(/Discovered (\d+) tools/.exec(output)?.[1]);
		// A session with the extension's configuration, asked over HTTP, lists exactly that many.
		const res = await fetch(`${emulator.baseUrl}/api/v3.1/tool_router/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey },
			body: JSON.stringify({ user_id: 'mcp-list-check', manage_connections: { enable: true }, workbench: { enable: false } }),
		});
		const session = (await res.json()) as { tool_router_tools: string[] };
		assert.equal(discovered, session.tool_router_tools.length);
		await screenshot(page, 'mcp-server-output');

		await page.keyboard.press('Escape');
		const row = await mcpServerRow(page, 'Composio');
		await until(async () => /Running/.test((await row.textContent()) ?? ''), 'the list to show Composio running');
		await screenshot(page, 'mcp-server-list-running');
		await page.keyboard.press('Escape');
	});
});
