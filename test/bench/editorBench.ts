/**
 * The benchmark's measurements in the real editor (code-server, the production build installed
 * as an extension), against the sandbox servers in their tests' build:
 * - activation of this extension against an empty extension, timed in the same extension host
 *   by a probe extension that activates both once the window has started (alternating which goes
 *   first), with what each loaded (Node's module cache) and how many bytes;
 * - chat messages through the whole extension path (webview → host → agent loop → Composio
 *   emulator and scripted model → host → webview), timed inside the webview: the first message
 *   after activation and later ones, with the requests each made, and the same turn's requests
 *   made directly with the SDKs in the window's extension host (test/bench/directTurn.ts);
 * - streaming 100,000 characters into the real chat webview: the longest frame and long tasks.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { type BrowserSession, launchBrowser } from '../editor/browser';
import { repoRoot, startCodeServer, workbenchUrl } from '../editor/codeServer';
import { openChat, runCommand } from '../e2e/workbench';
import type { TestSandbox } from '../shared/sandbox';
import { until } from '../shared/until';
import type { DirectTurnConfig, RecordedCompletion, TurnTiming } from './directTurn';

export const OUR_ID = 'composio-agent.composio-agent';
export const EMPTY_ID = 'bench.empty-extension';

/** One window's activation of one extension, as the probe measured it. */
export interface ActivationSample {
	readonly ms: number;
	readonly modules: readonly string[];
	readonly bytes: number;
}

/** What the probe wrote for one window. */
interface ProbeRun {
	readonly pid: number;
	readonly order: readonly string[];
	readonly extensions: Record<string, ActivationSample | { error: string }>;
}

/** The requests one message made, as "METHOD /path" (Composio) and a count (model). */
export interface MessageRequests {
	readonly composio: readonly string[];
	/** For each Composio request, the part of the extension that made it (its `x-composio-agent-component`), or "none". */
	readonly components: readonly string[];
	readonly model: number;
}

/** Messages and the direct-SDK baseline at one latency. */
export interface LatencyProfile {
	readonly latencyMs: number;
	readonly messages: readonly (TurnTiming & { readonly requests: MessageRequests })[];
	/** The same turn through the SDKs directly, in the same editor state (the window's extension host, the chat idle). */
	readonly direct: readonly TurnTiming[];
}

/** Frame timing while something happens in the webview. */
export interface FrameStats {
	readonly frames: number;
	readonly longestFrameMs: number;
	/** Tasks over 50 ms, as the webview's PerformanceObserver saw them. */
	readonly longTasks: number;
	readonly durationMs: number;
}

/** The editor measurements. */
export interface EditorResults {
	readonly activation: { readonly ours: ActivationSample[]; readonly empty: ActivationSample[]; readonly windows: number };
	readonly openChat: MessageRequests;
	/** The Connections view's refresh after Gmail was connected (outside the extension, in the emulator). */
	readonly refresh: MessageRequests;
	/** The first message after activation. */
	readonly first: TurnTiming & { readonly requests: MessageRequests };
	readonly profiles: readonly LatencyProfile[];
	/** The workspace's Composio user id (gmail is connected for it). */
	readonly userId: string;
	readonly streaming: { readonly characters: number; readonly streaming: FrameStats; readonly idle: FrameStats };
}

/**
 * The probe: a command that activates the two extensions, alternating which goes first, and
 * appends one line of JSON per window to COMPOSIO_BENCH_PROBE_OUT.
 */
const PROBE_SOURCE = `
const vscode = require('vscode');
const fs = require('fs');
const { performance } = require('perf_hooks');
exports.activate = function (context) {
	context.subscriptions.push(vscode.commands.registerCommand('bench.measureActivation', async () => {
		const out = process.env.COMPOSIO_BENCH_PROBE_OUT;
		const previous = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\\n').filter(Boolean).length : 0;
		const targets = ${JSON.stringify([OUR_ID, EMPTY_ID])};
		const order = previous % 2 === 0 ? targets : [...targets].reverse();
		const result = { pid: process.pid, order, extensions: {} };
		for (const id of order) {
			const ext = vscode.extensions.getExtension(id);
			if (!ext || ext.isActive) {
				result.extensions[id] = { error: ext ? 'already active' : 'not installed' };
				continue;
			}
			const before = new Set(Object.keys(require.cache));
			const start = performance.now();
			await ext.activate();
			const ms = performance.now() - start;
			const modules = Object.keys(require.cache).filter((f) => !before.has(f));
			const bytes = modules.reduce((sum, f) => sum + fs.statSync(f).size, 0);
			result.extensions[id] = { ms, modules, bytes };
		}
		fs.appendFileSync(out, JSON.stringify(result) + '\\n');
	}));
	// The direct-SDK baseline, in this extension host (test/bench/directTurn.ts).
	context.subscriptions.push(vscode.commands.registerCommand('bench.directTurn', async () => {
		const dir = process.env.COMPOSIO_BENCH_DIRECT_DIR;
		try {
			await require(process.env.COMPOSIO_BENCH_DIRECT_MODULE).runDirectTurns(dir + '/direct-in.json', dir + '/direct-out.json');
		} catch (e) {
			fs.writeFileSync(dir + '/direct-out.json.part', JSON.stringify({ error: String(e && e.stack || e) }));
			fs.renameSync(dir + '/direct-out.json.part', dir + '/direct-out.json');
		}
	}));
};
`;

