/**
 * The palette commands besides the connection ones, inside the real editor: chat commands,
 * editor-context prompts (selection, whole file, explorer files, templates), Copy MCP Server
 * Config (in the sandbox and live against an emulator with a distinctive key), and the
 * manifest's `when` clauses, menus, keybinding and walkthrough. The MCP server offered to VS Code
 * itself is tested in mcp.test.ts.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostToWebview } from '../../src/protocol/chatProtocol';
import type { EditorContext } from '../../src/protocol/transcript';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import type { TestApi } from '../../src/extension';
import type { Services } from '../../src/services';
import { CommandIds, CONNECTIONS_VIEW_ID } from '../../src/vscode/workbench/commandIds';
import { until } from '../shared/until';
import { activateExtension, answerWith, EXTENSION_ID, ScriptedPrompts } from './helpers';
import { ScriptedPicker } from './pickers';

interface MenuEntry {
	command?: string;
	submenu?: string;
	when?: string;
	group?: string;
}

interface Manifest {
	activationEvents: string[];
	contributes: {
		commands: { command: string; title: string; category: string; icon?: string }[];
		menus: Record<string, MenuEntry[]>;
		keybindings: { command: string; key: string; when?: string }[];
		views: Record<string, { id: string; name: string; type?: string }[]>;
		viewsWelcome: { view: string; contents: string; when?: string }[];
		walkthroughs: { id: string; steps: { id: string; description: string; media: Record<string, string>; completionEvents?: string[] }[] }[];
		configuration: { properties: Record<string, unknown> };
	};
}

function manifest(): Manifest {
	const ext = vscode.extensions.getExtension(EXTENSION_ID);
	assert.ok(ext);
	return ext.packageJSON as Manifest;
}

describe('Commands, editor prompts and MCP config in a real VS Code', function () {
	this.timeout(60_000);
	let api: TestApi;
	let services: Services;
	let posted: HostToWebview[];
	let folder: vscode.Uri;

	before(async () => {
		api = await activateExtension();
		services = api.services;
		await services.secrets.delete('composioApiKey');
		posted = [];
		services.chatView.onDidPostMessage((m) => posted.push(m));
		const root = vscode.workspace.workspaceFolders?.[0];
		assert.ok(root, 'the tests run in a folder');
		folder = root.uri;
	});

	afterEach(async () => {
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
	});

	describe('manifest', () => {
		it('gives every palette command a when clause where it would not make sense everywhere', () => {
			const palette = new Map(manifest().contributes.menus.commandPalette?.map((m) => [m.command, m.when]));
			assert.equal(palette.get(CommandIds.askAboutSelection), 'editorIsOpen');
			assert.equal(palette.get(CommandIds.runPromptOnSelection), 'editorIsOpen');
			assert.equal(palette.get(CommandIds.connectApp), '!composio.keyMissing');
			assert.equal(palette.get(CommandIds.copyMcpConfig), '!composio.keyMissing');
			assert.equal(palette.get(CommandIds.clearApiKeys), 'composio.hasStoredKey');
			for (const treeOnly of [CommandIds.reconnectAccount, CommandIds.lookUpIdentity, CommandIds.disableAccount, CommandIds.enableAccount, CommandIds.connectAnotherAccount, CommandIds.askAboutFile, CommandIds.runPromptOnFile]) {
				assert.equal(palette.get(treeOnly), 'false', `${treeOnly} needs an item, so it is not in the palette`);
			}
		});

		it('puts the tree actions inline, each only on the items it applies to', () => {
			const items = manifest().contributes.menus['view/item/context'] ?? [];
			const inline = items.filter((m) => m.group?.startsWith('inline'));
			const when = (command: string): string[] => inline.filter((m) => m.command === command).map((m) => m.when ?? '');
			assert.deepEqual(when(CommandIds.reconnectAccount), ['view == composio.connections && viewItem =~ /^account:(expired|failed|initiated|unknown)(:|$)/']);
			assert.deepEqual(when(CommandIds.disableAccount), ['view == composio.connections && viewItem =~ /^account:active(:|$)/']);
			assert.deepEqual(when(CommandIds.enableAccount), ['view == composio.connections && viewItem =~ /^account:disabled(:|$)/']);
			assert.deepEqual(when(CommandIds.lookUpIdentity), ['view == composio.connections && viewItem =~ /:identityFailed$/']);
			assert.deepEqual(when(CommandIds.connectAnotherAccount), ['view == composio.connections && viewItem == toolkit']);
			for (const entry of inline) {
				const command = manifest().contributes.commands.find((c) => c.command === entry.command);
				assert.match(command?.icon ?? '', /^\$\([\w-]+\)$/, `${entry.command} has a codicon for its inline button`);
			}
		});

		it('has the editor and explorer menus, the keybinding, the view, its welcome content and the walkthrough', () => {
			const m = manifest().contributes;
			assert.ok(m.menus['editor/context']?.some((e) => e.submenu === 'composio.editorContext'));
			assert.deepEqual(
				m.menus['composio.editorContext']?.map((e) => e.command),
				[CommandIds.askAboutSelection, CommandIds.runPromptOnSelection],
			);
			assert.deepEqual(
				m.menus['composio.explorerContext']?.map((e) => e.command),
				[CommandIds.askAboutFile, CommandIds.runPromptOnFile],
			);
			const key = m.keybindings.find((k) => k.command === CommandIds.askAboutSelection);
			assert.equal(key?.when, 'editorTextFocus');
			assert.ok(m.views.composio?.some((v) => v.id === CONNECTIONS_VIEW_ID && v.name === 'Connections'));
			assert.ok(m.viewsWelcome.some((w) => w.when === 'composio.keyMissing' && w.contents.includes('command:composio.setComposioApiKey')));
			assert.ok(m.viewsWelcome.some((w) => w.contents.includes('command:composio.connectApp')));
			const steps = m.walkthroughs[0]?.steps ?? [];
			assert.deepEqual(
				steps.map((s) => s.id),
				['keys', 'connect', 'ask', 'selection'],
			);
			for (const step of steps) {
				assert.match(step.description, /\n\[[^\]]+\]\(command:composio\.\w+\)/, `step ${step.id} has a button`);
			}
			assert.ok(!manifest().activationEvents.includes('*'));
		});
	});

	describe('chat commands', () => {
		it('Open Chat shows the chat; New Chat starts an empty conversation', async () => {
			await vscode.commands.executeCommand(CommandIds.openChat);
			await until(() => services.chatView.isReady, 'the chat view');
			const before = (await services.loadChat()).chat.current.id;
			await vscode.commands.executeCommand(CommandIds.newChat);
			assert.notEqual((await services.loadChat()).chat.current.id, before);
			assert.equal((await services.loadChat()).chat.current.items.length, 0);
			await until(() => posted.some((p) => p.type === 'focusComposer'), 'the composer to be focused');
		});

		it('Manage Connections shows the connections view', async () => {
			await vscode.commands.executeCommand(CommandIds.manageConnections);
			await until(() => services.connectionsView.treeView.visible, 'the connections view to be visible');
			assert.equal(services.connections.state.kind, 'loaded');
		});

		it('Show Logs shows the "Composio Agent" log', async () => {
			// (Get Started is checked in the browser suite, editorPrompts.test.ts: a window that loads
			// the extension for development, as this one does, may open another walkthrough for it:
			// VS Code 1.100 does.)
			// The log's document is output:<extension id>.Composio Agent (VS Code 1.100) or …Composio Agent.log (1.139).
			const isOurLog = (e: vscode.TextEditor): boolean => e.document.uri.scheme === 'output' && /Composio Agent(\.log)?$/.test(e.document.uri.path);
			await vscode.commands.executeCommand('workbench.action.closePanel');
			await until(() => !vscode.window.visibleTextEditors.some(isOurLog), 'the log to be hidden first');
			await vscode.commands.executeCommand(CommandIds.showLogs);
			await until(() => vscode.window.visibleTextEditors.some(isOurLog), 'the Composio Agent log to be shown');
		});
	});

	describe('editor-context prompts', () => {
		const sample = (): vscode.Uri => vscode.Uri.joinPath(folder, 'src', 'sample.ts');

		async function openSample(selection?: vscode.Selection): Promise<vscode.TextEditor> {
			const editor = await vscode.window.showTextDocument(sample());
			editor.selection = selection ?? new vscode.Selection(0, 0, 0, 0);
			return editor;
		}

		function addedContexts(from: number): EditorContext[] {
			return posted.slice(from).flatMap((m) => (m.type === 'addContext' ? [m.context] : []));
		}

		it('Ask About Selection attaches the selection as a chip (path, language, line range) and focuses the composer', async () => {
			await openSample(new vscode.Selection(0, 0, 1, 20));
			const from = posted.length;
			const attached = await vscode.commands.executeCommand<EditorContext[]>(CommandIds.askAboutSelection);
			const expected = { path: 'src/sample.ts', languageId: 'typescript', startLine: 1, endLine: 2, text: 'export function add(a: number, b: number): number {\n\treturn a + b;' };
			assert.deepEqual(attached, [expected]);
			await until(() => addedContexts(from).length === 1, 'the context to reach the webview');
			assert.deepEqual(addedContexts(from), [expected]);
			await until(() => posted.slice(from).some((m) => m.type === 'focusComposer'), 'the composer to be focused');
		});

		it('attaches the whole file when nothing is selected, and the editor menu passes the document', async () => {
			const editor = await openSample();
			const attached = await vscode.commands.executeCommand<EditorContext[]>(CommandIds.askAboutSelection, editor.document.uri);
			assert.deepEqual(attached, [{ path: 'src/sample.ts', languageId: 'typescript', text: editor.document.getText() }]);
		});

		it('Ask About File from the explorer attaches each chosen file whole', async () => {
			const readme = vscode.Uri.joinPath(folder, 'README.md');
			const attached = await vscode.commands.executeCommand<EditorContext[]>(CommandIds.askAboutFile, readme, [readme, sample()]);
			assert.deepEqual(
				attached?.map((c) => [c.path, c.languageId, c.startLine]),
				[
					['README.md', 'markdown', undefined],
					['src/sample.ts', 'typescript', undefined],
				],
			);
			assert.match(attached?.[0]?.text ?? '', /A workspace for the Composio Agent tests/);
		});

		it('Run Prompt on Selection… offers the composio.prompts templates and sends the chosen one with the selection at once', async () => {
			await openSample(new vscode.Selection(0, 0, 3, 0));
			const picker = new ScriptedPicker(['Explain this']);
			answerWith({ picker, prompts: new ScriptedPrompts([]) });
			const sent = await vscode.commands.executeCommand<string>(CommandIds.runPromptOnSelection);
			assert.equal(sent, 'Explain this code.');
			const labels = picker.shown[0]?.items.map((i) => i.label) ?? [];
			for (const label of ['Explain this', 'Create a GitHub issue from this', 'Post this to Slack', 'Email this to…', '$(edit) Write a prompt…']) {
				assert.ok(labels.includes(label), `${label} is offered (${labels.join(', ')})`);
			}
			assert.equal(picker.shown[0]?.title, 'Run Prompt on src/sample.ts:1-3');
			const items = (await services.loadChat()).chat.current.items;
			const user = items.filter((i) => i.kind === 'user').at(-1);
			assert.equal(user?.kind === 'user' ? user.text : '', 'Explain this code.');
			assert.deepEqual(user?.kind === 'user' ? user.context?.map((c) => [c.path, c.startLine, c.endLine]) : [], [['src/sample.ts', 1, 3]]);
			const answer = items.filter((i) => i.kind === 'assistant').at(-1);
			assert.match(answer?.kind === 'assistant' ? answer.text : '', /What this code does[\s\S]*`add`/, 'the sandbox model answered about the attached code');
		});

		it('asks a template’s ${input:…} questions first, and cancelling one sends nothing', async () => {
			await openSample(new vscode.Selection(0, 0, 2, 0));
			answerWith({ picker: new ScriptedPicker(['Email this to…']) });
			const prompts = new ScriptedPrompts([undefined]);
			answerWith({ prompts });
			const before = (await services.loadChat()).chat.current.items.length;
			assert.equal(await vscode.commands.executeCommand(CommandIds.runPromptOnSelection), undefined);
			assert.deepEqual(prompts.asked, ['Email this to…']);
			assert.equal((await services.loadChat()).chat.current.items.length, before, 'nothing was sent');
		});

		it('reads its templates from the composio.prompts setting', async () => {
			const config = vscode.workspace.getConfiguration('composio');
			await config.update('prompts', [{ label: 'Review', prompt: 'Review this code.' }, 'Plain string prompt'], vscode.ConfigurationTarget.Global);
			try {
				await openSample(new vscode.Selection(0, 0, 1, 0));
				const picker = new ScriptedPicker([undefined]);
				answerWith({ picker });
				await vscode.commands.executeCommand(CommandIds.runPromptOnSelection);
				assert.deepEqual(
					picker.shown[0]?.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => [i.label, i.detail]),
					[
						['Review', 'Review this code.'],
						['Plain string prompt', 'Plain string prompt'],
						['$(edit) Write a prompt…', undefined],
						['$(settings-gear) Edit prompt templates', undefined],
					],
				);
			} finally {
				await config.update('prompts', undefined, vscode.ConfigurationTarget.Global);
			}
		});
	});

	describe('Copy MCP Server Config', () => {
		interface VsCodeForm {
			inputs: { type: string; id: string; password: boolean }[];
			servers: Record<string, { type: string; url: string; headers: Record<string, string> }>;
		}

		it('copies the sandbox session’s MCP URL in the mcp.json form, the key an input variable', async () => {
			answerWith({ picker: new ScriptedPicker(['VS Code']) });
			const prompts = new ScriptedPrompts([]);
			answerWith({ prompts });
			await vscode.env.clipboard.writeText('');
			const text = await vscode.commands.executeCommand<string>(CommandIds.copyMcpConfig);
			assert.equal(await vscode.env.clipboard.readText(), text);
			const session = await services.session();
			const parsed = JSON.parse(text ?? '') as VsCodeForm;
			assert.equal(parsed.servers.composio?.url, session.mcp.url);
			assert.match(session.mcp.url, /^http:\/\/127\.0\.0\.1:\d+\/tool_router\/[^/]+\/mcp$/, 'the emulator returns its own MCP URL for the session');
			assert.deepEqual(parsed.servers.composio?.headers, { 'x-api-key': '${input:composio-api-key}' });
			assert.deepEqual(parsed.inputs, [{ type: 'promptString', id: 'composio-api-key', description: 'Composio API key', password: true }]);
			const env = await services.resolveEnvironment();
			assert.ok(!(text ?? '').includes(env.composio.apiKey), 'the sandbox key is not in it');
			assert.match(prompts.asked[0] ?? '', /points at the sandbox on this machine/, 'the notice says where the sandbox URL points');
		});

		it('live: never copies the API key, in either form, though the session’s own MCP headers hold it', async () => {
			const key = `ck_live_mcp_${Date.now()}_do_not_copy`;
			const emulator = new TestComposioEmulator({ apiKey: key });
			await emulator.start();
			const config = vscode.workspace.getConfiguration('composio');
			try {
				await config.update('baseUrl', emulator.baseUrl, vscode.ConfigurationTarget.Global);
				await services.secrets.set('composioApiKey', key);
				await until(async () => (await services.resolveEnvironment()).composio.baseUrl === emulator.baseUrl, 'live mode against the test emulator');
				const session = await services.session();
				assert.equal(session.mcp.headers['x-api-key'], key, 'the SDK hands the key out with the MCP endpoint, so the check below means something');
				for (const [choice, form] of [
					['VS Code', 'vscode'],
					['Other MCP clients', 'generic'],
				] as const) {
					answerWith({ picker: new ScriptedPicker([choice]), prompts: new ScriptedPrompts([]) });
					await vscode.env.clipboard.writeText('');
					const text = await vscode.commands.executeCommand<string>(CommandIds.copyMcpConfig);
					const clipboard = await vscode.env.clipboard.readText();
					assert.ok(text && clipboard === text, `${form}: copied`);
					assert.ok(!clipboard.includes(key), `${form}: the key is not on the clipboard`);
					assert.ok(clipboard.includes(session.mcp.url), `${form}: the session's MCP URL is`);
					if (form === 'generic') {
						assert.deepEqual((JSON.parse(clipboard) as { mcpServers: Record<string, { headers: Record<string, string> }> }).mcpServers.composio?.headers, {
							'x-api-key': '<YOUR_COMPOSIO_API_KEY>',
						});
					}
				}
				const asArgument = await vscode.commands.executeCommand<string>(CommandIds.copyMcpConfig, 'generic');
				assert.ok(asArgument && !asArgument.includes(key), 'a form passed as argument skips the picker');
			} finally {
				await services.secrets.delete('composioApiKey');
				await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
				await emulator.stop();
			}
		});

		it('without a key and with the sandbox off, it offers to set the key instead', async () => {
			const config = vscode.workspace.getConfiguration('composio');
			await config.update('sandbox', 'off', vscode.ConfigurationTarget.Global);
			try {
				const prompts = new ScriptedPrompts([]);
				answerWith({ prompts, picker: new ScriptedPicker(['VS Code']) });
				assert.equal(await vscode.commands.executeCommand(CommandIds.copyMcpConfig), undefined);
				assert.match(prompts.asked[0] ?? '', /Set your Composio API key first/);
			} finally {
				await config.update('sandbox', undefined, vscode.ConfigurationTarget.Global);
			}
		});
	});
});
