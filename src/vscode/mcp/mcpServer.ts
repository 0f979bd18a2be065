import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { asComponent } from '../../common/requestComponent';
import { Emitter, type Event } from '../../common/emitter';
import type { SecretStore } from '../../common/secrets';
import type { ToolSession } from '../../composio/toolSession';
import { ComposioError } from '../../composio/composioErrors';
import { isVersionAtLeast } from '../../common/version';
import { buildMcpConfig, containsSecret, MCP_PROVIDER_MIN_VERSION, type McpConfigForm, mcpHeaderNames } from '../../composio/mcpConfig';
import { MCP_PROVIDER_ID } from '../workbench/commandIds';
import type { ResolvedEnvironment } from '../settings/environment';
import { showError } from '../workbench/errorNotices';
import type { QuickPicker } from '../workbench/quickPicker';
import type { UserPrompts } from '../workbench/userPrompts';
import { inStatusBar } from '../workbench/progress';

/** What the MCP features need. */
export interface McpDeps {
	/** Cheap: whether the sandbox is in use, without starting it. */
	isSandbox(): Promise<boolean>;
	resolveEnvironment(): Promise<ResolvedEnvironment>;
	session(env: ResolvedEnvironment): Promise<ToolSession>;
	/** This workspace's Composio user id (cheap: no network). */
	userId(): Promise<string>;
	readonly secrets: SecretStore;
	readonly prompts: UserPrompts;
	readonly picker: QuickPicker;
	readonly log: vscode.LogOutputChannel;
}

/** A format choice in the Copy MCP Server Config picker. */
export interface McpFormItem extends vscode.QuickPickItem {
	readonly form: McpConfigForm;
}

function formItems(): McpFormItem[] {
	return [
		{
			label: `$(vscode) ${vscode.l10n.t('VS Code (mcp.json)')}`,
			detail: vscode.l10n.t('For .vscode/mcp.json or your user mcp.json. VS Code asks for the API key when the server starts and keeps it in its secret storage.'),
			form: 'vscode',
		},
		{
			label: `$(json) ${vscode.l10n.t('Other MCP clients (mcpServers)')}`,
			detail: vscode.l10n.t('For Claude Desktop, Cursor and other clients. Replace the placeholder with your Composio API key in that client.'),
			form: 'generic',
		},
	];
}

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
			throw new ComposioError('auth', vscode.l10n.t('Set your Composio API key first: the MCP server belongs to your Composio session.'), { action: 'setComposioKey' });
		}
		const chosen =
			form === 'vscode' || form === 'generic'
				? form
				: (await deps.picker.pick(formItems(), { title: vscode.l10n.t('Copy MCP Server Config'), placeHolder: vscode.l10n.t('Which MCP client is it for?'), matchOnDetail: true }))?.form;
		if (!chosen) {
			return undefined;
		}
		const session = await inStatusBar(vscode.l10n.t('Composio: reading the MCP server…'), () => deps.session(env));
		const text = buildMcpConfig({ url: session.mcp.url, headerNames: mcpHeaderNames(session.mcp.headers) }, chosen);
		const stored = await deps.secrets.get('composioApiKey');
		if (containsSecret(text, [env.composio.apiKey, stored, ...Object.values(session.mcp.headers)])) {
			// Only possible if the server put a credential into the URL: refuse rather than leak it.
			throw new ComposioError('server', vscode.l10n.t('The MCP URL Composio returned contains a credential, so it was not copied.'), { action: 'openLogs', detail: 'mcp url holds a secret' });
		}
		await vscode.env.clipboard.writeText(text);
		const where =
			chosen === 'vscode'
				? vscode.l10n.t('Paste it into .vscode/mcp.json; VS Code asks for your Composio API key when the server starts.')
				: vscode.l10n.t("Paste it into your MCP client's config and replace the placeholder with your Composio API key.");
		const sandboxNote = env.mode === 'sandbox' ? ` ${vscode.l10n.t('It points at the sandbox on this machine, which answers while this VS Code runs (its API key is "sandbox").')}` : '';
		void deps.prompts.info(`${vscode.l10n.t('MCP server config copied (the key is not in it).')} ${where}${sandboxNote}`);
		return text;
	} catch (e) {
		await showError(e, vscode.l10n.t('Could not copy the MCP server config'), { prompts: deps.prompts, log: deps.log, retry: () => copyMcpConfig(deps, form) });
		return undefined;
	}
}

/**
 * The parts of the MCP server definition provider API used here. Declared here because the
 * typings stay at the 1.100 floor (`engines.vscode`), where the API is a proposal that installed
 * extensions may not use; it is stable from 1.101.
 */
export interface McpHttpServerDefinition {
	readonly label: string;
	/** Where VS Code connects; `resolveMcpServerDefinition` may replace it. */
	uri: vscode.Uri;
	headers: Record<string, string>;
	/** When it changes, VS Code drops the tools it cached for the server. */
	version?: string;
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

/** Whether this VS Code lets the extension provide MCP servers, and why not. */
export type McpProviderSupport =
	| { readonly kind: 'supported'; readonly register: McpLanguageModelApi['registerMcpServerDefinitionProvider']; readonly Definition: McpHttpServerDefinitionCtor }
	| { readonly kind: 'tooOld' }
	| { readonly kind: 'absent' };

/**
 * Feature-detects the MCP provider API: 'tooOld' before VS Code 1.101 (where the function may
 * exist as a proposal but throws in an installed extension), 'absent' where it is missing.
 */
export function mcpProviderSupport(version: string = vscode.version): McpProviderSupport {
	if (!isVersionAtLeast(version, MCP_PROVIDER_MIN_VERSION)) {
		return { kind: 'tooOld' };
	}
	const lm = vscode.lm as unknown as Partial<McpLanguageModelApi> | undefined;
	const Definition = (vscode as unknown as { McpHttpServerDefinition?: McpHttpServerDefinitionCtor }).McpHttpServerDefinition;
	if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') {
		return { kind: 'absent' };
	}
	return { kind: 'supported', register: lm.registerMcpServerDefinitionProvider.bind(lm), Definition };
}

