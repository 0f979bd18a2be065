import assert from 'node:assert/strict';
import { settledLength } from '../../src/webview/streamingText';

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

	it('scans on from a finished position', () => {
		const text = 'a\n\nb\n\nc';
		const first = settledLength(text, 0);
		assert.equal(first, 6);
		assert.equal(settledLength(text, first), first, 'nothing new');
		assert.equal(settledLength(`${text}\n\nd`, first), 9);
	});
});
