import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROMPT_TEMPLATES, fillTemplate, parsePromptTemplates, templateInputs } from '../../src/common/promptTemplates';

describe('prompt templates', () => {
	it('gives the defaults when the setting is missing, and says so when it is not a list', () => {
		assert.deepEqual(parsePromptTemplates(undefined), { templates: DEFAULT_PROMPT_TEMPLATES, problems: [] });
		const bad = parsePromptTemplates('Explain');
		assert.deepEqual(bad.templates, DEFAULT_PROMPT_TEMPLATES);
		assert.equal(bad.problems.length, 1);
	});

	it('package.json repeats the defaults as the setting default', () => {
		const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
			contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
		};
		assert.deepEqual(manifest.contributes.configuration.properties['composio.prompts']?.default, DEFAULT_PROMPT_TEMPLATES);
	});

	it('reads objects and plain strings, skipping the rest with a problem each', () => {
		const parsed = parsePromptTemplates([
			{ label: 'Summarize', prompt: ' Summarize this. ', description: 'short' },
			'Translate this to French',
			{ prompt: 'No label given' },
			{ label: 'no prompt' },
			42,
			'',
		]);
		assert.deepEqual(parsed.templates, [
			{ label: 'Summarize', prompt: 'Summarize this.', description: 'short' },
			{ label: 'Translate this to French', prompt: 'Translate this to French' },
			{ label: 'No label given', prompt: 'No label given' },
		]);
		assert.equal(parsed.problems.length, 3);
		assert.match(parsed.problems[0] ?? '', /composio\.prompts\[3\]/);
	});

	it('finds each ${input:…} question once, in order, and fills them in', () => {
		const prompt = 'Email this to ${input:Email address} and cc ${input:Email address}, subject ${input: Subject }.';
		assert.deepEqual(templateInputs(prompt), ['Email address', 'Subject']);
		assert.equal(fillTemplate(prompt, { 'Email address': ' a@b.co ', Subject: 'Hi' }), 'Email this to a@b.co and cc a@b.co, subject Hi.');
		assert.equal(fillTemplate('Post to #${input:Channel}', {}), 'Post to #');
		assert.deepEqual(templateInputs('Explain this code.'), []);
	});

	it('every default that asks for input says what it asks', () => {
		for (const t of DEFAULT_PROMPT_TEMPLATES) {
			for (const q of templateInputs(t.prompt)) {
				assert.ok(q.length > 3, `${t.label}: "${q}"`);
			}
		}
	});
});
