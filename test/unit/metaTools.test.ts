/**
 * The readers of Composio's meta tools (src/composio/metaTools.ts): the arguments of a call to
 * one, and what they return, in the shapes the tool router session uses and in shapes it might
 * send instead (which read as absent, never throw).
 */
import assert from 'node:assert/strict';
import {
	appToolkitOf,
	CODE_META_TOOLS,
	connectionIsActive,
	connectLinksToOpen,
	isMetaTool,
	LOOKUP_META_TOOLS,
	manageConnectionsToolkit,
	asksForAnotherAccount,
	connectionRequests,
	accountChanges,
	mapMultiExecuteEntries,
	MetaTools,
	multiExecuteEntries,
	multiExecuteList,
	readMultiExecuteEntry,
	searchResultSlugs,
	searchToolsArguments,
	toolkitOfCall,
} from '../../src/composio/metaTools';

describe('Composio meta tools', () => {
	it('names them once, every one a COMPOSIO_ slug, each in at most one of the approval groups', () => {
		for (const slug of Object.values(MetaTools)) {
			assert.ok(isMetaTool(slug), slug);
			assert.ok(!(CODE_META_TOOLS.has(slug) && LOOKUP_META_TOOLS.has(slug)), slug);
		}
		assert.deepEqual([...CODE_META_TOOLS].sort(), ['COMPOSIO_REMOTE_BASH_TOOL', 'COMPOSIO_REMOTE_WORKBENCH']);
		assert.ok(LOOKUP_META_TOOLS.has('COMPOSIO_MANAGE_CONNECTIONS') && LOOKUP_META_TOOLS.has('COMPOSIO_SEARCH_TOOLS'));
		assert.ok(!LOOKUP_META_TOOLS.has(MetaTools.multiExecute), 'the multi-execute tool is judged by what it runs');
		assert.equal(isMetaTool('GMAIL_SEND_EMAIL'), false);
	});

	it('tells an app tool’s toolkit from its slug, and none for a meta tool', () => {
		assert.equal(appToolkitOf('GMAIL_FETCH_EMAILS'), 'gmail');
		assert.equal(appToolkitOf('GoogleCalendar_LIST_EVENTS'), 'googlecalendar');
		assert.equal(appToolkitOf('COMPOSIO_SEARCH_TOOLS'), undefined);
		assert.equal(appToolkitOf('NOPREFIX'), undefined);
	});

	it('reads the entries of a multi-execute call, leniently', () => {
		const args = {
			tools: [
				{ tool_slug: 'GMAIL_SEND_EMAIL', arguments: { to: 'a@b.c' }, account: 'work' },
				{ tool_slug: 'SLACK_SEND_MESSAGE', arguments: 'not an object', account: 7 },
				'not an entry',
			],
		};
		assert.deepEqual(multiExecuteEntries(MetaTools.multiExecute, args), [
			{ slug: 'GMAIL_SEND_EMAIL', arguments: { to: 'a@b.c' }, account: 'work' },
			{ slug: 'SLACK_SEND_MESSAGE', arguments: {} },
			{ arguments: {} },
		]);
		assert.deepEqual(readMultiExecuteEntry(null), { arguments: {} });
		assert.equal(multiExecuteList(MetaTools.multiExecute, { tools: 'GMAIL_SEND_EMAIL' }), undefined, 'no list');
		assert.equal(multiExecuteList(MetaTools.multiExecute, 'text'), undefined);
		assert.equal(multiExecuteEntries('GMAIL_SEND_EMAIL', args), undefined, 'only the multi-execute tool has entries');
	});

	it('changes the object entries of a multi-execute call and keeps the rest', () => {
		const args = { tools: [{ tool_slug: 'GMAIL_SEND_EMAIL', arguments: {} }, 'odd'], sync: true };
		const changed = mapMultiExecuteEntries(args, (entry, read) => ({ ...entry, account: `${read.slug ?? ''}-acct` }));
		assert.deepEqual(changed, { tools: [{ tool_slug: 'GMAIL_SEND_EMAIL', arguments: {}, account: 'GMAIL_SEND_EMAIL-acct' }, 'odd'], sync: true });
		assert.deepEqual(args.tools[0], { tool_slug: 'GMAIL_SEND_EMAIL', arguments: {} }, 'the arguments given are not changed');
		const none = { query: 'x' };
		assert.equal(mapMultiExecuteEntries(none, (e) => e), none);
	});

	it('reads the toolkit of a connection check and of any call', () => {
		assert.equal(manageConnectionsToolkit({ toolkits: [' GitHub '] }), 'github');
		assert.equal(manageConnectionsToolkit({ toolkit: 'Slack' }), 'slack');
		assert.equal(manageConnectionsToolkit({ toolkits: [] }), undefined);
		assert.equal(manageConnectionsToolkit({ toolkits: [''] }), undefined);
		assert.equal(manageConnectionsToolkit(null), undefined);
		assert.equal(manageConnectionsToolkit({ toolkits: [{ name: ' Linear ', action: 'list' }] }), 'linear');
	});

	it('reads both inputs of the connection tool: slugs, and per-toolkit entries with their actions', () => {
		assert.deepEqual(connectionRequests({ toolkits: ['gmail', '', 7, { action: 'list' }, { name: 'Slack', action: 'RENAME', account_id: 'ca_2', alias: 'team' }, { name: 'github', action: 'remove', account_id: 'ca_3' }] }), [
			{ toolkit: 'gmail', action: 'add' },
			{ toolkit: 'slack', action: 'rename', account: 'ca_2', alias: 'team' },
			{ toolkit: 'github', action: 'remove', account: 'ca_3' },
		]);
		assert.deepEqual(accountChanges('COMPOSIO_MANAGE_CONNECTIONS', { toolkits: ['gmail', { name: 'gmail', action: 'add' }, { name: 'gmail', action: 'list' }] }), []);
		assert.deepEqual(accountChanges('GMAIL_SEND_EMAIL', { toolkits: [{ name: 'gmail', action: 'remove' }] }), [], 'only the connection tool');
		assert.equal(asksForAnotherAccount({ toolkits: ['gmail'] }, 'gmail'), false, 'a slug only checks the toolkit');
		assert.equal(asksForAnotherAccount({ toolkits: [{ name: 'Gmail', action: 'ADD' }] }, 'gmail'), true);
		assert.equal(asksForAnotherAccount({ toolkits: [{ name: 'slack', action: 'add' }, 'gmail'] }, 'github'), false, 'another toolkit’s add');
		assert.equal(asksForAnotherAccount({ toolkits: ['gmail'], reinitiate_all: true }, 'gmail'), true);
		assert.equal(asksForAnotherAccount('{not json', 'gmail'), false);

		assert.equal(toolkitOfCall('GMAIL_FETCH_EMAILS', {}), 'gmail');
		assert.equal(toolkitOfCall(MetaTools.manageConnections, { toolkits: ['GitHub'] }), 'github');
		assert.equal(toolkitOfCall(MetaTools.multiExecute, { tools: [{ tool_slug: 'SLACK_SEND_MESSAGE', arguments: {} }] }), 'slack');
		assert.equal(toolkitOfCall(MetaTools.multiExecute, { tools: [{ tool_slug: MetaTools.searchTools }] }), undefined, 'a meta tool inside names no toolkit');
		assert.equal(toolkitOfCall(MetaTools.multiExecute, '{not json'), undefined);
		assert.equal(toolkitOfCall(MetaTools.searchTools, { queries: [] }), undefined);
	});

	it('asks a tool search and reads its primary slugs, each once', () => {
		assert.deepEqual(searchToolsArguments('send an email'), { queries: [{ use_case: 'send an email' }] });
		const data = {
			results: [
				{ use_case: 'send an email', primary_tool_slugs: ['GMAIL_SEND_EMAIL', 'GMAIL_CREATE_EMAIL_DRAFT'], related_tool_slugs: ['GMAIL_FETCH_EMAILS'] },
				{ use_case: 'again', primary_tool_slugs: ['GMAIL_SEND_EMAIL', 42] },
				{ use_case: 'no slugs' },
				'odd',
			],
		};
		assert.deepEqual(searchResultSlugs(data), ['GMAIL_SEND_EMAIL', 'GMAIL_CREATE_EMAIL_DRAFT']);
		assert.deepEqual(searchResultSlugs({ results: 'none' }), []);
		assert.deepEqual(searchResultSlugs(undefined), []);
	});

	it('tells a link whose connection is active from one still to open', () => {
		const result = {
			data: {
				results: {
					gmail: { toolkit: 'gmail', status: 'initiated', redirect_url: 'https://connect.composio.dev/link/ln_g', connected_account_id: 'ca_g' },
					github: { toolkit: 'github', status: 'ACTIVE', redirect_url: 'https://connect.composio.dev/link/ln_gh', connected_account_id: 'ca_gh' },
				},
			},
			error: null,
		};
		assert.equal(connectionIsActive(result, 'https://connect.composio.dev/link/ln_gh'), true);
		assert.equal(connectionIsActive(result, 'https://connect.composio.dev/link/ln_g'), false);
		assert.equal(connectionIsActive(result, 'https://elsewhere.example/'), false);
		assert.deepEqual(connectLinksToOpen(result), [{ url: 'https://connect.composio.dev/link/ln_g', toolkit: 'gmail', accountId: 'ca_g' }]);
		assert.deepEqual(connectLinksToOpen({ data: 'nothing here', error: null }), []);
	});
});
