import assert from 'node:assert/strict';
import { fileContext, hasText, selectionContext, selectionLines } from '../../src/protocol/editorContext';
import { MAX_CONTEXT_TEXT } from '../../src/protocol/chatProtocol';

describe('selectionLines', () => {
	it('counts 1-based, inclusive lines', () => {
		assert.deepEqual(selectionLines({ line: 0, character: 3 }, { line: 2, character: 5 }), { startLine: 1, endLine: 3 });
		assert.deepEqual(selectionLines({ line: 4, character: 0 }, { line: 4, character: 9 }), { startLine: 5, endLine: 5 });
	});

	it('does not count a last line the selection only touches at column 0 (whole-line selections)', () => {
		assert.deepEqual(selectionLines({ line: 0, character: 0 }, { line: 3, character: 0 }), { startLine: 1, endLine: 3 });
	});

	it('keeps an empty selection on its own line', () => {
		assert.deepEqual(selectionLines({ line: 7, character: 0 }, { line: 7, character: 0 }), { startLine: 8, endLine: 8 });
	});
});

describe('selectionContext and fileContext', () => {
	it('carry path, language, line range and text', () => {
		const built = selectionContext('src/a.ts', 'typescript', { start: { line: 1, character: 0 }, end: { line: 2, character: 4 }, text: 'a\nb' });
		assert.deepEqual(built, { context: { path: 'src/a.ts', languageId: 'typescript', startLine: 2, endLine: 3, text: 'a\nb' }, truncated: false });
		assert.deepEqual(fileContext('README.md', 'markdown', '# hi\n'), { context: { path: 'README.md', languageId: 'markdown', text: '# hi\n' }, truncated: false });
	});

	it('cut text over the limit and say so', () => {
		const big = 'x'.repeat(MAX_CONTEXT_TEXT + 10);
		const built = fileContext('big.txt', 'plaintext', big);
		assert.equal(built.truncated, true);
		assert.equal(built.context.text.length, MAX_CONTEXT_TEXT);
		assert.equal(selectionContext('a', 'b', { start: { line: 0, character: 0 }, end: { line: 0, character: 5 }, text: 'hello' }, 3).context.text, 'hel');
	});

	it('hasText ignores whitespace-only selections', () => {
		const at = { line: 0, character: 0 };
		assert.equal(hasText({ start: at, end: at, text: ' \n\t' }), false);
		assert.equal(hasText({ start: at, end: at, text: ' x ' }), true);
	});
});
