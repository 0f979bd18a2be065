/**
 * Reading what the Composio SDK returns (sdkResponses.ts) on its own: the shapes the SDK makes
 * from the emulator's answers are covered over HTTP in composioService.test.ts; these are the
 * malformed ones the SDK passes through with only a warning.
 */
import assert from 'node:assert/strict';
import { ComposioError } from '../../src/composio/composioErrors';
import { accountState, accountStatusLabel, canReconnect } from '../../src/composio/connectionSummary';
import { connectionOutcome } from '../../src/composio/connectionPoller';
import { parseAccount, parseConnectRequest, parseExecution, parsePage, parseToolkit } from '../../src/composio/sdkResponses';

/** A connected account as the SDK returns it: the API's snake_case fields plus its camelCase ones. */
const SDK_ACCOUNT = {
	id: 'ca_1',
	user_id: 'alice',
	status: 'ACTIVE',
	status_reason: null,
	statusReason: null,
	alias: 'work',
	toolkit: { slug: 'gmail' },
	auth_config: { id: 'ac_1', auth_scheme: 'OAUTH2', is_composio_managed: true, is_disabled: false },
	authConfig: { id: 'ac_1', authScheme: 'OAUTH2', isComposioManaged: true, isDisabled: false },
	is_disabled: false,
	isDisabled: false,
	created_at: '2026-11-20T10:00:00.000Z',
	createdAt: '2026-11-20T10:00:00.000Z',
};

function serverError(fn: () => unknown, detail: RegExp): void {
	assert.throws(fn, (e: unknown) => e instanceof ComposioError && e.kind === 'server' && e.message === 'Composio is unreachable.' && e.action === 'retry' && detail.test(e.detail));
}

