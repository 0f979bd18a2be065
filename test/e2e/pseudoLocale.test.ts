/**
 * Translations ready, shown in the real workbench: a copy of the extension gets pseudo-locale
 * translations made by `@vscode/l10n-dev generate-pseudo` from its own package.nls.json and
 * l10n/bundle.l10n.json (every letter accented, "Open Chat" → "ǾǾƥḗḗƞ Ƈħȧȧŧ"), and VS Code runs in
 * that display language (qps-ploc). The command palette, the chat view, the Connections view, a
 * notification and the status bar must then show the pseudo-locale wording: each expected
 * string is checked by name, and any English string of the extension's that still shows is a
 * failure naming it. VS Code's own strings stay English (the language pack translates none).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../editor/codeServer';
import { ENGLISH_CHAT_STRINGS } from '../../src/protocol/chatStrings';
import { until } from '../shared/until';
import { screenshot, useWorkbench } from './workbench';

const LOCALE = 'qps-ploc';

type Table = Record<string, string>;

/** The extension as VS Code installs it, plus pseudo-locale translations beside its own files. */
interface PseudoLocalizedExtension {
	readonly folder: string;
	/** English → pseudo-locale, for the strings in l10n/bundle.l10n.json. */
	readonly bundle: Table;
	/** package.nls.json key → English, and → pseudo-locale. */
	readonly nls: Table;
	readonly pseudoNls: Table;
}

/**
 * Copies the extension (its manifest, translations and built code; media and documents are
 * linked) and generates the pseudo-locale files beside its own. The code is copied, not linked:
 * VS Code knows which extension calls its API by where the calling module lies, so the code must
 * lie in the extension's folder for `vscode.l10n` to find this copy's translations.
 */
