/**
 * The simulated apps' data and behaviour: a deterministic seed per user (an inbox of today's
 * email, GitHub repos with issues, Slack channels, Linear issues) and the app tools that read
 * and change it. Pure apart from mutating the `UserAppData` it is given; no network.
 */
import { AUTH_CASE_EXECUTORS } from './emulatorAuthCases';
import { randomBytes } from 'node:crypto';
import { validateArguments, type ToolDef } from './emulatorToolkits';

// ── Per-user app data ───────────────────────────────────────────────────────

/** A Gmail message. Seeded inbox messages carry `ageMinutes` (dated relative to "now"); sent ones `sentAt`. */
export interface EmailRecord {
	id: string;
	threadId: string;
	from: string;
	to: string;
	cc?: string[];
	subject: string;
	body: string;
	labels: string[];
	ageMinutes?: number;
	sentAt?: string;
}

/** A GitHub issue. */
export interface GithubIssueRecord {
	number: number;
	title: string;
	body: string;
	state: 'open' | 'closed';
	labels: string[];
	author: string;
	assignees: string[];
	comments: number;
	createdAt: string;
	updatedAt: string;
}

/** A Slack channel. */
export interface SlackChannelRecord {
	id: string;
	name: string;
	isPrivate: boolean;
	isArchived: boolean;
	members: number;
	topic: string;
	purpose: string;
}

/** A Slack message posted through the emulator. */
export interface SlackMessageRecord {
	channel: string;
	ts: string;
	text: string;
	threadTs?: string;
	user: string;
}

/** A Linear issue. */
export interface LinearIssueRecord {
	id: string;
	identifier: string;
	teamId: string;
	title: string;
	description: string;
	priority: number;
	state: string;
	assigneeId: string | null;
	createdAt: string;
}

/** Everything the simulated apps know about one user. */
export interface UserAppData {
	gmail: { inbox: EmailRecord[]; sent: EmailRecord[] };
	github: { repos: Record<string, GithubIssueRecord[]> };
	slack: { channels: SlackChannelRecord[]; messages: SlackMessageRecord[] };
	linear: { issues: LinearIssueRecord[] };
}

const LINEAR_TEAMS = [
	{ id: 'team_eng', key: 'ENG', name: 'Engineering' },
	{ id: 'team_des', key: 'DES', name: 'Design' },
] as const;

const LINEAR_USERS: Record<string, string> = {
	usr_me: 'You',
	usr_priya: 'Priya Natarajan',
	usr_marcus: 'Marcus Lee',
};

function daysAgo(now: number, days: number, hour = 10): string {
	const d = new Date(now - days * 86_400_000);
	d.setUTCHours(hour, 0, 0, 0);
	return d.toISOString();
}

