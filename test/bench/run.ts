/**
 * `npm run bench`: numbers, not pass/fail (the budgets in `npm test` check counts and sizes).
 * Every time is given with a baseline measured in the same run and their ratio, so runs on
 * different machines compare by ratio. Prints a table and writes it, with every sample, as JSON
 * to bench-results/ (gitignored): bench-<date>.json and latest.json.
 *
 *  1. Sizes: a production build and the VSIX (test/bench/sizes.ts).
 *  2. In the real editor (test/bench/editorBench.ts): activation (loading the bundle and
 *     `activate()`) against an empty extension; what activation loaded; the first chat message
 *     after activation against later ones; the requests each made, by kind and by the component
 *     that made them; a turn with tools ("Summarize my emails") against the requests it needs made
 *     directly with the SDKs in the same editor state, in the window's extension host
 *     (test/bench/directTurn.ts), at 50 ms and at
 *     300 ms of latency on every request; 100,000 characters streamed into the chat webview
 *     against an idle one.
 *  3. Opening conversations of 1,000 and 10,000 messages in the webview against an empty one,
 *     and scrolling through the 10,000 (test/bench/webviewOpen.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { BUDGETS } from '../budgets/budgets';
import { repoRoot } from '../editor/codeServer';
import { TestSandbox } from '../shared/sandbox';
import { type ActivationSample, editorBench, longAnswer, type MessageRequests } from './editorBench';
import { formatBytes, measureShippedSizes } from './sizes';
import { openAndScroll, openConversation, type OpenSample, type ScrollSample } from './webviewOpen';
import { streamAtEnd } from './webviewStream';

/** Fewer with COMPOSIO_BENCH_WINDOWS (trying a change); the published table uses 7. */
const WINDOWS = Number(process.env.COMPOSIO_BENCH_WINDOWS ?? 7);
const MESSAGES = 6;
const DIRECT_RUNS = 5;
/** Latency on every request to both servers: a fast network, and a laptop's round trip to Composio's cloud. */
const LATENCIES_MS = [50, 300];
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

