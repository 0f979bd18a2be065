import assert from 'node:assert/strict';
import type { Script } from '../../src/sandbox/scriptedModel/script';
import { FALLBACK, SCRIPTS } from '../../src/sandbox/scriptedModel/scriptedModelScripts';
import { interpret } from '../../src/sandbox/scriptedModel/scriptInterpreter';

const fallback: Script = { name: 'fallback', when: {}, start: () => ({ say: 'fallback' }) };

function say(name: string, when: Script['when']): Script {
	return { name, when, start: () => ({ say: name }) };
}

function user(content: string): { role: 'user'; content: string } {
	return { role: 'user', content };
}

function call(id: string, name: string, args: unknown = {}): unknown {
	return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] };
}

function result(id: string, content: unknown): unknown {
	return { role: 'tool', tool_call_id: id, content: typeof content === 'string' ? content : JSON.stringify(content) };
}

function text(scripts: readonly Script[], messages: unknown[], tools: string[] = []): string {
	const turn = interpret({ messages, tools: tools.map((name) => ({ name })) }, scripts, fallback);
	assert.equal(turn.type, 'text');
	return turn.type === 'text' ? turn.text : '';
}

describe('scriptInterpreter', () => {
	it('answers with the first script whose `when` takes the task, testing the lower-cased text without code', () => {
		const scripts = [
			say('needs-tool', { all: [/\bfoo\b/], tools: ['FOO_TOOL'] }),
			say('needs-code', { all: [/\bfoo\b/], code: true }),
			say('not-bar', { any: [/\bfoo\b/, /\bbaz\b/], none: [/\bbar\b/] }),
			say('foo-bar', { all: [/\bfoo\b/, /\bbar\b/] }),
		];
		assert.equal(text(scripts, [user('FOO please')]), 'not-bar');
		assert.equal(text(scripts, [user('foo please')], ['FOO_TOOL']), 'needs-tool');
		assert.equal(text(scripts, [user('Foo this:\n```ts\nconst bar = 1;\n```')]), 'needs-code');
		assert.equal(text(scripts, [user('foo and bar')]), 'foo-bar');
		assert.equal(text(scripts, [user('baz')]), 'not-bar');
		assert.equal(text(scripts, [user('something else')]), 'fallback');
	});

	it('answers with the fallback when no message asks for anything, and carries a task on through continuations', () => {
		const scripts = [say('foo', { all: [/\bfoo\b/] })];
		assert.equal(text(scripts, []), 'fallback');
		assert.equal(text(scripts, [user('done')]), 'fallback');
		assert.equal(text(scripts, [user('foo'), { role: 'assistant', content: 'Connect first.' }, user("I've connected it, continue")]), 'foo');
	});

	it('hands the script the request: plain text, code blocks, tools and the active file the system prompt names', () => {
		let seen: unknown;
		const spy: Script = {
			name: 'spy',
			when: {},
			start: (r) => {
				seen = { plain: r.plain, lower: r.lower, code: r.code, tools: [...r.tools], activeFile: r.activeFile };
				return { say: 'ok' };
			},
		};
		interpret(
			{
				messages: [{ role: 'system', content: '- The active editor shows `src/a.ts` (typescript).' }, user('Explain  This\n```ts\nlet x = 1;\n```\nnow')],
				tools: [{ name: 'T' }],
			},
			[spy],
			fallback,
		);
		assert.deepEqual(seen, { plain: 'Explain This now', lower: 'explain this now', code: [{ lang: 'ts', code: 'let x = 1;' }], tools: ['T'], activeFile: 'src/a.ts' });
	});

	describe('call steps', () => {
		const twice: Script = {
			name: 'twice',
			when: { all: [/\bcount\b/] },
			start: () => ({
				call: 'COUNT',
				args: { n: 1 },
				failed: 'count',
				then: (first) => ({ call: 'COUNT', args: { n: 2 }, then: (second) => ({ say: `${JSON.stringify(first.payload)} then ${second.ok ? JSON.stringify(second.payload) : `error ${second.error}`}` }) }),
			}),
		};
		const ask = user('count please');

		it('calls the tool, waits for its result, and goes on with the step it leads to; each call takes a result of its own', () => {
			assert.deepEqual(interpret({ messages: [ask], tools: [{ name: 'COUNT' }] }, [twice], fallback), { type: 'toolCall', name: 'COUNT', arguments: { n: 1 } });
			const afterFirst = [ask, call('c1', 'COUNT', { n: 1 }), result('c1', { data: { n: 1 } })];
			assert.deepEqual(interpret({ messages: afterFirst, tools: [] }, [twice], fallback), { type: 'toolCall', name: 'COUNT', arguments: { n: 2 } });
			// A call still waiting for its result is called again.
			assert.deepEqual(interpret({ messages: [...afterFirst, call('c2', 'COUNT', { n: 2 })], tools: [] }, [twice], fallback), {
				type: 'toolCall',
				name: 'COUNT',
				arguments: { n: 2 },
			});
			assert.equal(text([twice], [...afterFirst, call('c2', 'COUNT', { n: 2 }), result('c2', { data: 2 })]), '{"n":1} then 2');
			assert.equal(text([twice], [...afterFirst, call('c2', 'COUNT'), result('c2', 'Error: too high')]), '{"n":1} then error too high');
		});

		it('answers a failure itself when the step says what failed, so `then` sees only successes', () => {
			assert.equal(text([twice], [ask, call('c1', 'COUNT'), result('c1', { data: null, error: 'no *counter*' })]), "I couldn't count: no counter");
			assert.equal(text([twice], [ask, call('c1', 'COUNT'), result('c1', { successful: false })]), "I couldn't count: The tool reported a failure without details.");
		});

		it('reads only the calls made after the task', () => {
			const before = [user('count'), call('c1', 'COUNT'), result('c1', { data: 1 }), { role: 'assistant', content: 'counted' }];
			assert.deepEqual(interpret({ messages: [...before, user('count again')], tools: [] }, [twice], fallback), { type: 'toolCall', name: 'COUNT', arguments: { n: 1 } });
		});
	});

	describe('the table', () => {
		it('names every script once, and falls back to help', () => {
			const names = SCRIPTS.map((s) => s.name);
			assert.equal(new Set(names).size, names.length);
			assert.equal(FALLBACK.name, 'help');
			assert.ok(!SCRIPTS.includes(FALLBACK));
		});

		it('offers no script that calls a tool without checking the request offers it', () => {
			const request = { text: '', plain: '', lower: '', code: [], tools: new Set<string>() };
			for (const script of SCRIPTS) {
				const step = script.start({ ...request, activeFile: 'src/a.ts' });
				if ('call' in step) {
					assert.ok(script.when.tools?.includes(step.call), `${script.name} checks that ${step.call} is offered`);
				}
			}
		});
	});
});
