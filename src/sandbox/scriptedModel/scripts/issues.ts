/** Issues: create one in GitHub or Linear, list a repository's GitHub issues, list the Linear issues. */
import { isRecord } from '../../../common/isRecord';
import { withoutCode } from '../conversation';
import { findRecords, findUrl, inline, pick } from '../payloads';
import type { AppAction, CodeBlock, Script } from '../script';
import { titleFrom, WANTS_ISSUE } from './requestWords';

/** Repository the GitHub scripts act on. */
export const SANDBOX_REPO = { owner: 'acme', repo: 'webapp' } as const;

function repoFrom(request: string): { owner: string; repo: string } {
	const m = /\b(?:in|on|to|for)\s+(?:the\s+)?(?:repo(?:sitory)?\s+)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)/.exec(request);
	return m?.[1] && m[2] ? { owner: m[1], repo: m[2] } : { ...SANDBOX_REPO };
}

/** The Linear team key named in the request ("for the DES team", "in ENG"), else ENG. */
function linearTeamFrom(request: string): string {
	return /\b(?:team|in|for)\s+([A-Z]{2,5})\b/.exec(request)?.[1] ?? /\b([A-Z]{2,5})\s+team\b/.exec(request)?.[1] ?? 'ENG';
}

function issueBody(request: string, code: CodeBlock[]): string {
	const parts = [`Requested from the Composio Agent chat: "${withoutCode(request)}"`];
	for (const block of code) {
		parts.push(`\`\`\`${block.lang}\n${block.code}\n\`\`\``);
	}
	return parts.join('\n\n');
}

/** Creates an issue in Linear when the request names it, else in GitHub (the repository it names, or the sandbox's). */
export function createIssueAction(plain: string, title: string, body: string, hadCode: boolean): AppAction {
	if (/\blinear\b/i.test(plain)) {
		return {
			toolkit: 'linear',
			tool: 'LINEAR_CREATE_LINEAR_ISSUE',
			args: { team_id: linearTeamFrom(plain), title, description: body },
			purpose: `create the Linear issue "${title}"`,
			render: (payload) => renderCreatedIssue(payload, title, 'Linear', hadCode),
		};
	}
	const { owner, repo } = repoFrom(plain);
	return {
		toolkit: 'github',
		tool: 'GITHUB_CREATE_AN_ISSUE',
		args: { owner, repo, title, body },
		purpose: `create the issue "${title}" in ${owner}/${repo}`,
		render: (payload) => renderCreatedIssue(payload, title, `${owner}/${repo}`, hadCode),
	};
}

/** "Create a GitHub issue titled "…"" (with the attached code in its body), or a Linear one. */
export const createIssue: Script = {
	name: 'create-issue',
	when: { all: [WANTS_ISSUE] },
	start: (r) => ({ app: createIssueAction(r.plain, titleFrom(r.plain) ?? 'Issue from the Composio Agent sandbox', issueBody(r.text, r.code), r.code.length > 0) }),
};

/** "List the open issues" (of the repository named, else the sandbox's). */
export const listGithubIssues: Script = {
	name: 'list-github-issues',
	// Plural issues, bugs or tickets; or GitHub and an issue, in either order.
	when: { any: [/\b(?:issues|bugs|tickets)\b/, /\bgithub\b.*\bissues?\b|\bissues?\b.*\bgithub\b/] },
	start: (r) => {
		const { owner, repo } = repoFrom(r.plain);
		return {
			app: {
				toolkit: 'github',
				tool: 'GITHUB_LIST_REPOSITORY_ISSUES',
				args: { owner, repo },
				purpose: `list the issues in ${owner}/${repo}`,
				render: (payload) => renderGithubIssues(payload, `${owner}/${repo}`),
			},
		};
	},
};

/** "Show my Linear issues". */
export const listLinearIssues: Script = {
	name: 'list-linear-issues',
	when: { all: [/\blinear\b/, /\b(?:issues?|tickets?|tasks?)\b/] },
	start: () => ({
		app: { toolkit: 'linear', tool: 'LINEAR_LIST_LINEAR_ISSUES', args: {}, purpose: 'list your Linear issues', render: renderLinearIssues },
	}),
};

function renderCreatedIssue(payload: unknown, title: string, where: string, hadCode: boolean): string {
	const record = isRecord(payload) ? (isRecord(payload['issue']) ? payload['issue'] : payload) : {};
	const number = pick(record, 'number', 'issue_number', 'identifier', 'id');
	const url = pick(record, 'html_url', 'url') ?? findUrl(record);
	const finalTitle = inline(pick(record, 'title') ?? title);
	const ref = number ? (/^\d+$/.test(number) ? `#${number}` : number) : 'the issue';
	const link = url ? `[${finalTitle}](${url})` : `"${finalTitle}"`;
	const lines = [`Done — I created **${ref}** in ${where}: ${link}.`];
	if (hadCode) {
		lines.push('', 'The code you attached is included in the issue body.');
	}
	return lines.join('\n');
}

function renderGithubIssues(payload: unknown, where: string): string {
	const issues = findRecords(payload);
	if (issues.length === 0) {
		return `There are no issues in ${where} right now.`;
	}
	const lines = issues.map((issue) => {
		const number = pick(issue, 'number');
		const title = inline(pick(issue, 'title') ?? '(untitled)');
		const state = pick(issue, 'state');
		const url = pick(issue, 'html_url', 'url');
		const label = number ? `#${number}` : '•';
		return `- **${label}** ${url ? `[${title}](${url})` : title}${state ? ` — ${state}` : ''}`;
	});
	return [`## Issues in ${where}`, '', `${issues.length === 1 ? 'There is 1 issue' : `There are ${issues.length} issues`}:`, '', ...lines].join('\n');
}

function renderLinearIssues(payload: unknown): string {
	const issues = findRecords(payload);
	if (issues.length === 0) {
		return 'There are no Linear issues to show.';
	}
	const lines = issues.map((issue) => {
		const id = pick(issue, 'identifier', 'id');
		const title = inline(pick(issue, 'title') ?? '(untitled)');
		const state = pick(issue, 'state.name', 'state', 'status');
		return `- **${id ?? '•'}** ${title}${state ? ` — ${inline(state)}` : ''}`;
	});
	return [`## Linear issues`, '', `${issues.length === 1 ? 'There is 1 issue' : `There are ${issues.length} issues`}:`, '', ...lines].join('\n');
}
