/**
 * The emulator's MCP endpoint: a tool router session's `mcp.url` (`/tool_router/{id}/mcp`) served
 * over MCP Streamable HTTP by the official `@modelcontextprotocol/sdk` server, so any MCP client
 * (VS Code, Cursor, Claude Desktop, the SDK's own client) can use a sandbox session offline.
 * `tools/list` gives the session's tools with their input schemas; `tools/call` runs them through
 * the same SessionEngine as `POST /api/v3.1/tool_router/session/{id}/execute` (Connect Links from
 * COMPOSIO_MANAGE_CONNECTIONS, COMPOSIO_MULTI_EXECUTE_TOOL and the simulated apps alike).
 * Stateless: every POST gets a fresh server and transport; there is no GET stream and no session
 * to DELETE. The caller must send the project API key in `x-api-key`, as Composio's MCP server wants.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { SessionEngine } from './emulatorExecution';
import { ApiError, newId, sendError } from './emulatorHttp';
import { isRecord } from '../../common/isRecord';
import { sessionTools } from './emulatorSessions';
import type { EmulatorStore } from './emulatorStore';
import type { MetaToolDef, ToolDef } from './emulatorToolkits';

/** `/tool_router/{id}/mcp`, the path `sessionJson` hands out as `mcp.url`. */
const MCP_PATH = /^\/tool_router\/([^/]+)\/mcp\/?$/;

/** The session id when `path` is a session's MCP endpoint, else undefined. */
export function mcpSessionId(path: string): string | undefined {
	return MCP_PATH.exec(path)?.[1];
}

/** What the MCP endpoint needs from the emulator. */
export interface EmulatorMcpDeps {
	readonly store: EmulatorStore;
	readonly engine: SessionEngine;
	/** The API key the emulator accepts now. */
	apiKey(): string;
}

/** A session tool as MCP lists it: its slug as the name, its input schema, and whether it only reads. */
export function mcpTool(tool: ToolDef | MetaToolDef): Tool {
	return {
		name: tool.slug,
		title: tool.name,
		description: tool.description,
		inputSchema: { ...tool.inputParameters, type: 'object' },
		annotations: { title: tool.name, readOnlyHint: tool.readOnly, openWorldHint: true },
	};
}

function isLoopbackHost(hostHeader: string | undefined): boolean {
	if (!hostHeader) {
		return false;
	}
	let hostname: string;
	try {
		hostname = new URL(`http://${hostHeader}`).hostname;
	} catch {
		return false;
	}
	return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Serves MCP for tool router sessions; see the file comment. */
export class EmulatorMcp {
	constructor(private readonly deps: EmulatorMcpDeps) {}

	/**
	 * Answers one request to a session's MCP endpoint. Refuses a foreign Host (DNS rebinding), a
	 * missing or wrong key (401) and an unknown session (ApiError 404, which the emulator turns into
	 * Composio's error body) before any MCP is spoken.
	 */
	async handle(req: IncomingMessage, res: ServerResponse, method: string, sessionId: string): Promise<void> {
		if (!isLoopbackHost(req.headers.host)) {
			sendError(res, 403, 'The sandbox MCP server only answers requests addressed to this machine');
			return;
		}
		const key = req.headers['x-api-key'];
		if (key !== this.deps.apiKey()) {
			sendError(res, 401, key ? 'Invalid API key' : 'Missing API key', 'Send the project API key in the x-api-key header of every MCP request.');
			return;
		}
		this.deps.store.requireSession(sessionId);
		if (method !== 'POST') {
			// Stateless: no server-initiated stream (GET) and no MCP session to end (DELETE).
			sendError(res, 405, `Method ${method} is not supported by this MCP endpoint; send JSON-RPC messages with POST`, '', { allow: 'POST' });
			return;
		}
		const server = this.createServer(sessionId);
		const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
		res.on('close', () => {
			void transport.close();
			void server.close();
		});
		await server.connect(transport);
		await transport.handleRequest(req, res);
	}

	private createServer(sessionId: string): Server {
		const server = new Server(
			{ name: 'composio-sandbox', title: 'Composio (sandbox)', version: '1.0.0' },
			{
				capabilities: { tools: {} },
				instructions: 'Composio tool router session on the local sandbox: simulated Gmail, GitHub, Slack and Linear. Use COMPOSIO_SEARCH_TOOLS to find tools and COMPOSIO_MANAGE_CONNECTIONS for Connect Links.',
			},
		);
		server.setRequestHandler(ListToolsRequestSchema, () => {
			const session = this.deps.store.requireSession(sessionId);
			return { tools: sessionTools(session.config).map(mcpTool) };
		});
		server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
			const session = this.deps.store.requireSession(sessionId);
			const args = request.params.arguments;
			if (args !== undefined && !isRecord(args)) {
				return { content: [{ type: 'text', text: "'arguments' must be an object" }], isError: true };
			}
			try {
				const result = await this.deps.engine.execute(session, request.params.name, args ?? {});
				const body = { successful: result.error === null, data: result.data, error: result.error, log_id: newId('log', 16) };
				return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: result.error !== null };
			} catch (error) {
				if (error instanceof ApiError) {
					// Unknown tools and the like: a result the model can read, as Composio's MCP server does.
					return { content: [{ type: 'text', text: error.suggestedFix ? `${error.message}. ${error.suggestedFix}` : error.message }], isError: true };
				}
				throw error;
			}
		});
		return server;
	}
}