function pseudoLocalizedCopy(): PseudoLocalizedExtension {
	const folder = mkdtempSync(join(tmpdir(), 'composio-pseudo-ext-'));
	mkdirSync(join(folder, 'l10n'));
	for (const file of ['package.json', 'package.nls.json', join('l10n', 'bundle.l10n.json')]) {
		copyFileSync(join(repoRoot, file), join(folder, file));
	}
	cpSync(join(repoRoot, 'dist'), join(folder, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') });
	for (const entry of ['media', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
		symlinkSync(join(repoRoot, entry), join(folder, entry));
	}
	// Writes bundle.l10n.qps-ploc.json and package.nls.qps-ploc.json beside their English.
	execFileSync(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js'), 'generate-pseudo', '-l', LOCALE, join(folder, 'l10n', 'bundle.l10n.json'), join(folder, 'package.nls.json')], { stdio: 'pipe' });
	const read = (file: string): Table => JSON.parse(readFileSync(join(folder, file), 'utf8')) as Table;
	return { folder, bundle: read(join('l10n', `bundle.l10n.${LOCALE}.json`)), nls: read('package.nls.json'), pseudoNls: read(`package.nls.${LOCALE}.json`) };
}

/** A regular expression that matches a whole string worded by `template` (its `{n}` filled with anything). */
function templatePattern(template: string): RegExp {
	const parts = template.split(/\{\d+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`^${parts.join('[\\s\\S]+?')}$`);
}

/** The minimal DOM node shape the in-page walk uses (the test project has no DOM types). */
interface DomNode {
	readonly nodeType: number;
	readonly textContent: string | null;
	readonly childNodes: ArrayLike<DomNode>;
	getAttribute?(name: string): string | null;
	matches?(selector: string): boolean;
}

/**
 * What the user wrote, the model answered and the tools returned: data shown as it is, in
 * whatever language it came (the chat view's message bodies, code, tool arguments and results).
 */
const DATA = '.message-body, pre, code, .approval-args dd, .chip';

/**
 * The texts parts of the page show or say (every element `root` matches): text nodes,
 * aria-labels, titles and placeholders, leaving out what is data (`DATA`).
 */
async function shownTexts(root: Locator): Promise<string[]> {
	return root.evaluateAll((els: unknown[], data: string) => {
		const out: string[] = [];
		const walk = (node: DomNode): void => {
			if (node.nodeType === 1 && node.matches?.(data)) {
				return;
			}
			if (node.nodeType === 3) {
				const text = (node.textContent ?? '').trim();
				if (text) {
					out.push(text);
				}
				return;
			}
			if (node.nodeType === 1 && node.getAttribute) {
				for (const name of ['aria-label', 'title', 'placeholder']) {
					const value = node.getAttribute(name)?.trim();
					if (value) {
						out.push(value);
					}
				}
			}
			Array.from(node.childNodes).forEach(walk);
		};
		els.forEach((el) => walk(el as DomNode));
		return out;
	}, DATA);
}

describe('Pseudo-locale: the extension in another display language (browser) @floor', function () {
	let ext: PseudoLocalizedExtension;
	/** Every English string of the extension, as patterns, by its English. */
	let english: Array<{ readonly text: string; readonly pattern: RegExp }>;

	/** The pseudo-locale wording of an English string of the bundle; throws when the bundle has no such string. */
	const t = (text: string): string => {
		const pseudo = ext.bundle[text];
		assert.ok(pseudo, `"${text}" is in l10n/bundle.l10n.json`);
		return pseudo;
	};
	/** The pseudo-locale wording of a package.nls.json key. */
	const nls = (key: string): string => {
		const pseudo = ext.pseudoNls[key];
		assert.ok(pseudo, `${key} is in package.nls.json`);
		return pseudo;
	};

	/** Fails naming every English string of the extension among `texts`. */
	const assertNoEnglish = (texts: readonly string[], where: string): void => {
		const untranslated = [...new Set(texts.flatMap((shown) => english.filter((e) => e.pattern.test(shown)).map((e) => `"${e.text}" (shown as "${shown}")`)))];
		assert.deepEqual(untranslated, [], `English left in ${where}`);
	};

	/**
	 * Fails naming every expected pseudo-locale string missing from `texts`, by its English: a
	 * string, or the pseudo-locale wording of a template ("{0} connected") with any values in it.
	 */
	const assertShown = (texts: readonly string[], expected: ReadonlyArray<readonly [english: string, pseudo: string | RegExp]>, where: string): void => {
		const found = (pseudo: string | RegExp): boolean => texts.some((shown) => (typeof pseudo === 'string' ? shown.includes(pseudo) : pseudo.test(shown)));
		const missing = expected.filter(([, pseudo]) => !found(pseudo)).map(([text, pseudo]) => `"${text}" (expected ${String(pseudo)})`);
		assert.deepEqual(missing, [], `not shown translated in ${where}`);
	};
	/** The pseudo-locale wording of a template of the bundle, as a pattern for the whole shown string. */
	const tp = (template: string): RegExp => templatePattern(t(template));

	// The chat is opened by the first test, through the translated command.
	const wb = useWorkbench(() => {
		ext = pseudoLocalizedCopy();
		// Strings that are only placeholders and punctuation ("{0}: {1}") say nothing in any language.
		english = [...Object.keys(ext.bundle), ...Object.values(ext.nls)].filter((text) => /[A-Za-z]/.test(text.replace(/\{\d+\}/g, ''))).map((text) => ({ text, pattern: templatePattern(text) }));
		return { ownSandbox: true, extensionFolder: ext.folder, locale: LOCALE, containerTitle: nls('viewsContainers.composio.title'), chat: false, timeoutMs: 240_000 };
	});

	after(() => {
		if (ext) {
			rmSync(ext.folder, { recursive: true, force: true });
		}
	});

	/** Runs a command from the palette by its pseudo-locale label; resolves to the row's label (VS Code shows the English beside it). */
	async function runTranslatedCommand(page: Page, key: string): Promise<string> {
		const label = `${nls('commands.category')}: ${nls(key)}`;
		for (let attempt = 0; attempt < 5; attempt++) {
			await page.keyboard.press('F1');
			const input = page.locator('.quick-input-widget input');
			await input.waitFor();
			await input.fill(`>${label}`);
			const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
			try {
				await row.waitFor({ timeout: 5_000 });
				const shown = (await row.locator('.label-name').first().textContent()) ?? '';
				await page.keyboard.press('Enter');
				return shown;
			} catch {
				// Right after load the palette may not know the extension's commands yet.
				await page.keyboard.press('Escape');
			}
		}
		throw new Error(`Command not found in the palette by its translated title: ${label} (${ext.nls[key]})`);
	}

	it('a command title: the palette lists Open Chat in the pseudo-locale, and it runs', async () => {
		const { page } = wb;
		const label = await runTranslatedCommand(page, 'commands.openChat.title');
		assert.equal(label, `${nls('commands.category')}: ${nls('commands.openChat.title')}`, 'the palette labels the command with its translated category and title');
		assertNoEnglish([label, ...label.split(': ')], 'the command palette');
		await wb.chat.getByRole('textbox', { name: t(ENGLISH_CHAT_STRINGS.message) }).waitFor({ timeout: 60_000 });
	});

	it('the chat view: toolbar, sandbox banner, empty state, examples and composer come from the host translated', async () => {
		const app = wb.chat.locator('#app');
		await wb.chat.getByRole('note').filter({ hasText: t(ENGLISH_CHAT_STRINGS.sandboxBanner) }).waitFor({ timeout: 60_000 });
		// The model button shows the model the core names (agent/modelSelection.ts, through @vscode/l10n).
		await wb.chat.locator('.model-name', { hasText: t('Scripted model') }).waitFor({ timeout: 60_000 });
		const texts = await shownTexts(app);
		const s = ENGLISH_CHAT_STRINGS;
		const expected = [
			s.newChat,
			s.conversationHistory,
			s.chatToolbar,
			s.sandboxBanner,
			s.hideSandboxNote,
			s.setComposioKey,
			s.setOpenAiKey,
			s.emptyTitle,
			s.emptyText,
			s.examplePrompts,
			s.exampleEmails,
			s.exampleIssue,
			s.exampleSlack,
			s.exampleWhatCanYouDo,
			s.message,
			s.composerPlaceholder,
			s.send,
			s.sendTitle,
			s.nextMessageContext,
			s.hintIdle,
			'Scripted model',
		].map((text) => [text, t(text)] as const);
		assertShown(texts, expected, 'the chat view');
		assertNoEnglish(texts, 'the chat view');
		await wb.page.mouse.move(700, 450);
		await screenshot(wb.page, 'pseudo-locale-chat-empty');
	});

	let userId = '';

	it('a notification: Show User ID says it in the pseudo-locale, with translated buttons', async () => {
		const { page } = wb;
		await runTranslatedCommand(page, 'commands.showUserId.title');
		const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /vscode-[\w-]+/ }).first();
		await toast.waitFor({ timeout: 30_000 });
		const texts = await shownTexts(toast.locator('.notification-list-item-message, .notification-list-item-buttons-container'));
		const message = ((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim();
		userId = /vscode-[\w-]+/.exec(message)?.[0] ?? '';
		assert.ok(userId, 'the notification names the user id');
		const worded = t('Composio user id for this workspace: {0}');
		assert.equal(message, worded.replace('{0}', userId), 'the message is the translated sentence with the id in it');
		assertShown(texts, [['Copy', t('Copy')], ['Change…', t('Change…')]], 'the notification');
		assertNoEnglish(texts, 'the notification');
		// The toast slides in: the screenshot waits for it to settle.
		await toast.hover();
		await until(() => toast.evaluate((el: unknown) => (el as { getAnimations(o: { subtree: boolean }): unknown[] }).getAnimations({ subtree: true }).length === 0), 'the notification to settle');
		await screenshot(page, 'pseudo-locale-notification');
		await page.keyboard.press('Escape');
	});

	it('the Connections view: its title, its welcome, the tree (counts, states, who) and the status bar are translated', async () => {
		const { page } = wb;
		const emulator = wb.emulator;
		assert.ok(emulator && userId);
		const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: nls('views.connections.name') }) });
		await pane.locator('.pane-header').waitFor({ timeout: 30_000 });
		if ((await pane.locator('.pane-header').getAttribute('aria-expanded')) !== 'true') {
			await pane.locator('.pane-header').click();
		}
		// Nothing connected yet: the view's welcome content (package.nls.json) says what the sandbox is, with its buttons.
		// Each line is a sentence, or a button written as a link to a command.
		const key = 'viewsWelcome.connections.sandbox';
		const englishLines = (ext.nls[key] ?? '').split('\n');
		const welcome = nls(key)
			.split('\n')
			.map((line, i) => [englishLines[i] ?? '', /^\[(.+)\]\(command:[^)]+\)$/.exec(line)?.[1] ?? line] as const);
		assert.ok(welcome.length >= 3, 'the welcome has sentences and buttons');
		await pane.locator('.welcome-view-content', { hasText: welcome[0]?.[1] ?? '' }).waitFor({ timeout: 30_000 });
		const welcomeTexts = await shownTexts(pane.locator('.welcome-view-content'));
		assertShown(welcomeTexts, welcome, "the Connections view's welcome");
		assertNoEnglish(welcomeTexts, "the Connections view's welcome");
		// Two accounts, one of them expired, made in the emulator for this workspace's user.
		emulator.seedAccount(userId, 'gmail', 'work');
		const expired = emulator.seedAccount(userId, 'github');
		emulator.setAccountStatus(expired, 'EXPIRED');
		// The view lists the accounts when it is shown; the title bar's Refresh (its tooltip translated) reloads them.
		const refresh = pane.locator(`.pane-header .action-label[aria-label^="${nls('commands.refreshConnections.title')}"]`);
		await pane.locator('.pane-header').hover();
		await refresh.click();
		const rows = pane.locator('.monaco-list-row');
		await until(async () => (await rows.count()) >= 4, 'the two toolkits and their accounts in the tree', 60_000);
		await until(async () => (await pane.locator('.monaco-list-row .label-description', { hasText: t('Active') }).count()) > 0, 'the active account', 30_000);
		const header = await shownTexts(pane.locator('.pane-header .title, .pane-header .description'));
		assertShown(header, [[ext.nls['views.connections.name'] ?? '', nls('views.connections.name')], ['Sandbox', t('Sandbox')]], 'the Connections view header');
		const tree = await shownTexts(pane.locator('.monaco-list'));
		assertShown(
			tree,
			[
				['1 account', t('1 account')],
				['Active', t('Active')],
				['Needs attention: {0}', templatePattern(`${t('Needs attention: {0}')} · {1}`)],
				['Account {0}', tp('Account {0}')],
			],
			'the Connections tree',
		);
		assertNoEnglish(tree, 'the Connections tree');
		// The status bar item: words from the core layers (composio/connectionSummary.ts, through @vscode/l10n).
		const status = page.locator('.statusbar-item', { hasText: t('Composio Sandbox') });
		await until(async () => /\S/.test((await status.textContent()) ?? '') && ((await status.textContent()) ?? '').includes(t('1 needs attention')), 'the status bar to count the expired account', 30_000);
		// Its text and tooltip are sentences and phrases joined by ': ' and '. ' ("Composio Sandbox: 1 needs attention").
		const statusTexts = await shownTexts(status);
		assertNoEnglish(statusTexts.flatMap((text) => [text, ...text.split(/\s*[:.]\s+/)]), 'the status bar item');
		await page.mouse.move(700, 450);
		await screenshot(page, 'pseudo-locale-connections');
	});

	it('a turn in the chat: the Connect card, the approval card and the agent core\'s notices come out translated', async () => {
		const { page } = wb;
		const emulator = wb.emulator;
		assert.ok(emulator);
		// Room for the conversation: the sandbox note folds into its badge, the Connections view closes.
		await wb.chat.getByRole('button', { name: t(ENGLISH_CHAT_STRINGS.hideSandboxNote) }).click();
		await wb.chat.getByRole('button', { name: t(ENGLISH_CHAT_STRINGS.sandboxBadgeLabel) }).waitFor();
		const connections = page.locator('.pane-header', { hasText: nls('views.connections.name') });
		if ((await connections.getAttribute('aria-expanded')) === 'true') {
			await connections.click();
		}
		const input = wb.chat.getByRole('textbox', { name: t(ENGLISH_CHAT_STRINGS.message) });
		// What the user types is theirs (and the sandbox's scripted model reads English).
		await input.fill('Post "build is green" to #general on Slack');
		await input.press('Enter');
		const card = wb.chat.locator('.auth-card').first();
		await card.waitFor({ timeout: 60_000 });
		await card.getByRole('button', { name: t('Connect') }).waitFor();
		await card.getByRole('button', { name: t('Connect') }).click();
		await until(() => wb.openedUrls.some((u) => u.includes('/link/ln_')), 'the Connect Link to open');
		emulator.completeLink(wb.openedUrls.filter((u) => u.includes('/link/ln_')).at(-1) ?? '', { decision: 'authorize' });
		await wb.chat.locator('.auth-card.auth-card-connected').waitFor({ timeout: 60_000 });
		// The notice comes from the agent bundle's core (agent/authWaiter.ts): a lazy bundle, with its own copy of the translator.
		await until(async () => (await shownTexts(wb.chat.locator('.notice'))).some((text) => tp('Connected {0} as {1} — continuing').test(text) || tp('Connected {0} — continuing').test(text)), 'the translated "Connected Slack — continuing" notice', 30_000);
		const approval = wb.chat.locator('.tool-card.tool-awaitingApproval');
		await approval.waitFor({ timeout: 60_000 });
		const asking = await shownTexts(approval);
		assertShown(
			asking,
			[
				[ENGLISH_CHAT_STRINGS.allowThisAction, t(ENGLISH_CHAT_STRINGS.allowThisAction)],
				[ENGLISH_CHAT_STRINGS.approvalAccount, t(ENGLISH_CHAT_STRINGS.approvalAccount)],
				[ENGLISH_CHAT_STRINGS.allowOnce, t(ENGLISH_CHAT_STRINGS.allowOnce)],
				[ENGLISH_CHAT_STRINGS.deny, t(ENGLISH_CHAT_STRINGS.deny)],
				[ENGLISH_CHAT_STRINGS.toolNeedsApproval, t(ENGLISH_CHAT_STRINGS.toolNeedsApproval)],
			],
			'the approval card',
		);
		await page.mouse.move(700, 450);
		await screenshot(page, 'pseudo-locale-approval');
		await approval.getByRole('button', { name: t(ENGLISH_CHAT_STRINGS.allowOnce) }).click();
		await wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });
		const texts = await shownTexts(wb.chat.locator('#app'));
		assertShown(
			texts,
			[
				[ENGLISH_CHAT_STRINGS.connectedAsContinuing, tp(ENGLISH_CHAT_STRINGS.connectedAsContinuing)],
				[ENGLISH_CHAT_STRINGS.connectApp, tp(ENGLISH_CHAT_STRINGS.connectApp)],
				[ENGLISH_CHAT_STRINGS.toolDone, t(ENGLISH_CHAT_STRINGS.toolDone)],
				[ENGLISH_CHAT_STRINGS.you, t(ENGLISH_CHAT_STRINGS.you)],
				[ENGLISH_CHAT_STRINGS.composio, t(ENGLISH_CHAT_STRINGS.composio)],
			],
			'the conversation',
		);
		assertNoEnglish(texts, 'the conversation');
		await page.mouse.move(700, 450);
		await screenshot(page, 'pseudo-locale-chat');
	});
});
