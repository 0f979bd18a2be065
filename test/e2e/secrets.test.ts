/**
 * The keys in the real workbench, typed by a user: both are set through the command palette's
 * password box, a turn fails on the wrong Composio key and one succeeds, and a draft is left in
 * the message box (the chat view's saved state); from VS Code 1.101, VS Code's own MCP client also
 * starts the Composio server with the key. Then no key is in the chat view's DOM, the
 * workbench's DOM, or any browser storage, except where VS Code keeps secrets, and none is in a
 * file under the editor's data folder except its secret store. The draft is found in the
 * view's saved state after a window reload, which shows the search covers it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { isVersionAtLeast } from '../../src/common/version';
import { MCP_PROVIDER_MIN_VERSION } from '../../src/composio/mcpConfig';
import { SCRIPTED_MODEL, TestSandbox } from '../shared/sandbox';
import { until } from '../shared/until';
import { startMcpServerFromList } from './mcpServerList';
import { lastUserMessageId, runCommand, useWorkbench } from './workbench';

const hex = (n: number): string => randomBytes(n).toString('hex');
const COMPOSIO_KEY = `ak_${hex(12)}`;
const WRONG_COMPOSIO_KEY = `ak_${hex(12)}`;
const OPENAI_KEY = `proxy${hex(14)}`;
const KEYS = [COMPOSIO_KEY, WRONG_COMPOSIO_KEY, OPENAI_KEY];
const DRAFT = `draft-marker-${hex(6)}`;

/** Every value in the page's localStorage, sessionStorage and IndexedDB, as `where: text`. */
async function browserStorage(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		type Req<T> = { result: T; onsuccess: (() => void) | null; onerror: (() => void) | null };
		type Store = { getAll(): Req<unknown[]>; getAllKeys(): Req<unknown[]> };
		type Db = { name: string; objectStoreNames: ArrayLike<string>; transaction(n: string, m: string): { objectStore(n: string): Store }; close(): void };
		const w = globalThis as unknown as {
			localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
			sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
			indexedDB: { databases(): Promise<Array<{ name?: string }>>; open(name: string): Req<Db> };
		};
		const out: string[] = [];
		for (const [label, s] of [['localStorage', w.localStorage], ['sessionStorage', w.sessionStorage]] as const) {
			for (let i = 0; i < s.length; i++) {
				const k = s.key(i) ?? '';
				out.push(`${label} ${k}: ${s.getItem(k) ?? ''}`);
			}
		}
		const wait = <T>(r: Req<T>): Promise<T> =>
			new Promise((resolve, reject) => {
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => reject(new Error('indexedDB request failed'));
			});
		const decode = (v: unknown): string => {
			if (v instanceof Uint8Array) {
				return new TextDecoder().decode(v);
			}
			if (v instanceof ArrayBuffer) {
				return new TextDecoder().decode(new Uint8Array(v));
			}
			try {
				return typeof v === 'string' ? v : JSON.stringify(v);
			} catch {
				return String(v);
			}
		};
		for (const info of await w.indexedDB.databases()) {
			if (!info.name) {
				continue;
			}
			const db = await wait(w.indexedDB.open(info.name));
			for (const storeName of Array.from(db.objectStoreNames)) {
				const store = db.transaction(storeName, 'readonly').objectStore(storeName);
				const [keys, values] = await Promise.all([wait(store.getAllKeys()), wait(store.getAll())]);
				values.forEach((v, i) => out.push(`indexedDB ${db.name}/${storeName} ${decode(keys[i])}: ${decode(v)}`));
			}
			db.close();
		}
		return out;
	});
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		const s = statSync(p);
		return s.isDirectory() ? filesUnder(p) : s.isFile() && s.size < 50_000_000 ? [p] : [];
	});
}

/** VS Code's own secret store: where the keys are meant to be. */
const SECRET_STORE = /secret/i;

