/**
 * Turning the live check's recorded exchanges into contract fixtures: each exchange that stands
 * for one of the contract suite's scenarios (a session created, its tools, a Connect Link, an
 * account in one status, a meta tool's answer, …) is scrubbed and written as `<scenario>.live.json`,
 * which the contract suite then checks the emulator against, beside Composio's published example.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from './recordingProxy';
import { scrub, type ScrubOptions } from './scrub';

function record(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The contract scenario an exchange stands for, with the path template it is filed under; undefined for the rest. */
export function scenarioOf(e: Exchange): { readonly name: string; readonly path: string } | undefined {
	const session = '/api/v3.1/tool_router/session';
	if (e.method === 'POST' && e.path === session && e.status === 201) {
		return { name: 'session-create', path: session };
	}
	const sub = new RegExp(`^${session.replace(/\./g, '\\.')}/[^/]+/(tools|toolkits|link|execute)$`).exec(e.path)?.[1];
	if (sub === 'tools' && e.method === 'GET') {
		return { name: 'session-tools', path: `${session}/{session_id}/tools` };
	}
	if (sub === 'toolkits' && e.method === 'GET') {
		return { name: 'session-toolkits', path: `${session}/{session_id}/toolkits` };
	}
	if (sub === 'link' && e.method === 'POST') {
		return { name: 'session-link', path: `${session}/{session_id}/link` };
	}
	if (sub === 'execute' && e.method === 'POST') {
		const path = `${session}/{session_id}/execute`;
		const slug = record(e.requestBody)['tool_slug'];
		const error = record(record(e.responseBody)['error']);
		if (e.status === 400 && (error['code'] === 4302 || error['slug'] === 'ToolRouterV2_NoActiveConnection')) {
			return { name: 'session-execute-not-connected', path };
		}
		if (e.status !== 200) {
			return undefined;
		}
		if (slug === 'COMPOSIO_SEARCH_TOOLS') {
			return { name: 'meta-search-tools', path };
		}
		if (slug === 'COMPOSIO_MANAGE_CONNECTIONS') {
			return { name: 'meta-manage-connections', path };
		}
		if (slug === 'COMPOSIO_MULTI_EXECUTE_TOOL') {
			return Number(record(record(e.responseBody)['data'])['error_count']) > 0 ? { name: 'meta-multi-execute-partial', path } : undefined;
		}
		return typeof slug === 'string' && !slug.startsWith('COMPOSIO_') ? { name: 'session-execute', path } : undefined;
	}
	if (e.method === 'GET' && e.path === '/api/v3.1/connected_accounts' && e.status === 200) {
		return { name: 'accounts-list', path: e.path };
	}
	if (e.method === 'GET' && /^\/api\/v3\.1\/connected_accounts\/[^/]+$/.test(e.path) && e.status === 200) {
		const body = record(e.responseBody);
		const status = body['is_disabled'] === true ? 'disabled' : typeof body['status'] === 'string' ? body['status'].toLowerCase() : '';
		return ['initiated', 'active', 'failed', 'expired', 'disabled'].includes(status) ? { name: `account-${status}`, path: '/api/v3.1/connected_accounts/{id}' } : undefined;
	}
	return undefined;
}

/**
 * Writes one fixture per scenario met (the last exchange of each), scrubbed, into `dir`; returns
 * the files written. `recordedAt` and `target` go into each fixture's source.
 */
export function writeLiveFixtures(exchanges: readonly Exchange[], dir: string, options: ScrubOptions & { readonly target: string; readonly recordedAt: string }): string[] {
	const chosen = new Map<string, { exchange: Exchange; path: string }>();
	for (const exchange of exchanges) {
		const scenario = scenarioOf(exchange);
		if (scenario) {
			chosen.set(scenario.name, { exchange, path: scenario.path });
		}
	}
	mkdirSync(dir, { recursive: true });
	const written: string[] = [];
	for (const [name, { exchange, path }] of [...chosen].sort(([a], [b]) => a.localeCompare(b))) {
		const file = join(dir, `${name}.live.json`);
		const fixture = {
			source: `recorded from ${options.target} by npm run test:live on ${options.recordedAt} (scrubbed: keys, tokens, emails, names, the user id)`,
			request: { method: exchange.method, path },
			status: exchange.status,
			response: scrub(exchange.responseBody, options),
		};
		writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
		written.push(file);
	}
	return written;
}