/** The components that made a message's Composio requests: "chat 2, connections 1". */
function describeComponents(r: MessageRequests): string {
	const by = new Map<string, number>();
	for (const c of r.components) {
		by.set(c, (by.get(c) ?? 0) + 1);
	}
	return [...by].map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
}

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
const LAZY_CONTENTS: Record<string, string> = { composio: 'Composio SDK', agent: 'chat session, agent loop, context fitting, editor tools', model: 'OpenAI SDK', vscodeModel: 'VS Code language model client', vscodeChat: '@composio participant, Language Model Tools', sandbox: 'emulator, scripted model', authConfigs: 'auth config commands, own-app setup' };

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
	// A catalog of Composio's size (1,000+ toolkits): what the Connections view and the chat ask of it shows.
	const sandbox = new TestSandbox({ emulator: { linkHost: '127.0.0.2', catalogSize: 1200 } });
	await sandbox.start();
	let editor: Awaited<ReturnType<typeof editorBench>>;
	try {
		editor = await editorBench(sandbox, { windows: WINDOWS, messages: MESSAGES, latencies: LATENCIES_MS, directRuns: DIRECT_RUNS, streamCharacters: STREAM_CHARACTERS, log });
	} finally {
		await sandbox.stop();
	}

	log('Opening conversations in the webview…');
	const empty: OpenSample[] = [];
	const large: OpenSample[] = [];
	const huge: OpenSample[] = [];
	for (let i = 0; i < OPEN_SAMPLES; i++) {
		empty.push(await openConversation(0));
		large.push(await openConversation(1000));
		huge.push(await openConversation(10_000));
	}
	log('Scrolling through 10,000 messages…');
	const scrolls: ScrollSample[] = [];
	const idleScrolls: ScrollSample[] = [];
	for (let i = 0; i < OPEN_SAMPLES; i++) {
		idleScrolls.push(await openAndScroll(20));
		scrolls.push(await openAndScroll(10_000));
	}
	log('Streaming at the end of a long conversation in the webview…');
	const longStream = await streamAtEnd(1000, longAnswer(STREAM_CHARACTERS));

	const act = editor.activation;
	const oursMs = median(act.ours.map((a) => a.ms));
	const emptyMs = median(act.empty.map((a) => a.ms));
	const first = editor.first;
	const [fast] = editor.profiles;
	const laterFull = median((fast?.messages ?? []).map((m) => m.fullMs));
	// Later messages by what they asked for: one row each, so a one-off shows apart from the rest.
	const laterRequests = new Map<string, number>();
	const allLater = editor.profiles.flatMap((p) => p.messages);
	for (const m of allLater) {
		const described = `${describeRequests(m.requests)}; by ${describeComponents(m.requests)}`;
		laterRequests.set(described, (laterRequests.get(described) ?? 0) + 1);
	}
	const loaded = (samples: readonly ActivationSample[]): string => {
		const s = samples[0];
		return s ? `${s.modules.length} module${s.modules.length === 1 ? '' : 's'}, ${formatBytes(s.bytes)}` : '–';
	};
	const st = editor.streaming;
	const o = (samples: readonly OpenSample[], key: keyof OpenSample): number => median(samples.map((s) => s[key]));
	const turnRows = editor.profiles.flatMap((p): Row[] => {
		const ext = (key: 'firstTokenMs' | 'fullMs'): number => median(p.messages.map((m) => m[key]));
		const dir = (key: 'firstTokenMs' | 'fullMs'): number => median(p.direct.map((d) => d[key]));
		return [
			[`"Summarize my emails", time to first token (${p.latencyMs} ms latency)`, ms(ext('firstTokenMs')), `direct SDK calls ${ms(dir('firstTokenMs'))}`, ratio(ext('firstTokenMs'), dir('firstTokenMs'))],
			[`"Summarize my emails", whole answer (${p.latencyMs} ms latency)`, ms(ext('fullMs')), `direct SDK calls ${ms(dir('fullMs'))}`, ratio(ext('fullMs'), dir('fullMs'))],
		];
	});
	const rows: Row[] = [
		[`Activation in the extension host, loading the bundle and activate() (median of ${act.ours.length} windows)`, ms(oursMs), `empty extension ${ms(emptyMs)}`, ratio(oursMs, emptyMs)],
		['Loaded at activation', loaded(act.ours), `empty extension ${loaded(act.empty)}`, ''],
		[`First chat message after activation, Enter → whole answer (${fast?.latencyMs ?? '–'} ms latency)`, ms(first.fullMs), `later messages ${ms(laterFull)}`, ratio(first.fullMs, laterFull)],
		['Requests: showing the chat', `${describeRequests(editor.openChat)}; by ${describeComponents(editor.openChat)}`, '', ''],
		['Requests: a refresh of the Connections view', `${describeRequests(editor.refresh)}; by ${describeComponents(editor.refresh)}`, 'goal: ≤ 2 toolkit requests', ''],
		['Requests: first message', `${describeRequests(first.requests)}; by ${describeComponents(first.requests)}`, 'goal: ≤ 1 account list', ''],
		...[...laterRequests].map(([described, n]): Row => [`Requests: ${laterRequests.size === 1 ? `each of ${allLater.length} later messages` : `${n} of ${allLater.length} later messages`}`, described, 'budget: 0 account lists, 0 sessions, 0 tool lists', '']),
		...turnRows,
		[`Streaming ${STREAM_CHARACTERS.toLocaleString('en')} characters: longest frame`, ms(st.streaming.longestFrameMs), `idle view ${ms(st.idle.longestFrameMs)}`, ratio(st.streaming.longestFrameMs, st.idle.longestFrameMs)],
		[`Streaming ${STREAM_CHARACTERS.toLocaleString('en')} characters: long tasks > 50 ms`, String(st.streaming.longTasks), `idle view ${st.idle.longTasks}`, ''],
		[`Streaming ${STREAM_CHARACTERS.toLocaleString('en')} characters after 1,000 messages (the webview alone): longest frame`, ms(longStream.streaming.longestFrameMs), `idle view ${ms(longStream.idle.longestFrameMs)}`, ratio(longStream.streaming.longestFrameMs, longStream.idle.longestFrameMs)],
		[`Streaming ${STREAM_CHARACTERS.toLocaleString('en')} characters after 1,000 messages (the webview alone): long tasks > 50 ms`, String(longStream.streaming.longTasks), `idle view ${longStream.idle.longTasks}`, ''],
		['Opening 1,000 messages: first paint', ms(o(large, 'firstPaintMs')), `empty ${ms(o(empty, 'firstPaintMs'))}`, ratio(o(large, 'firstPaintMs'), o(empty, 'firstPaintMs'))],
		['Opening 1,000 messages: interactive', ms(o(large, 'interactiveMs')), `empty ${ms(o(empty, 'interactiveMs'))}`, ratio(o(large, 'interactiveMs'), o(empty, 'interactiveMs'))],
		['Opening 1,000 messages: JS heap', mb(o(large, 'heapBytes')), `empty ${mb(o(empty, 'heapBytes'))}`, ratio(o(large, 'heapBytes'), o(empty, 'heapBytes'))],
		['Opening 10,000 messages: first paint', ms(o(huge, 'firstPaintMs')), `empty ${ms(o(empty, 'firstPaintMs'))}`, ratio(o(huge, 'firstPaintMs'), o(empty, 'firstPaintMs'))],
		['Opening 10,000 messages: interactive', ms(o(huge, 'interactiveMs')), `empty ${ms(o(empty, 'interactiveMs'))}`, ratio(o(huge, 'interactiveMs'), o(empty, 'interactiveMs'))],
		['Scrolling through 10,000 messages and back, a view a frame: longest frame', ms(median(scrolls.map((s) => s.longestFrameMs))), `20 messages ${ms(median(idleScrolls.map((s) => s.longestFrameMs)))}`, ratio(median(scrolls.map((s) => s.longestFrameMs)), median(idleScrolls.map((s) => s.longestFrameMs)))],
		['Scrolling through 10,000 messages and back: long tasks > 50 ms', String(median(scrolls.map((s) => s.longTasks))), `20 messages ${median(idleScrolls.map((s) => s.longTasks))}`, ''],
		['Opening 10,000 messages: JS heap', mb(o(huge, 'heapBytes')), `empty ${mb(o(empty, 'heapBytes'))}`, ratio(o(huge, 'heapBytes'), o(empty, 'heapBytes'))],
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
		settings: { windows: WINDOWS, messages: MESSAGES, directRuns: DIRECT_RUNS, latenciesMs: LATENCIES_MS, streamCharacters: STREAM_CHARACTERS, openSamples: OPEN_SAMPLES },
		table,
		sizes,
		editor,
		open: { empty, large, huge },
		scroll: { empty: idleScrolls, huge: scrolls },
		longStream,
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
