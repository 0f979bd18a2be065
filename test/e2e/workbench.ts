/**
 * Helpers for browser tests: a real VS Code (code-server; the one `COMPOSIO_EDITOR` names, else
 * the current one) with this extension installed, driven by Debian's chromium through playwright-core.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { type BrowserSession, launchBrowser } from '../editor/browser';
import { type CodeServer, installedEditor, repoRoot, startCodeServer, workbenchUrl } from '../editor/codeServer';
import { installScriptedModels, SCRIPTED_MODELS_EXTENSION_ID } from '../editor/scriptedModelsExtension';
import { TestSandbox } from '../shared/sandbox';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { TestScriptedModel } from '../shared/testScriptedModel';
import { until } from '../shared/until';

/** Where screenshots go (gitignored): one folder per VS Code version, e.g. test-results/vscode-1.139.1/. */
export function resultsDir(): string {
	return join(repoRoot, 'test-results', `vscode-${installedEditor().vscodeVersion}`);
}

export interface Workbench {
	readonly server: CodeServer;
	readonly browser: BrowserSession;
	readonly page: Page;
	readonly folder: string;
	/** URLs the workbench asked the browser to open (vscode.env.openExternal), in order. */
	readonly openedUrls: string[];
	/** The sandbox servers, when the test runs them itself (`ownSandbox`): faults, pace and state are the test's to set. */
	readonly emulator?: TestComposioEmulator;
	readonly model?: TestScriptedModel;
	/** The scripted model behind the test-only VS Code language models (`vscodeModels`). */
	readonly vscodeModel?: TestScriptedModel;
	close(): Promise<void>;
}

export interface WorkbenchOptions {
	colorScheme?: 'light' | 'dark';
	/** A colour theme by its settings id (e.g. 'Default High Contrast'); default the scheme's Modern theme. */
	theme?: string;
	settings?: Record<string, unknown>;
	env?: NodeJS.ProcessEnv;
	files?: Record<string, string>;
	/**
	 * Run the Composio emulator and the scripted model in this process and point the extension
	 * at them, instead of letting the extension start its own: the test can then pace the model,
	 * inject faults and drive Connect Links. Connect Links are on 127.0.0.1, as the extension's
	 * own sandbox makes them: the extension opens them through code-server's forwarding route.
	 */
	ownSandbox?: boolean;
	/**
	 * Install the test-only "Scripted Models" extension (VS Code 1.104 or later): its language
	 * models answer through a scripted model server run in this process (`vscodeModel`). With
	 * `consent`, VS Code asks before Composio Agent may use them.
	 */
	vscodeModels?: { readonly consent?: boolean };
	/**
	 * Live mode against an emulator run in this process: a Composio key (from the environment,
	 * as a user's would be) and `composio.baseUrl` pointing at it, the sandbox off, and no
	 * OpenAI key.
	 */
	liveComposio?: boolean;
	/** Install this folder (a copy of the extension) instead of the repository itself. */
	extensionFolder?: string;
	/** The display language (see `startCodeServer`'s `locale`). */
	locale?: string;
	/** The Composio view container's title in the activity bar, as the display language words it (default 'Composio'). */
	containerTitle?: string;
	/** Keep Workspace Trust on, so the folder opens in Restricted Mode (see `startCodeServer`). */
	workspaceTrust?: boolean;
}

