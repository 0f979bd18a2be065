/**
 * A long day in the real extension host, on the sandbox: 200 turns with tools and approvals in
 * one conversation (each sends an email: the model calls GMAIL_SEND_EMAIL, the approval card is
 * answered, the tool runs, the model answers), then 50 conversations opened and closed (a new
 * chat with a message, then back to the long one). The agent is driven through the extension's
 * test API (ChatController.send, ChatSession.approve), the chat view open, so every message goes
 * to the real webview. Checked: listeners on the chat's, the controller's and the view's emitters,
 * the host's timers, the view's message handlers and the store's conversations stay bounded, and
 * the heap after a garbage collection grows by less than 20% from turn 50 to turn 200. The
 * figures are printed ("soak:" lines) for the report.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import { SANDBOX_ENV } from '../../src/sandbox/sandboxServers';
import { activateExtension } from './helpers';
import { emulatorAdmin } from './pickers';

const TURNS = Number(process.env.COMPOSIO_SOAK_TURNS ?? 200);
const CONVERSATIONS = Number(process.env.COMPOSIO_SOAK_CONVERSATIONS ?? 50);

/** A full garbage collection: `global.gc` when the host exposes it, else switched on for this call. */
function collectGarbage(): void {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (exposed) {
		exposed();
		return;
	}
	setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
}

function heapAfterGc(): number {
	collectGarbage();
	collectGarbage();
	return process.memoryUsage().heapUsed;
}

/** Listeners on every emitter one level inside `objects` (an emitter is an object with a Set of listeners and a fire method). */
function listenerCount(...objects: object[]): number {
	let n = 0;
	for (const o of objects) {
		for (const value of Object.values(o)) {
			const e = value as { listeners?: unknown; fire?: unknown } | null;
			if (e && typeof e === 'object' && e.listeners instanceof Set && typeof e.fire === 'function') {
				n += e.listeners.size;
			}
		}
	}
	return n;
}

