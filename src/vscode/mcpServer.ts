import * as vscode from 'vscode';
import { Emitter, type Event } from '../common/emitter';
import type { SecretStore } from '../common/secrets';
import type { ToolSession } from '../composio/composioService';
import { ComposioError } from '../composio/composioErrors';
import { buildMcpConfig, containsSecret, type McpConfigForm, mcpHeaderNames } from '../composio/mcpConfig';
import { MCP_PROVIDER_ID } from './commandIds';
import type { ResolvedEnvironment } from './environment';
import { showError } from './errorNotices';
import type { QuickPicker } from './quickPicker';
import type { UserPrompts } from './userPrompts';

/** What the MCP features need. */
export interface McpDeps {
	/** Cheap: whether the sandbox is in use, without starting it. */
	isSandbox(): Promise<boolean>;
	resolveEnvironment(): Promise<ResolvedEnvironment>;
	session(env: ResolvedEnvironment): Promise<ToolSession>;
	readonly secrets: SecretStore;
	prompts(): UserPrompts;
	picker(): QuickPicker;
	readonly log: vscode.LogOutputChannel;
}

/** A format choice in the Copy MCP Server Config picker. */
export interface McpFormItem extends vscode.QuickPickItem {
	readonly form: McpConfigForm;
}

const FORM_ITEMS: readonly McpFormItem[] = [
	{
		label: '$(vscode) VS Code (mcp.json)',
		detail: 'For .vscode/mcp.json or your user mcp.json. VS Code asks for the API key when the server starts and keeps it in its secret storage.',
		form: 'vscode',
	},
	{
		label: '$(json) Other MCP clients (mcpServers)',
		detail: 'For Claude Desktop, Cursor and other clients. Replace the placeholder with your Composio API key in that client.',
		form: 'generic',
	},
];

/**
 * Copy MCP Server Config: puts a config for the current session's MCP server (`session.mcp.url`)
 * on the clipboard, in the form the user picks (or `form`). The API key is never in it; the
 * text is checked for the key and every header value before it is copied. Resolves to the text
 * copied, or undefined when cancelled or failed (the failure is shown).
 */
export async function copyMcpConfig(deps: McpDeps, form?: unknown): Promise<string | undefined> {
	try {
		const env = await deps.resolveEnvironment();
		if (env.missing === 'composioKey') {
			throw new ComposioError('auth', 'Set your Composio API key first: the MCP server belongs to your Composio session.', { action: 'setComposioKey' });
		}
		const chosen =
			form === 'vscode' || form === 'generic'
				? form
				: (await deps.picker().pick(FORM_ITEMS, { title: 'Copy MCP Server Config', placeHolder: 'Which MCP client is it for?', matchOnDetail: true }))?.form;
		if (!chosen) {
			return undefined;
		}
		const session = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Composio: reading the MCP server…' }, () => deps.session(env));
		const text = buildMcpConfig({ url: session.mcp.url, headerNames: mcpHeaderNames(session.mcp.headers) }, chosen);
		const stored = await deps.secrets.get('composioApiKey');
		if (containsSecret(text, [env.composio.apiKey, stored, ...Object.values(session.mcp.headers)])) {
			// Only possible if the server put a credential into the URL: refuse rather than leak it.
			throw new ComposioError('server', 'The MCP URL Composio returned contains a credential, so it was not copied.', { action: 'openLogs', detail: 'mcp url holds a secret' });
		}
		await vscode.env.clipboard.writeText(text);
		const where = chosen === 'vscode' ? 'Paste it into .vscode/mcp.json; VS Code asks for your Composio API key when the server starts.' : "Paste it into your MCP client's config and replace the placeholder with your Composio API key.";
		const sandboxNote = env.mode === 'sandbox' ? ' In the sandbox the URL points at the local emulator, which serves no MCP: set a Composio API key for a server clients can use.' : '';
		void deps.prompts().info(`MCP server config copied (the key is not in it). ${where}${sandboxNote}`);
		return text;
	} catch (e) {
		await showError(e, 'Could not copy the MCP server config', { prompts: deps.prompts(), log: deps.log, retry: () => copyMcpConfig(deps, form) });
		return undefined;
	}
}

/** The parts of the MCP provider API used here (stable in VS Code 1.101, proposed in 1.100); absent from the 1.100 typings. */
export interface McpHttpServerDefinition {
	readonly label: string;
	readonly uri: vscode.Uri;
	headers: Record<string, string>;
}

