/**
 * Prompt templates for "Run Prompt on Selection…" (the `composio.prompts` setting): a label
 * for the quick pick and the prompt sent with the selection. A prompt may ask for values with
 * `${input:Question}` placeholders; each distinct question is asked once, in order.
 */
import { isRecord } from './isRecord';

/** One template as the user configured it. */
export interface PromptTemplate {
	readonly label: string;
	readonly prompt: string;
	/** Shown beside the label in the quick pick. */
	readonly description?: string;
}

/** The templates the setting holds by default (package.json repeats them as the setting's default). */
export const DEFAULT_PROMPT_TEMPLATES: readonly PromptTemplate[] = [
	{ label: 'Explain this', prompt: 'Explain this code.' },
	{ label: 'Create a GitHub issue from this', prompt: 'Create a GitHub issue in ${input:Repository (owner/name)} about this code, with the snippet in the body.' },
	{ label: 'Post this to Slack', prompt: 'Post this to Slack in #${input:Slack channel (without #)}.' },
	{ label: 'Email this to…', prompt: 'Email this to ${input:Email address} with a short explanation.' },
];

const PLACEHOLDER = /\$\{input:([^}]{1,100})\}/g;
const MAX_LABEL = 200;
const MAX_PROMPT = 10_000;

/** Templates read from a setting, and one sentence per entry that was skipped. */
export interface ParsedTemplates {
	readonly templates: PromptTemplate[];
	readonly problems: string[];
}

/**
 * Reads the `composio.prompts` setting. Accepts `{label, prompt, description?}` objects and plain
 * strings (used as both label and prompt); skips anything else with a problem line. A value that
 * is not an array gives the defaults.
 */
export function parsePromptTemplates(value: unknown): ParsedTemplates {
	if (!Array.isArray(value)) {
		return { templates: [...DEFAULT_PROMPT_TEMPLATES], problems: value === undefined ? [] : ['composio.prompts is not a list; using the default prompts.'] };
	}
	const templates: PromptTemplate[] = [];
	const problems: string[] = [];
	value.forEach((entry: unknown, i) => {
		if (typeof entry === 'string' && entry.trim() !== '' && entry.length <= MAX_PROMPT) {
			const text = entry.trim();
			templates.push({ label: text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text, prompt: text });
			return;
		}
		if (isRecord(entry) && typeof entry.prompt === 'string' && entry.prompt.trim() !== '' && entry.prompt.length <= MAX_PROMPT) {
			const prompt = entry.prompt.trim();
			const label = typeof entry.label === 'string' && entry.label.trim() !== '' ? entry.label.trim().slice(0, MAX_LABEL) : prompt.slice(0, MAX_LABEL);
			const description = typeof entry.description === 'string' && entry.description.trim() !== '' ? entry.description.trim().slice(0, MAX_LABEL) : undefined;
			templates.push({ label, prompt, ...(description ? { description } : {}) });
			return;
		}
		problems.push(`composio.prompts[${i}] needs a non-empty "prompt"; it was skipped.`);
	});
	return { templates, problems };
}

/** The distinct `${input:…}` questions of a prompt, in order of appearance. */
export function templateInputs(prompt: string): string[] {
	const seen: string[] = [];
	for (const m of prompt.matchAll(PLACEHOLDER)) {
		const question = (m[1] ?? '').trim();
		if (question && !seen.includes(question)) {
			seen.push(question);
		}
	}
	return seen;
}

/** Replaces every `${input:Question}` with its answer (trimmed); unanswered ones become empty. */
export function fillTemplate(prompt: string, answers: Readonly<Record<string, string>>): string {
	return prompt.replace(PLACEHOLDER, (_m, q: string) => (answers[q.trim()] ?? '').trim()).trim();
}