function timers(): number {
	return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('A long day (soak): 200 turns with tools and approvals, 50 conversations opened and closed', function () {
	this.timeout(20 * 60_000);

	it('listeners, timers, view handlers and the store stay bounded; the heap grows < 20% from turn 50 to turn 200', async () => {
		const started = Date.now();
		const { services } = await activateExtension();
		await services.secrets.delete('composioApiKey');
		assert.equal(await services.environment.isSandbox(), true, 'the sandbox');
		const emulatorUrl = process.env[SANDBOX_ENV.composioUrl] ?? '';
		const modelUrl = process.env[SANDBOX_ENV.modelUrl] ?? '';
		assert.ok(emulatorUrl && modelUrl, 'the runner named its sandbox servers');
		// The model answers at once: the test measures growth, not streaming.
		await fetch(`${modelUrl.replace(/\/v1\/?$/, '')}/_scripted/pace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chunkDelayMs: 0, wordsPerChunk: 50, latencyMs: 0 }) });
		await services.alwaysAllowed.clear();
		await emulatorAdmin(emulatorUrl, 'POST', '/accounts', { userId: await services.userIds.get(), toolkit: 'gmail' });

		await services.chatView.reveal();
		const { chat, controller } = await services.loadChat();
		await controller.prepare();
		await chat.newConversation();
		const view = services.chatView as unknown as { viewDisposables: unknown[] };
		let approvals = 0;
		const answer = (e: { item: { kind: string; id: string; status?: string } }): void => {
			if (e.item.kind === 'tool' && e.item.status === 'awaitingApproval') {
				approvals++;
				// The card is shown before the gate starts waiting on it: answer once it does (as a click would, a moment later).
				const id = e.item.id;
				void (async () => {
					while (!(await chat.approve(id, 'once')) && chat.state !== 'idle') {
						await new Promise((r) => setImmediate(r));
					}
				})();
			}
		};
		const subs = [chat.onDidAddItem(answer), chat.onDidUpdateItem(answer)];
		const ours = subs.length;
		type Sample = { turn: number; heap: number; listeners: number; timers: number; handlers: number; items: number };
		const samples: Sample[] = [];
		const sample = (turn: number): Sample => {
			const s = { turn, heap: heapAfterGc(), listeners: listenerCount(chat, controller, services.chatView) - ours, timers: timers(), handlers: view.viewDisposables.length, items: chat.current.items.length };
			samples.push(s);
			console.log(`soak: turn ${turn}: heap after GC ${mb(s.heap)}, listeners ${s.listeners}, timers ${s.timers}, view handlers ${s.handlers}, transcript items ${s.items}`);
			return s;
		};
		try {
			const longId = chat.current.id;
			for (let turn = 1; turn <= TURNS; turn++) {
				const before = approvals;
				await controller.send(`Send an email to bob${turn}@example.com saying hello number ${turn}`);
				assert.equal(chat.state, 'idle', `turn ${turn} ended`);
				assert.ok(approvals > before, `turn ${turn} asked for approval`);
				const tool = chat.current.items.filter((i) => i.kind === 'tool').at(-1);
				assert.ok(tool?.kind === 'tool' && tool.status === 'done', `turn ${turn}: the tool ran (${tool?.kind === 'tool' ? tool.status : 'none'})`);
				if (turn === 1 || turn === 50 || turn === 100 || turn === 150 || turn === TURNS) {
					sample(turn);
				}
			}
			const at50 = samples.find((s) => s.turn === 50)!;
			const at200 = samples.find((s) => s.turn === TURNS)!;
			const growth = (at200.heap - at50.heap) / at50.heap;
			console.log(`soak: heap growth from turn 50 to turn ${TURNS}: ${(growth * 100).toFixed(1)}% (${mb(at50.heap)} → ${mb(at200.heap)}); ${approvals} approvals answered`);

			for (let i = 1; i <= CONVERSATIONS; i++) {
				await chat.newConversation();
				await controller.send(`What can you do? (conversation ${i})`);
				assert.equal(await chat.open(longId), true, `back to the long conversation after conversation ${i}`);
			}
			const end = sample(TURNS + CONVERSATIONS);
			const summaries = await chat.list();
			const dir = services.context.storageUri ? join(services.context.storageUri.fsPath, 'conversations') : join(services.context.globalStorageUri.fsPath, 'conversations');
			const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
			const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
			const longBytes = statSync(join(dir, `${longId}.json`)).size;
			console.log(`soak: store: ${summaries.length} conversations listed, ${files.length} files, ${(bytes / 1024).toFixed(0)} kB (the ${TURNS}-turn one ${(longBytes / 1024).toFixed(0)} kB, ${(longBytes / TURNS / 1024).toFixed(1)} kB a turn); temp files left ${readdirSync(dir).filter((f) => f.endsWith('.tmp')).length}`);
			console.log(`soak: ${TURNS} turns and ${CONVERSATIONS} conversations in ${((Date.now() - started) / 1000).toFixed(1)} s`);

			// Bounded: nothing accumulates per turn or per conversation.
			const first = samples[0]!;
			for (const s of samples) {
				assert.ok(s.listeners <= first.listeners + 2, `listeners at turn ${s.turn}: ${s.listeners} (turn 1: ${first.listeners})`);
				assert.ok(s.timers <= first.timers + 5, `timers at turn ${s.turn}: ${s.timers} (turn 1: ${first.timers})`);
				assert.ok(s.handlers <= first.handlers, `view handlers at turn ${s.turn}: ${s.handlers} (turn 1: ${first.handlers})`);
			}
			assert.ok(growth < 0.2, `heap after GC grew ${(growth * 100).toFixed(1)}% from turn 50 to turn ${TURNS}`);
			assert.equal(files.length, summaries.length, 'one file per listed conversation, no strays');
			assert.ok(summaries.some((s) => s.id === longId && s.messageCount >= TURNS * 2), 'the long conversation is whole');
			assert.equal(end.items, at200.items, 'the long conversation reopened as it was');
			assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0, 'no temporary file left behind');
		} finally {
			for (const s of subs) {
				s.dispose();
			}
			await fetch(`${modelUrl.replace(/\/v1\/?$/, '')}/_scripted/pace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chunkDelayMs: 15, wordsPerChunk: 3, latencyMs: 0 }) });
			await vscode.commands.executeCommand('workbench.action.closeSidebar');
		}
	});
});
