/** Code answers that need no tools: write a function, or explain the code the message carries. */
import type { CodeBlock, Script } from '../script';
import { capitalize } from './requestWords';

/** "Write a debounce function", "Show me the code for …". */
export const writeCode: Script = {
	name: 'write-code',
	when: {
		any: [
			/^(?:please\s+)?(?:write|implement|generate|create|build|make)\b.*\b(?:function|class|code|snippet|script|test|hook|component|method|regex)\b/,
			/\b(?:show me|give me|write me)\b.*\bcode\b/,
		],
	},
	start: (r) => ({ say: codeAnswer(r.plain, r.code) }),
};

/** Code attached with "explain", "review", "refactor", … */
export const explainCode: Script = {
	name: 'explain-code',
	when: { code: true, all: [/\b(?:explain|review|refactor|improve|fix|document|what does|simplify)\b/] },
	start: (r) => ({ say: codeAnswer(r.plain, r.code) }),
};

function camelName(request: string): string {
	const m = /\b(?:function|method)\s+(?:that|which|to)\s+(.+)$/i.exec(request) ?? /\b(?:write|implement|generate|create)\s+(?:a|an|the)?\s*(.+)$/i.exec(request);
	const words = (m?.[1] ?? 'transform input')
		.toLowerCase()
		.replace(/[^a-z0-9\s]/g, ' ')
		.split(/\s+/)
		.filter((w) => w.length > 0 && !['a', 'an', 'the', 'of', 'in', 'for', 'and', 'function', 'typescript', 'ts', 'me', 'please'].includes(w))
		.slice(0, 3);
	const [first = 'transform', ...rest] = words;
	return first + rest.map(capitalize).join('');
}

function exampleFunction(request: string): { name: string; code: string; explain: string[] } {
	const lower = request.toLowerCase();
	if (lower.includes('debounce')) {
		return {
			name: 'debounce',
			explain: ['Each call restarts the timer.', 'Only the last call within `waitMs` runs.', 'The returned function keeps the original argument types.'],
			code: [
				'export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void {',
				'\tlet timer: ReturnType<typeof setTimeout> | undefined;',
				'\treturn (...args: A) => {',
				'\t\tclearTimeout(timer);',
				'\t\ttimer = setTimeout(() => fn(...args), waitMs);',
				'\t};',
				'}',
			].join('\n'),
		};
	}
	if (lower.includes('retry') || lower.includes('backoff')) {
		return {
			name: 'retry',
			explain: ['Runs the task and returns its result on success.', 'Waits twice as long after each failure.', 'Rethrows the last error once the attempts run out.'],
			code: [
				'export async function retry<T>(task: () => Promise<T>, attempts = 3, delayMs = 200): Promise<T> {',
				'\tlet lastError: unknown;',
				'\tfor (let i = 0; i < attempts; i++) {',
				'\t\ttry {',
				'\t\t\treturn await task();',
				'\t\t} catch (e) {',
				'\t\t\tlastError = e;',
				'\t\t\tawait new Promise((r) => setTimeout(r, delayMs * 2 ** i));',
				'\t\t}',
				'\t}',
				'\tthrow lastError;',
				'}',
			].join('\n'),
		};
	}
	if (lower.includes('prime')) {
		return {
			name: 'isPrime',
			explain: ['Rejects numbers below 2 and non-integers.', 'Only tries divisors up to the square root.', 'Skips even divisors after 2.'],
			code: [
				'export function isPrime(n: number): boolean {',
				'\tif (!Number.isInteger(n) || n < 2) {',
				'\t\treturn false;',
				'\t}',
				'\tif (n % 2 === 0) {',
				'\t\treturn n === 2;',
				'\t}',
				'\tfor (let d = 3; d * d <= n; d += 2) {',
				'\t\tif (n % d === 0) {',
				'\t\t\treturn false;',
				'\t\t}',
				'\t}',
				'\treturn true;',
				'}',
			].join('\n'),
		};
	}
	// Anything else gets an honest skeleton: the sandbox model does not invent logic.
	const name = camelName(request);
	return {
		name,
		explain: ['Checks its input before doing any work.', 'Has explicit parameter and return types, so callers get checked results.', 'Leaves one clearly marked place for the logic you need.'],
		code: [
			`export function ${name}(input: string): string {`,
			'\tconst value = input.trim();',
			'\tif (value.length === 0) {',
			"\t\tthrow new Error('input must not be empty');",
			'\t}',
			'\t// The sandbox model writes a skeleton: put the real logic here.',
			'\treturn value;',
			'}',
		].join('\n'),
	};
}

function codeAnswer(request: string, code: CodeBlock[]): string {
	const first = code[0];
	if (first) {
		const lines = first.code.split('\n');
		const names = [...first.code.matchAll(/\b(?:function|class|interface|type|const|let)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]).filter((n): n is string => !!n);
		const unique = [...new Set(names)].slice(0, 6);
		const lang = first.lang || 'ts';
		const main = /\b(?:function|class)\s+([A-Za-z_$][\w$]*)/.exec(first.code)?.[1] ?? unique[0];
		return [
			'## What this code does',
			'',
			`The ${lang} snippet you attached has ${lines.length} line${lines.length === 1 ? '' : 's'}${unique.length > 0 ? ` and declares ${unique.map((n) => `\`${n}\``).join(', ')}` : ''}.`,
			'',
			'### Key points',
			'',
			`- **Entry point:** ${main ? `\`${main}\` is the main declaration, so start reading there.` : 'there are no named declarations; it runs top to bottom.'}`,
			`- **Size:** ${lines.length > 30 ? 'long enough that splitting it into smaller functions would help.' : 'small enough to read in one pass.'}`,
			`- **Types:** ${/:\s*any\b/.test(first.code) ? 'it uses `any`; prefer `unknown` plus a check.' : 'no `any` in sight, which keeps the compiler on your side.'}`,
			'',
			'### How to use it',
			'',
			'```ts',
			main ? `import { ${main} } from './${main}';\n\n// Call it with real inputs and check the result in a unit test.\nconsole.log(${main});` : `// Paste the snippet into a module and export what callers need.\nexport {};`,
			'```',
		].join('\n');
	}
	const example = exampleFunction(request);
	return [
		`## \`${example.name}\``,
		'',
		'Here is a small, typed implementation:',
		'',
		'```ts',
		example.code,
		'```',
		'',
		'### How it works',
		'',
		...example.explain.map((line) => `- ${line}`),
		'',
		'Ask me to add unit tests for it, or to open a GitHub issue to track the change.',
	].join('\n');
}