/** Starts code-server and a browser, opens a fresh folder with the extension loaded, waits for the workbench. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
	const folder = mkdtempSync(join(tmpdir(), 'composio-e2e-ws-'));
	const files = options.files ?? { 'src/sample.ts': 'export function add(a: number, b: number): number {\n\treturn a + b;\n}\n' };
	for (const [name, content] of Object.entries(files)) {
		mkdirSync(join(folder, name, '..'), { recursive: true });
		writeFileSync(join(folder, name), content);
	}
	const theme = options.theme ?? (options.colorScheme === 'light' ? 'Default Light Modern' : 'Default Dark Modern');
	let emulator: TestComposioEmulator | undefined;
	let model: TestScriptedModel | undefined;
	let vscodeModel: TestScriptedModel | undefined;
	let sandboxEnv: NodeJS.ProcessEnv = {};
	let sandbox: TestSandbox | undefined;
	let liveEmulator: TestComposioEmulator | undefined;
	let liveSettings: Record<string, unknown> = {};
	if (options.ownSandbox) {
		sandbox = new TestSandbox();
		await sandbox.start();
		({ emulator, model } = sandbox);
		sandboxEnv = sandbox.env;
	} else if (options.liveComposio) {
		liveEmulator = new TestComposioEmulator();
		await liveEmulator.start();
		emulator = liveEmulator;
		sandboxEnv = { COMPOSIO_API_KEY: liveEmulator.apiKey, OPENAI_API_KEY: '' };
		liveSettings = { 'composio.sandbox': 'off', 'composio.baseUrl': liveEmulator.baseUrl };
	}
	if (options.vscodeModels) {
		vscodeModel = new TestScriptedModel();
		await vscodeModel.start();
		sandboxEnv = { ...sandboxEnv, COMPOSIO_TEST_LM_URL: vscodeModel.baseUrl, ...(options.vscodeModels.consent ? { COMPOSIO_TEST_LM_CONSENT: '1' } : {}) };
	}
	const vscodeModels = options.vscodeModels;
	const server = await startCodeServer({
		settings: { 'workbench.colorTheme': theme, ...liveSettings, ...options.settings },
		env: { ...sandboxEnv, ...options.env },
		installExtension: options.extensionFolder === undefined,
		...(options.extensionFolder ? { extraExtensions: [options.extensionFolder] } : {}),
		...(options.locale ? { locale: options.locale } : {}),
		...(options.workspaceTrust ? { workspaceTrust: true } : {}),
		...(vscodeModels
			? {
					prepareExtensions: (dir: string) => installScriptedModels(dir, { consent: vscodeModels.consent === true }),
					...(vscodeModels.consent ? { args: ['--enable-proposed-api', SCRIPTED_MODELS_EXTENSION_ID] } : {}),
				}
			: {}),
	});
	const browser = await launchBrowser({ colorScheme: options.colorScheme });
	const openedUrls: string[] = [];
	await browser.page.exposeFunction('__composioRecordOpen', (url: string) => openedUrls.push(url));
	// vscode.env.openExternal ends in window.open; record it instead of opening a tab.
	await browser.context.addInitScript(() => {
		const w = globalThis as unknown as { open: (url?: string | URL) => null; __composioRecordOpen: (u: string) => void };
		w.open = (url) => {
			w.__composioRecordOpen(String(url));
			return null;
		};
	});
	const page = browser.page;
	await page.goto(workbenchUrl(server, { folder, extensionDevelopment: false }));
	await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
	await page.waitForSelector(`.activitybar a[aria-label^="${options.containerTitle ?? 'Composio'}"]`, { timeout: 60_000 });
	return {
		server,
		browser,
		page,
		folder,
		openedUrls,
		...(emulator ? { emulator } : {}),
		...(model ? { model } : {}),
		...(vscodeModel ? { vscodeModel } : {}),
		async close() {
			await browser.close();
			await server.stop();
			await Promise.all([sandbox?.stop(), liveEmulator?.stop(), vscodeModel?.stop()]);
		},
	};
}

/** What `useWorkbench` opens: `openWorkbench`'s options, and what the suite's hooks do around it. */
export interface SuiteWorkbenchOptions extends WorkbenchOptions {
	/** Open the chat view once the workbench is up (default true); false when the suite opens it its own way, or later. */
	chat?: boolean;
	/** Why this editor cannot run the suite, or undefined: with a reason its tests are reported as pending (and nothing is opened). */
	skip?: () => string | undefined;
	/** Screenshot a failed test's workbench under this name (`screenshot`), from an `afterEach` hook. */
	failureScreenshot?: string;
	/** The `before` hook's timeout, when the suite's default is too short for what it opens. */
	timeoutMs?: number;
}

