/**
 * The Composio MCP server offered to VS Code itself, checked through VS Code's own MCP commands
 * and language-model tools API (not the extension's provider object): from VS Code 1.101 VS Code
 * knows a "Composio" server, starts it (on the sandbox, and live with a key) and runs its tools;
 * the key exists only in the definition VS Code resolves when it starts the server. On older
 * VS Code the extension says once in its log that VS Code is too old, and offers nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { isVersionAtLeast } from '../../src/common/version';
import { MCP_PROVIDER_MIN_VERSION } from '../../src/composio/mcpConfig';
import { submitConnectPage } from '../shared/connectPage';
import { until } from '../shared/until';
import { activateExtension, EXTENSION_ID } from './helpers';

/** The id VS Code gives the server: the extension's id and the definition's label. */
const SERVER_ID = `${EXTENSION_ID}/Composio`;

interface ToolOutput {
	successful: boolean;
	data: Record<string, unknown>;
	error: string | null;
}

/** The data of the first tool a multi-execute ran. */
function innerData(output: ToolOutput): { messages?: unknown[] } | undefined {
	const results = output.data['results'];
	const first: unknown = Array.isArray(results) ? results[0] : undefined;
	const response = typeof first === 'object' && first !== null ? (first as { response?: { data?: { messages?: unknown[] } } }).response : undefined;
	return response?.data;
}

/** The MCP tool VS Code lists for a Composio tool slug (VS Code prefixes MCP tool names with the server's). */
function mcpTool(slug: string): vscode.LanguageModelToolInformation | undefined {
	return vscode.lm.tools.find((t) => t.tags.includes('mcp') && t.name.endsWith(`_${slug}`));
}

/** Asks VS Code to start the Composio server (by its id) until its tools are listed. */
async function startComposioServer(): Promise<void> {
	await until(
		async () => {
			await vscode.commands.executeCommand('workbench.mcp.startServer', SERVER_ID, { waitForLiveTools: true });
			return mcpTool('COMPOSIO_MANAGE_CONNECTIONS') !== undefined;
		},
		`VS Code to start the MCP server ${SERVER_ID} and list its tools`,
		60_000,
	);
}

/** Runs a Composio tool through VS Code's tools API (which calls the MCP server) and parses its result. */
async function invoke(slug: string, input: object): Promise<ToolOutput> {
	const tool = mcpTool(slug);
	assert.ok(tool, `VS Code lists ${slug}`);
	const result = await vscode.lm.invokeTool(tool.name, { input, toolInvocationToken: undefined });
	const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
	return JSON.parse(text) as ToolOutput;
}

/** Every file below a folder, skipping big binaries. */
function filesBelow(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			return filesBelow(path);
		}
		return entry.isFile() && statSync(path).size < 20_000_000 ? [path] : [];
	});
}

const offersMcp = isVersionAtLeast(vscode.version, MCP_PROVIDER_MIN_VERSION);

