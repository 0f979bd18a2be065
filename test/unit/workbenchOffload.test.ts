/**
 * Large results and the remote workbench. With the workbench on, Composio saves a multi-execute's
 * whole response in the session's workbench and answers with a preview (`sync_response_to_workbench`,
 * or a response over `auto_offload_threshold`). Checked over HTTP through the real SDK: the emulator
 * offloads and its shell tool reads the file back; the agent loop marks the card with the file and
 * gives the model a bounded preview; the card's "Open the whole result" reads the file; and the
 * extension reads only a plain path under /mnt/files/ from Composio's envelope.
 */
import assert from 'node:assert/strict';
import { Composio } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import type { AgentEvent } from '../../src/agent/agentEvents';
import { runAgent } from '../../src/agent/agentLoop';
import { DEFAULT_TOOL_OUTPUT_BUDGET } from '../../src/agent/toolOutput';
import { readWorkbenchFile } from '../../src/agent/workbenchFiles';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import { printWorkbenchFileArguments, workbenchFileOf } from '../../src/composio/metaTools';
import { parseComposioSettings } from '../../src/composio/settings';
import { nullLogger } from '../../src/common/logger';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { FakeModel } from './fakes/fakeModel';

const MULTI = 'COMPOSIO_MULTI_EXECUTE_TOOL';
const fetchEmails = (max: number, sync = false): Record<string, unknown> => ({ tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: { max_results: max } }], sync_response_to_workbench: sync });

