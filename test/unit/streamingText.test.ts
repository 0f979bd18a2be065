import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { needsWholeRender, settledLength } from '../../src/webview/streamingText';

/** The webview's markdown options (src/webview/markdown.ts) without highlighting, which works per code block. */
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

/**
 * What the view ends with for `text` streamed `step` characters a frame: each newly finished
 * piece rendered once, then the rest when the answer completes.
 */
function streamedRender(text: string, step: number): string {
	let settled = 0;
	const pieces: string[] = [];
	for (let end = step; end < text.length + step; end += step) {
		const next = settledLength(text.slice(0, Math.min(end, text.length)), settled);
		if (next > settled) {
			pieces.push(md.render(text.slice(settled, next)));
			settled = next;
		}
	}
	return pieces.join('') + md.render(text.slice(settled));
}

const ANSWERS: Record<string, string> = {
	paragraphs: 'First paragraph.\n\nSecond, with **bold** and a https://example.com link.\n\nThird.',
	'a loose list': '1. one\n\n2. two\n\n   still two\n\n3. three\n\nAfter the list.',
	'a loose bullet list with nested items': '- a\n\n  - a.1\n\n- b\n\n* other marker\n\nText.',
	'an indented code block with a blank line': 'Code:\n\n    line one\n\n    line two\n\nDone.',
	'fenced code with blank lines': 'Intro.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n~~~\nx\n\n~~~\n\nEnd.',
	'a table and headings': '# Title\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n## Next\n\nSetext\n===\n\n---\n\n> quoted\n\n> again',
	'an empty list item and a rule': 'Before.\n\n-\n\n---\n\n- x\n\n+ y',
	'numbers that start a paragraph': 'In 2024 we shipped.\n\n2024. Also a list item.\n\n42 is the answer.',
};

describe('Streaming renders what a whole render gives', () => {
	for (const [name, text] of Object.entries(ANSWERS)) {
		it(`${name}, streamed 1, 3 and 17 characters a frame`, () => {
			const whole = md.render(text);
			for (const step of [1, 3, 17]) {
				assert.equal(streamedRender(text, step), whole, `step ${step}`);
			}
		});
	}

	it('renders pieces at all: a long answer settles most of itself before it ends', () => {
		const text = Array.from({ length: 200 }, (_, i) => `Paragraph ${i} of the answer.`).join('\n\n');
		assert.ok(settledLength(text, 0) > text.length * 0.99);
	});

	it('an answer with link reference definitions is rendered whole at the end', () => {
		assert.equal(needsWholeRender('See [the docs][d].\n\n[d]: https://example.com'), true);
		assert.equal(needsWholeRender('A [link](https://example.com) and [brackets] only.'), false);
	});
});

describe('settledLength (what a streaming answer has finished)', () => {
	it('ends after the last blank line', () => {
		const text = 'First paragraph.\n\nSecond paragraph.\n\nThird, still stre';
		assert.equal(text.slice(0, settledLength(text, 0)), 'First paragraph.\n\nSecond paragraph.\n\n');
	});

	it('is the start when nothing is finished, and never counts an incomplete last line', () => {
		assert.equal(settledLength('One line still growing', 0), 0);
		assert.equal(settledLength('A line\n   ', 0), 0, 'spaces without their newline are not a blank line yet');
	});

	it('does not end inside a fenced code block, whatever blank lines it holds', () => {
		const text = 'Intro.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n';
		assert.equal(text.slice(0, settledLength(text, 0)), 'Intro.\n\n');
		const closed = `${text}\`\`\`\n\nAfter.`;
		assert.equal(closed.slice(0, settledLength(closed, 0)), `${text}\`\`\`\n\n`);
	});

	it('matches fences by their character and length (~~~ inside ``` stays code)', () => {
		const text = '````md\n~~~\n\n```\n\n````\n\nDone';
		assert.equal(text.slice(0, settledLength(text, 0)), '````md\n~~~\n\n```\n\n````\n\n');
	});

	it('waits at a blank line until the next line shows it starts a block of its own', () => {
		assert.equal(settledLength('Para.\n\nNext', 0), 7, 'a letter starts a paragraph');
		assert.equal(settledLength('1. one\n\n2', 0), 0, 'a digit may begin a list item');
		assert.equal(settledLength('1. one\n\n2. two\n', 0), 0, 'the list goes on');
		assert.equal(settledLength('1. one\n\n2024 was a year\n', 0), 8, 'a number that is no list marker');
		assert.equal(settledLength('- a\n\n  b\n', 0), 0, 'an indented line goes on with the item');
		assert.equal(settledLength('- a\n\n---\n', 0), 5, 'a rule is a block of its own');
	});

	it('scans on from a finished position', () => {
		const text = 'a\n\nb\n\nc';
		const first = settledLength(text, 0);
		assert.equal(first, 6);
		assert.equal(settledLength(text, first), first, 'nothing new');
		assert.equal(settledLength(`${text}\n\nd`, first), 9);
	});
});
