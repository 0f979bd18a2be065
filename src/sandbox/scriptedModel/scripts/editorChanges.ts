/** "Summarize my uncommitted changes to Slack": the git diff first, then a summary, an email, an issue or a Slack post made of it. */
import { EDITOR_TOOL_NAMES } from '../../../common/editorToolNames';
import { isRecord } from '../../../common/isRecord';
import type { Script, Step, TaskRequest } from '../script';
import { sendEmailAction } from './gmail';
import { createIssueAction } from './issues';
import { emailAddress, slackish, WANTS_ISSUE } from './requestWords';
import { slackPostAction } from './slack';

const CHANGES = /\b(?:uncommitted|unstaged|staged|local) changes\b|\bmy (?:current )?changes\b|\bgit diff\b|\bthe diff\b|\bwhat i(?:'ve| have)? changed\b|\bworking tree\b/;

export const summarizeChanges: Script = {
	name: 'summarize-changes',
	when: { all: [CHANGES], tools: [EDITOR_TOOL_NAMES.diff] },
	start: (r) => ({ call: EDITOR_TOOL_NAMES.diff, args: {}, failed: 'read your uncommitted changes', then: (result) => fromChanges(r, result.payload) }),
};

/** What the request asked to do with the changes. */
function fromChanges(r: TaskRequest, payload: unknown): Step {
	if (changedFilesOf(payload).length === 0) {
		return { say: 'You have no uncommitted changes, so there is nothing to summarize.' };
	}
	const summary = changesSummary(payload);
	const address = emailAddress(r.plain);
	if (address) {
		return { app: sendEmailAction(address, 'Summary of my uncommitted changes', summary, `send the summary to ${address}`) };
	}
	if (WANTS_ISSUE.test(r.lower)) {
		return { app: createIssueAction(r.plain, 'Review the uncommitted changes', summary, false) };
	}
	if (slackish(r.lower)) {
		return { app: slackPostAction(r.plain, summary) };
	}
	const [headline = '', ...files] = summary.split('\n');
	return { say: ['## Your uncommitted changes', '', ...files.map((l) => l.replace(/^• /, '- ')), '', headline].join('\n') };
}

interface ChangedFile {
	path: string;
	status: string;
	additions?: number;
	deletions?: number;
	note?: string;
}

function changedFilesOf(payload: unknown): ChangedFile[] {
	const list = isRecord(payload) && Array.isArray(payload['files']) ? payload['files'] : [];
	return list.filter(isRecord).map((f) => ({
		path: typeof f['path'] === 'string' ? f['path'] : '?',
		status: typeof f['status'] === 'string' ? f['status'] : 'changed',
		...(typeof f['additions'] === 'number' ? { additions: f['additions'] } : {}),
		...(typeof f['deletions'] === 'number' ? { deletions: f['deletions'] } : {}),
		...(typeof f['note'] === 'string' ? { note: f['note'] } : {}),
	}));
}

/** A plain-text summary of the uncommitted changes, for a chat message or an email: a headline, then one line per file. */
function changesSummary(payload: unknown): string {
	const files = changedFilesOf(payload);
	const summary = isRecord(payload) && typeof payload['summary'] === 'string' ? payload['summary'] : `${files.length} changed files`;
	const branch = isRecord(payload) && typeof payload['branch'] === 'string' ? ` on ${payload['branch']}` : '';
	const lines = files.map((f) => {
		const counts = f.additions !== undefined ? ` (+${f.additions} −${f.deletions ?? 0})` : '';
		return `• ${f.path} — ${f.status}${counts}${f.note ? `, ${f.note}` : ''}`;
	});
	const rest = isRecord(payload) && typeof payload['more'] === 'string' ? [payload['more']] : [];
	return [`Uncommitted changes${branch}: ${summary}`, ...lines, ...rest].join('\n');
}
