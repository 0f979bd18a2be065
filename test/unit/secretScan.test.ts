/**
 * The secret rules (secretScan.ts) and what approval does with a match: an outgoing call whose
 * arguments hold a key-shaped string always asks, with the kind and the argument path on the
 * card, whatever the mode and the always-allowed list say; a read does not.
 */
import assert from 'node:assert/strict';
import { approvalMarkdown } from '../../src/agent/approvalSummary';
import { findSecrets, secretKindsIn } from '../../src/agent/secretScan';
import { actionsNeedingApproval, actionsOf, MemoryAlwaysAllowedStore, offersLastingAnswers, ToolApprovalGate } from '../../src/agent/toolApproval';
import type { AgentEvent } from '../../src/agent/agentEvents';
import { NO_TURN_ITEMS, reduceEvent } from '../../src/agent/transcriptReducer';
import type { TranscriptItem } from '../../src/protocol/transcript';

/** The items after `events`, reduced as ChatSession does. */
function transcriptReducer(events: readonly AgentEvent[]): TranscriptItem[] {
	const items: TranscriptItem[] = [];
	let turn = NO_TURN_ITEMS;
	let n = 0;
	for (const event of events) {
		const step = reduceEvent(items, turn, event, { now: () => 1000 + n, newId: (kind) => `${kind}-${++n}` });
		for (const change of step.changes) {
			if (change.type === 'add') {
				items.push(change.item);
			} else {
				items[change.index] = change.item;
			}
		}
		turn = step.turn;
	}
	return items;
}

const rnd = (alphabet: string, n: number): string => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');
const ALNUM = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ234567';