/** Seeds the data of a new user: an inbox of today's email, repos with issues, channels, Linear issues. */
export function createUserAppData(userId: string, now: number = Date.now()): UserAppData {
	const me = userEmail(userId);
	const issue = (
		number: number,
		title: string,
		state: 'open' | 'closed',
		labels: string[],
		author: string,
		age: number,
		body: string,
		comments = 0,
	): GithubIssueRecord => ({
		number,
		title,
		body,
		state,
		labels,
		author,
		assignees: [],
		comments,
		createdAt: daysAgo(now, age),
		updatedAt: daysAgo(now, Math.max(0, age - 1), 15),
	});
	return {
		gmail: {
			inbox: [
				{
					id: '19a3f0c2d4e5f601',
					threadId: '19a3f0c2d4e5f601',
					from: 'Priya Natarajan <priya@acme.dev>',
					to: me,
					subject: 'Q3 roadmap review moved to Thursday',
					body:
						'Hi,\n\nHeads up: the Q3 roadmap review is moving from Wednesday to Thursday at 14:00 because the design team is at the offsite. ' +
						'Same room, same agenda. Please bring your top three priorities for the quarter.\n\nThanks,\nPriya',
					labels: ['INBOX', 'UNREAD', 'IMPORTANT'],
					ageMinutes: 12,
				},
				{
					id: '19a3efa1b2c3d402',
					threadId: '19a3efa1b2c3d402',
					from: 'GitHub <notifications@github.com>',
					to: me,
					subject: '[acme/webapp] Login page crashes on Safari 17 (#42)',
					body:
						'priya-n opened an issue in acme/webapp:\n\nOn Safari 17.1 the login page throws "TypeError: undefined is not an object" right after submitting the form. ' +
						'Reproducible on macOS 14. Chrome and Firefox are fine.\n\nView it on GitHub: https://github.com/acme/webapp/issues/42',
					labels: ['INBOX', 'UNREAD', 'CATEGORY_UPDATES'],
					ageMinutes: 48,
				},
				{
					id: '19a3ee77e8f9a003',
					threadId: '19a3ee77e8f9a003',
					from: 'Marcus Lee <marcus@northwind.io>',
					to: me,
					subject: 'Contract draft for the Northwind pilot',
					body:
						'Hello,\n\nAttached is the first draft of the pilot contract. The main open points are the data-retention clause (section 4) and the SLA credits. ' +
						'Could you review it by Friday so we can sign next week?\n\nBest regards,\nMarcus Lee\nHead of Partnerships, Northwind',
					labels: ['INBOX', 'UNREAD', 'IMPORTANT'],
					ageMinutes: 95,
				},
				{
					id: '19a3ed10a1b2c004',
					threadId: '19a3ed10a1b2c004',
					from: 'Linear <notifications@linear.app>',
					to: me,
					subject: 'ENG-118 was assigned to you: Rate-limit the export endpoint',
					body: 'Priya Natarajan assigned ENG-118 "Rate-limit the export endpoint" to you. Priority: High. Due this sprint.',
					labels: ['INBOX', 'CATEGORY_UPDATES'],
					ageMinutes: 170,
				},
				{
					id: '19a3ebc4d5e6f005',
					threadId: '19a3ebc4d5e6f005',
					from: 'Stripe <receipts@stripe.com>',
					to: me,
					subject: 'Your receipt from Acme Cloud #1043-2291',
					body: 'Amount paid: $49.00 USD\nPlan: Acme Cloud Team (monthly)\nPayment method: Visa ending in 4242\n\nQuestions? Reply to this email.',
					labels: ['INBOX', 'CATEGORY_UPDATES'],
					ageMinutes: 250,
				},
				{
					id: '19a3ea0112233006',
					threadId: '19a3ea0112233006',
					from: 'Dana Okafor <dana@acme.dev>',
					to: 'team@acme.dev',
					subject: 'Lunch & learn on Friday: agents that use real tools',
					body:
						'Hi all,\n\nThis Friday at 12:30 I will give a short lunch & learn on building agents that call real apps (Gmail, GitHub, Slack) through Composio. ' +
						'Pizza provided. Bring questions!\n\nDana',
					labels: ['INBOX'],
					ageMinutes: 330,
				},
			],
			sent: [],
		},
		github: {
			repos: {
				'acme/webapp': [
					issue(42, 'Login page crashes on Safari 17', 'open', ['bug', 'priority: high'], 'priya-n', 0,
						'On Safari 17.1 the login page throws `TypeError: undefined is not an object` after submitting the form.', 3),
					issue(41, 'Add a dark mode toggle to settings', 'open', ['enhancement'], 'dana-o', 2,
						'Users keep asking for dark mode. Add a toggle under Settings → Appearance that follows the OS by default.', 5),
					issue(39, 'Flaky test: checkout.spec.ts times out in CI', 'open', ['bug', 'ci'], 'marcus-l', 4,
						'The checkout end-to-end test times out roughly one run in ten on CI, never locally.', 2),
					issue(37, 'Upgrade to Node 20 LTS', 'open', ['chore'], 'priya-n', 9,
						'Node 18 leaves maintenance soon. Upgrade the runtime, CI images and the Dockerfile.', 1),
					issue(35, 'Document the deploy process', 'closed', ['documentation'], 'dana-o', 15,
						'Write down how a release goes from main to production, including the rollback steps.', 4),
					issue(33, 'Broken link in the footer', 'closed', ['bug'], 'marcus-l', 21, 'The "Status" link in the footer returns 404.', 1),
				],
				'acme/api': [
					issue(12, 'Rate-limit the export endpoint', 'open', ['enhancement', 'security'], 'priya-n', 3,
						'Large exports can starve the database. Add a per-account rate limit to /v1/export.', 2),
					issue(11, 'Return 404 instead of 500 for missing invoices', 'closed', ['bug'], 'marcus-l', 12,
						'GET /v1/invoices/{id} answers 500 when the invoice does not exist.', 0),
				],
			},
		},
		slack: {
			channels: [
				{ id: 'C01GENERAL', name: 'general', isPrivate: false, isArchived: false, members: 48, topic: 'Company-wide announcements', purpose: 'Announcements and work-related matters for everyone.' },
				{ id: 'C02ENGINEERING', name: 'engineering', isPrivate: false, isArchived: false, members: 21, topic: 'Deploys at 15:00 · on-call: @marcus', purpose: 'Engineering discussion.' },
				{ id: 'C03RANDOM', name: 'random', isPrivate: false, isArchived: false, members: 45, topic: 'Non-work banter', purpose: 'A place for everything else.' },
				{ id: 'C04RELEASES', name: 'releases', isPrivate: false, isArchived: false, members: 30, topic: 'Release notes and deploy status', purpose: 'Automated and manual release announcements.' },
				{ id: 'C05SUPPORT', name: 'customer-support', isPrivate: false, isArchived: false, members: 12, topic: 'Escalations from support', purpose: 'Customer escalations.' },
				{ id: 'C06OLDPROJ', name: 'project-falcon', isPrivate: false, isArchived: true, members: 8, topic: 'Falcon (shipped)', purpose: 'Archived project channel.' },
			],
			messages: [],
		},
		linear: {
			issues: [
				{ id: 'lin_iss_118', identifier: 'ENG-118', teamId: 'team_eng', title: 'Rate-limit the export endpoint', description: 'Add a per-account rate limit to /v1/export.', priority: 2, state: 'In Progress', assigneeId: 'usr_me', createdAt: daysAgo(now, 1) },
				{ id: 'lin_iss_117', identifier: 'ENG-117', teamId: 'team_eng', title: 'Move cron jobs to the job queue', description: 'Replace the three cron scripts with queued jobs so they retry.', priority: 3, state: 'Todo', assigneeId: 'usr_marcus', createdAt: daysAgo(now, 3) },
				{ id: 'lin_iss_115', identifier: 'ENG-115', teamId: 'team_eng', title: 'Investigate slow dashboard queries', description: 'p95 of the dashboard endpoint is 2.4 s.', priority: 2, state: 'Backlog', assigneeId: null, createdAt: daysAgo(now, 6) },
				{ id: 'lin_iss_d24', identifier: 'DES-24', teamId: 'team_des', title: 'Refresh the onboarding illustrations', description: 'Match the new brand colours.', priority: 4, state: 'In Review', assigneeId: 'usr_priya', createdAt: daysAgo(now, 8) },
				{ id: 'lin_iss_110', identifier: 'ENG-110', teamId: 'team_eng', title: 'Fix the timezone bug in weekly reports', description: 'Reports use UTC midnight instead of the account timezone.', priority: 1, state: 'Done', assigneeId: 'usr_me', createdAt: daysAgo(now, 14) },
			],
		},
	};
}

