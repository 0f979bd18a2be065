/** Made-up conversations for rendering tests and the benchmark: realistic mixes of every item kind. */
import type { TranscriptItem } from '../../src/protocol/transcript';

const ANSWERS = [
	'Here are your **3 newest emails**:\n\n1. *Priya* — Q3 roadmap moved to Thursday\n2. *GitHub* — [acme/webapp] Login page crashes (#42)\n3. *Stripe* — Your receipt\n\nWant me to draft a reply?',
	'Created issue [#57](https://github.com/acme/webapp/issues/57) in `acme/webapp`.',
	'```ts\nexport function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {\n\tlet timer: ReturnType<typeof setTimeout> | undefined;\n\treturn (...args: A) => {\n\t\tclearTimeout(timer);\n\t\ttimer = setTimeout(() => fn(...args), waitMs);\n\t};\n}\n```\n\n| Option | Default |\n| --- | --- |\n| waitMs | 200 |',
	'Posted to **#general**. The message link is https://acme.slack.com/archives/C01/p123.',
];

/**
 * `messages` user/assistant messages (half each), with a tool card after every second user
 * message and a notice every 50, ids `i0`, `i1`, … in order.
 */
export function sampleTranscript(messages: number, start = Date.parse('2026-11-30T09:00:00Z')): TranscriptItem[] {
	const items: TranscriptItem[] = [];
	let id = 0;
	const next = (): { id: string; at: number } => ({ id: `i${id++}`, at: start + id * 1000 });
	for (let m = 0; m < messages; m += 2) {
		items.push({ kind: 'user', ...next(), text: `Question number ${m / 2 + 1}: summarize what changed` });
		if ((m / 2) % 2 === 0) {
			items.push({ kind: 'tool', ...next(), name: 'GMAIL_FETCH_EMAILS', toolkit: 'gmail', args: '{\n  "max_results": 10\n}', status: 'done', result: JSON.stringify({ data: { messages: [{ subject: 'Hello', sender: 'a@b.c' }] } }, null, 2) });
		}
		if (m > 0 && m % 50 === 0) {
			items.push({ kind: 'notice', ...next(), level: 'info', text: `Connected Gmail — continuing` });
		}
		items.push({ kind: 'assistant', ...next(), text: `${ANSWERS[(m / 2) % ANSWERS.length] ?? ''}\n\n(answer ${m / 2 + 1})` });
	}
	return items;
}