/** A describe's workbench (see `useWorkbench`): the `Workbench` it opened, and the chat view in it. */
export interface SuiteWorkbench extends Workbench {
	/** The chat webview's content frame (`chatFrame`): the same locator finds the view again after a reload. */
	readonly chat: FrameLocator;
}

/**
 * Registers the mocha hooks of a describe that drives one workbench: `before` opens it
 * (`openWorkbench`) and, unless `chat: false`, the chat view; `afterEach` screenshots a failed
 * test when `failureScreenshot` names one; `after` closes it. `options` may be a function, called
 * in `before`, for options that need something the suite starts first (a server's URL). Returns
 * the workbench, to be read in the suite's hooks and tests only (it throws before `before` ran).
 * The suite's own hooks, registered after this call, run after these.
 */
export function useWorkbench(options: SuiteWorkbenchOptions | (() => SuiteWorkbenchOptions | Promise<SuiteWorkbenchOptions>) = {}): SuiteWorkbench {
	let opened: Workbench | undefined;
	let failureScreenshot: string | undefined;
	const wb = (): Workbench => {
		if (!opened) {
			throw new Error('useWorkbench: the workbench is opened in the suite\'s before hook; read it in hooks and tests only');
		}
		return opened;
	};
	before(async function () {
		const { chat, skip, failureScreenshot: failure, timeoutMs, ...open } = typeof options === 'function' ? await options() : options;
		if (timeoutMs !== undefined) {
			this.timeout(timeoutMs);
		}
		const reason = skip?.();
		if (reason !== undefined) {
			console.log(`      (${reason}: not run)`);
			this.skip();
		}
		failureScreenshot = failure;
		opened = await openWorkbench(open);
		if (chat !== false) {
			await openChat(opened.page);
		}
	});
	afterEach(async function () {
		if (this.currentTest?.state === 'failed' && opened && failureScreenshot) {
			await screenshot(opened.page, failureScreenshot).catch(() => undefined);
		}
	});
	after(async () => {
		await opened?.close();
	});
	return {
		get server() {
			return wb().server;
		},
		get browser() {
			return wb().browser;
		},
		get page() {
			return wb().page;
		},
		get folder() {
			return wb().folder;
		},
		get openedUrls() {
			return wb().openedUrls;
		},
		get emulator() {
			return wb().emulator;
		},
		get model() {
			return wb().model;
		},
		get vscodeModel() {
			return wb().vscodeModel;
		},
		get chat() {
			return chatFrame(wb().page);
		},
		close: () => wb().close(),
	};
}

/**
 * For `useWorkbench`'s `skip`: why this editor cannot run a suite that needs the language model
 * provider API (VS Code 1.104 or later) for its scripted models, or undefined.
 */
export function noModelProviderApi(): string | undefined {
	const version = installedEditor().vscodeVersion;
	const [major = 0, minor = 0] = version.split('.').map(Number);
	return major < 1 || (major === 1 && minor < 104) ? `VS Code ${version} has no language model provider API` : undefined;
}

/** Opens the Composio view container and returns the chat webview's content frame. */
export async function openChat(page: Page): Promise<FrameLocator> {
	const frame = chatFrame(page);
	const input = frame.getByRole('textbox', { name: 'Message' });
	if (await input.isVisible().catch(() => false)) {
		return frame;
	}
	// The activity-bar item toggles the sidebar, and after a reload it does not always say
	// whether it is expanded: the command only ever reveals the chat.
	try {
		await runCommand(page, 'Composio: Open Chat');
		await input.waitFor({ timeout: 30_000 });
	} catch {
		// The palette may not know the command yet on a slow start: the activity bar reveals it too.
		await page.keyboard.press('Escape');
		await page.locator('.activitybar a[aria-label^="Composio"]').click();
		await input.waitFor({ timeout: 60_000 });
	}
	return frame;
}

