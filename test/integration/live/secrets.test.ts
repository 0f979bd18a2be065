/**
 * The API keys never travel, checked inside the real extension host: both keys are set through
 * their commands (the real SecretStorage), the extension runs live against a local emulator
 * and scripted model that demand those exact keys, turns fail with each kind of auth error and
 * then succeed, the connections view loads and fails, and the MCP config is copied. Then no key,
 * right or wrong, is in the settings files, anything the extension stored, the "Composio Agent"
 * log (its file, and every line handed to it at any level), any message posted to the chat view,
 * any error or notice shown, the conversation, the connections state or the status bar, or the
 * MCP config and the clipboard.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { SCRIPTED_MODEL, TestSandbox } from '../../shared/sandbox';
import { CommandIds } from '../../../src/vscode/workbench/commandIds';
import type { UserPrompts } from '../../../src/vscode/workbench/userPrompts';
import { recordConnections, type ConnectionRecorder } from '../../shared/connectionRecorder';
import { submitConnectPage } from '../../shared/connectPage';
import { until } from '../../shared/until';
import { activateExtension, answerWith } from '../helpers';

const hex = (n: number): string => randomBytes(n).toString('hex');
/** Realistic Composio keys; OpenAI-compatible servers take any string, so these do not look like keys at all. */
const COMPOSIO_KEY = `ak_${hex(12)}`;
const WRONG_COMPOSIO_KEY = `ak_${hex(12)}`;
const OPENAI_KEY = `proxy${hex(14)}`;
const WRONG_OPENAI_KEY = `proxy${hex(14)}`;
const KEYS = [COMPOSIO_KEY, WRONG_COMPOSIO_KEY, OPENAI_KEY, WRONG_OPENAI_KEY];

/** Which key a text holds, if any. */
function leaked(text: string): string | undefined {
	const key = KEYS.find((k) => text.includes(k));
	return key === undefined ? undefined : key === COMPOSIO_KEY ? 'the Composio key' : key === WRONG_COMPOSIO_KEY ? 'the wrong Composio key' : key === OPENAI_KEY ? 'the OpenAI key' : 'the wrong OpenAI key';
}

function assertNoKey(text: string, where: string): void {
	const which = leaked(text);
	assert.equal(which, undefined, `${where} holds ${which ?? ''}`);
}

/** Answers input boxes from a queue and records every message shown to the user. */
class RecordingPrompts implements UserPrompts {
	readonly shown: string[] = [];
	readonly answers: string[] = [];
	inputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
		this.shown.push(`${options.title ?? ''} ${options.prompt ?? ''} ${options.placeHolder ?? ''}`);
		return Promise.resolve(this.answers.shift());
	}
	confirm(message: string, detail: string, ...items: string[]): Promise<string | undefined> {
		this.shown.push(`${message} ${detail} ${items.join(' ')}`);
		return Promise.resolve(undefined);
	}
	info(message: string, ...items: string[]): Promise<string | undefined> {
		this.shown.push(`${message} ${items.join(' ')}`);
		return Promise.resolve(undefined);
	}
	error(message: string, ...items: string[]): Promise<string | undefined> {
		this.shown.push(`${message} ${items.join(' ')}`);
		return Promise.resolve(undefined);
	}
}

function filesUnder(dir: string | undefined): string[] {
	if (!dir || !existsSync(dir)) {
		return [];
	}
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		return statSync(p).isDirectory() ? filesUnder(p) : [p];
	});
}