describe(`The Composio MCP server in VS Code ${vscode.version}`, function () {
	this.timeout(120_000);
	let api: TestApi;

	before(async () => {
		api = await activateExtension();
	});

	if (!offersMcp) {
		it('is not offered: the log says once that this VS Code is too old, and Copy MCP Server Config is still there', async () => {
			assert.equal(api.mcpOffer, 'tooOld');
			assert.equal(api.mcpServerProvider, undefined);
			const logFile = join(api.services.context.logUri.fsPath, 'Composio Agent.log');
			const marker = `mcp-test-marker-${Date.now()}`;
			api.services.log.info(marker);
			await until(() => readFileSync(logFile, 'utf8').includes(marker), 'the log file to be written');
			const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => /too old to offer the Composio MCP server/.test(l));
			assert.equal(lines.length, 1, lines.join('\n'));
			assert.match(lines[0] ?? '', new RegExp(`VS Code ${vscode.version.replace(/\./g, '\\.')} is too old .*needs VS Code 1\\.101 or newer.*Copy MCP Server Config still works`));
			assert.ok((await vscode.commands.getCommands(true)).includes('composio.copyMcpConfig'));
		});
		return;
	}

	it('is offered through the stable API, and VS Code lists it by its id and label', async () => {
		assert.equal(api.mcpOffer, 'registered');
		await startComposioServer();
		const tools = vscode.lm.tools.filter((t) => t.tags.includes('mcp') && /_(COMPOSIO|GMAIL|GITHUB|SLACK|LINEAR)_[A-Z_]+$/.test(t.name));
		for (const slug of ['COMPOSIO_SEARCH_TOOLS', 'COMPOSIO_MANAGE_CONNECTIONS', 'COMPOSIO_MULTI_EXECUTE_TOOL']) {
			assert.ok(tools.some((t) => t.name.endsWith(`_${slug}`)), `${slug} among ${tools.map((t) => t.name).join(', ')}`);
		}
		// As on Composio, the session lists its meta tools only: app tools run through the multi-execute tool.
		assert.ok(!tools.some((t) => /_(GMAIL|GITHUB|SLACK|LINEAR)_[A-Z_]+$/.test(t.name)), tools.map((t) => t.name).join(', '));
		const manage = mcpTool('COMPOSIO_MANAGE_CONNECTIONS');
		assert.deepEqual((manage?.inputSchema as { required?: string[] } | undefined)?.required, ['toolkits'], 'with the input schema the server gave');
	});

	it('on the sandbox: VS Code runs its tools — a Connect Link, the Connect page, then the connected app and multi-execute', async () => {
		await startComposioServer();
		const manage = await invoke('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'], reinitiate_all: true });
		assert.equal(manage.successful, true, manage.error ?? '');
		const gmail = (manage.data.results as Record<string, { status: string; redirect_url?: string }>).gmail;
		assert.equal(gmail?.status, 'initiated');
		assert.match(gmail?.redirect_url ?? '', /^http:\/\/127\.0\.0\.\d:\d+\/link\/ln_/);
		await submitConnectPage(gmail?.redirect_url ?? '', 'authorize');

		const multi = await invoke('COMPOSIO_MULTI_EXECUTE_TOOL', { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 3 } }], sync_response_to_workbench: false });
		assert.equal(multi.successful, true, multi.error ?? '');
		assert.equal(multi.data.success_count, 1, JSON.stringify(multi.data));
		assert.equal(innerData(multi)?.messages?.length, 3);
	});

	it('live with a key: VS Code follows the switch and runs its tools on the live endpoint, the key added only when it starts and nowhere on disk', async () => {
		const key = `ak_mcp_live_${Date.now()}_never_on_disk`;
		const emulator = new TestComposioEmulator({ apiKey: key });
		await emulator.start();
		const config = vscode.workspace.getConfiguration('composio');
		const { services } = api;
		try {
			await startComposioServer(); // running on the sandbox, as the tests above leave it
			const userId = await services.userIds.get();
			emulator.seedAccount(userId, 'gmail');
			const subject = `Live MCP check ${Date.now()}`;
			emulator.seedEmails(userId, [{ from: 'ops@acme.dev', subject, body: 'Only the live emulator has this one.' }]);
			await config.update('baseUrl', emulator.baseUrl, vscode.ConfigurationTarget.Global);
			await services.secrets.set('composioApiKey', key);
			await until(async () => (await services.resolveEnvironment()).mode === 'live', 'live mode against the test emulator');

			// What VS Code is handed when it lists the server: no key, and nothing started yet.
			const listed = await api.mcpServerProvider?.provideMcpServerDefinitions();
			assert.equal(listed?.length, 1);
			assert.deepEqual(listed?.[0]?.headers ?? {}, {}, 'the listed definition carries no key');
			assert.ok(!JSON.stringify(listed).includes(key));

			// No restart asked for: the provider tells VS Code the definition changed, and VS Code
			// resolves it again (a new session, the key) before the next tool runs.
			let fetched: ToolOutput | undefined;
			// A call that meets the restart is cancelled by VS Code (it cancels what is in flight when
			// a server stops): that call is asked again, any other error fails the test.
			let cancelledCalls = 0;
			await until(async () => {
				try {
					fetched = await invoke('COMPOSIO_MULTI_EXECUTE_TOOL', { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 1 } }], sync_response_to_workbench: false });
				} catch (e) {
					if (e instanceof Error && (e.name === 'Canceled' || e.message === 'Canceled')) {
						cancelledCalls++;
						return false;
					}
					throw e;
				}
				return JSON.stringify(fetched.data).includes(subject);
			}, 'the tools to run on the live emulator (which refuses any other key)');
			assert.ok(cancelledCalls <= 3, `${cancelledCalls} calls were cancelled: VS Code restarts the server once`);
			assert.equal(fetched?.successful, true);

			// The key is in VS Code's secret storage only: not in settings, mcp.json or any file of the profile.
			const userData = join(services.context.globalStorageUri.fsPath, '..', '..', '..');
			const files = filesBelow(userData);
			assert.ok(files.some((f) => f.endsWith('settings.json')), `the profile was scanned (${userData})`);
			for (const file of files) {
				assert.ok(!readFileSync(file).includes(key), `${file} holds the key`);
			}
		} finally {
			await services.secrets.delete('composioApiKey');
			await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
			await emulator.stop();
			await vscode.commands.executeCommand('workbench.mcp.stopServer', SERVER_ID);
		}
	});
});
