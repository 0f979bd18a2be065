/**
 * The sandbox's MCP server: a session's `mcp.url` driven by the official MCP SDK client over
 * Streamable HTTP, the way VS Code, Cursor or Claude Desktop would use it. The session comes from
 * the real Composio SDK; the Connect Link is completed on the hosted Connect page over HTTP.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { Composio } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ComposioEmulator } from '../../src/sandbox/emulator/composioEmulator';
import { submitConnectPage } from '../shared/connectPage';

interface ToolOutput {
	successful: boolean;
	data: Record<string, unknown>;
	error: string | null;
	log_id: string;
}

async function sessionFor(baseUrl: string, apiKey: string, userId: string) {
	const composio = new Composio({ apiKey, baseURL: baseUrl, allowTracking: false, disableVersionCheck: true, provider: new OpenAIProvider() });
	// Composio lists only its meta tools unless the session preloads app tools: these two are, so they can be called directly.
	return composio.create(userId, { mcp: true, preload: { tools: ['GMAIL_FETCH_EMAILS', 'GMAIL_SEND_EMAIL'] } });
}

async function mcpClient(url: string, apiKey: string): Promise<Client> {
	const client = new Client({ name: 'composio-agent-tests', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-api-key': apiKey } } }));
	return client;
}

/** The one text block of a tools/call result, parsed as the Composio execute response. */
function output(result: unknown): ToolOutput {
	const content = (result as CallToolResult).content;
	assert.equal(content.length, 1);
	const block = content[0];
	assert.ok(block?.type === 'text', 'a text block');
	return JSON.parse(block.text) as ToolOutput;
}

/** An initialize request as raw JSON-RPC, for the refusals the client SDK would hide. */
function initializeBody(): string {
	return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
}