describe('Secrets in the real workbench (browser): typed keys stay in the secret store', function () {
	const sandbox = new TestSandbox({ emulator: { apiKey: COMPOSIO_KEY }, model: { requireKey: OPENAI_KEY, chunkDelayMs: 1 } });
	const { emulator, model } = sandbox;
	// Live mode against the test's servers, started first: their URLs are in the settings.
	const wb = useWorkbench(async () => {
		await sandbox.start();
		return { settings: { 'composio.baseUrl': emulator.baseUrl, 'composio.openai.baseUrl': model.baseUrl, 'composio.openai.model': SCRIPTED_MODEL }, failureScreenshot: 'secrets-failure' };
	});

	after(async () => {
		await sandbox.stop();
	});

	async function typeKey(command: string, key: string): Promise<void> {
		await runCommand(wb.page, command);
		const box = wb.page.locator('.quick-input-widget input');
		await box.waitFor();
		// The palette's own input may still be the one shown for a moment (VS Code 1.139 reuses it).
		await until(async () => (await box.getAttribute('type')) === 'password', `${command} to show a password box`);
		await box.fill(key);
		await wb.page.keyboard.press('Enter');
		await box.waitFor({ state: 'hidden' });
	}

	/** Sends a message once no turn runs; the caller waits for the outcome it expects. */
	async function send(text: string): Promise<void> {
		await wb.chat.locator('#app[data-turn="idle"]').waitFor({ timeout: 60_000 });
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		const before = await lastUserMessageId(wb.chat);
		await input.fill(text);
		await input.press('Enter');
		await until(async () => (await lastUserMessageId(wb.chat)) !== before, 'the message to show');
	}

	it("no key in the chat view, the workbench, browser storage (the view's saved state included) or the data folder, except the secret store", async function () {
		this.timeout(240_000);
		await typeKey('Composio: Set OpenAI API Key', OPENAI_KEY);
		await typeKey('Composio: Set Composio API Key', WRONG_COMPOSIO_KEY);
		await wb.chat.locator('.banner-info').waitFor({ state: 'hidden' });
		await send('What can you do?');
		await wb.chat.locator('.notice-error', { hasText: 'Composio rejected the API key.' }).waitFor();

		await typeKey('Composio: Set Composio API Key', COMPOSIO_KEY);
		await send('What can you do?');
		await wb.chat.locator('.message.assistant', { hasText: "Here's what I can do" }).waitFor();
		if (isVersionAtLeast(wb.server.editor.vscodeVersion, MCP_PROVIDER_MIN_VERSION)) {
			// VS Code's own MCP client is handed the key when it starts the Composio server (the
			// emulator refuses any other key, so "Running" with tools shows it was): it must stay nowhere.
			const output = await startMcpServerFromList(wb.page, 'Composio');
			assert.match(output, /Connection state: Running/);
			await wb.page.keyboard.press('Escape');
		}
		// A draft the view keeps in its saved state. A round trip through the host afterwards
		// (the history list) shows the state update, sent before it on the same channel, has arrived.
		await wb.chat.getByRole('textbox', { name: 'Message' }).fill(DRAFT);
		await wb.chat.getByRole('button', { name: 'History' }).click();
		await wb.chat.locator('.history-item').first().waitFor();
		await wb.chat.getByRole('button', { name: 'History' }).click();

		const chatHtml = await wb.chat.locator('html').evaluate((el) => (el as unknown as { outerHTML: string }).outerHTML);
		assert.ok(chatHtml.includes('Composio rejected the API key.'));
		const pageHtml = await wb.page.content();
		for (const key of KEYS) {
			assert.ok(!chatHtml.includes(key), 'the chat view DOM holds no key');
			assert.ok(!pageHtml.includes(key), 'the workbench DOM holds no key');
		}

		// The workbench writes views' saved state to IndexedDB only when its storage flushes: on a
		// timer that waits for the page to be idle (which a headless page may never be), or on a
		// window reload, which awaits the write. So reload the window as a user would; the draft
		// comes back in the message box, and is then in the workbench's storage.
		const reloaded = wb.page.waitForEvent('load', { timeout: 60_000 });
		await runCommand(wb.page, 'Developer: Reload Window');
		await reloaded;
		await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
		// The sidebar comes back as it was, with the chat view in it.
		const input = wb.chat.getByRole('textbox', { name: 'Message' });
		await input.waitFor({ timeout: 60_000 });
		assert.equal(await input.inputValue(), DRAFT, 'the draft survives the reload');
		const restoredHtml = await wb.chat.locator('html').evaluate((el) => (el as unknown as { outerHTML: string }).outerHTML);
		assert.ok(KEYS.every((key) => !restoredHtml.includes(key)), 'the restored chat view DOM holds no key');
		const storage = await browserStorage(wb.page);
		assert.ok(
			storage.some((s) => s.includes('webviewView.composio.chat') && s.includes(DRAFT)),
			"the chat view's saved state, with the draft, is in the workbench's storage",
		);
		const files = filesUnder(wb.server.userDataDir).map((f) => ({ f, text: readFileSync(f).toString('latin1') }));
		for (const key of KEYS) {
			const inStorage = storage.filter((s) => s.includes(key)).map((s) => s.slice(0, s.indexOf(':')));
			const inFiles = files.filter((x) => x.text.includes(key)).map((x) => x.f);
			assert.deepEqual(inStorage.filter((where) => !SECRET_STORE.test(where)), [], `browser storage outside the secret store: ${inStorage.join(', ')}`);
			assert.deepEqual(inFiles.filter((f) => !SECRET_STORE.test(f)), [], `files outside the secret store: ${inFiles.join(', ')}`);
		}
	});
});
