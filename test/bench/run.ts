/**
 * `npm run bench`: numbers, not pass/fail (the budgets in `npm test` check counts and sizes).
 * Every time is given with a baseline measured in the same run and their ratio, so runs on
 * different machines compare by ratio. Prints a table and writes it, with every sample, as JSON
 * to bench-results/ (gitignored): bench-<date>.json and latest.json.
 *
 *  1. Sizes: a production build and the VSIX (test/bench/sizes.ts).
 *  2. In the real editor (test/bench/editorBench.ts): activation against an empty extension;
 *     what activation loaded; the first chat message after activation against later ones; the
 *     requests each message made; a turn with tools ("Summarize my emails") against the same
 *     requests made directly with the SDKs (test/bench/directTurn.ts), both with 50 ms of latency
 *     on every request; 100,000 characters streamed into the chat webview against an idle one.
 *  3. Opening a 1,000-message conversation in the webview against an empty one
 *     (test/bench/webviewOpen.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { BUDGETS } from '../budgets/budgets';
import { repoRoot } from '../editor/codeServer';
import { TestSandbox } from '../shared/sandbox';
import { prepareDirectTurn } from './directTurn';
import { type ActivationSample, editorBench, type MessageRequests, type TurnTiming } from './editorBench';
import { formatBytes, measureShippedSizes } from './sizes';
import { openConversation, type OpenSample } from './webviewOpen';

const WINDOWS = 7;
const MESSAGES = 6;
const DIRECT_RUNS = 5;
const LATENCY_MS = 50;
const STREAM_CHARACTERS = 100_000;
const OPEN_SAMPLES = 3;

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) {
		return Number.NaN;
	}
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');

/** A message's requests by kind: "Composio 3 (1 account list, 2 executes), model 3". */
function describeRequests(r: MessageRequests): string {
	const count = (pattern: RegExp): number => r.composio.filter((x) => pattern.test(x)).length;
	const kinds = [
		['session', count(/^POST \/api\/v3\.1\/tool_router\/session$/)],
		['tool list', count(/\/tools$/)],
		['account list', count(/^GET \/api\/v3\.1\/connected_accounts$/)],
		['toolkit list', count(/\/toolkits$/)],
		['execute', count(/\/execute$/)],
	] as const;
	const other = r.composio.length - kinds.reduce((n, [, c]) => n + c, 0);
	const parts = [...kinds.filter(([, c]) => c > 0).map(([k, c]) => `${c} ${k}${c === 1 ? '' : 's'}`), ...(other ? [`${other} other`] : [])];
	return `Composio ${r.composio.length}${parts.length ? ` (${parts.join(', ')})` : ''}; model ${r.model}`;
}

/** What each lazy bundle holds, for the table. */
const LAZY_CONTENTS: Record<string, string> = { composio: 'Composio SDK', agent: 'chat session, agent loop, context fitting, editor tools', model: 'OpenAI SDK', vscodeModel: 'VS Code language model client', vscodeChat: '@composio participant, Language Model Tools', sandbox: 'emulator, scripted model' };

type Row = readonly [measure: string, value: string, baseline: string, ratio: string];

