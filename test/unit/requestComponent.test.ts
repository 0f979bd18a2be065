/**
 * Requests name the component that made them (src/common/requestComponent.ts): the real SDK,
 * over HTTP, against the emulator, which records the header. Work run as a component tags every
 * request it makes, however many awaits deep and after a pause; work outside any component tags
 * none; two components at once keep their own.
 */
import assert from 'node:assert/strict';
import { asComponent, COMPONENT_HEADER, currentComponent, fetchTagged } from '../../src/common/requestComponent';
import { ComposioClientFactory } from '../../src/composio/composioClientFactory';
import { TestComposioEmulator } from '../shared/testComposioEmulator';
import { RecordingLogger } from './fakes/recordingLogger';

describe('Requests name their component', function () {
	this.timeout(20_000);
	let emu: TestComposioEmulator;
	let factory: ComposioClientFactory;

	beforeEach(async () => {
		emu = new TestComposioEmulator();
		await emu.start();
		factory = new ComposioClientFactory({ logger: new RecordingLogger() });
	});

	afterEach(async () => {
		factory.dispose();
		await emu.stop();
	});

	it('the SDK’s requests carry the running component, and none outside one', async () => {
		const composio = factory.get(emu.apiKey, emu.baseUrl);
		const list = (): Promise<unknown> => composio.connectedAccounts.list({ userIds: ['u1'] });
		await list();
		await Promise.all([
			asComponent('chat', async () => {
				await new Promise((r) => setTimeout(r, 1));
				await list();
			}),
			asComponent('connections', list),
		]);
		const seen = emu.requests.filter((r) => r.path === '/api/v3.1/connected_accounts').map((r) => r.component ?? 'none');
		assert.deepEqual(seen.slice(0, 1), ['none'], 'a request outside any component names none');
		assert.deepEqual([...seen.slice(1)].sort(), ['chat', 'connections'], 'each component’s request names it, side by side');
	});

	it('keeps the request’s own headers and adds only the component, and every copy of the module shares one store', async () => {
		const sent: Headers[] = [];
		const tagged = fetchTagged((_input, init) => {
			sent.push(new Headers(init?.headers));
			return Promise.resolve(new Response('{}'));
		});
		await asComponent('mcp', () => tagged('http://127.0.0.1/x', { headers: { 'x-api-key': 'k' } }));
		await tagged('http://127.0.0.1/y', { headers: { 'x-api-key': 'k' } });
		assert.equal(sent[0]?.get(COMPONENT_HEADER), 'mcp');
		assert.equal(sent[0]?.get('x-api-key'), 'k');
		assert.equal(sent[1]?.get(COMPONENT_HEADER), null);
		// A lazy bundle holds its own copy of the module: the store is found by a registered symbol.
		const store = (globalThis as Record<symbol, { getStore(): unknown } | undefined>)[Symbol.for('composio-agent.requestComponent')];
		assert.equal(asComponent('command', () => store?.getStore()), 'command');
		assert.equal(asComponent('command', currentComponent), 'command');
	});
});