describe('Large results and the remote workbench', function () {
	this.timeout(30_000);
	const emu = new TestComposioEmulator();
	let composio: Composio<OpenAIProvider>;
	before(() => emu.start());
	after(() => emu.stop());
	beforeEach(() => {
		emu.reset();
		composio = new Composio({ apiKey: emu.apiKey, baseURL: emu.baseUrl, allowTracking: false, disableVersionCheck: true, provider: new OpenAIProvider() });
		emu.seedAccount('alice', 'gmail');
		// Fifty long messages: well over the 20,000-character threshold.
		emu.seedEmails('alice', Array.from({ length: 50 }, (_, i) => ({ from: `sender${i}@acme.dev`, subject: `Report ${i}`, body: `Line ${i}. `.repeat(120) })));
	});

	it('a response over the threshold comes back as a preview beside the file, and the shell tool prints the whole file', async () => {
		const session = await composio.create('alice', { manageConnections: true });
		const answer = await session.execute(MULTI, fetchEmails(50));
		assert.equal(answer.error, null);
		const info = answer.data.remote_file_info as { file_path: string; size_chars: number; is_preview: boolean };
		assert.match(info.file_path, /^\/mnt\/files\/\.composio\/output\/.+\.json$/);
		assert.equal(info.is_preview, true);
		const preview = (answer.data.results as Array<{ response: { data: { messages: unknown[] } } }>)[0]!.response.data.messages;
		assert.equal(preview.length, 4, 'three messages and a note of the rest');
		assert.ok(JSON.stringify(answer.data).length < 20_000, 'the answer itself stays small');

		const printed = await session.execute('COMPOSIO_REMOTE_BASH_TOOL', printWorkbenchFileArguments(info.file_path));
		assert.equal(printed.error, null);
		const whole = JSON.parse(String(printed.data.stdout)) as { results: Array<{ response: { data: { messages: unknown[] } } }> };
		assert.equal(whole.results[0]!.response.data.messages.length, 50);
		assert.equal(String(printed.data.stdout).length, info.size_chars);
		const missing = await session.execute('COMPOSIO_REMOTE_BASH_TOOL', { command: "cat -- '/mnt/files/.composio/output/nope.json'" });
		assert.match(missing.error ?? '', /No such file/);
	});

	it('sync_response_to_workbench saves a small response too and keeps it whole inline; without it nothing is saved; it is required', async () => {
		const session = await composio.create('alice', { manageConnections: true });
		const synced = await session.execute(MULTI, fetchEmails(2, true));
		const info = synced.data.remote_file_info as { is_preview: boolean };
		assert.equal(info.is_preview, false);
		assert.equal((synced.data.results as Array<{ response: { data: { messages: unknown[] } } }>)[0]!.response.data.messages.length, 2);
		const inline = await session.execute(MULTI, fetchEmails(2));
		assert.equal(inline.data.remote_file_info, undefined);
		const unsaid = await session.execute(MULTI, { tools: [{ tool_slug: 'GMAIL_FETCH_EMAILS', arguments: {} }] });
		assert.match(unsaid.error ?? '', /missing: \{'sync_response_to_workbench'\}/);
	});

	it('with the workbench off nothing is offloaded; the threshold a session asks for is the one it gets', async () => {
		const off = await composio.create('alice', { manageConnections: true, sandbox: { enable: false } });
		const whole = await off.execute(MULTI, fetchEmails(50, true));
		assert.equal(whole.data.remote_file_info, undefined);
		assert.equal((whole.data.results as Array<{ response: { data: { messages: unknown[] } } }>)[0]!.response.data.messages.length, 50);

		const created = await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session`, {
			method: 'POST',
			headers: { 'x-api-key': emu.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: 'alice', workbench: { enable: true, auto_offload_threshold: 500 } }),
		});
		const body = (await created.json()) as { session_id: string; config: { workbench: { auto_offload_threshold: number } } };
		assert.equal(body.config.workbench.auto_offload_threshold, 500);
		const small = await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session/${body.session_id}/execute`, {
			method: 'POST',
			headers: { 'x-api-key': emu.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ tool_slug: MULTI, arguments: fetchEmails(2) }),
		});
		assert.equal(((await small.json()) as { data: { remote_file_info?: { is_preview: boolean } } }).data.remote_file_info?.is_preview, true, 'two messages are over 500 characters');
	});

	it('the agent loop: the card names the workbench file, the model reads a bounded preview, and the card reads the whole file', async () => {
		const factory = new ComposioClientFactory({ logger: nullLogger, maxRetries: 0 });
		const service = new ComposioService({ clientFactory: factory });
		try {
			const session = await service.getSession('alice', parseComposioSettings({ apiKey: emu.apiKey, baseUrl: emu.baseUrl, workbench: true }).settings);
			const model = new FakeModel([
				[{ type: 'toolCalls', calls: [{ id: 'w1', name: MULTI, arguments: JSON.stringify(fetchEmails(50)) }] }, { type: 'done', finishReason: 'tool_calls' }],
				[{ type: 'text', delta: 'Fifty reports.' }, { type: 'done', finishReason: 'stop' }],
			]);
			const events: AgentEvent[] = [];
			const messages: Parameters<typeof runAgent>[0]['messages'] = [{ role: 'user', content: 'Fetch my last 50 emails' }];
			for await (const e of runAgent({ model, session, messages, maxTurns: 3, signal: new AbortController().signal })) {
				events.push(e);
			}
			const finished = events.find((e) => e.type === 'toolFinished');
			assert.ok(finished?.type === 'toolFinished' && finished.ok, JSON.stringify(finished));
			assert.match(finished.workbenchFile ?? '', /^\/mnt\/files\/\.composio\/output\//);
			const forModel = messages.find((m) => m.role === 'tool');
			assert.ok(typeof forModel?.content === 'string' && forModel.content.length <= DEFAULT_TOOL_OUTPUT_BUDGET);
			assert.match(forModel.content, /remote_file_info/, 'the model is told where the whole response is');
			const text = await readWorkbenchFile(session, finished.workbenchFile!);
			assert.equal((JSON.parse(text) as { results: Array<{ response: { data: { messages: unknown[] } } }> }).results[0]!.response.data.messages.length, 50);
		} finally {
			service.dispose();
			factory.dispose();
		}
	});

	it('reads only a plain path under /mnt/files/ from the envelope, never from a tool’s own data', () => {
		const at = (file_path: unknown, name = MULTI): string | undefined => workbenchFileOf(name, { results: [], remote_file_info: { file_path, size_chars: 10 } });
		assert.equal(at('/mnt/files/.composio/output/r_1.json'), '/mnt/files/.composio/output/r_1.json');
		for (const bad of ['/etc/passwd', '/mnt/files/../etc/passwd', "/mnt/files/a'; rm -rf ~; '", '/mnt/files/a b.json', '/mnt/files/', 42]) {
			assert.equal(at(bad), undefined, String(bad));
		}
		assert.equal(at('/mnt/files/x.json', 'GMAIL_FETCH_EMAILS'), undefined, 'only a multi-execute answer');
		assert.equal(workbenchFileOf(MULTI, { results: [{ response: { data: { remote_file_info: { file_path: '/mnt/files/x.json' } } } }] }), undefined, 'not inside a result');
		assert.throws(() => printWorkbenchFileArguments('/mnt/files/../../etc/passwd'));
		assert.deepEqual(printWorkbenchFileArguments('/mnt/files/x.json'), { command: "cat -- '/mnt/files/x.json'" });
	});
});