function printTable(rows: readonly Row[]): string {
	const header: Row = ['Measure', 'Value', 'Baseline (same run)', 'Ratio'];
	const all = [header, ...rows];
	const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
	const line = (r: Row): string => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
	return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
	const log = (line: string): void => console.log(line);
	log('Sizes: production build and VSIX…');
	const sizes = measureShippedSizes();

	log('The real editor (code-server), the production build, the sandbox servers in their tests\' build…');
	// Connect Links on 127.0.0.2, which code-server does not rewrite the way it rewrites 127.0.0.1 links.
	const sandbox = new TestSandbox({ emulator: { linkHost: '127.0.0.2' } });
	await sandbox.start();
	let editor: Awaited<ReturnType<typeof editorBench>>;
	const direct: TurnTiming[] = [];
	try {
		editor = await editorBench(sandbox, { windows: WINDOWS, messages: MESSAGES, latencyMs: LATENCY_MS, streamCharacters: STREAM_CHARACTERS, log });
		log('The same turn directly through the SDKs…');
		sandbox.emulator.latencyMs = LATENCY_MS;
		sandbox.model.setPace({ latencyMs: LATENCY_MS, chunkDelayMs: 0, wordsPerChunk: 3 });
		const turn = await prepareDirectTurn(sandbox, editor.userId, editor.lastMessageCompletions);
		await turn.run();
		for (let i = 0; i < DIRECT_RUNS; i++) {
			direct.push(await turn.run());
		}
	} finally {
		await sandbox.stop();
	}

	log('Opening conversations in the webview…');
	const empty: OpenSample[] = [];
	const large: OpenSample[] = [];
	for (let i = 0; i < OPEN_SAMPLES; i++) {
		empty.push(await openConversation(0));
		large.push(await openConversation(1000));
	}

	const act = editor.activation;
	const oursMs = median(act.ours.map((a) => a.ms));
	const emptyMs = median(act.empty.map((a) => a.ms));
	const first = editor.messages[0];
	const later = editor.messages.slice(1);
	const laterFull = median(later.map((m) => m.fullMs));
	// Later messages by what they asked for: one row each, so a one-off (such as learning a new account's identity) shows apart from the rest.
	const laterRequests = new Map<string, number>();
	for (const m of later) {
		const described = describeRequests(m.requests);
		laterRequests.set(described, (laterRequests.get(described) ?? 0) + 1);
	}
	const laterFirst = median(later.map((m) => m.firstTokenMs));
	const directFull = median(direct.map((d) => d.fullMs));
	const directFirst = median(direct.map((d) => d.firstTokenMs));
	const loaded = (samples: readonly ActivationSample[]): string => {
		const s = samples[0];
		return s ? `${s.modules.length} module${s.modules.length === 1 ? '' : 's'}, ${formatBytes(s.bytes)}` : '–';
	};
	const st = editor.streaming;
	const o = (samples: readonly OpenSample[], key: keyof OpenSample): number => median(samples.map((s) => s[key]));
	const rows: Row[] = [
		[`Activation in the extension host (median of ${act.ours.length} windows)`, ms(oursMs), `empty extension ${ms(emptyMs)}`, ratio(oursMs, emptyMs)],
		['Loaded at activation', loaded(act.ours), `empty extension ${loaded(act.empty)}`, ''],
		['First chat message after activation, Enter → whole answer', ms(first?.fullMs ?? Number.NaN), `later messages ${ms(laterFull)}`, ratio(first?.fullMs ?? 0, laterFull)],
		['Requests: showing the chat', describeRequests(editor.openChat), '', ''],
		['Requests: first message', first ? describeRequests(first.requests) : '–', '', ''],
		...[...laterRequests].map(([described, n]): Row => [`Requests: ${laterRequests.size === 1 ? 'each later message' : `${n} of ${later.length} later messages`}`, described, 'budget: 0 sessions, 0 tool lists', '']),
		[`"Summarize my emails", time to first token (${LATENCY_MS} ms latency)`, ms(laterFirst), `direct SDK calls ${ms(directFirst)}`, ratio(laterFirst, directFirst)],
		[`"Summarize my emails", whole answer (${LATENCY_MS} ms latency)`, ms(laterFull), `direct SDK calls ${ms(directFull)}`, ratio(laterFull, directFull)],
		[`Streaming ${STREAM_CHARACTERS.toLocaleString('en')} characters: longest frame`, ms(st.streaming.longestFrameMs), `idle view ${ms(st.idle.longestFrameMs)}`, ratio(st.streaming.longestFrameMs, st.idle.longestFrameMs)],
		[`Streaming ${STREAM_CHARACTERS.toLocaleString('en')} characters: long tasks > 50 ms`, String(st.streaming.longTasks), `idle view ${st.idle.longTasks}`, ''],
		['Opening 1,000 messages: first paint', ms(o(large, 'firstPaintMs')), `empty ${ms(o(empty, 'firstPaintMs'))}`, ratio(o(large, 'firstPaintMs'), o(empty, 'firstPaintMs'))],
		['Opening 1,000 messages: interactive', ms(o(large, 'interactiveMs')), `empty ${ms(o(empty, 'interactiveMs'))}`, ratio(o(large, 'interactiveMs'), o(empty, 'interactiveMs'))],
		['Opening 1,000 messages: JS heap', mb(o(large, 'heapBytes')), `empty ${mb(o(empty, 'heapBytes'))}`, ratio(o(large, 'heapBytes'), o(empty, 'heapBytes'))],
		['Size: activation bundle (dist/extension.js)', formatBytes(sizes.activation.bytes), `budget ${formatBytes(BUDGETS.activationBundle)}`, ratio(sizes.activation.bytes, BUDGETS.activationBundle)],
		...Object.entries(sizes.lazy).map(([name, b]): Row => [`Size: lazy bundle ${name} (${LAZY_CONTENTS[name] ?? name})`, formatBytes(b.bytes), 'loads on first use', '']),
		['Size: webview bundle', formatBytes(sizes.webview.bytes), `budget ${formatBytes(BUDGETS.webviewBundle)}`, ratio(sizes.webview.bytes, BUDGETS.webviewBundle)],
		['Size: .vsix', formatBytes(sizes.vsixBytes), `budget ${formatBytes(BUDGETS.vsix)}`, ratio(sizes.vsixBytes, BUDGETS.vsix)],
	];
	const table = printTable(rows);
	console.log(`\n${table}\n`);

	const results = {
		date: new Date().toISOString(),
		machine: { platform: platform(), release: release(), cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
		settings: { windows: WINDOWS, messages: MESSAGES, directRuns: DIRECT_RUNS, latencyMs: LATENCY_MS, streamCharacters: STREAM_CHARACTERS, openSamples: OPEN_SAMPLES },
		table,
		sizes,
		editor,
		direct,
		open: { empty, large },
	};
	const dir = join(repoRoot, 'bench-results');
	mkdirSync(dir, { recursive: true });
	const stamp = results.date.replace(/[:.]/g, '-');
	writeFileSync(join(dir, `bench-${stamp}.json`), JSON.stringify(results, null, 2));
	writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2));
	console.log(`Written to bench-results/bench-${stamp}.json and bench-results/latest.json`);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.stack : e);
	process.exit(1);
});
