/**
 * The live check's recording, scrubbing and fixture writing (test/live/), on exchanges made up
 * here: what `npm run test:live` records from Composio is scrubbed of the key, tokens, emails,
 * names and the user id, and filed under the contract scenario it stands for.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrubProblems } from '../live/liveCheck';
import type { Exchange } from '../live/recordingProxy';
import { scenarioOf, writeLiveFixtures } from '../live/recordFixtures';
import { scrub } from '../live/scrub';

const KEY = 'ak_live_secret_123';
const USER = 'live-check-abc';

function exchange(over: Partial<Exchange>): Exchange {
	return { method: 'GET', path: '/', query: '', requestBody: undefined, status: 200, responseBody: {}, ...over };
}

describe('The live check: scrubbing and fixtures', () => {
	it('scrubs the key, credentials, emails, the names people go by and the live user id; keeps the rest', () => {
		const raw = {
			user_id: USER,
			mcp: { url: `https://backend.composio.dev/tool_router/trs_1/mcp?key=${KEY}` },
			state: { val: { access_token: 'ya29.abc', refresh_token: 'r1', status: 'ACTIVE' } },
			current_user_info: { email: 'dana@acme.dev', name: 'Dana Okafor' },
			data: { login: 'dana-o', messages: [{ sender: 'Priya <priya@acme.dev>', subject: 'Roadmap' }] },
			toolkit: { slug: 'gmail', name: 'Gmail' },
		};
		const clean = scrub(raw, { secrets: [KEY], userId: { value: USER, replacement: 'live-check-user' } });
		assert.deepEqual(clean, {
			user_id: 'live-check-user',
			mcp: { url: 'https://backend.composio.dev/tool_router/trs_1/mcp?key=<redacted>' },
			state: { val: { access_token: '<redacted>', refresh_token: '<redacted>', status: 'ACTIVE' } },
			current_user_info: { email: 'user@example.com', name: 'Redacted Name' },
			data: { login: 'Redacted Name', messages: [{ sender: 'Priya <user@example.com>', subject: 'Roadmap' }] },
			toolkit: { slug: 'gmail', name: 'Gmail' },
		});
	});

	it('files each exchange under the scenario it stands for, and leaves out the rest', () => {
		const session = '/api/v3.1/tool_router/session';
		assert.equal(scenarioOf(exchange({ method: 'POST', path: session, status: 201 }))?.name, 'session-create');
		assert.equal(scenarioOf(exchange({ path: `${session}/trs_1/tools` }))?.name, 'session-tools');
		assert.equal(scenarioOf(exchange({ method: 'POST', path: `${session}/trs_1/execute`, requestBody: { tool_slug: 'COMPOSIO_SEARCH_TOOLS' } }))?.name, 'meta-search-tools');
		assert.equal(scenarioOf(exchange({ method: 'POST', path: `${session}/trs_1/execute`, requestBody: { tool_slug: 'GMAIL_GET_PROFILE' } }))?.name, 'session-execute');
		assert.equal(
			scenarioOf(exchange({ method: 'POST', path: `${session}/trs_1/execute`, status: 400, responseBody: { error: { code: 4302, slug: 'ToolRouterV2_NoActiveConnection' } } }))?.name,
			'session-execute-not-connected',
		);
		assert.equal(scenarioOf(exchange({ path: '/api/v3.1/connected_accounts/ca_1', responseBody: { status: 'ACTIVE', is_disabled: false } }))?.name, 'account-active');
		assert.equal(scenarioOf(exchange({ method: 'POST', path: `${session}/trs_1/execute`, requestBody: { tool_slug: 'COMPOSIO_MULTI_EXECUTE_TOOL' }, responseBody: { data: { error_count: 0 } } })), undefined, 'no partial failure: not that scenario');
		assert.equal(scenarioOf(exchange({ method: 'DELETE', path: '/api/v3.1/connected_accounts/ca_1' })), undefined);
	});

	it('writes scrubbed fixtures the scrub check passes, and the check catches one that is not', () => {
		const dir = mkdtempSync(join(tmpdir(), 'live-fixtures-'));
		try {
			const files = writeLiveFixtures(
				[
					exchange({ method: 'POST', path: '/api/v3.1/tool_router/session', status: 201, responseBody: { session_id: 'trs_1', config: { user_id: USER } } }),
					exchange({ path: '/api/v3.1/connected_accounts', responseBody: { items: [{ id: 'ca_1', user_id: USER, data: { email: 'dana@acme.dev' } }] } }),
				],
				dir,
				{ secrets: [KEY], userId: { value: USER, replacement: 'live-check-user' }, target: 'https://backend.composio.dev', recordedAt: '2026-12-07' },
			);
			assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), ['accounts-list.live.json', 'session-create.live.json']);
			assert.deepEqual(scrubProblems(files, KEY, USER), []);
			const fixture = JSON.parse(readFileSync(files[1]!, 'utf8')) as { source: string; request: unknown; status: number };
			assert.match(fixture.source, /^recorded from https:\/\/backend\.composio\.dev by npm run test:live on 2026-12-07/);
			assert.deepEqual(fixture.request, { method: 'POST', path: '/api/v3.1/tool_router/session' });
			const raw = writeLiveFixtures([exchange({ path: '/api/v3.1/connected_accounts', responseBody: { items: [{ user_id: USER, note: `${KEY} dana@acme.dev` }] } })], join(dir, 'raw'), {
				secrets: [],
				target: 'x',
				recordedAt: 'y',
			});
			assert.deepEqual(scrubProblems(raw, KEY, USER).map((p) => p.replace(/^.*\.live\.json /, '')), ['holds the API key', 'holds the live user id'], 'without its secrets named, the key and the user id stay, and the check finds both');
			const leaky = join(dir, 'leaky.live.json');
			writeFileSync(leaky, JSON.stringify({ response: { email: 'dana@acme.dev' } }));
			assert.deepEqual(scrubProblems([leaky], KEY, USER), [`${leaky} holds email addresses: dana@acme.dev`]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