/** The email address the simulated mailbox belongs to. */
export function userEmail(userId: string): string {
	return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(userId) ? userId : `${userId.replace(/[^a-zA-Z0-9._-]/g, '') || 'user'}@example.com`;
}

/**
 * Who the n-th account of a toolkit signs in as by default: for Gmail an address, for GitHub a
 * login, for Slack a user name (the simulated workspace is "Acme Sandbox"). The first account
 * without an alias is the user's own address or name; an alias or a count tells the others apart.
 */
export function simulatedIdentity(userId: string, toolkit: string, alias: string | null, n: number): string {
	const email = userEmail(userId);
	const [local = 'user', domain = 'example.com'] = email.split('@');
	const tag = alias ? alias.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') : n > 1 ? String(n) : '';
	if (toolkit === 'gmail' || toolkit === 'linear') {
		if (alias && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alias)) {
			return alias;
		}
		return tag ? `${local}+${tag}@${domain}` : email;
	}
	const handle = local.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-|-$/g, '') || 'user';
	return tag ? `${handle}-${tag}` : handle;
}

// ── Execution ───────────────────────────────────────────────────────────────

/** What an app tool runs against. */
export interface AppToolContext {
	readonly userId: string;
	readonly data: UserAppData;
	readonly now: number;
	readonly account: { readonly id: string; readonly alias: string | null; readonly identity: string; readonly profileFails: boolean };
	/** A monotonically increasing number (Slack timestamps and the like). */
	readonly nextSeq: () => number;
}