describe('Secret scan', () => {
	const samples: Array<[string, string]> = [
		[`sk-proj-${rnd(ALNUM, 40)}`, 'openAiKey'],
		[`sk-ant-api03-${rnd(ALNUM, 40)}`, 'anthropicKey'],
		[`AKIA${rnd(UPPER, 16)}`, 'awsAccessKey'],
		[`ghp_${rnd(ALNUM, 36)}`, 'githubToken'],
		[`github_pat_${rnd(ALNUM, 70)}`, 'githubToken'],
		[`xoxb-1234567890-${rnd(ALNUM, 24)}`, 'slackToken'],
		[`sk_live_${rnd(ALNUM, 24)}`, 'stripeKey'],
		[`AIza${rnd(ALNUM, 35)}`, 'googleApiKey'],
		[`ak_${rnd(ALNUM, 24)}`, 'composioKey'],
		['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', 'privateKey'],
		['-----BEGIN RSA PRIVATE KEY-----', 'privateKey'],
		[`eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${rnd(ALNUM, 30)}`, 'jwt'],
		['DB_HOST=localhost\nDB_PASSWORD=hunter2hunter2\n', 'envSecret'],
		['export STRIPE_SECRET="abcdEFGH1234"', 'envSecret'],
	];
	for (const [text, kind] of samples) {
		it(`finds ${kind} in ${JSON.stringify(text.slice(0, 24))}…`, () => {
			assert.ok(secretKindsIn(`Here it is:\n${text} — thanks`).includes(kind as never), secretKindsIn(text).join(','));
		});
	}

	it('finds an Anthropic key once, not also as an OpenAI key', () => {
		assert.deepEqual(secretKindsIn(`sk-ant-api03-${rnd(ALNUM, 40)}`), ['anthropicKey']);
	});

	const ordinary = [
		'Hi Bob, the build is green again. See https://github.com/acme/webapp/pull/42 for details.',
		'Risk-assessment for the task-management app is due on Friday.',
		'PASSWORD=changeme',
		'API_KEY=<your key here>',
		'TOKEN=${GITHUB_TOKEN}',
		'LOG_LEVEL=debugverbose',
		'The AKIA prefix marks an AWS access key id.',
		'ghp_short',
		'sk-this-is-not-long',
		'eyJhbGciOiJIUzI1NiJ9 alone is only a header.',
		'Use ak_ keys from the dashboard.',
	];
	for (const text of ordinary) {
		it(`finds nothing in ${JSON.stringify(text)}`, () => {
			assert.deepEqual(secretKindsIn(text), []);
		});
	}

	it('names the argument path of each finding, through objects and arrays', () => {
		const key = `sk-proj-${rnd(ALNUM, 40)}`;
		const found = findSecrets({ to: 'bob@example.com', body: `key: ${key}`, attachments: [{ name: 'a.env', content: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG' }] });
		assert.deepEqual(found, [
			{ kind: 'openAiKey', path: 'body' },
			{ kind: 'envSecret', path: 'attachments[0].content' },
		]);
	});
});

describe('Approval of a call that sends a secret', () => {
	const key = `sk-proj-${rnd(ALNUM, 40)}`;
	const send = actionsOf('GMAIL_SEND_EMAIL', { recipient_email: 'bob@example.com', subject: 'Keys', body: `Use ${key} for the demo.` });

	it('asks even when the tool is always allowed and the mode is never, and names the secret and where', () => {
		const asking = actionsNeedingApproval(send, { mode: 'never' }, () => true);
		assert.equal(asking.length, 1);
		assert.deepEqual(asking[0]?.secrets, [{ kind: 'openAiKey', path: 'body' }]);
		const markdown = approvalMarkdown(asking);
		assert.match(markdown, /Looks like an OpenAI API key in body/);
		assert.match(markdown, /looks like a secret/);
	});

	it('asks through the gate after "Always allow" and "Allow in this chat" answers for the same tool', async () => {
		const store = new MemoryAlwaysAllowedStore();
		await store.add('GMAIL_SEND_EMAIL');
		const gate = new ToolApprovalGate(store, () => ({ mode: 'writes' }), ['GMAIL_SEND_EMAIL']);
		assert.equal(gate.check(send).length, 1);
		const clean = actionsOf('GMAIL_SEND_EMAIL', { recipient_email: 'bob@example.com', body: 'No keys here.' });
		assert.equal(gate.check(clean).length, 0, 'without a secret the earlier answer holds');
	});

	it('does not scan reads: fetching mail that holds a key asks nothing', () => {
		const fetch = actionsOf('GMAIL_FETCH_EMAILS', { query: `subject:${key}` });
		assert.deepEqual(actionsNeedingApproval(fetch, { mode: 'writes' }, () => false), []);
	});

	it('scans each tool inside COMPOSIO_MULTI_EXECUTE_TOOL', () => {
		const multi = actionsOf('COMPOSIO_MULTI_EXECUTE_TOOL', { tools: [{ tool_slug: 'SLACK_SEND_MESSAGE', arguments: { channel: 'general', text: `token ghp_${rnd(ALNUM, 36)}` } }] });
		const asking = actionsNeedingApproval(multi, { mode: 'never' }, () => true);
		assert.deepEqual(asking[0]?.secrets, [{ kind: 'githubToken', path: 'text' }]);
	});

	it('puts the warning on the transcript card', () => {
		const asking = actionsNeedingApproval(send, { mode: 'writes' }, () => false);
		const items = transcriptReducer([
			{ type: 'toolStarted', callId: 'c1', name: 'GMAIL_SEND_EMAIL', toolkit: 'gmail', args: send[0]?.args ?? {} },
			{ type: 'approvalRequired', callId: 'c1', actions: asking },
		]);
		const card = items.find((i) => i.kind === 'tool');
		assert.ok(card && card.kind === 'tool');
		assert.deepEqual(card.approval?.[0]?.warnings, ['Looks like an OpenAI API key in body.']);
	});
});

describe('Approval of code for the remote workbench', () => {
	for (const tool of ['COMPOSIO_REMOTE_WORKBENCH', 'COMPOSIO_REMOTE_BASH_TOOL']) {
		it(`${tool} always asks, offers only "Allow once", and a lasting answer does not stick`, async () => {
			const code = actionsOf(tool, { code_to_execute: 'for m in run_composio_tool("GMAIL_FETCH_EMAILS", {})["messages"]:\n    print(m)' });
			const store = new MemoryAlwaysAllowedStore();
			await store.add(tool);
			const asking = actionsNeedingApproval(code, { mode: 'never' }, () => true);
			assert.equal(asking.length, 1);
			assert.equal(asking[0]?.runsCode, true);
			assert.equal(offersLastingAnswers(asking), false);
			assert.match(approvalMarkdown(asking), /can act on every account you have connected/);
			assert.match(approvalMarkdown(asking), /run_composio_tool\("GMAIL_FETCH_EMAILS"/, 'the code in full');

			const fresh = new MemoryAlwaysAllowedStore();
			const gate = new ToolApprovalGate(fresh, () => ({ mode: 'writes' }));
			const answer = gate.ask('c1', gate.check(code), new AbortController().signal);
			assert.equal(await gate.decide('c1', 'always'), true);
			assert.equal(await answer, 'always');
			assert.deepEqual(fresh.list(), [], 'not always allowed');
			assert.equal(gate.check(code).length, 1, 'the next call asks again');
		});
	}

	it('offers lasting answers for ordinary tools', () => {
		assert.equal(offersLastingAnswers(actionsNeedingApproval(actionsOf('GITHUB_CREATE_AN_ISSUE', { title: 'x' }), { mode: 'writes' }, () => false)), true);
	});
});
