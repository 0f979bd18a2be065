/**
 * MCP client configurations for a Composio session's MCP server (`session.mcp.url`). The API key
 * never goes into them: VS Code's `mcp.json` form names an input variable that VS Code asks for
 * (and keeps in its secret storage) when the server starts; the generic form holds a placeholder
 * the user replaces in their client's config.
 */
import * as l10n from '@vscode/l10n';

/** Which client's config format. */
export type McpConfigForm = 'vscode' | 'generic';

/** The id of the `inputs` entry that VS Code prompts for. */
export const MCP_KEY_INPUT_ID = 'composio-api-key';
/** What the generic form holds where the key goes. */
export const MCP_KEY_PLACEHOLDER = '<YOUR_COMPOSIO_API_KEY>';
/** The server's name in both forms. */
export const MCP_SERVER_NAME = 'composio';
/** The first VS Code whose extensions may offer MCP servers to it (the provider API is stable from there). */
export const MCP_PROVIDER_MIN_VERSION = '1.101.0';
/** The header Composio reads the key from when the session names none. */
export const DEFAULT_KEY_HEADER = 'x-api-key';

/** What the config is made from: the URL and the names (never the values) of the headers the server needs. */
export interface McpServerInfo {
	readonly url: string;
	readonly headerNames: readonly string[];
}

/** The header names to send: the session's own, else `x-api-key`. Names only; values are dropped here. */
export function mcpHeaderNames(headers: Readonly<Record<string, string>>): string[] {
	const names = Object.keys(headers).filter((n) => /^[A-Za-z0-9-]{1,100}$/.test(n));
	return names.length > 0 ? names : [DEFAULT_KEY_HEADER];
}

/**
 * The config text for `form`, pretty JSON. The VS Code form is a whole `mcp.json`
 * (`inputs` + `servers`); the generic form is the `mcpServers` object most clients read.
 * Throws when the URL is not http(s).
 */
export function buildMcpConfig(server: McpServerInfo, form: McpConfigForm): string {
	const url = new URL(server.url);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new Error(`The MCP URL must be http(s), not ${url.protocol}`);
	}
	const names = server.headerNames.length > 0 ? server.headerNames : [DEFAULT_KEY_HEADER];
	if (form === 'vscode') {
		const headers = Object.fromEntries(names.map((n) => [n, `\${input:${MCP_KEY_INPUT_ID}}`]));
		const config = {
			inputs: [{ type: 'promptString', id: MCP_KEY_INPUT_ID, description: l10n.t('Composio API key'), password: true }],
			servers: { [MCP_SERVER_NAME]: { type: 'http', url: url.toString(), headers } },
		};
		return `${JSON.stringify(config, null, 2)}\n`;
	}
	const headers = Object.fromEntries(names.map((n) => [n, MCP_KEY_PLACEHOLDER]));
	const config = { mcpServers: { [MCP_SERVER_NAME]: { type: 'http', url: url.toString(), headers } } };
	return `${JSON.stringify(config, null, 2)}\n`;
}

/** True when `text` holds any of the secrets (empty and very short values are not checked). */
export function containsSecret(text: string, secrets: readonly (string | undefined)[]): boolean {
	return secrets.some((s) => s !== undefined && s.length >= 4 && text.includes(s));
}