describe('sdkResponses (the SDK\'s objects read with zod)', () => {
	it('reads a connected account into one shape', () => {
		assert.deepEqual(parseAccount(SDK_ACCOUNT), { id: 'ca_1', toolkit: 'gmail', alias: 'work', status: 'ACTIVE', disabled: false, createdAt: '2026-11-20T10:00:00.000Z', authConfigId: 'ac_1' });
		assert.deepEqual(parseAccount({ ...SDK_ACCOUNT, status: 'FAILED', statusReason: 'User denied access', isDisabled: true, alias: null }), {
			id: 'ca_1',
			toolkit: 'gmail',
			status: 'FAILED',
			statusReason: 'User denied access',
			disabled: true,
			createdAt: '2026-11-20T10:00:00.000Z',
			authConfigId: 'ac_1',
		});
	});

	it('an account without an id or a status is an error; odd optional fields are dropped', () => {
		serverError(() => parseAccount({ ...SDK_ACCOUNT, id: '' }), /connected account.*id/);
		serverError(() => parseAccount({ ...SDK_ACCOUNT, status: '' }), /connected account.*status/);
		serverError(() => parseAccount({ ...SDK_ACCOUNT, status: undefined }), /connected account.*status/);
		serverError(() => parseAccount('ca_1'), /connected account/);
		assert.deepEqual(parseAccount({ id: 'ca_2', status: 'INITIATED', toolkit: 'gmail', alias: 7, isDisabled: 'no', createdAt: 0, authConfig: null }), {
			id: 'ca_2',
			toolkit: 'unknown',
			status: 'INITIATED',
			disabled: false,
			createdAt: '',
		});
	});

	it('a status this version does not know (Composio’s docs name PENDING) reads as UNKNOWN with the word kept, so one such account never fails a whole list', () => {
		const pending = parseAccount({ ...SDK_ACCOUNT, status: 'PENDING' });
		assert.deepEqual(pending, { id: 'ca_1', toolkit: 'gmail', alias: 'work', status: 'UNKNOWN', unknownStatus: 'PENDING', disabled: false, createdAt: '2026-11-20T10:00:00.000Z', authConfigId: 'ac_1' });
		const page = parsePage({ items: [SDK_ACCOUNT, { ...SDK_ACCOUNT, id: 'ca_2', status: 'AWAITING_REVIEW' }], nextCursor: null }, 'nextCursor');
		assert.deepEqual(page.items.map(parseAccount).map((a) => [a.id, a.status, a.unknownStatus]), [['ca_1', 'ACTIVE', undefined], ['ca_2', 'UNKNOWN', 'AWAITING_REVIEW']]);
		assert.equal(parseAccount({ ...SDK_ACCOUNT, status: 'active' }).status, 'ACTIVE', 'known words in any case');
		assert.equal(accountStatusLabel(pending), 'Pending', 'shown as Composio said it');
		assert.equal(accountStatusLabel({ status: 'UNKNOWN', disabled: false, unknownStatus: 'AWAITING_REVIEW' }), 'Awaiting review');
		assert.equal(accountState(pending), 'unknown');
		assert.ok(canReconnect('unknown'), 'Reconnect is offered');
		assert.equal(connectionOutcome({ status: 'UNKNOWN' }), undefined, 'a connection waited for goes on waiting');
	});

	it('reads a session toolkit with its connection; one without a slug is skipped', () => {
		assert.deepEqual(
			parseToolkit({
				slug: 'gmail',
				name: 'Gmail',
				logo: 'https://logos/gmail.svg',
				isNoAuth: false,
				connection: { isActive: true, authConfig: { id: 'ac_1', mode: 'OAUTH2', isComposioManaged: true }, connectedAccount: { id: 'ca_1', status: 'ACTIVE' } },
			}),
			{ slug: 'gmail', name: 'Gmail', logo: 'https://logos/gmail.svg', isNoAuth: false, connected: true, accountId: 'ca_1', accountStatus: 'ACTIVE', authConfigId: 'ac_1', isComposioManaged: true },
		);
		assert.deepEqual(parseToolkit({ slug: 'hackernews', isNoAuth: true }), { slug: 'hackernews', name: 'hackernews', isNoAuth: true, connected: true });
		assert.deepEqual(parseToolkit({ slug: 'slack', name: '', connection: { isActive: 'yes', connectedAccount: { id: 'ca_9', status: 'WEIRD' } } }), {
			slug: 'slack',
			name: 'slack',
			isNoAuth: false,
			connected: false,
			accountId: 'ca_9',
			accountStatus: 'UNKNOWN',
		});
		assert.equal(parseToolkit({ name: 'No slug' }), undefined);
		assert.equal(parseToolkit(null), undefined);
	});

	it('reads pages by the cursor field each list uses', () => {
		assert.deepEqual(parsePage({ items: [1, 2], cursor: 'c2' }, 'cursor'), { items: [1, 2], next: 'c2' });
		assert.deepEqual(parsePage({ items: [1], nextCursor: 'n2', cursor: 'ignored' }, 'nextCursor'), { items: [1], next: 'n2' });
		assert.deepEqual(parsePage({ items: 'not a list', nextCursor: null }, 'nextCursor'), { items: [], next: undefined });
		assert.deepEqual(parsePage(undefined, 'cursor'), { items: [], next: undefined });
	});

	it('a Connect Link request needs its link; an execution keeps data, its own error text and log id', () => {
		assert.deepEqual(parseConnectRequest({ id: 'ca_3', status: 'INITIATED', redirectUrl: 'https://connect/ln_1' }, 'gmail'), { accountId: 'ca_3', redirectUrl: 'https://connect/ln_1', toolkit: 'gmail' });
		assert.throws(
			() => parseConnectRequest({ id: 'ca_3', redirectUrl: null }, 'gmail'),
			(e: unknown) => e instanceof ComposioError && e.kind === 'server' && e.message === 'Composio did not return a Connect Link.' && /gmail \(account ca_3\)/.test(e.detail),
		);
		assert.deepEqual(parseExecution({ data: { ok: 1 }, error: '', logId: 'log_1' }), { data: { ok: 1 }, error: null, logId: 'log_1' });
		assert.deepEqual(parseExecution({ data: {}, error: 'channel_not_found', logId: '' }), { data: {}, error: 'channel_not_found' });
		serverError(() => parseExecution('oops'), /tool execution/);
	});
});
