import assert from 'node:assert/strict';
import { APIError, OpenAI } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { ScriptedModel } from '../../src/sandbox/scriptedModel/scriptedModel';
import { TestScriptedModel } from '../shared/testScriptedModel';
import { isContinuation } from '../../src/sandbox/scriptedModel/conversation';
import { decideNextTurn } from '../../src/sandbox/scriptedModel/scriptedModelScripts';

const ALL_TOOLS = [
	'COMPOSIO_SEARCH_TOOLS',
	'COMPOSIO_MANAGE_CONNECTIONS',
	'GMAIL_FETCH_EMAILS',
	'GMAIL_SEND_EMAIL',
	'GITHUB_LIST_REPOSITORY_ISSUES',
	'GITHUB_CREATE_AN_ISSUE',
	'SLACK_LIST_ALL_CHANNELS',
	'SLACK_SEND_MESSAGE',
	'LINEAR_LIST_LINEAR_ISSUES',
];

function tools(names: string[]): ChatCompletionTool[] {
	return names.map((name) => ({ type: 'function', function: { name, description: name, parameters: { type: 'object', properties: {} } } }));
}

interface TurnResult {
	text: string;
	textChunks: number;
	calls: { id: string; name: string; arguments: string }[];
	finishReason: string | undefined;
	usage: { prompt_tokens: number; completion_tokens: number } | undefined;
}

/** Streams one turn through the real SDK and assembles it. */
async function runTurn(client: OpenAI, messages: ChatCompletionMessageParam[], toolNames: string[] = ALL_TOOLS): Promise<TurnResult> {
	const stream = await client.chat.completions.create({
		model: 'sandbox-scripted',
		messages,
		...(toolNames.length > 0 ? { tools: tools(toolNames) } : {}),
		stream: true,
		stream_options: { include_usage: true },
	});
	const result: TurnResult = { text: '', textChunks: 0, calls: [], finishReason: undefined, usage: undefined };
	for await (const chunk of stream) {
		if (chunk.usage) {
			result.usage = chunk.usage;
		}
		for (const choice of chunk.choices) {
			if (choice.delta.content) {
				result.text += choice.delta.content;
				result.textChunks++;
			}
			for (const part of choice.delta.tool_calls ?? []) {
				const call = (result.calls[part.index] ??= { id: '', name: '', arguments: '' });
				call.id += part.id ?? '';
				call.name += part.function?.name ?? '';
				call.arguments += part.function?.arguments ?? '';
			}
			if (choice.finish_reason) {
				result.finishReason = choice.finish_reason;
			}
		}
	}
	return result;
}

function toolCallMessage(id: string, name: string, args: unknown): ChatCompletionMessageParam {
	return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] };
}

function toolResult(id: string, result: unknown): ChatCompletionMessageParam {
	return { role: 'tool', tool_call_id: id, content: JSON.stringify(result) };
}

const LINK = 'https://connect.composio.dev/link/ln_abc123';

const manageInitiated = {
	data: { results: { gmail: { toolkit: 'gmail', status: 'initiated', redirect_url: LINK } }, message: 'Connect Gmail to continue' },
	error: null,
};
const manageActive = {
	data: { results: { gmail: { toolkit: 'gmail', status: 'active', connected_account_id: 'ca_1' } }, message: 'Gmail is connected' },
	error: null,
};
const notConnected = {
	data: {},
	error: 'No active connection found for toolkit gmail. Use COMPOSIO_MANAGE_CONNECTIONS to connect it.',
	log_id: 'log_1',
};
const fetchResult = {
	data: {
		messages: [
			{ messageId: 'm1', sender: 'Zelda Quartermaine <zelda@example.org>', subject: 'Invoice 8841 is overdue', messageText: 'Hi, the invoice from March is still open. Could you look today?', labelIds: ['UNREAD', 'INBOX'] },
			{ messageId: 'm2', sender: 'Build Bot', subject: 'Nightly build #977 passed', preview: { body: 'All 312 tests passed in 4m.', subject: 'Nightly build #977 passed' }, labelIds: ['INBOX'] },
		],
	},
	error: null,
	log_id: 'log_2',
};