type McpHttpServerDefinitionCtor = new (label: string, uri: vscode.Uri, headers?: Record<string, string>, version?: string) => McpHttpServerDefinition;

/** What VS Code asks of an MCP server definition provider. */
export interface McpServerDefinitionProvider {
	readonly onDidChangeMcpServerDefinitions: vscode.Event<void>;
	provideMcpServerDefinitions(token?: vscode.CancellationToken): Promise<McpHttpServerDefinition[]>;
	resolveMcpServerDefinition(server: McpHttpServerDefinition, token?: vscode.CancellationToken): Promise<McpHttpServerDefinition | undefined>;
}

interface McpLanguageModelApi {
	registerMcpServerDefinitionProvider(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
}

/** The MCP provider API of this VS Code, or undefined where it has none. */
export function mcpProviderApi(): { register: McpLanguageModelApi['registerMcpServerDefinitionProvider']; Definition: McpHttpServerDefinitionCtor } | undefined {
	const lm = vscode.lm as unknown as Partial<McpLanguageModelApi> | undefined;
	const Definition = (vscode as unknown as { McpHttpServerDefinition?: McpHttpServerDefinitionCtor }).McpHttpServerDefinition;
	if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') {
		return undefined;
	}
	return { register: lm.registerMcpServerDefinitionProvider.bind(lm), Definition };
}

/**
 * The provider that offers the session's MCP server to VS Code's own agent: one HTTP server in
 * live mode with a key, none in the sandbox (the emulator serves no MCP). The definition carries
 * no key; `resolveMcpServerDefinition`, called when VS Code starts the server, adds it. Undefined
 * where this VS Code has no MCP provider API. Dispose it with the returned disposable.
 */
export function createMcpServerProvider(deps: McpDeps, onDidChangeEnvironment: Event<void>): { provider: McpServerDefinitionProvider; dispose(): void } | undefined {
	const api = mcpProviderApi();
	if (!api) {
		return undefined;
	}
	const changed = new Emitter<void>();
	const envSub = onDidChangeEnvironment(() => changed.fire());
	let headerNames = mcpHeaderNames({});
	const provider: McpServerDefinitionProvider = {
		onDidChangeMcpServerDefinitions: (listener) => {
			const d = changed.event(() => {
				listener();
			});
			return new vscode.Disposable(() => d.dispose());
		},
		provideMcpServerDefinitions: async () => {
			try {
				// Checked first: resolving the sandbox environment would start its servers.
				if (await deps.isSandbox()) {
					return [];
				}
				const env = await deps.resolveEnvironment();
				if (env.missing === 'composioKey') {
					return [];
				}
				const session = await deps.session(env);
				headerNames = mcpHeaderNames(session.mcp.headers);
				return [new api.Definition('Composio', vscode.Uri.parse(session.mcp.url, true))];
			} catch (e) {
				deps.log.warn(`No MCP server offered to VS Code: ${e instanceof Error ? e.message : String(e)}`);
				return [];
			}
		},
		resolveMcpServerDefinition: async (server) => {
			const key = await deps.secrets.get('composioApiKey');
			if (!key) {
				return undefined;
			}
			server.headers = { ...server.headers, ...Object.fromEntries(headerNames.map((n) => [n, key])) };
			return server;
		},
	};
	return {
		provider,
		dispose: () => {
			envSub.dispose();
			changed.dispose();
		},
	};
}

/**
 * Registers the provider with VS Code where it can be (feature-detected; on VS Code 1.100 the API
 * is a proposal that installed extensions may not use, so a refusal is logged, not thrown).
 * Returns whether it was registered.
 */
export function registerMcpServerProvider(provider: McpServerDefinitionProvider, log: vscode.LogOutputChannel): vscode.Disposable | undefined {
	const api = mcpProviderApi();
	if (!api) {
		log.info('This VS Code has no MCP server definition provider API; Copy MCP Server Config still works.');
		return undefined;
	}
	try {
		const registration = api.register(MCP_PROVIDER_ID, provider);
		log.info('Offered the Composio MCP server to VS Code.');
		return registration;
	} catch (e) {
		log.info(`VS Code did not accept the MCP server provider (${e instanceof Error ? e.message : String(e)}); Copy MCP Server Config still works.`);
		return undefined;
	}
}