/** Where the listed definition points before VS Code starts the server (the sandbox's port is known only once it runs). */
const SANDBOX_PLACEHOLDER_URL = 'http://127.0.0.1/';

/**
 * The provider that offers the session's MCP server to VS Code's own agent, as "Composio": on
 * the sandbox (whose emulator serves MCP at the session's `mcp.url`) and in live mode with a key;
 * none while a key is missing. Listing it costs nothing: no session is created and the sandbox is
 * not started. `resolveMcpServerDefinition`, called only when VS Code starts the server, creates
 * the session, points the definition at its `mcp.url` and adds the key header; the key exists
 * nowhere else (not in the listed definition, `mcp.json` or settings). Resolving throws, with a
 * sentence for the user, when the key is missing or Composio cannot be reached.
 */
export function createMcpServerProvider(
	deps: McpDeps,
	Definition: McpHttpServerDefinitionCtor,
	onDidChange: readonly Event<unknown>[],
): { provider: McpServerDefinitionProvider; dispose(): void } {
	const changed = new Emitter<void>();
	const subscriptions = onDidChange.map((event) => event(() => changed.fire()));
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
				const sandbox = await deps.isSandbox();
				const env = sandbox ? undefined : await deps.resolveEnvironment();
				if (env?.missing === 'composioKey') {
					return [];
				}
				const where = env ? env.composio.baseUrl : SANDBOX_PLACEHOLDER_URL;
				const version = createHash('sha256').update(`${sandbox ? 'sandbox' : 'live'}\n${where}\n${await deps.userId()}`).digest('hex').slice(0, 12);
				return [new Definition('Composio', vscode.Uri.parse(where, true), {}, version)];
			} catch (e) {
				deps.log.warn(`No MCP server offered to VS Code: ${e instanceof Error ? e.message : String(e)}`);
				return [];
			}
		},
		resolveMcpServerDefinition: (server) => asComponent('mcp', () => resolve(server)),
	};
	/** Opens the session VS Code connects to (when it starts the server). */
	const resolve = async (server: McpHttpServerDefinition): Promise<McpHttpServerDefinition> => {
		try {
			const env = await deps.resolveEnvironment();
			if (env.missing === 'composioKey') {
				throw new ComposioError('auth', vscode.l10n.t('Set your Composio API key (Composio: Set Composio API Key) to start the Composio MCP server.'), { action: 'setComposioKey' });
			}
			const session = await deps.session(env);
			server.uri = vscode.Uri.parse(session.mcp.url, true);
			server.headers = Object.fromEntries(mcpHeaderNames(session.mcp.headers).map((name) => [name, env.composio.apiKey]));
			deps.log.info(`VS Code is starting the Composio MCP server (${env.mode === 'sandbox' ? 'sandbox' : 'live'}): ${session.mcp.url}`);
			return server;
		} catch (e) {
			const message = e instanceof ComposioError ? e.message : vscode.l10n.t('Could not start the Composio MCP server: {0}', e instanceof Error ? e.message : String(e));
			deps.log.warn(`Starting the Composio MCP server failed: ${message}`);
			throw new Error(message);
		}
	};
	return {
		provider,
		dispose: () => {
			for (const s of subscriptions) {
				s.dispose();
			}
			changed.dispose();
		},
	};
}

/** What `offerMcpServer` did, for the log and the in-editor tests. */
export type McpOfferState = 'registered' | 'tooOld' | 'absent' | 'refused';

/**
 * Offers the Composio MCP server to VS Code where it can (feature-detected, see
 * `mcpProviderSupport`) and says in the log, once, when it cannot: Copy MCP Server Config works
 * everywhere. Dispose the result to withdraw the offer.
 */
export function offerMcpServer(
	deps: McpDeps,
	onDidChange: readonly Event<unknown>[],
	version: string = vscode.version,
): { readonly state: McpOfferState; readonly provider?: McpServerDefinitionProvider; dispose(): void } {
	const support = mcpProviderSupport(version);
	if (support.kind === 'tooOld') {
		deps.log.info(`VS Code ${version} is too old to offer the Composio MCP server to its agent (that needs VS Code 1.101 or newer); Copy MCP Server Config still works.`);
		return { state: 'tooOld', dispose: () => undefined };
	}
	if (support.kind === 'absent') {
		deps.log.info(`This VS Code (${version}) has no API for extensions to offer MCP servers; Copy MCP Server Config still works.`);
		return { state: 'absent', dispose: () => undefined };
	}
	const mcp = createMcpServerProvider(deps, support.Definition, onDidChange);
	try {
		const registration = support.register(MCP_PROVIDER_ID, mcp.provider);
		deps.log.info('Offered the Composio MCP server to VS Code.');
		return {
			state: 'registered',
			provider: mcp.provider,
			dispose: () => {
				registration.dispose();
				mcp.dispose();
			},
		};
	} catch (e) {
		mcp.dispose();
		deps.log.warn(`VS Code did not accept the Composio MCP server (${e instanceof Error ? e.message : String(e)}); Copy MCP Server Config still works.`);
		return { state: 'refused', dispose: () => undefined };
	}
}