/** The chat webview's content, two iframes deep. */
export function chatFrame(page: Page): FrameLocator {
	return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Runs a command through the command palette by its full label ("Composio: Set Composio API Key"). */
export async function runCommand(page: Page, label: string): Promise<void> {
	for (let attempt = 0; attempt < 5; attempt++) {
		await page.keyboard.press('F1');
		const input = page.locator('.quick-input-widget input');
		const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
		try {
			// The palette can close again before it is typed into (focus moving to a view or a
			// notification that just appeared on a loaded machine): then open it again.
			await input.waitFor({ timeout: 10_000 });
			await input.fill(`>${label}`, { timeout: 10_000 });
			// Right after load the palette may not know the extension's commands yet.
			await row.waitFor({ timeout: 5_000 });
			await page.keyboard.press('Enter');
			return;
		} catch {
			await page.keyboard.press('Escape');
		}
	}
	throw new Error(`Command not found in the palette: ${label}`);
}

/**
 * The user completes the hosted Connect page in their browser: `click` opens a Connect Link
 * (recorded in `wb.openedUrls`, as `vscode.env.openExternal` would hand it to the browser); the
 * page is loaded in a new tab, signed in as `identity` when one is given (the page's default
 * otherwise), authorized, captured as `screenshotName` once it says connected, and closed.
 * Returns the URL that was opened.
 */
export async function authorizeOpenedLink(wb: Workbench, click: () => Promise<void>, options: { identity?: string; screenshotName?: string } = {}): Promise<string> {
	const before = wb.openedUrls.length;
	await click();
	await until(() => wb.openedUrls.length > before, 'the Connect Link to be opened');
	const opened = wb.openedUrls[wb.openedUrls.length - 1]!;
	const page = await wb.browser.context.newPage();
	try {
		await page.goto(opened);
		if (options.identity !== undefined) {
			await page.getByLabel(/Sign in as/).fill(options.identity);
		}
		await page.getByRole('button', { name: 'Authorize' }).click();
		await page.getByText(/connected/i).first().waitFor();
		if (options.screenshotName) {
			await screenshot(page, options.screenshotName);
		}
	} finally {
		await page.close();
	}
	return opened;
}

/** Types into the workbench's open input box once its title reads `title`, and presses Enter; `password`: it must be a password box. */
export async function answerInputBox(page: Page, title: string, text: string, password = false): Promise<void> {
	await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
	const box = page.locator('.quick-input-widget input');
	await until(async () => ((await box.getAttribute('type')) === 'password') === password, `the box for ${title} to be ${password ? '' : 'not '}a password box`);
	await box.fill(text);
	await page.keyboard.press('Enter');
}

/** Where the README's pictures live; the browser tests on the current VS Code write them, so they never go stale. */
export const PUBLISHED_SCREENSHOTS_DIR = join(repoRoot, 'media', 'screenshots');

/**
 * Saves a screenshot of the whole workbench under `resultsDir()`. With `publish`, on the current
 * VS Code it is also the README's picture of that name (in `PUBLISHED_SCREENSHOTS_DIR`).
 */
export async function screenshot(page: Page, name: string, options: { publish?: boolean } = {}): Promise<string> {
	mkdirSync(resultsDir(), { recursive: true });
	const path = join(resultsDir(), `${name}.png`);
	await page.screenshot({ path });
	if (options.publish && installedEditor().name === 'current') {
		mkdirSync(PUBLISHED_SCREENSHOTS_DIR, { recursive: true });
		copyFileSync(path, join(PUBLISHED_SCREENSHOTS_DIR, `${name}.png`));
	}
	return path;
}

/**
 * The id of the newest user message the chat view shows, or '' when it shows none. The view keeps
 * only the items near what is on screen in the page, so counting messages says nothing about a
 * long conversation; the newest item's id tells a new message from the last one.
 */
export async function lastUserMessageId(chat: FrameLocator): Promise<string> {
	const last = chat.locator('.message.user').last();
	return (await last.count()) > 0 ? await last.evaluate((el) => el.closest('[data-id]')?.getAttribute('data-id') ?? '') : '';
}

/** The assistant messages the chat view shows after the item `itemId` (a user message, a notice): this turn's answer, however many the view kept in the page before. */
export function answersAfter(chat: FrameLocator, itemId: string): Locator {
	return chat.locator(`[data-id="${itemId}"] ~ .message.assistant`);
}
