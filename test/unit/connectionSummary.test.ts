import assert from 'node:assert/strict';
import type { ConnectedAccount } from '../../src/composio/toolSession';
import {
	accountLabel,
	accountsNeedingAttention,
	accountState,
	accountTreeLabel,
	canReconnect,
	connectedToolkitCount,
	formatCreated,
	groupByToolkit,
	statusView,
	sessionToolkitName,
	validateAlias,
} from '../../src/composio/connectionSummary';

function account(id: string, toolkit: string, status: ConnectedAccount['status'], extra: Partial<ConnectedAccount> = {}): ConnectedAccount {
	return { id, toolkit, status, disabled: false, createdAt: '2026-11-20T10:00:00.000Z', ...extra };
}

describe('connection summary', () => {
	it('maps every Composio status to a UI state', () => {
		assert.equal(accountState(account('a', 'gmail', 'ACTIVE')), 'active');
		assert.equal(accountState(account('a', 'gmail', 'INITIATED')), 'initiated');
		assert.equal(accountState(account('a', 'gmail', 'INITIALIZING')), 'initiated');
		assert.equal(accountState(account('a', 'gmail', 'EXPIRED')), 'expired');
		assert.equal(accountState(account('a', 'gmail', 'FAILED')), 'failed');
		assert.equal(accountState(account('a', 'gmail', 'REVOKED')), 'failed');
		assert.equal(accountState(account('a', 'gmail', 'INACTIVE')), 'disabled');
		assert.equal(accountState(account('a', 'gmail', 'ACTIVE', { disabled: true })), 'disabled');
		assert.equal(canReconnect('expired'), true);
		assert.equal(canReconnect('active'), false);
		assert.equal(canReconnect('disabled'), false);
	});

	it('groups by toolkit, names toolkits, orders accounts oldest first', () => {
		const names = new Map([['github', { name: 'GitHub' }]]);
		const groups = groupByToolkit(
			[
				account('ca_2', 'gmail', 'ACTIVE', { createdAt: '2026-11-21T00:00:00Z', alias: 'personal' }),
				account('ca_1', 'gmail', 'EXPIRED', { createdAt: '2026-11-20T00:00:00Z', alias: 'work' }),
				account('ca_3', 'github', 'ACTIVE'),
			],
			names,
		);
		assert.deepEqual(
			groups.map((g) => [g.slug, g.name, g.accounts.map((a) => a.id)]),
			[
				['github', 'GitHub', ['ca_3']],
				['gmail', 'Gmail', ['ca_1', 'ca_2']],
			],
		);
		assert.equal(sessionToolkitName('google_drive'), 'Google Drive');
		assert.equal(sessionToolkitName('gmail', new Map([['gmail', { name: 'Gmail (Workspace)' }]])), 'Gmail (Workspace)');
	});

	it('counts toolkits with a usable account and finds those needing attention', () => {
		const accounts = [
			account('1', 'gmail', 'ACTIVE'),
			account('2', 'gmail', 'ACTIVE'),
			account('3', 'slack', 'ACTIVE', { disabled: true }),
			account('4', 'linear', 'EXPIRED'),
			account('5', 'github', 'FAILED'),
			account('6', 'github', 'INITIATED'),
		];
		assert.equal(connectedToolkitCount(accounts), 1);
		assert.deepEqual(
			accountsNeedingAttention(accounts).map((a) => a.id),
			['4', '5'],
		);
	});

	it('labels accounts and dates', () => {
		assert.equal(accountLabel({ id: 'ca_1', alias: 'work' }, 'Gmail'), 'work');
		assert.equal(accountLabel({ id: 'ca_1' }, 'Gmail'), 'Gmail account ca_1');
		assert.equal(accountLabel({ id: 'ca_0123456789abcdef' }, 'Gmail'), 'Gmail account …abcdef');
		assert.equal(accountTreeLabel({ id: 'ca_0123456789abcdef' }), 'Account …abcdef');
		assert.equal(accountTreeLabel({ id: 'ca_1', alias: 'work' }), 'work');
		assert.equal(formatCreated('2026-11-25T23:30:00Z'), '25 Nov 2026');
		assert.equal(formatCreated(''), '');
		assert.equal(formatCreated('not a date'), '');
	});

	it('validates aliases for another account', () => {
		assert.match(validateAlias('  ', []) ?? '', /name/);
		assert.match(validateAlias('Work', ['work']) ?? '', /already/);
		assert.match(validateAlias('a/b', []) ?? '', /letters/);
		assert.equal(validateAlias('personal gmail', ['work']), undefined);
		assert.equal(validateAlias('me@example.com', []), undefined);
	});
});

describe('statusView', () => {
	it('puts a waiting connection first', () => {
		const v = statusView({ sandbox: true, accounts: [], waitingFor: ['Gmail'], missing: 'composioKey' });
		assert.match(v.text, /connecting Gmail/);
		assert.equal(v.target, 'connections');
	});

	it('warns about a missing key and sends the click where it can be fixed', () => {
		assert.deepEqual(
			[statusView({ sandbox: false, missing: 'composioKey', waitingFor: [] }).target, statusView({ sandbox: false, missing: 'composioKey', waitingFor: [] }).warning],
			['connections', true],
		);
		assert.equal(statusView({ sandbox: false, missing: 'openAiKey', waitingFor: [] }).target, 'chat');
		const noModel = statusView({ sandbox: false, missing: 'model', waitingFor: [] });
		assert.deepEqual([noModel.text, noModel.target, noModel.warning], ['$(warning) Composio: no model', 'chat', true]);
		assert.match(noModel.tooltip, /set an OpenAI API key, sign in to a model provider in VS Code \(such as GitHub Copilot\), or use the sandbox/);
	});

	it('says sandbox, and counts apps once loaded', () => {
		assert.equal(statusView({ sandbox: true, waitingFor: [] }).text, '$(beaker) Composio Sandbox');
		const v = statusView({ sandbox: true, waitingFor: [], accounts: [account('1', 'gmail', 'ACTIVE'), account('2', 'gmail', 'ACTIVE'), account('3', 'github', 'ACTIVE')] });
		assert.equal(v.text, '$(beaker) Composio Sandbox: 2 apps connected');
		assert.equal(v.target, 'chat');
		const none = statusView({ sandbox: false, waitingFor: [], accounts: [] });
		assert.equal(none.text, '$(plug) Composio: no apps connected');
		assert.equal(none.target, 'connections');
	});

	it('flags accounts to reconnect and load failures', () => {
		const v = statusView({ sandbox: false, waitingFor: [], accounts: [account('1', 'gmail', 'EXPIRED'), account('2', 'slack', 'ACTIVE')] });
		assert.match(v.text, /1 needs attention/);
		assert.match(v.tooltip, /1 app connected\. Connected as: Slack account 2\. Needs attention \(expired, revoked or failed\): Gmail account 1\. Click to reconnect\./);
		assert.equal(v.warning, true);
		assert.match(statusView({ sandbox: false, waitingFor: [], loadError: 'Composio is unreachable.' }).tooltip, /unreachable/);
	});
});