describe('ScriptedModel', () => {
	const model = new TestScriptedModel({ chunkDelayMs: 1 });
	let client: OpenAI;

	before(async () => {
		await model.start();
		client = new OpenAI({ apiKey: 'unused', baseURL: model.baseUrl, maxRetries: 0, logLevel: 'off' });
	});

	after(async () => {
		await model.stop();
	});

	afterEach(() => {
		model.clearFaults();
	});

	it('binds to loopback and exposes an SDK base URL', () => {
		assert.match(model.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
	});

	it('streams a text answer in several chunks, with usage at the end', async () => {
		const turn = await runTurn(client, [{ role: 'user', content: 'Hello there, who are you?' }]);
		assert.ok(turn.textChunks > 3, `expected several chunks, got ${turn.textChunks}`);
		assert.match(turn.text, /what I can do/);
		assert.equal(turn.finishReason, 'stop');
		assert.ok(turn.usage && turn.usage.completion_tokens > 0 && turn.usage.prompt_tokens > 0);
		assert.deepEqual(turn.calls, []);
	});

	it('answers an unknown request with help that lists example prompts for the offered tools', async () => {
		const turn = await runTurn(client, [{ role: 'user', content: 'What is the weather like on Mars?' }]);
		assert.match(turn.text, /Summarize my emails/);
		assert.match(turn.text, /#general/);
		const gmailOnly = await runTurn(client, [{ role: 'user', content: 'What is the weather like on Mars?' }], ['GMAIL_FETCH_EMAILS']);
		assert.match(gmailOnly.text, /Summarize my emails/);
		assert.doesNotMatch(gmailOnly.text, /#general/);
	});

	it('produces a tool call with valid JSON arguments', async () => {
		const turn = await runTurn(client, [{ role: 'user', content: 'Summarize my emails' }]);
		assert.equal(turn.finishReason, 'tool_calls');
		assert.equal(turn.calls.length, 1);
		const call = turn.calls[0]!;
		assert.match(call.id, /^call_/);
		assert.equal(call.name, 'COMPOSIO_MANAGE_CONNECTIONS');
		assert.deepEqual(JSON.parse(call.arguments), { toolkits: ['gmail'] });
		assert.equal(turn.text, '');
	});

	describe('email script', () => {
		const start: ChatCompletionMessageParam[] = [
			{ role: 'system', content: 'You are a helpful agent.' },
			{ role: 'user', content: 'Summarize my emails' },
			toolCallMessage('call_m1', 'COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail'] }),
		];

		it('asks the user to connect Gmail with the Connect Link when the connection is initiated', async () => {
			const turn = await runTurn(client, [...start, toolResult('call_m1', manageInitiated)]);
			assert.deepEqual(turn.calls, []);
			assert.ok(turn.text.includes(`](${LINK})`), turn.text);
			assert.match(turn.text, /connect your Gmail/i);
			assert.match(turn.text, /\*\*done\*\*/);
		});

		it('fetches the emails when the user continues after connecting', async () => {
			const conversation: ChatCompletionMessageParam[] = [
				...start,
				toolResult('call_m1', manageInitiated),
				{ role: 'assistant', content: `Please connect: [Connect Gmail](${LINK})` },
				{ role: 'user', content: "I've connected Gmail, continue" },
			];
			const turn = await runTurn(client, conversation);
			assert.equal(turn.calls.length, 1);
			assert.equal(turn.calls[0]!.name, 'GMAIL_FETCH_EMAILS');
			assert.deepEqual(JSON.parse(turn.calls[0]!.arguments), { max_results: 10 });

			const afterDone = await runTurn(client, [...conversation.slice(0, -1), { role: 'user', content: 'done' }]);
			assert.equal(afterDone.calls[0]?.name, 'GMAIL_FETCH_EMAILS');
		});

		it('goes straight to the fetch when Gmail is already active', async () => {
			const turn = await runTurn(client, [...start, toolResult('call_m1', manageActive)]);
			assert.equal(turn.calls[0]?.name, 'GMAIL_FETCH_EMAILS');
		});

		it('summarizes the emails from the tool result it was given', async () => {
			const conversation: ChatCompletionMessageParam[] = [
				...start,
				toolResult('call_m1', manageActive),
				toolCallMessage('call_f1', 'GMAIL_FETCH_EMAILS', { max_results: 10 }),
				toolResult('call_f1', fetchResult),
			];
			const turn = await runTurn(client, conversation);
			assert.deepEqual(turn.calls, []);
			assert.match(turn.text, /2 recent emails/);
			assert.match(turn.text, /1 unread/);
			assert.ok(turn.text.includes('Zelda Quartermaine'), turn.text);
			assert.ok(turn.text.includes('Invoice 8841 is overdue'));
			assert.ok(turn.text.includes('Build Bot'));
			assert.ok(turn.text.includes('Nightly build #977 passed'));
			assert.ok(turn.text.includes('All 312 tests passed in 4m.'));

			// A different result gives a different summary: nothing is canned.
			const other = structuredClone(fetchResult);
			other.data.messages = [{ ...other.data.messages[0]!, sender: 'Orin Vale', subject: 'Lunch on Friday?' }];
			const turn2 = await runTurn(client, [...conversation.slice(0, -1), toolResult('call_f1', other)]);
			assert.match(turn2.text, /1 recent email\b/);
			assert.ok(turn2.text.includes('Orin Vale') && turn2.text.includes('Lunch on Friday?'));
			assert.ok(!turn2.text.includes('Zelda'));
		});

		it('re-offers the link when the fetch says Gmail is still not connected', async () => {
			const turn = await runTurn(client, [
				...start,
				toolResult('call_m1', manageInitiated),
				{ role: 'assistant', content: 'Please connect Gmail.' },
				{ role: 'user', content: 'done' },
				toolCallMessage('call_f1', 'GMAIL_FETCH_EMAILS', { max_results: 10 }),
				toolResult('call_f1', notConnected),
			]);
			assert.deepEqual(turn.calls, []);
			assert.match(turn.text, /still isn't connected/);
			assert.ok(turn.text.includes(`](${LINK})`));
		});

		it('explains a tool error in plain text', async () => {
			const turn = await runTurn(client, [
				...start,
				toolResult('call_m1', manageActive),
				toolCallMessage('call_f1', 'GMAIL_FETCH_EMAILS', { max_results: 10 }),
				toolResult('call_f1', { data: {}, error: 'Gmail API quota exceeded for today', log_id: 'x' }),
			]);
			assert.match(turn.text, /couldn't fetch your latest emails/);
			assert.match(turn.text, /Gmail API quota exceeded for today/);
		});

		it('mentions the account alias the user chose when the host knows it', () => {
			const turn = decideNextTurn({
				messages: [
					{ role: 'system', content: 'Connected accounts for gmail: work (ca_1), personal (ca_2).' },
					{ role: 'user', content: 'Use my work Gmail and summarize my emails' },
					toolCallMessage('call_f1', 'GMAIL_FETCH_EMAILS', { max_results: 10 }),
					toolResult('call_f1', fetchResult),
				],
				tools: [{ name: 'GMAIL_FETCH_EMAILS' }],
			});
			assert.equal(turn.type, 'text');
			assert.match(turn.type === 'text' ? turn.text : '', /^Using your \*\*work\*\* Gmail account\./);
		});

		it('runs the app tool through COMPOSIO_MULTI_EXECUTE_TOOL when it is not offered directly', () => {
			const offered = [{ name: 'COMPOSIO_MANAGE_CONNECTIONS' }, { name: 'COMPOSIO_MULTI_EXECUTE_TOOL' }];
			const base = [...start, toolResult('call_m1', manageInitiated), { role: 'user', content: 'done' }];
			const call = decideNextTurn({ messages: base, tools: offered });
			assert.deepEqual(call, {
				type: 'toolCall',
				name: 'COMPOSIO_MULTI_EXECUTE_TOOL',
				arguments: { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: 10 } }], sync_response_to_workbench: false },
			});
			const wrap = (outcome: { data: unknown; error: string | null }): unknown => ({
				data: { results: [{ tool_slug: 'GMAIL_FETCH_EMAILS', index: 0, response: { successful: outcome.error === null, ...outcome } }] },
				error: outcome.error ? '1 out of 1 tools failed' : null,
			});
			const run = (result: unknown): string => {
				const turn = decideNextTurn({
					messages: [...base, toolCallMessage('call_x', 'COMPOSIO_MULTI_EXECUTE_TOOL', call.type === 'toolCall' ? call.arguments : {}), toolResult('call_x', result)],
					tools: offered,
				});
				return turn.type === 'text' ? turn.text : `call ${turn.name}`;
			};
			assert.ok(run(wrap(fetchResult)).includes('Zelda Quartermaine'));
			const stillOff = run(wrap({ data: {}, error: 'Gmail is not connected. Call COMPOSIO_MANAGE_CONNECTIONS with toolkits ["gmail"].' }));
			assert.match(stillOff, /still isn't connected/);
			assert.ok(stillOff.includes(LINK));
		});

		it('says plainly when a needed tool is not offered', async () => {
			const turn = await runTurn(client, [{ role: 'user', content: 'Summarize my emails' }], ['COMPOSIO_SEARCH_TOOLS']);
			assert.deepEqual(turn.calls, []);
			assert.match(turn.text, /GMAIL_FETCH_EMAILS/);
			assert.match(turn.text, /isn't available/);
		});
	});

	describe('editor scripts (the VSCODE_* tools)', () => {
		const EDITOR = ['VSCODE_GET_PROBLEMS', 'VSCODE_GET_DIFF', 'VSCODE_READ_FILE', 'VSCODE_FIND', 'VSCODE_OPEN_FILE', 'VSCODE_EDIT_FILE'];
		const offered = [...ALL_TOOLS, ...EDITOR].map((name) => ({ name }));
		const system: ChatCompletionMessageParam = { role: 'system', content: 'You are Composio Agent.\n\nEditor tools:\n- The active editor shows `src/broken.ts` (typescript); "this file" means it.' };
		const problems = {
			data: { scope: 'src/broken.ts', counts: { error: 1, warning: 0 }, problems: [{ path: 'src/broken.ts', line: 3, column: 7, severity: 'error', message: "Type 'string' is not assignable to type 'number'.", source: 'ts', code: '2322' }] },
			error: null,
		};
		const decide = (messages: ChatCompletionMessageParam[]) => decideNextTurn({ messages, tools: offered });

		it('files the problems of the active file as a GitHub issue: problems first, then the app flow, the diagnostic in the body', () => {
			const ask: ChatCompletionMessageParam = { role: 'user', content: 'Create a GitHub issue for the problems in this file' };
			assert.deepEqual(decide([system, ask]), { type: 'toolCall', name: 'VSCODE_GET_PROBLEMS', arguments: { path: 'src/broken.ts' } });
			const afterProblems = [system, ask, toolCallMessage('p1', 'VSCODE_GET_PROBLEMS', { path: 'src/broken.ts' }), toolResult('p1', problems)];
			assert.deepEqual(decide(afterProblems), { type: 'toolCall', name: 'COMPOSIO_MANAGE_CONNECTIONS', arguments: { toolkits: ['github'] } });
			const active = { data: { results: { github: { toolkit: 'github', status: 'active' } } }, error: null };
			const connected = [...afterProblems, toolCallMessage('c1', 'COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['github'] }), toolResult('c1', active)];
			const create = decide(connected);
			assert.equal(create.type === 'toolCall' ? create.name : '', 'GITHUB_CREATE_AN_ISSUE');
			const args = create.type === 'toolCall' ? create.arguments : {};
			assert.equal(args['title'], 'Fix 1 problem in src/broken.ts');
			assert.match(String(args['body']), /`src\/broken\.ts:3:7` \*\*error\*\* Type 'string' is not assignable to type 'number'\. \(ts 2322\)/);
			const done = decide([...connected, toolCallMessage('g1', 'GITHUB_CREATE_AN_ISSUE', args), toolResult('g1', { data: { number: 12, title: args['title'] }, error: null })]);
			assert.match(done.type === 'text' ? done.text : '', /I created \*\*#12\*\*/);
		});

		it('says so when the file has no problems, or no file is open, instead of filing anything', () => {
			const ask: ChatCompletionMessageParam = { role: 'user', content: 'Create a GitHub issue for the problems in this file' };
			const none = decide([system, ask, toolCallMessage('p1', 'VSCODE_GET_PROBLEMS', { path: 'src/broken.ts' }), toolResult('p1', { data: { scope: 'src/broken.ts', problems: [] }, error: null })]);
			assert.match(none.type === 'text' ? none.text : '', /no problems in `src\/broken\.ts`, so there is nothing to file/);
			const noEditor = decide([{ role: 'system', content: 'You are Composio Agent.\n- No file is open in the active editor.' }, ask]);
			assert.match(noEditor.type === 'text' ? noEditor.text : '', /no file is open in the editor/);
			const withoutTools = decideNextTurn({ messages: [ask], tools: ALL_TOOLS.map((name) => ({ name })) });
			assert.equal(withoutTools.type === 'toolCall' ? withoutTools.name : '', 'COMPOSIO_MANAGE_CONNECTIONS', 'without editor tools it is the plain GitHub script');
		});

		it('summarizes the uncommitted changes to Slack, and explains when git is unavailable', () => {
			const ask: ChatCompletionMessageParam = { role: 'user', content: 'Summarize my uncommitted changes to Slack' };
			assert.deepEqual(decide([system, ask]), { type: 'toolCall', name: 'VSCODE_GET_DIFF', arguments: {} });
			const diff = { data: { summary: '2 changed files (+3 −1 in the files shown)', branch: 'main', files: [{ path: 'README.md', status: 'modified', additions: 2, deletions: 1 }, { path: 'src/new.ts', status: 'untracked', additions: 1, deletions: 0 }] }, error: null };
			const active = { data: { results: { slack: { toolkit: 'slack', status: 'active' } } }, error: null };
			const convo = [system, ask, toolCallMessage('d1', 'VSCODE_GET_DIFF', {}), toolResult('d1', diff), toolCallMessage('c1', 'COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['slack'] }), toolResult('c1', active)];
			const post = decide(convo);
			assert.equal(post.type === 'toolCall' ? post.name : '', 'SLACK_SEND_MESSAGE');
			const args = post.type === 'toolCall' ? post.arguments : {};
			assert.equal(args['channel'], 'general');
			assert.equal(args['text'], 'Uncommitted changes on main: 2 changed files (+3 −1 in the files shown)\n• README.md — modified (+2 −1)\n• src/new.ts — untracked (+1 −0)');
			const unavailable = decide([system, ask, toolCallMessage('d1', 'VSCODE_GET_DIFF', {}), toolResult('d1', { data: null, error: 'No git repository is open in this workspace.' })]);
			assert.match(unavailable.type === 'text' ? unavailable.text : '', /I couldn't read your uncommitted changes: No git repository is open/);
		});

		it('proposes a replacement in the active file and reports what the user chose', () => {
			const ask: ChatCompletionMessageParam = { role: 'user', content: 'Replace "three" with "3" in this file' };
			const edit = decide([system, ask]);
			assert.deepEqual(edit, { type: 'toolCall', name: 'VSCODE_EDIT_FILE', arguments: { path: 'src/broken.ts', edits: [{ old_text: 'three', new_text: '3', replace_all: true }] } });
			const args = edit.type === 'toolCall' ? edit.arguments : {};
			const applied = decide([system, ask, toolCallMessage('e1', 'VSCODE_EDIT_FILE', args), toolResult('e1', { data: { applied: true, path: 'src/broken.ts', replacements: 2 }, error: null })]);
			assert.match(applied.type === 'text' ? applied.text : '', /you applied the change: `three` is now `3` in `src\/broken\.ts` \(2 places\)/);
			const discarded = decide([system, ask, toolCallMessage('e1', 'VSCODE_EDIT_FILE', args), toolResult('e1', { data: { applied: false }, error: 'The user discarded the proposed change; the file is unchanged.' })]);
			assert.match(discarded.type === 'text' ? discarded.text : '', /you discarded the change, so `src\/broken\.ts` is unchanged/);
			const code = decide([system, { role: 'user', content: 'Replace `"three"` with `3` in this file' }]);
			assert.deepEqual(code.type === 'toolCall' ? code.arguments['edits'] : undefined, [{ old_text: '"three"', new_text: '3', replace_all: true }], 'backticks quote code that has quotes in it');
		});

		it('finds text in the workspace and opens files', () => {
			const find = decide([system, { role: 'user', content: 'Find "TODO" in the workspace' }]);
			assert.deepEqual(find, { type: 'toolCall', name: 'VSCODE_FIND', arguments: { query: 'TODO' } });
			const found = decide([system, { role: 'user', content: 'Find "TODO" in the workspace' }, toolCallMessage('f1', 'VSCODE_FIND', { query: 'TODO' }), toolResult('f1', { data: { matches: [{ path: 'src/a.ts', line: 4, text: '// TODO: fix' }], more: '… 3 more matches' }, error: null })]);
			assert.match(found.type === 'text' ? found.text : '', /`src\/a\.ts:4` \/\/ TODO: fix[\s\S]*… 3 more matches/);
			assert.deepEqual(decide([system, { role: 'user', content: 'Open src/checkout.ts at line 9' }]), { type: 'toolCall', name: 'VSCODE_OPEN_FILE', arguments: { path: 'src/checkout.ts', start_line: 9 } });
			const issue = decide([system, { role: 'user', content: 'open an issue titled "x.ts is slow"' }]);
			assert.equal(issue.type === 'toolCall' ? issue.name : '', 'COMPOSIO_MANAGE_CONNECTIONS', '"open an issue" is not opening a file');
		});
	});

	describe('GitHub and Slack scripts', () => {
		it('creates an issue titled from the request with the attached code in the body, then reports it', async () => {
			const ask: ChatCompletionMessageParam = {
				role: 'user',
				content: 'Create a GitHub issue titled "Crash when saving a draft" with the selected code\n\n```ts\nexport function save(draft: Draft) {\n\treturn store.put(draft);\n}\n```',
			};
			const first = await runTurn(client, [ask]);
			assert.equal(first.calls[0]?.name, 'COMPOSIO_MANAGE_CONNECTIONS');
			assert.deepEqual(JSON.parse(first.calls[0].arguments), { toolkits: ['github'] });

			const active = { data: { results: { github: { toolkit: 'github', status: 'active' } } }, error: null };
			const convo: ChatCompletionMessageParam[] = [ask, toolCallMessage('c1', 'COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['github'] }), toolResult('c1', active)];
			const second = await runTurn(client, convo);
			assert.equal(second.calls[0]?.name, 'GITHUB_CREATE_AN_ISSUE');
			const args = JSON.parse(second.calls[0].arguments) as Record<string, unknown>;
			assert.equal(args['owner'], 'acme');
			assert.equal(args['repo'], 'webapp');
			assert.equal(args['title'], 'Crash when saving a draft');
			assert.match(String(args['body']), /return store\.put\(draft\);/);
			assert.match(String(args['body']), /```ts/);

			const created = { data: { number: 4711, html_url: 'https://github.com/acme/webapp/issues/4711', title: 'Crash when saving a draft' }, error: null };
			const third = await runTurn(client, [...convo, toolCallMessage('c2', 'GITHUB_CREATE_AN_ISSUE', args), toolResult('c2', created)]);
			assert.match(third.text, /#4711/);
			assert.ok(third.text.includes('(https://github.com/acme/webapp/issues/4711)'));
		});

		it('takes the title from the words after "about" when nothing is quoted', () => {
			const turn = decideNextTurn({
				messages: [{ role: 'user', content: 'open an issue about the login button being misaligned' }],
				tools: [{ name: 'GITHUB_CREATE_AN_ISSUE' }],
			});
			assert.equal(turn.type, 'toolCall');
			assert.equal(turn.type === 'toolCall' ? turn.arguments['title'] : '', 'The login button being misaligned');
		});

		it('posts to the named Slack channel and reports the result', async () => {
			const ask: ChatCompletionMessageParam = { role: 'user', content: 'Post "Deploy 1.4 finished" to #releases' };
			const active = { data: { results: { slack: { toolkit: 'slack', status: 'active' } } }, error: null };
			const convo: ChatCompletionMessageParam[] = [ask, toolCallMessage('c1', 'COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['slack'] }), toolResult('c1', active)];
			const turn = await runTurn(client, convo);
			assert.equal(turn.calls[0]?.name, 'SLACK_SEND_MESSAGE');
			const args = JSON.parse(turn.calls[0].arguments) as Record<string, unknown>;
			assert.deepEqual(args, { channel: 'releases', text: 'Deploy 1.4 finished' });
			const done = await runTurn(client, [...convo, toolCallMessage('c2', 'SLACK_SEND_MESSAGE', args), toolResult('c2', { data: { ok: true, channel: 'C0123456', ts: '1.2' }, error: null })]);
			assert.match(done.text, /Posted to \*\*#releases\*\*/);
			assert.match(done.text, /Deploy 1\.4 finished/);
		});

		it('lists GitHub issues, Slack channels and Linear issues from their results', () => {
			const cases: { ask: string; tool: string; result: unknown; expect: RegExp[] }[] = [
				{
					ask: 'List the open issues on GitHub',
					tool: 'GITHUB_LIST_REPOSITORY_ISSUES',
					result: { data: [{ number: 7, title: 'Flaky login test', state: 'open' }], error: null },
					expect: [/#7/, /Flaky login test/, /open/],
				},
				{
					ask: 'Which Slack channels am I in?',
					tool: 'SLACK_LIST_ALL_CHANNELS',
					result: { data: { channels: [{ name: 'eng-random', num_members: 12 }] }, error: null },
					expect: [/#eng-random/, /12 members/],
				},
				{
					ask: 'Show my Linear issues',
					tool: 'LINEAR_LIST_LINEAR_ISSUES',
					result: { data: { issues: [{ identifier: 'ENG-99', title: 'Migrate billing', state: { name: 'In Progress' } }] }, error: null },
					expect: [/ENG-99/, /Migrate billing/, /In Progress/],
				},
			];
			for (const c of cases) {
				const first = decideNextTurn({ messages: [{ role: 'user', content: c.ask }], tools: [{ name: c.tool }] });
				assert.equal(first.type === 'toolCall' ? first.name : first.text, c.tool, c.ask);
				const args = first.type === 'toolCall' ? first.arguments : {};
				const answer = decideNextTurn({
					messages: [{ role: 'user', content: c.ask }, toolCallMessage('c1', c.tool, args), toolResult('c1', c.result)],
					tools: [{ name: c.tool }],
				});
				assert.equal(answer.type, 'text');
				for (const re of c.expect) {
					assert.match(answer.type === 'text' ? answer.text : '', re, c.ask);
				}
			}
		});
	});

	it('writes a code answer with headings, a list and a fenced ts block', async () => {
		const turn = await runTurn(client, [{ role: 'user', content: 'Write a debounce function in TypeScript' }]);
		assert.match(turn.text, /^## /m);
		assert.match(turn.text, /^- /m);
		assert.match(turn.text, /```ts\n[\s\S]*function debounce[\s\S]*```/);
		const explain = await runTurn(client, [{ role: 'user', content: 'Explain this\n\n```ts\nfunction parseConfig(raw: string) {\n\treturn JSON.parse(raw);\n}\n```' }]);
		assert.match(explain.text, /`parseConfig`/);
		assert.match(explain.text, /```ts/);
	});

	it('treats short replies as continuations, not new tasks', () => {
		for (const text of ['done', 'Done!', 'ok', "I've connected Gmail, continue", 'I have authorized it', 'continue']) {
			assert.ok(isContinuation(text), text);
		}
		for (const text of ['Summarize my emails', 'ok, now list my slack channels', 'Write a function']) {
			assert.ok(!isContinuation(text), text);
		}
	});

	it('is deterministic: the same conversation gets the same reply', async () => {
		const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Summarize my emails' }];
		const a = await runTurn(client, messages);
		const b = await runTurn(client, messages);
		assert.deepEqual(a.calls, b.calls);
	});

	it('delivers injected 401, 429 and 500 faults to the SDK with those statuses', async () => {
		for (const status of [401, 429, 500]) {
			model.injectFault({ status, ...(status === 429 ? { retryAfterSeconds: 7 } : {}) });
			await assert.rejects(runTurn(client, [{ role: 'user', content: 'hi' }]), (e: unknown) => {
				assert.ok(e instanceof APIError, String(e));
				assert.equal(e.status, status);
				if (status === 429) {
					const headers: unknown = e.headers;
					assert.ok(headers instanceof Headers);
					assert.equal(headers.get('retry-after'), '7');
				}
				return true;
			});
		}
		// Faults are used up: the next request succeeds.
		const ok = await runTurn(client, [{ role: 'user', content: 'hi' }]);
		assert.equal(ok.finishReason, 'stop');
	});

	it('applies a fault to `count` requests', async () => {
		model.injectFault({ status: 503, count: 2 });
		const is503 = (e: unknown): boolean => e instanceof APIError && e.status === 503;
		await assert.rejects(runTurn(client, [{ role: 'user', content: 'hi' }]), is503);
		await assert.rejects(runTurn(client, [{ role: 'user', content: 'hi' }]), is503);
		assert.equal((await runTurn(client, [{ role: 'user', content: 'hi' }])).finishReason, 'stop');
	});

	it('cuts a stream after N chunks: the connection drops mid-answer, and the SDK stream fails after the text it had', async () => {
		model.injectFault({ cutAfterChunks: 2 });
		const seen: string[] = [];
		const stream = await client.chat.completions.create({ model: 'sandbox-scripted', messages: [{ role: 'user', content: 'Hello there, who are you?' }], stream: true });
		await assert.rejects(
			(async () => {
				for await (const chunk of stream) {
					seen.push(chunk.choices[0]?.delta.content ?? '');
					assert.equal(chunk.choices[0]?.finish_reason ?? null, null, 'no chunk finishes the answer');
				}
			})(),
			(e: unknown) => e instanceof Error && !(e instanceof assert.AssertionError),
			'a cut stream fails instead of ending as if complete',
		);
		assert.ok(seen.length >= 1 && seen.length <= 2, `the chunks before the cut arrived (${seen.length})`);
	});

	it('answers non-streaming requests with a chat.completion', async () => {
		const text = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
		assert.equal(text.object, 'chat.completion');
		assert.equal(text.model, 'gpt-test');
		assert.equal(text.choices[0]?.finish_reason, 'stop');
		assert.match(text.choices[0]?.message.content ?? '', /what I can do/);
		assert.ok(text.usage && text.usage.total_tokens > 0);

		const call = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Summarize my emails' }], tools: tools(ALL_TOOLS) });
		const toolCall = call.choices[0]?.message.tool_calls?.[0];
		assert.equal(call.choices[0]?.finish_reason, 'tool_calls');
		assert.ok(toolCall && toolCall.type === 'function');
		assert.equal(toolCall.function.name, 'COMPOSIO_MANAGE_CONNECTIONS');
		assert.deepEqual(JSON.parse(toolCall.function.arguments), { toolkits: ['gmail'] });
	});

	it('lists models', async () => {
		const page = await client.models.list();
		assert.ok(page.data.some((m) => m.id === 'sandbox-scripted'));
	});

	it('records requests and serves the admin endpoints', async () => {
		const before = model.requests.length;
		await runTurn(client, [{ role: 'user', content: 'Summarize my emails' }], ['COMPOSIO_MANAGE_CONNECTIONS', 'GMAIL_FETCH_EMAILS']);
		assert.equal(model.requests.length, before + 1);
		assert.deepEqual(model.requests.at(-1)?.tools, ['COMPOSIO_MANAGE_CONNECTIONS', 'GMAIL_FETCH_EMAILS']);

		const admin = model.baseUrl.replace(/\/v1$/, '/_scripted');
		const listed = (await (await fetch(`${admin}/requests`)).json()) as { requests: unknown[] };
		assert.equal(listed.requests.length, model.requests.length);

		const bad = await fetch(`${admin}/faults`, { method: 'POST', body: JSON.stringify({ status: 'nope' }) });
		assert.equal(bad.status, 400);
		const added = await fetch(`${admin}/faults`, { method: 'POST', body: JSON.stringify({ status: 404 }) });
		assert.equal(added.status, 200);
		await assert.rejects(runTurn(client, [{ role: 'user', content: 'hi' }]), (e: unknown) => e instanceof APIError && e.status === 404);

		await fetch(`${admin}/faults`, { method: 'POST', body: JSON.stringify([{ status: 500 }]) });
		assert.equal((await fetch(`${admin}/faults`, { method: 'DELETE' })).status, 200);
		assert.equal((await runTurn(client, [{ role: 'user', content: 'hi' }])).finishReason, 'stop');

		const pace = await fetch(`${admin}/pace`, { method: 'POST', body: JSON.stringify({ chunkDelayMs: 0, wordsPerChunk: 1000 }) });
		assert.deepEqual(await pace.json(), { chunkDelayMs: 0, wordsPerChunk: 1000, latencyMs: 0 });
		const oneChunk = await runTurn(client, [{ role: 'user', content: 'hi' }]);
		assert.equal(oneChunk.textChunks, 1);
		model.setPace({ chunkDelayMs: 1, wordsPerChunk: 3 });
	});

	it('answers with a queued reply instead of the script, once', async () => {
		const admin = model.baseUrl.replace(/\/v1$/, '/_scripted');
		const queued = await fetch(`${admin}/reply`, { method: 'POST', body: JSON.stringify({ text: 'A reply from the test, word for word.' }) });
		assert.equal(queued.status, 200);
		assert.equal((await runTurn(client, [{ role: 'user', content: 'hi' }])).text, 'A reply from the test, word for word.');
		assert.notEqual((await runTurn(client, [{ role: 'user', content: 'hi' }])).text, 'A reply from the test, word for word.', 'the script answers again');
	});

	it('what ships has no admin routes and keeps no request log', async () => {
		const shipped = new ScriptedModel({ chunkDelayMs: 0 });
		await shipped.start();
		try {
			const admin = shipped.baseUrl.replace(/\/v1$/, '/_scripted');
			for (const path of ['/requests', '/faults', '/pace', '/reply']) {
				assert.equal((await fetch(`${admin}${path}`, { method: path === '/requests' ? 'GET' : 'POST', body: path === '/requests' ? undefined : '{}' })).status, 404, path);
			}
			const plain = new OpenAI({ apiKey: 'any', baseURL: shipped.baseUrl, maxRetries: 0, logLevel: 'off' });
			assert.equal((await runTurn(plain, [{ role: 'user', content: 'hi' }])).finishReason, 'stop');
			assert.ok(!('requests' in shipped), 'no request log');
			assert.ok(!('injectFault' in shipped) && !('setPace' in shipped), 'no fault injection or pacing controls');
		} finally {
			await shipped.stop();
		}
	});

	it('rejects other keys with 401 when a key is required', async () => {
		const locked = new TestScriptedModel({ chunkDelayMs: 0, requireKey: 'right-key' });
		await locked.start();
		try {
			const wrong = new OpenAI({ apiKey: 'wrong-key', baseURL: locked.baseUrl, maxRetries: 0, logLevel: 'off' });
			await assert.rejects(runTurn(wrong, [{ role: 'user', content: 'hi' }]), (e: unknown) => {
				assert.ok(e instanceof APIError);
				assert.equal(e.status, 401);
				assert.ok(!e.message.includes('wrong-key'));
				return true;
			});
			const right = new OpenAI({ apiKey: 'right-key', baseURL: locked.baseUrl, maxRetries: 0, logLevel: 'off' });
			assert.equal((await runTurn(right, [{ role: 'user', content: 'hi' }])).finishReason, 'stop');
		} finally {
			await locked.stop();
		}
	});
});
