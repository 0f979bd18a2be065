import assert from 'node:assert/strict';
import { buildMcpConfig, containsSecret, MCP_KEY_INPUT_ID, MCP_KEY_PLACEHOLDER, mcpHeaderNames } from '../../src/composio/mcpConfig';

const URL_ = 'https://backend.composio.dev/tool_router/trs_abc123/mcp';

describe('MCP client config', () => {
	it('VS Code form: an mcp.json whose key header is a password input variable', () => {
		const parsed = JSON.parse(buildMcpConfig({ url: URL_, headerNames: ['x-api-key'] }, 'vscode')) as {
			inputs: { type: string; id: string; password: boolean; description: string }[];
			servers: Record<string, { type: string; url: string; headers: Record<string, string> }>;
		};
		assert.deepEqual(parsed.inputs, [{ type: 'promptString', id: MCP_KEY_INPUT_ID, description: 'Composio API key', password: true }]);
		assert.deepEqual(parsed.servers.composio, { type: 'http', url: URL_, headers: { 'x-api-key': '${input:composio-api-key}' } });
	});

	it('generic form: mcpServers with a placeholder where the key goes', () => {
		const parsed = JSON.parse(buildMcpConfig({ url: URL_, headerNames: [] }, 'generic')) as { mcpServers: Record<string, { url: string; headers: Record<string, string> }> };
		assert.equal(parsed.mcpServers.composio?.url, URL_);
		assert.deepEqual(parsed.mcpServers.composio?.headers, { 'x-api-key': MCP_KEY_PLACEHOLDER });
	});

	it('keeps header names only, never values', () => {
		assert.deepEqual(mcpHeaderNames({ 'x-api-key': 'ck_secret_value' }), ['x-api-key']);
		assert.deepEqual(mcpHeaderNames({}), ['x-api-key']);
		assert.deepEqual(mcpHeaderNames({ 'bad header': 'v' }), ['x-api-key']);
		const text = buildMcpConfig({ url: URL_, headerNames: mcpHeaderNames({ 'x-api-key': 'ck_secret_value' }) }, 'vscode');
		assert.equal(containsSecret(text, ['ck_secret_value']), false);
	});

	it('refuses a non-http URL', () => {
		for (const form of ['generic', 'vscode'] as const) {
			assert.throws(() => buildMcpConfig({ url: 'file:///etc/passwd', headerNames: [] }, form), { name: 'Error', message: 'The MCP URL must be http(s), not file:' });
		}
		assert.throws(() => buildMcpConfig({ url: 'javascript:alert(1)', headerNames: [] }, 'generic'), /must be http\(s\), not javascript:/);
	});

	it('containsSecret finds a key anywhere and ignores empty values', () => {
		assert.equal(containsSecret('{"url":"https://x/?k=ck_live_123"}', ['ck_live_123']), true);
		assert.equal(containsSecret('anything', [undefined, '']), false);
	});
});