describe('Sandbox MCP server (the MCP SDK client against a session’s mcp.url)', function () {
	this.timeout(20_000);
	let emulator: ComposioEmulator;
	let mcpUrl: string;
	let client: Client;

	beforeEach(async () => {
		emulator = new ComposioEmulator({ linkHost: '127.0.0.2' });
		await emulator.start();
		const session = await sessionFor(emulator.baseUrl, emulator.apiKey, 'mcp-user');
		mcpUrl = session.mcp.url;
		client = await mcpClient(mcpUrl, emulator.apiKey);
	});

	afterEach(async () => {
		await client?.close();
		await emulator.stop();
	});

	it('serves the session’s mcp.url and lists the same tools, with the same input schemas, as the session’s tools endpoint', async () => {
		assert.match(mcpUrl, new RegExp(`^${emulator.baseUrl}/tool_router/[^/]+/mcp$`));
		assert.equal(client.getServerVersion()?.name, 'composio-sandbox');
		const { tools } = await client.listTools();
		const names = tools.map((t) => t.name);
		for (const expected of ['COMPOSIO_SEARCH_TOOLS', 'COMPOSIO_MANAGE_CONNECTIONS', 'COMPOSIO_MULTI_EXECUTE_TOOL', 'GMAIL_FETCH_EMAILS', 'GMAIL_SEND_EMAIL']) {
			assert.ok(names.includes(expected), `${expected} is listed (${names.join(', ')})`);
		}
		const sessionId = /\/tool_router\/([^/]+)\/mcp$/.exec(mcpUrl)?.[1] ?? '';
		const http = (await (await fetch(`${emulator.baseUrl}/api/v3.1/tool_router/session/${sessionId}/tools?limit=500`, { headers: { 'x-api-key': emulator.apiKey } })).json()) as {
			items: { slug: string; input_parameters: Record<string, unknown> }[];
		};
		assert.deepEqual(names, http.items.map((t) => t.slug));
		for (const tool of tools) {
			assert.deepEqual(tool.inputSchema, http.items.find((t) => t.slug === tool.name)?.input_parameters, `${tool.name}'s schema`);
		}
		assert.equal(tools.find((t) => t.name === 'GMAIL_FETCH_EMAILS')?.annotations?.readOnlyHint, true);
		assert.equal(tools.find((t) => t.name === 'GMAIL_SEND_EMAIL')?.annotations?.readOnlyHint, false);
	});

	it('connects an account through the Connect page, then executes: a direct call and the multi-execute tool', async () => {
		const before = await client.callTool({ name: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 2 } });
		assert.equal(before.isError, true, 'not connected yet');
		assert.match(output(before).error ?? '', /not connected|COMPOSIO_MANAGE_CONNECTIONS/i);

		const manage = output(await client.callTool({ name: 'COMPOSIO_MANAGE_CONNECTIONS', arguments: { toolkits: ['gmail'] } }));
		assert.equal(manage.successful, true, manage.error ?? '');
		const gmail = (manage.data.results as Record<string, { status: string; redirect_url?: string }>).gmail;
		assert.equal(gmail?.status, 'initiated');
		const link = gmail?.redirect_url ?? '';
		assert.match(link, new RegExp(`^http://127\\.0\\.0\\.2:${new URL(emulator.baseUrl).port}/link/ln_`), 'a Connect Link on the emulator’s hosted page');
		await submitConnectPage(link, 'authorize');

		const fetched = await client.callTool({ name: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 2 } });
		const emails = output(fetched);
		assert.equal(fetched.isError, false, emails.error ?? '');
		assert.equal((emails.data.messages as unknown[]).length, 2);

		const multi = output(
			await client.callTool({
				name: 'COMPOSIO_MULTI_EXECUTE_TOOL',
				arguments: { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 1 } }, { tool_slug: 'GMAIL_SEND_EMAIL', arguments: { recipient_email: 'dana@acme.dev', subject: 'Build', body: 'green' } }], sync_response_to_workbench: false },
			}),
		);
		assert.equal(multi.successful, true, multi.error ?? '');
		assert.equal(multi.data.success_count, 2, JSON.stringify(multi.data));
	});

	it('runs a tool exactly as POST …/execute does (same data for the same call)', async () => {
		const session = await sessionFor(emulator.baseUrl, emulator.apiKey, 'mcp-user');
		const args = { tool_slugs: ['GMAIL_SEND_EMAIL', 'GITHUB_CREATE_AN_ISSUE', 'NOT_A_TOOL'] };
		const overHttp = await session.execute('COMPOSIO_GET_TOOL_SCHEMAS', args);
		const overMcp = output(await client.callTool({ name: 'COMPOSIO_GET_TOOL_SCHEMAS', arguments: args }));
		assert.ok(Object.keys(overMcp.data.tool_schemas as object).length === 2, JSON.stringify(overMcp.data));
		// The same answer, but for the session each call ran in (the schema lookup names its session).
		const { session: mcpSession, ...mcpData } = overMcp.data;
		const { session: httpSession, ...httpData } = overHttp.data;
		assert.deepEqual(mcpData, httpData);
		assert.equal((httpSession as { id?: string } | undefined)?.id, session.sessionId);
		assert.equal((mcpSession as { id?: string } | undefined)?.id, /\/tool_router\/([^/]+)\/mcp$/.exec(mcpUrl)?.[1]);
		assert.equal(overMcp.error, null);
	});

	it('answers an unknown tool with an error result the model can read', async () => {
		const result = (await client.callTool({ name: 'GMAIL_TELEPORT', arguments: {} })) as CallToolResult;
		assert.equal(result.isError, true);
		assert.match(result.content[0]?.type === 'text' ? result.content[0].text : '', /Tool 'GMAIL_TELEPORT' not found/);
	});

	it('refuses a missing or wrong x-api-key, an unknown session, GET and a foreign Host', async () => {
		const post = (headers: Record<string, string>, url = mcpUrl) =>
			fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: initializeBody() });
		const missing = await post({});
		assert.equal(missing.status, 401);
		assert.equal(((await missing.json()) as { error: { message: string } }).error.message, 'Missing API key');
		const wrong = await post({ 'x-api-key': 'not-the-key' });
		assert.equal(wrong.status, 401);
		assert.equal(((await wrong.json()) as { error: { message: string } }).error.message, 'Invalid API key');
		await assert.rejects(mcpClient(mcpUrl, 'not-the-key'), /401|Invalid API key/, 'the SDK client cannot connect with a wrong key');

		const unknown = await post({ 'x-api-key': emulator.apiKey }, mcpUrl.replace(/tool_router\/[^/]+\/mcp$/, 'tool_router/trs_nope/mcp'));
		assert.equal(unknown.status, 404);
		const ok = await post({ 'x-api-key': emulator.apiKey });
		assert.equal(ok.status, 200, 'the same request with the key is served');
		await ok.text();

		const get = await fetch(mcpUrl, { headers: { 'x-api-key': emulator.apiKey, accept: 'text/event-stream' } });
		assert.equal(get.status, 405);
		assert.equal(get.headers.get('allow'), 'POST');

		const url = new URL(mcpUrl);
		const foreign = await new Promise<number>((resolve, reject) => {
			const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host: 'evil.example', 'x-api-key': emulator.apiKey, 'content-type': 'application/json' } }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', reject);
			req.end(initializeBody());
		});
		assert.equal(foreign, 403, 'a request for another host name (DNS rebinding) is refused');
	});
});

describe('`npm run sandbox` serves MCP', function () {
	this.timeout(30_000);
	let child: ChildProcess | undefined;

	after(() => {
		child?.kill('SIGTERM');
	});

	it('prints where sessions’ MCP servers answer, and one answers the MCP SDK client', async () => {
		child = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'dist', 'sandbox.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
		const started = Date.now();
		while (!/Ctrl\+C/.test(out) || !/MCP/.test(out)) {
			assert.ok(child.exitCode === null, `the sandbox exited: ${out}`);
			assert.ok(Date.now() - started < 20_000, `the sandbox did not start: ${out}`);
			await new Promise((r) => setTimeout(r, 50));
		}
		const base = /Composio API\s+(http:\/\/\S+)/.exec(out)?.[1] ?? '';
		const key = /x-api-key: (\S+?)\)/.exec(out)?.[1] ?? '';
		assert.match(out, /MCP\s+http:\/\/127\.0\.0\.1:\d+\/tool_router\/<session id>\/mcp/);
		const session = await sessionFor(base, key, 'cli-user');
		assert.ok(session.mcp.url.startsWith(`${base}/tool_router/`));
		const client = await mcpClient(session.mcp.url, key);
		try {
			const { tools } = await client.listTools();
			assert.ok(tools.some((t) => t.name === 'COMPOSIO_MANAGE_CONNECTIONS'));
		} finally {
			await client.close();
		}
	});
});