/**
 * This extension for the benchmark's editor: its manifest with no activation event of its own
 * (the probe activates it once the host is quiet, as it does the empty extension), and links to
 * the built files, so the code measured is the production build that ships.
 */
function benchCopyOfThisExtension(root: string): string {
	const dir = join(root, 'composio-agent');
	mkdirSync(dir);
	const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, activationEvents: [] }, null, 2));
	for (const entry of ['dist', 'media', 'README.md', 'package.nls.json', 'l10n']) {
		symlinkSync(join(repoRoot, entry), join(dir, entry));
	}
	return dir;
}

function writeExtension(root: string, name: string, manifest: Record<string, unknown>, source: string): string {
	const dir = join(root, name);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, publisher: 'bench', version: '0.0.1', engines: { vscode: '^1.100.0' }, main: './extension.js', ...manifest }, null, 2));
	writeFileSync(join(dir, 'extension.js'), source);
	return dir;
}

/** The chat webview's innermost frame (where #app lives), as a Frame to evaluate in. */
async function chatFrameHandle(page: Page): Promise<Frame> {
	let found: Frame | undefined;
	await until(
		async () => {
			for (const frame of page.frames()) {
				if (await frame.evaluate(() => !!(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('#app .composer')).catch(() => false)) {
					found = frame;
					return true;
				}
			}
			return false;
		},
		'the chat webview frame',
		30_000,
	);
	if (!found) {
		throw new Error('no chat frame');
	}
	return found;
}

type BenchWindow = {
	document: { querySelector(s: string): ({ dataset: Record<string, string | undefined> } & object) | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>; body: object };
	performance: { now(): number };
	MutationObserver: new (cb: () => void) => { observe(target: object, options: Record<string, unknown>): void; disconnect(): void };
	PerformanceObserver: new (cb: (list: { getEntries(): { duration: number }[] }) => void) => { observe(options: Record<string, unknown>): void; disconnect(): void };
	requestAnimationFrame(cb: (t: number) => void): void;
	addEventListener(type: string, cb: (e: { key?: string; shiftKey?: boolean }) => void, capture: boolean): void;
	__benchTurn?: { sent: number; first: number; done: number };
	__benchFrames?: { running: boolean; frames: number; longest: number; longTasks: number; start: number; last: number };
};

/** Sends `text` from the composer and times it inside the webview: Enter → first answer text → turn over. */
async function timedSend(page: Page, frame: Frame, text: string): Promise<TurnTiming> {
	await frame.evaluate(() => {
		const w = globalThis as unknown as BenchWindow;
		const app = w.document.querySelector('#app');
		const before = w.document.querySelectorAll('.message.assistant').length;
		const turn = { sent: 0, first: 0, done: 0 };
		w.__benchTurn = turn;
		w.addEventListener(
			'keydown',
			(e) => {
				if (e.key === 'Enter' && !e.shiftKey && !turn.sent) {
					turn.sent = w.performance.now();
				}
			},
			true,
		);
		const observer = new w.MutationObserver(() => {
			const now = w.performance.now();
			const answers = w.document.querySelectorAll('.message.assistant');
			const last = answers[answers.length - 1];
			if (!turn.first && turn.sent && answers.length > before && (last?.textContent ?? '').trim().length > 0) {
				turn.first = now;
			}
			if (turn.first && !turn.done && app?.dataset.turn === 'idle') {
				turn.done = now;
				observer.disconnect();
			}
		});
		observer.observe(w.document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-turn'] });
	});
	const input = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').getByRole('textbox', { name: 'Message' });
	await input.fill(text);
	await input.press('Enter');
	await until(async () => frame.evaluate(() => ((globalThis as unknown as BenchWindow).__benchTurn?.done ?? 0) > 0), `the answer to "${text}"`, 120_000);
	const turn = await frame.evaluate(() => (globalThis as unknown as BenchWindow).__benchTurn ?? { sent: 0, first: 0, done: 0 });
	return { firstTokenMs: turn.first - turn.sent, fullMs: turn.done - turn.sent };
}

/** Starts counting animation frames and long tasks in the webview. */
async function startFrameStats(frame: Frame): Promise<void> {
	await frame.evaluate(() => {
		const w = globalThis as unknown as BenchWindow;
		const stats = { running: true, frames: 0, longest: 0, longTasks: 0, start: w.performance.now(), last: 0 };
		w.__benchFrames = stats;
		try {
			const observer = new w.PerformanceObserver((list) => {
				stats.longTasks += list.getEntries().filter((e) => e.duration > 50).length;
				if (!stats.running) {
					observer.disconnect();
				}
			});
			observer.observe({ entryTypes: ['longtask'] });
		} catch {
			stats.longTasks = -1;
		}
		const tick = (t: number): void => {
			if (stats.last) {
				stats.longest = Math.max(stats.longest, t - stats.last);
			}
			stats.last = t;
			stats.frames++;
			if (stats.running) {
				w.requestAnimationFrame(tick);
			}
		};
		w.requestAnimationFrame(tick);
	});
}

async function stopFrameStats(frame: Frame): Promise<FrameStats> {
	return frame.evaluate(() => {
		const w = globalThis as unknown as BenchWindow;
		const stats = w.__benchFrames ?? { running: false, frames: 0, longest: 0, longTasks: 0, start: 0, last: 0 };
		stats.running = false;
		return { frames: stats.frames, longestFrameMs: stats.longest, longTasks: stats.longTasks, durationMs: w.performance.now() - stats.start };
	});
}

/** About `characters` of markdown: paragraphs, with a list, a table and a code block now and then (highlighted and sanitized like any answer). */
export function longAnswer(characters: number): string {
	const words = ['the', 'sandbox', 'streams', 'a', 'long', 'answer', 'into', 'chat', 'view', 'while', 'frames', 'keep', 'coming', 'steadily', 'composio', 'agent'];
	const blocks = [
		'\n\n- first point\n- second point\n  - a nested one\n- third point\n\n',
		'\n\n| Toolkit | Accounts | Status |\n| --- | --- | --- |\n| Gmail | 2 | active |\n| GitHub | 1 | expired |\n\n',
		'\n\n```ts\nexport async function summarize(session: ToolSession): Promise<string> {\n\tconst emails = await session.execute(\'GMAIL_FETCH_EMAILS\', { max_results: 10 });\n\n\treturn JSON.stringify(emails.data);\n}\n```\n\n',
	];
	let out = '';
	let n = 0;
	while (out.length < characters) {
		if (n % 400 === 399) {
			out += blocks[Math.floor(n / 400) % blocks.length] ?? '';
		} else {
			out += `${words[n % words.length] ?? 'word'}${n % 60 === 59 ? '.\n\n' : ' '}`;
		}
		n++;
	}
	return out.slice(0, characters);
}

/** Runs the direct-SDK baseline in the window's extension host, through the probe extension. */
async function directTurns(page: Page, work: string, config: DirectTurnConfig): Promise<TurnTiming[]> {
	const output = join(work, 'direct-out.json');
	rmSync(output, { force: true });
	writeFileSync(join(work, 'direct-in.json'), JSON.stringify(config));
	await runCommand(page, 'Bench: Direct Turn');
	await until(() => existsSync(output), 'the direct SDK calls to finish', 120_000);
	const result = JSON.parse(readFileSync(output, 'utf8')) as TurnTiming[] | { error: string };
	if (!Array.isArray(result)) {
		throw new Error(`the direct SDK calls failed: ${result.error}`);
	}
	return result;
}

function requestsSince(sandbox: TestSandbox, composioFrom: number, modelFrom: number): MessageRequests {
	const composio = sandbox.emulator.requests.slice(composioFrom);
	return { composio: composio.map((r) => `${r.method} ${r.path}`), components: composio.map((r) => r.component ?? 'none'), model: sandbox.model.requests.length - modelFrom };
}

/**
 * Runs the editor measurements: `windows` activations (each a fresh extension host), then chat
 * messages and streaming in the last window. The sandbox servers get `latencyMs` on every request.
 */
export async function editorBench(sandbox: TestSandbox, options: { windows: number; messages: number; latencies: readonly number[]; directRuns: number; streamCharacters: number; log: (line: string) => void }): Promise<EditorResults> {
	const work = mkdtempSync(join(tmpdir(), 'composio-bench-'));
	const probeOut = join(work, 'probe.jsonl');
	const ours = benchCopyOfThisExtension(work);
	const empty = writeExtension(work, 'empty-extension', { activationEvents: [] }, 'exports.activate = function () {};\nexports.deactivate = function () {};\n');
	const probe = writeExtension(work, 'probe', { contributes: { commands: [{ command: 'bench.measureActivation', title: 'Measure Activation', category: 'Bench' }, { command: 'bench.directTurn', title: 'Direct Turn', category: 'Bench' }] } }, PROBE_SOURCE);
	const folder = join(work, 'workspace');
	mkdirSync(folder);
	writeFileSync(join(folder, 'README.md'), '# Benchmark workspace\n');
	const server = await startCodeServer({ extraExtensions: [ours, empty, probe], env: { ...sandbox.env, COMPOSIO_BENCH_PROBE_OUT: probeOut, COMPOSIO_BENCH_DIRECT_DIR: work, COMPOSIO_BENCH_DIRECT_MODULE: join(repoRoot, 'out', 'test', 'bench', 'directTurn.js') } });
	let browser: BrowserSession | undefined;
	try {
		browser = await launchBrowser();
		const page = browser.page;
		const url = workbenchUrl(server, { folder, extensionDevelopment: false });
		const runs = (): ProbeRun[] => {
			try {
				return readFileSync(probeOut, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProbeRun);
			} catch {
				return [];
			}
		};
		for (let i = 0; i < options.windows; i++) {
			await page.goto(url);
			await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
			// Let the window finish starting (built-in extensions activate) before measuring.
			await new Promise((r) => setTimeout(r, 8000));
			await runCommand(page, 'Bench: Measure Activation');
			await until(() => runs().length > i, `the probe to report window ${i + 1}`, 60_000);
			options.log(`  activation: window ${i + 1} of ${options.windows} measured`);
		}
		// A window counts when both activations loaded their own code only: another extension
		// activating meanwhile (a built-in one, late) would be timed along with it.
		const ours: ActivationSample[] = [];
		const emptyRuns: ActivationSample[] = [];
		const own = (sample: ActivationSample, folder: string): boolean => sample.modules.every((m) => m.startsWith(folder));
		for (const run of runs()) {
			const a = run.extensions[OUR_ID];
			const b = run.extensions[EMPTY_ID];
			if (a && 'ms' in a && b && 'ms' in b && own(a, join(repoRoot, 'dist')) && own(b, empty)) {
				ours.push(a);
				emptyRuns.push(b);
			} else {
				options.log(`  activation: a window left out (not measured, or another extension loaded meanwhile): ${JSON.stringify(run.extensions).slice(0, 300)}`);
			}
		}
		if (new Set(runs().map((r) => r.pid)).size !== runs().length) {
			options.log('  activation: note: some windows shared an extension host');
		}

		// The chat, in the last window: the workspace's user id is in the first request's query.
		const [firstLatency = 50] = options.latencies;
		const pace = (latencyMs: number): void => {
			sandbox.emulator.latencyMs = latencyMs;
			sandbox.model.setPace({ latencyMs, chunkDelayMs: 0, wordsPerChunk: 3 });
		};
		pace(firstLatency);
		const composioBefore = sandbox.emulator.requests.length;
		const modelBefore = sandbox.model.requests.length;
		await openChat(page);
		const frame = await chatFrameHandle(page);
		await until(() => sandbox.emulator.requests.slice(composioBefore).some((r) => r.path === '/api/v3.1/connected_accounts' && r.method === 'GET'), 'the connections to load', 60_000);
		await until(async () => frame.evaluate(() => (globalThis as unknown as BenchWindow).document.querySelector('#app')?.dataset.turn === 'idle'), 'the chat to be idle', 60_000);
		const openChatRequests = requestsSince(sandbox, composioBefore, modelBefore);
		const userId = sandbox.emulator.requests.slice(composioBefore).find((r) => r.path === '/api/v3.1/connected_accounts')?.query['user_ids'];
		if (!userId) {
			throw new Error('could not tell the workspace user id from the requests');
		}
		// Gmail connected (in the emulator, as if from another window), then the user's refresh in the
		// Connections view: the accounts snapshot has it from then on.
		sandbox.emulator.seedAccount(userId, 'gmail');
		await runCommand(page, 'Composio: Manage Connections');
		// Shown again, the view lists the accounts itself; the refresh measured is the title bar's, after that.
		const header = page.locator('.pane-header', { has: page.locator('.action-label[aria-label^="Refresh Connections"]') });
		const pane = page.locator('.pane', { has: header });
		await pane.locator('.monaco-list-row', { hasText: 'Gmail' }).first().waitFor({ timeout: 60_000 });
		await until(async () => !(await pane.locator('.monaco-progress-container.active').count()), 'the view to finish loading', 30_000);
		await header.hover();
		const refreshFrom = sandbox.emulator.requests.length;
		await header.locator('.action-label[aria-label^="Refresh Connections"]').click();
		await until(() => sandbox.emulator.requests.slice(refreshFrom).some((r) => r.path === '/api/v3.1/connected_accounts' && r.method === 'GET'), 'the refresh to list the accounts', 60_000);
		await until(async () => !(await pane.locator('.monaco-progress-container.active').count()), 'the refresh to finish', 30_000);
		const refresh = requestsSince(sandbox, refreshFrom, sandbox.model.requests.length);
		await openChat(page);

		const message = async (): Promise<{ timing: TurnTiming & { requests: MessageRequests }; completions: RecordedCompletion[] }> => {
			const c = sandbox.emulator.requests.length;
			const m = sandbox.model.requests.length;
			const timing = await timedSend(page, frame, 'Summarize my emails');
			return { timing: { ...timing, requests: requestsSince(sandbox, c, m) }, completions: sandbox.model.requests.slice(m).map((r) => ({ messages: r.messages, tools: r.toolDefinitions })) };
		};
		const first = (await message()).timing;
		options.log(`  first message: first token ${first.firstTokenMs.toFixed(0)} ms, answer ${first.fullMs.toFixed(0)} ms`);
		const profiles: LatencyProfile[] = [];
		for (const latencyMs of options.latencies) {
			pace(latencyMs);
			const messages: (TurnTiming & { requests: MessageRequests })[] = [];
			let completions: RecordedCompletion[] = [];
			for (let i = 0; i < options.messages; i++) {
				const sent = await message();
				messages.push(sent.timing);
				completions = sent.completions;
				options.log(`  ${latencyMs} ms latency, message ${i + 1}: first token ${sent.timing.firstTokenMs.toFixed(0)} ms, answer ${sent.timing.fullMs.toFixed(0)} ms`);
			}
			// The baseline in the same state: in this window's extension host, its chat idle, the same servers and latency.
			const direct = await directTurns(page, work, { composio: { apiKey: sandbox.emulator.apiKey, baseUrl: sandbox.emulator.baseUrl }, modelBaseUrl: sandbox.model.baseUrl, userId, recorded: completions, runs: options.directRuns });
			options.log(`  ${latencyMs} ms latency, direct SDK calls: answer ${direct.map((d) => d.fullMs.toFixed(0)).join(', ')} ms`);
			profiles.push({ latencyMs, messages, direct });
		}

		// Streaming: the next answer is `streamCharacters` long, in chunks of 8 words, 2 ms apart.
		sandbox.emulator.latencyMs = 0;
		sandbox.model.setPace({ latencyMs: 0, chunkDelayMs: 2, wordsPerChunk: 8 });
		await startFrameStats(frame);
		await new Promise((r) => setTimeout(r, 3000));
		const idle = await stopFrameStats(frame);
		sandbox.model.replyNext(longAnswer(options.streamCharacters));
		await startFrameStats(frame);
		await timedSend(page, frame, 'Tell me everything');
		const streaming = await stopFrameStats(frame);
		options.log(`  streaming: ${streaming.frames} frames, longest ${streaming.longestFrameMs.toFixed(0)} ms, ${streaming.longTasks} long tasks`);
		return { activation: { ours, empty: emptyRuns, windows: options.windows }, openChat: openChatRequests, refresh, first, profiles, userId, streaming: { characters: options.streamCharacters, streaming, idle } };
	} catch (e) {
		// What the window showed when it failed, for the one reading the error.
		await browser?.page.screenshot({ path: join(repoRoot, 'bench-results', 'failure.png') }).catch(() => undefined);
		throw e;
	} finally {
		await browser?.close();
		await server.stop();
		rmSync(work, { recursive: true, force: true });
	}
}
