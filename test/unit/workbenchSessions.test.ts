/**
 * The remote workbench off by default: a session the extension creates (ComposioService over the
 * real SDK, against the emulator over HTTP) sends `workbench: {enable: false}`, lists neither
 * COMPOSIO_REMOTE_WORKBENCH nor COMPOSIO_REMOTE_BASH_TOOL, and the emulator reports its config
 * so; with `composio.workbench.enabled` both are there. A session made without the option has
 * them, as the real service's default does, so the first check means something.
 */
import assert from 'node:assert/strict';
import { Composio } from '@composio/core';
import { OpenAIProvider } from '@composio/openai';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { ComposioService } from '../../src/composio/composioService';
import { parseComposioSettings } from '../../src/composio/settings';
import { TestComposioEmulator } from '../shared/testComposioEmulator';

const CODE_TOOLS = ['COMPOSIO_REMOTE_WORKBENCH', 'COMPOSIO_REMOTE_BASH_TOOL'];

describe('Sessions and the remote workbench', function () {
	let emu: TestComposioEmulator;
	let factory: ComposioClientFactory;
	let service: ComposioService;

	before(async () => {
		emu = new TestComposioEmulator();
		await emu.start();
	});
	after(() => emu.stop());
	beforeEach(() => {
		emu.reset();
		factory = new ComposioClientFactory({ logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
		service = new ComposioService({ clientFactory: factory });
	});
	afterEach(() => {
		service.dispose();
		factory.dispose();
	});

	/** The tool slugs and the reported workbench config of a session, asked of the emulator over HTTP. */
	async function sessionState(sessionId: string): Promise<{ tools: string[]; workbench: unknown }> {
		const headers = { 'x-api-key': emu.apiKey };
		const tools = (await (await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session/${sessionId}/tools?limit=500`, { headers })).json()) as { items: Array<{ slug: string }> };
		const session = (await (await fetch(`${emu.baseUrl}/api/v3.1/tool_router/session/${sessionId}`, { headers })).json()) as { config: { workbench?: { enable?: boolean } } };
		return { tools: tools.items.map((i) => i.slug), workbench: session.config.workbench?.enable };
	}

	it('a session made without the option has the workbench and bash tools (the service default)', async () => {
		const composio = new Composio({ apiKey: emu.apiKey, baseURL: emu.baseUrl, allowTracking: false, disableVersionCheck: true, provider: new OpenAIProvider() });
		const session = await composio.create('alice', { manageConnections: true });
		const state = await sessionState(session.sessionId);
		for (const tool of CODE_TOOLS) {
			assert.ok(state.tools.includes(tool), `${tool} in ${state.tools.join(', ')}`);
		}
		assert.equal(state.workbench, true);
	});

	it("the extension's session turns the workbench off: neither tool is listed, in the session or to the model", async () => {
		const settings = parseComposioSettings({ apiKey: emu.apiKey, baseUrl: emu.baseUrl }).settings;
		const session = await service.getSession('alice', settings);
		const state = await sessionState(session.sessionId);
		assert.deepEqual(state.tools.filter((t) => CODE_TOOLS.includes(t)), []);
		assert.equal(state.workbench, false);
		const forModel = (await session.tools()).map((t) => (t.type === 'function' ? t.function.name : ''));
		assert.deepEqual(forModel.filter((t) => CODE_TOOLS.includes(t)), []);
		const create = emu.requests.find((r) => r.method === 'POST' && /\/tool_router\/session$/.test(r.path));
		assert.deepEqual((create?.body as { workbench?: unknown } | undefined)?.workbench, { enable: false }, 'the wire field the real service reads');
	});

	it('with composio.workbench.enabled the session offers both tools', async () => {
		const settings = parseComposioSettings({ apiKey: emu.apiKey, baseUrl: emu.baseUrl, workbench: true }).settings;
		const session = await service.getSession('alice', settings);
		const state = await sessionState(session.sessionId);
		assert.deepEqual(state.tools.filter((t) => CODE_TOOLS.includes(t)), CODE_TOOLS);
		assert.equal(state.workbench, true);
	});
});