/** An app tool's answer: `error` null on success. */
export interface AppToolResult {
	data: Record<string, unknown>;
	error: string | null;
}

function ok(data: Record<string, unknown>): AppToolResult {
	return { data, error: null };
}

/** A tool result that failed the way the real app reports it (HTTP 200, `error` set). */
function toolFailure(error: string, data: Record<string, unknown> = {}): AppToolResult {
	return { data, error };
}

function hex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

function asString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function asInt(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

function asStringArray(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The received time of a seeded inbox message: `ageMinutes` before now, squeezed into today
 * when the day is still young, so "today's email" always has something to show.
 */
export function inboxTimestamp(ageMinutes: number, now: number): number {
	const start = new Date(now);
	start.setHours(0, 0, 0, 0);
	const sinceMidnight = now - start.getTime();
	const span = 6 * 60 * 60_000;
	const age = ageMinutes * 60_000;
	if (sinceMidnight > span) {
		return now - age;
	}
	return start.getTime() + Math.floor(sinceMidnight * (1 - age / (span + 60_000)));
}

function emailTime(email: EmailRecord, now: number): number {
	if (email.sentAt) {
		return Date.parse(email.sentAt);
	}
	return inboxTimestamp(email.ageMinutes ?? 0, now);
}

function parseGmailDate(text: string): number | undefined {
	const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(text);
	if (!m) {
		return undefined;
	}
	return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

function parseRelative(text: string): number | undefined {
	const m = /^(\d+)([dhmy])$/.exec(text);
	if (!m) {
		return undefined;
	}
	const unit: Record<string, number> = { h: 3_600_000, d: 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };
	return Number(m[1]) * (unit[m[2] ?? 'd'] ?? 86_400_000);
}

/** Applies a subset of Gmail's search syntax to one message. */
function matchesGmailQuery(email: EmailRecord, query: string, now: number): boolean {
	const tokens = query.match(/(?:[^\s"]+:"[^"]*"|"[^"]*"|\S+)/g) ?? [];
	const time = emailTime(email, now);
	const haystack = `${email.from} ${email.to} ${email.subject} ${email.body}`.toLowerCase();
	return tokens.every((raw) => {
		const negate = raw.startsWith('-');
		const token = (negate ? raw.slice(1) : raw).toLowerCase();
		const colon = token.indexOf(':');
		const key = colon > 0 ? token.slice(0, colon) : '';
		const value = (colon > 0 ? token.slice(colon + 1) : token).replace(/^"|"$/g, '');
		let result: boolean;
		switch (key) {
			case 'from':
				result = email.from.toLowerCase().includes(value);
				break;
			case 'to':
				result = email.to.toLowerCase().includes(value) || (email.cc ?? []).some((c) => c.toLowerCase().includes(value));
				break;
			case 'subject':
				result = email.subject.toLowerCase().includes(value);
				break;
			case 'is':
				result = value === 'read' ? !email.labels.includes('UNREAD') : email.labels.includes(value.toUpperCase());
				break;
			case 'label':
			case 'in':
				result = value === 'anywhere' || email.labels.includes(value.toUpperCase());
				break;
			case 'newer_than':
			case 'older_than': {
				const span = parseRelative(value);
				result = span === undefined ? true : key === 'newer_than' ? time >= now - span : time < now - span;
				break;
			}
			case 'after':
			case 'before': {
				const date = parseGmailDate(value);
				result = date === undefined ? true : key === 'after' ? time >= date : time < date;
				break;
			}
			default:
				result = haystack.includes(value);
		}
		return negate ? !result : result;
	});
}

function gmailFetch(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const max = Math.min(500, Math.max(1, asInt(args.max_results, 10)));
	const query = asString(args.query)?.trim() ?? '';
	const labels = asStringArray(args.label_ids).map((l) => l.toUpperCase());
	const offset = Math.max(0, Number.parseInt(asString(args.page_token) ?? '0', 10) || 0);
	const all = [...ctx.data.gmail.inbox, ...ctx.data.gmail.sent]
		.filter((e) => labels.every((l) => e.labels.includes(l)))
		.filter((e) => (query ? matchesGmailQuery(e, query, ctx.now) : true))
		.sort((a, b) => emailTime(b, ctx.now) - emailTime(a, ctx.now));
	const page = all.slice(offset, offset + max);
	return ok({
		messages: page.map((e) => ({
			messageId: e.id,
			threadId: e.threadId,
			messageTimestamp: new Date(emailTime(e, ctx.now)).toISOString(),
			sender: e.from,
			to: e.to,
			subject: e.subject,
			messageText: e.body,
			labelIds: [...e.labels],
			preview: { subject: e.subject, body: e.body.replace(/\s+/g, ' ').slice(0, 120) },
			attachmentList: [],
		})),
		nextPageToken: offset + max < all.length ? String(offset + max) : null,
		resultSizeEstimate: all.length,
	});
}

const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function gmailSend(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const to = asString(args.recipient_email)?.trim() ?? '';
	const cc = asStringArray(args.cc);
	const bcc = asStringArray(args.bcc);
	const bad = [to, ...cc, ...bcc].find((address) => !EMAIL_PATTERN.test(address));
	if (bad !== undefined) {
		return toolFailure(`Invalid email address: '${bad}'`);
	}
	const id = `19b${hex(6)}${ctx.nextSeq().toString(16).padStart(3, '0')}`.slice(0, 16);
	ctx.data.gmail.sent.push({
		id,
		threadId: id,
		from: userEmail(ctx.userId),
		to,
		...(cc.length > 0 ? { cc } : {}),
		subject: asString(args.subject) ?? '',
		body: asString(args.body) ?? '',
		labels: ['SENT'],
		sentAt: new Date(ctx.now).toISOString(),
	});
	return ok({ id, threadId: id, labelIds: ['SENT'] });
}

function githubIssueJson(repo: string, issue: GithubIssueRecord): Record<string, unknown> {
	return {
		id: 2_000_000 + issue.number,
		number: issue.number,
		title: issue.title,
		state: issue.state,
		html_url: `https://github.com/${repo}/issues/${issue.number}`,
		body: issue.body,
		labels: issue.labels.map((name) => ({ name })),
		user: { login: issue.author },
		assignees: issue.assignees.map((login) => ({ login })),
		comments: issue.comments,
		created_at: issue.createdAt,
		updated_at: issue.updatedAt,
	};
}

function githubRepo(ctx: AppToolContext, args: Record<string, unknown>): { key: string; issues: GithubIssueRecord[] } | AppToolResult {
	const key = `${asString(args.owner) ?? ''}/${asString(args.repo) ?? ''}`.toLowerCase();
	const issues = ctx.data.github.repos[key];
	if (!issues) {
		const known = Object.keys(ctx.data.github.repos).join(', ');
		return toolFailure(`Not Found: repository '${key}' does not exist or is not accessible with this connection (available: ${known})`, {
			message: 'Not Found',
			status: 404,
		});
	}
	return { key, issues };
}

function githubList(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const repo = githubRepo(ctx, args);
	if ('error' in repo) {
		return repo;
	}
	const state = asString(args.state) ?? 'open';
	const labels = (asString(args.labels) ?? '').split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
	const assignee = asString(args.assignee)?.toLowerCase();
	const perPage = Math.min(100, Math.max(1, asInt(args.per_page, 30)));
	const page = Math.max(1, asInt(args.page, 1));
	const matching = repo.issues
		.filter((i) => state === 'all' || i.state === state)
		.filter((i) => labels.every((l) => i.labels.some((il) => il.toLowerCase() === l)))
		.filter((i) => !assignee || i.assignees.some((a) => a.toLowerCase() === assignee))
		.sort((a, b) => b.number - a.number);
	return ok({ issues: matching.slice((page - 1) * perPage, page * perPage).map((i) => githubIssueJson(repo.key, i)) });
}

function githubCreate(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const repo = githubRepo(ctx, args);
	if ('error' in repo) {
		return repo;
	}
	const now = new Date(ctx.now).toISOString();
	const issue: GithubIssueRecord = {
		number: repo.issues.reduce((max, i) => Math.max(max, i.number), 0) + 1,
		title: asString(args.title) ?? '',
		body: asString(args.body) ?? '',
		state: 'open',
		labels: asStringArray(args.labels),
		author: ctx.account.alias ? `${ctx.account.alias}-user` : 'you',
		assignees: asStringArray(args.assignees),
		comments: 0,
		createdAt: now,
		updatedAt: now,
	};
	repo.issues.push(issue);
	return ok(githubIssueJson(repo.key, issue));
}

function slackChannelJson(c: SlackChannelRecord): Record<string, unknown> {
	return {
		id: c.id,
		name: c.name,
		is_channel: true,
		is_private: c.isPrivate,
		is_archived: c.isArchived,
		is_member: !c.isArchived,
		num_members: c.members,
		topic: { value: c.topic },
		purpose: { value: c.purpose },
	};
}

function slackList(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const limit = Math.min(1000, Math.max(1, asInt(args.limit, 100)));
	const offset = Math.max(0, Number.parseInt(asString(args.cursor) ?? '0', 10) || 0);
	const channels = ctx.data.slack.channels.filter((c) => !(args.exclude_archived === true && c.isArchived));
	const page = channels.slice(offset, offset + limit);
	return ok({
		ok: true,
		channels: page.map(slackChannelJson),
		response_metadata: { next_cursor: offset + limit < channels.length ? String(offset + limit) : '' },
	});
}

function slackSend(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const wanted = (asString(args.channel) ?? '').trim().replace(/^#/, '').toLowerCase();
	const channel = ctx.data.slack.channels.find((c) => c.id.toLowerCase() === wanted || c.name === wanted);
	if (!channel) {
		return toolFailure('channel_not_found', { ok: false, error: 'channel_not_found' });
	}
	if (channel.isArchived) {
		return toolFailure('is_archived', { ok: false, error: 'is_archived' });
	}
	const ts = `${Math.floor(ctx.now / 1000)}.${String(ctx.nextSeq() % 1_000_000).padStart(6, '0')}`;
	const text = asString(args.text) ?? '';
	const threadTs = asString(args.thread_ts);
	const user = `U${(ctx.account.alias ?? 'you').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8) || 'YOU'}`;
	ctx.data.slack.messages.push({ channel: channel.id, ts, text, user, ...(threadTs ? { threadTs } : {}) });
	return ok({ ok: true, channel: channel.id, ts, message: { type: 'message', text, user, ts, ...(threadTs ? { thread_ts: threadTs } : {}) } });
}

function linearTeam(idOrKey: string): (typeof LINEAR_TEAMS)[number] | undefined {
	const v = idOrKey.trim().toLowerCase();
	return LINEAR_TEAMS.find((t) => t.id === v || t.key.toLowerCase() === v);
}

function linearIssueJson(i: LinearIssueRecord): Record<string, unknown> {
	const team = LINEAR_TEAMS.find((t) => t.id === i.teamId) ?? LINEAR_TEAMS[0];
	return {
		id: i.id,
		identifier: i.identifier,
		title: i.title,
		description: i.description,
		priority: i.priority,
		state: { name: i.state },
		team: { id: team.id, key: team.key, name: team.name },
		assignee: i.assigneeId ? { id: i.assigneeId, name: LINEAR_USERS[i.assigneeId] ?? i.assigneeId } : null,
		url: `https://linear.app/acme/issue/${i.identifier}`,
		createdAt: i.createdAt,
	};
}

function linearList(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const first = Math.min(250, Math.max(1, asInt(args.first, 50)));
	const teamArg = asString(args.team_id);
	const team = teamArg ? linearTeam(teamArg) : undefined;
	if (teamArg && !team) {
		return toolFailure(`Team '${teamArg}' not found. Teams: ${LINEAR_TEAMS.map((t) => `${t.key} (${t.id})`).join(', ')}`);
	}
	const assignee = asString(args.assignee_id);
	const assigneeId = assignee === 'me' ? 'usr_me' : assignee;
	const sorted = ctx.data.linear.issues
		.filter((i) => !team || i.teamId === team.id)
		.filter((i) => !assigneeId || i.assigneeId === assigneeId)
		.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
	const after = asString(args.after);
	const start = after ? sorted.findIndex((i) => i.id === after) + 1 : 0;
	const page = sorted.slice(start, start + first);
	const last = page[page.length - 1];
	return ok({
		issues: page.map(linearIssueJson),
		page_info: { hasNextPage: start + first < sorted.length, endCursor: last ? last.id : null },
	});
}

function linearCreate(ctx: AppToolContext, args: Record<string, unknown>): AppToolResult {
	const teamArg = asString(args.team_id) ?? '';
	const team = linearTeam(teamArg);
	if (!team) {
		return toolFailure(`Team '${teamArg}' not found. Teams: ${LINEAR_TEAMS.map((t) => `${t.key} (${t.id})`).join(', ')}`);
	}
	const assignee = asString(args.assignee_id);
	const assigneeId = assignee === 'me' ? 'usr_me' : assignee;
	if (assigneeId && !(assigneeId in LINEAR_USERS)) {
		return toolFailure(`User '${assignee ?? ''}' not found. Users: ${Object.keys(LINEAR_USERS).join(', ')}`);
	}
	const numbers = ctx.data.linear.issues
		.filter((i) => i.teamId === team.id)
		.map((i) => Number(/-(\d+)$/.exec(i.identifier)?.[1] ?? 0));
	const number = Math.max(0, ...numbers) + 1;
	const issue: LinearIssueRecord = {
		id: `lin_iss_${hex(4)}`,
		identifier: `${team.key}-${number}`,
		teamId: team.id,
		title: asString(args.title) ?? '',
		description: asString(args.description) ?? '',
		priority: Math.min(4, Math.max(0, asInt(args.priority, 0))),
		state: 'Todo',
		assigneeId: assigneeId ?? null,
		createdAt: new Date(ctx.now).toISOString(),
	};
	ctx.data.linear.issues.push(issue);
	return ok(linearIssueJson(issue));
}

/** The simulated Slack workspace every Slack account belongs to. */
const SLACK_TEAM = { id: 'T0ACMESBX', name: 'Acme Sandbox', url: 'https://acme-sandbox.slack.com/' } as const;

/** A profile tool's answer for the account, or the failure a revoked scope would give. */
function profile(ctx: AppToolContext, answer: () => Record<string, unknown>): AppToolResult {
	return ctx.account.profileFails ? toolFailure('403 Forbidden: the token lacks the scope needed to read the profile') : ok(answer());
}

function gmailProfile(ctx: AppToolContext): AppToolResult {
	return profile(ctx, () => ({ emailAddress: ctx.account.identity, messagesTotal: ctx.data.gmail.inbox.length + ctx.data.gmail.sent.length, threadsTotal: ctx.data.gmail.inbox.length, historyId: String(1000 + ctx.data.gmail.sent.length) }));
}

function githubProfile(ctx: AppToolContext): AppToolResult {
	const login = ctx.account.identity;
	return profile(ctx, () => ({ login, id: 5_000_000 + [...login].reduce((n, c) => n + c.charCodeAt(0), 0), name: login.replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()), html_url: `https://github.com/${login}`, type: 'User' }));
}

function slackAuthTest(ctx: AppToolContext): AppToolResult {
	const user = ctx.account.identity;
	return profile(ctx, () => ({ ok: true, url: SLACK_TEAM.url, team: SLACK_TEAM.name, team_id: SLACK_TEAM.id, user, user_id: `U${user.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8) || 'YOU'}` }));
}

const EXECUTORS: Record<string, (ctx: AppToolContext, args: Record<string, unknown>) => AppToolResult> = {
	GMAIL_GET_PROFILE: gmailProfile,
	GITHUB_GET_THE_AUTHENTICATED_USER: githubProfile,
	SLACK_TEST_AUTH: slackAuthTest,
	GMAIL_FETCH_EMAILS: gmailFetch,
	GMAIL_SEND_EMAIL: gmailSend,
	GITHUB_LIST_REPOSITORY_ISSUES: githubList,
	GITHUB_CREATE_AN_ISSUE: githubCreate,
	SLACK_LIST_ALL_CHANNELS: slackList,
	SLACK_SEND_MESSAGE: slackSend,
	LINEAR_LIST_LINEAR_ISSUES: linearList,
	LINEAR_CREATE_LINEAR_ISSUE: linearCreate,
	...AUTH_CASE_EXECUTORS,
};

/**
 * Runs an app tool against the user's simulated data, after validating the arguments against
 * its input schema. Failures are returned (as Composio does, inside a 200), never thrown.
 */
export function executeAppTool(tool: ToolDef, args: Record<string, unknown>, ctx: AppToolContext): AppToolResult {
	const invalid = validateArguments(tool.inputParameters, args);
	if (invalid) {
		return toolFailure(invalid);
	}
	const run = EXECUTORS[tool.slug];
	if (!run) {
		return toolFailure(`Tool ${tool.slug} is not implemented by the sandbox`);
	}
	return run(ctx, args);
}