describe('Secrets never travel (real extension host, live mode against a local emulator and model)', function () {
	this.timeout(120_000);

	let api: TestApi;
	const sandbox = new TestSandbox({ emulator: { apiKey: COMPOSIO_KEY }, model: { requireKey: OPENAI_KEY, chunkDelayMs: 1 } });
	const { emulator, model } = sandbox;
	const prompts = new RecordingPrompts();
	const posted: string[] = [];
	const logged: string[] = [];
	const disposables: vscode.Disposable[] = [];
	let answering: vscode.Disposable | undefined;
	let restoreLog: (() => void) | undefined;
	let connections: ConnectionRecorder | undefined;

	const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('composio');

	/** Sets a key the way a user does: the command, its input box, the secret store. */
	async function setKey(command: string, value: string): Promise<void> {
		prompts.answers.push(value);
		assert.equal(await vscode.commands.executeCommand<boolean>(command), true, `${command} stored the key`);
	}

	/** Sends a message as the chat view does and resolves when its turn has ended. */
	async function turn(text: string): Promise<void> {
		const { controller, chat } = await api.services.loadChat();
		await controller.send(text);
		await chat.idle();
	}

	async function lastNotice(): Promise<{ text: string; action?: string } | undefined> {
		const notice = [...(await api.services.loadChat()).chat.current.items].reverse().find((i) => i.kind === 'notice');
		return notice?.kind === 'notice' ? { text: notice.text, ...(notice.action ? { action: notice.action } : {}) } : undefined;
	}

	before(async () => {
		connections = recordConnections();
		api = await activateExtension();
		const { services } = api;
		await sandbox.start();
		answering = answerWith({ prompts });
		disposables.push(services.chatView.onDidPostMessage((m) => posted.push(JSON.stringify(m))));
		// Every line handed to the log at any level, whatever level the channel writes.
		const log = services.log as unknown as Record<string, unknown>;
		const names = ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine'] as const;
		const originals = new Map<string, unknown>();
		for (const name of names) {
			const original = log[name];
			if (typeof original === 'function') {
				originals.set(name, original);
				log[name] = (...args: unknown[]): unknown => {
					logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : String(a))).join(' '));
					return (original as (...a: unknown[]) => unknown).apply(services.log, args);
				};
			}
		}
		restoreLog = () => {
			for (const [name, original] of originals) {
				log[name] = original;
			}
		};
		await config().update('baseUrl', emulator.baseUrl, vscode.ConfigurationTarget.Global);
		await config().update('openai.baseUrl', model.baseUrl, vscode.ConfigurationTarget.Global);
		await config().update('openai.model', SCRIPTED_MODEL, vscode.ConfigurationTarget.Global);
		await vscode.commands.executeCommand(CommandIds.openChat);
		await until(() => services.chatView.isReady, 'the chat view to be ready');
		await (await services.loadChat()).chat.newConversation();
	});

	after(async () => {
		const { services } = api;
		for (const d of disposables.splice(0)) {
			d.dispose();
		}
		restoreLog?.();
		connections?.dispose();
		answering?.dispose();
		await services.secrets.delete('composioApiKey');
		await services.secrets.delete('openAiApiKey');
		for (const key of ['baseUrl', 'openai.baseUrl', 'openai.model']) {
			await config().update(key, undefined, vscode.ConfigurationTarget.Global);
		}
		await (await services.loadChat()).chat.newConversation();
		await sandbox.stop();
	});

	it('sets both keys through their commands, into secret storage', async () => {
		const { services } = api;
		await setKey(CommandIds.setComposioApiKey, WRONG_COMPOSIO_KEY);
		await setKey(CommandIds.setOpenAiApiKey, OPENAI_KEY);
		assert.equal(await services.secrets.source('composioApiKey'), 'stored');
		assert.equal(await services.secrets.source('openAiApiKey'), 'stored');
		assert.equal(await services.environment.isSandbox(), false, 'live mode');
		const env = await services.resolveEnvironment();
		assert.equal(env.composio.baseUrl, emulator.baseUrl);
		assert.equal(env.missing, undefined);
	});

	it('a wrong Composio key: the turn ends with "Composio rejected the API key." and Set Composio API Key', async () => {
		await turn('Summarize my emails');
		assert.deepEqual(await lastNotice(), { text: 'Composio rejected the API key.', action: 'setComposioKey' });
		assert.ok(emulator.requests.length > 0, 'the emulator was asked (and refused the key)');
		// The connections view tries too, and fails the same way.
		await api.services.connections.refresh();
		assert.equal(api.services.connections.state.kind, 'error');
	});

	it('a wrong OpenAI key: the turn ends with the model provider rejecting it and Set OpenAI API Key', async () => {
		await setKey(CommandIds.setComposioApiKey, COMPOSIO_KEY);
		await setKey(CommandIds.setOpenAiApiKey, WRONG_OPENAI_KEY);
		await turn('What can you do?');
		assert.deepEqual(await lastNotice(), { text: 'The model provider rejected the API key. Set a valid OpenAI API key and try again.', action: 'setOpenAiKey' });
	});

	it('the right keys: a turn with tool calls succeeds', async () => {
		await setKey(CommandIds.setOpenAiApiKey, OPENAI_KEY);
		emulator.seedAccount(await api.services.userIds.get(), 'gmail');
		await turn('Summarize my emails');
		const items = (await api.services.loadChat()).chat.current.items;
		const last = items[items.length - 1];
		assert.ok(last?.kind === 'assistant' && /Inbox summary/.test(last.text), JSON.stringify(last));
		assert.ok(items.some((i) => i.kind === 'tool' && i.runs?.includes('GMAIL_FETCH_EMAILS') === true && i.status === 'done'));
		await api.services.connections.refresh();
		assert.equal(api.services.connections.state.kind, 'loaded');
	});

	it('Copy MCP Server Config copies no key, in either form', async () => {
		for (const form of ['vscode', 'generic']) {
			const text = await vscode.commands.executeCommand<string | undefined>(CommandIds.copyMcpConfig, form);
			assert.ok(text && text.includes(emulator.baseUrl), `the ${form} config names the session's MCP server: ${text ?? ''}`);
			assertNoKey(text, `the ${form} MCP config`);
			assertNoKey(await vscode.env.clipboard.readText(), 'the clipboard');
		}
	});

	it('nothing goes anywhere but the configured endpoints: every connection of the journey was to Composio\'s base URL or the model\'s', async () => {
		// The journey's last step: connecting GitHub, its Connect page completed as the browser would.
		const session = await api.services.session();
		const request = await session.authorize('github');
		const active = session.waitForConnection(request.accountId, { signal: new AbortController().signal, intervalMs: 100 });
		await submitConnectPage(request.redirectUrl, 'authorize');
		assert.deepEqual(await active, { status: 'ACTIVE' });
		await api.services.connections.refresh();

		const hostPort = (url: string): string => `${new URL(url).hostname}:${new URL(url).port}`;
		const live = [hostPort(emulator.baseUrl), hostPort(model.baseUrl)];
		// Before the first key was set the extension was on its sandbox, which runs in this very
		// process: its two servers are the configured endpoints then.
		const sandbox = await api.services.sandbox.endpoints();
		const allowed = [...live, hostPort(sandbox.composioBaseUrl), hostPort(sandbox.modelBaseUrl)];
		const targets = connections?.targets ?? [];
		for (const endpoint of live) {
			assert.ok(targets.includes(endpoint), `the recorder saw the connections to ${endpoint} (it saw: ${[...new Set(targets)].join(', ')})`);
		}
		const elsewhere = [...new Set(targets.filter((t) => !allowed.includes(t)))];
		assert.deepEqual(elsewhere, [], `connections to anywhere else, opened from:\n${elsewhere.map((t) => `${t}: ${connections?.firstStacks.get(t) ?? ''}`).join('\n')}`);
	});

	it('no key anywhere: settings, storage, the log, the chat view, notices, the conversation, connections, status bar', async () => {
		const { services } = api;
		const context = services.context;
		await (await services.loadChat()).chat.idle();

		// Settings files and everything the extension stored.
		const userSettings = join(context.globalStorageUri.fsPath, '..', '..', 'settings.json');
		const files = [userSettings, ...(vscode.workspace.workspaceFolders ?? []).map((f) => join(f.uri.fsPath, '.vscode', 'settings.json')), ...filesUnder(context.globalStorageUri.fsPath), ...filesUnder(context.storageUri?.fsPath)].filter((f) => existsSync(f));
		assert.ok(files.includes(userSettings), 'the user settings file exists (the test wrote settings)');
		assert.ok(files.some((f) => f.includes('conversations')), 'the conversations were saved');
		for (const file of files) {
			assertNoKey(readFileSync(file, 'utf8'), file);
		}
		assertNoKey(JSON.stringify(config()), 'the composio configuration');
		for (const key of context.globalState.keys()) {
			assertNoKey(JSON.stringify(context.globalState.get(key)), `globalState ${key}`);
		}
		for (const key of context.workspaceState.keys()) {
			assertNoKey(JSON.stringify(context.workspaceState.get(key)), `workspaceState ${key}`);
		}

		// The log: every line handed to it, and its file once a marker shows it is written out.
		assert.ok(logged.length > 10, `lines were logged (${logged.length})`);
		assert.ok(logged.some((l) => /rejected|401|Invalid API key/i.test(l)), 'the failures were logged');
		for (const line of logged) {
			assertNoKey(line, `the log line "${line.slice(0, 80)}"`);
		}
		const marker = `secrets-test-marker-${hex(4)}`;
		services.log.info(marker);
		const logFile = join(context.logUri.fsPath, 'Composio Agent.log');
		await until(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes(marker), 'the log file to be written', 20_000);
		assertNoKey(readFileSync(logFile, 'utf8'), 'the log file');

		// Everything the chat view was ever told (its saved state can only hold what it was told and what the user typed).
		assert.ok(posted.length > 10, `messages were posted to the view (${posted.length})`);
		assert.ok(posted.some((m) => m.includes('Composio rejected the API key.')), 'the view was told about the failure');
		for (const message of posted) {
			assertNoKey(message, 'a message to the chat view');
		}

		// Every error and notice shown, the conversation, the connections, the status bar.
		assert.ok(prompts.shown.some((s) => s.includes('secret storage')), 'the key commands confirmed');
		for (const text of prompts.shown) {
			assertNoKey(text, `the notice "${text.slice(0, 80)}"`);
		}
		assertNoKey(JSON.stringify((await services.loadChat()).chat.current), 'the conversation');
		assertNoKey(JSON.stringify(await (await services.loadChat()).chat.list()), 'the history');
		assertNoKey(JSON.stringify(services.connections.state), 'the connections state');
		assertNoKey(`${services.statusBar.item.text} ${JSON.stringify(services.statusBar.item.tooltip ?? '')}`, 'the status bar');
		assertNoKey(JSON.stringify(await services.config()), 'the configuration the view gets');
	});
});
