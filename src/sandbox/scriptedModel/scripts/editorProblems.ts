/** "Create a GitHub issue for the problems in this file": VS Code's problems first, then a report, an issue or a Slack post made of them. */
import { EDITOR_TOOL_NAMES } from '../../../common/editorToolNames';
import { isRecord } from '../../../common/isRecord';
import { inline } from '../payloads';
import type { Script, Step, TaskRequest } from '../script';
import { NO_FILE } from './editorFiles';
import { createIssueAction } from './issues';
import { slackish, THIS_FILE, WANTS_ISSUE } from './requestWords';
import { slackPostAction } from './slack';

const PROBLEMS = /\b(?:problems?|errors?|diagnostics?|warnings?|type errors?|compiler errors?|lint(?:ing)? (?:errors|warnings|issues))\b/;

export const reportProblems: Script = {
	name: 'report-problems',
	when: { all: [PROBLEMS], any: [THIS_FILE, /\b(?:workspace|project)\b/], tools: [EDITOR_TOOL_NAMES.problems] },
	start: (r) => {
		const needsFile = THIS_FILE.test(r.lower);
		const file = needsFile ? r.activeFile : undefined;
		if (needsFile && !file) {
			return NO_FILE;
		}
		const where = file ? `\`${file}\`` : 'the workspace';
		return {
			call: EDITOR_TOOL_NAMES.problems,
			args: file ? { path: file } : {},
			failed: `get the problems in ${where}`,
			then: (result) => fromProblems(r, file, where, result.payload),
		};
	},
};

/** What the request asked to do with the problems found. */
function fromProblems(r: TaskRequest, file: string | undefined, where: string, payload: unknown): Step {
	const wantsIssue = WANTS_ISSUE.test(r.lower);
	const found = problemsOf(payload);
	if (found.length === 0) {
		return { say: `VS Code reports no problems in ${where}, so there is nothing to ${wantsIssue ? 'file' : 'report'}.` };
	}
	const scope = scopeOf(payload, file ?? 'the workspace');
	const count = `${found.length} problem${found.length === 1 ? '' : 's'}`;
	const list = problemLines(payload);
	if (wantsIssue) {
		const body = [`VS Code reports ${count} in \`${scope}\`:`, '', ...list, '', `Filed from the Composio Agent chat: "${r.plain}"`].join('\n');
		return { app: createIssueAction(r.plain, `Fix ${count} in ${scope}`, body, false) };
	}
	if (slackish(r.lower)) {
		return { app: slackPostAction(r.plain, [`${count} in ${scope}:`, ...list.map((l) => l.replace(/^- /, '• ').replace(/[`*]/g, ''))].join('\n')) };
	}
	return { say: [`## Problems in ${file ? `\`${scope}\`` : scope}`, '', `VS Code reports ${count}:`, '', ...list].join('\n') };
}

interface ProblemRecord {
	path: string;
	line: number;
	column: number;
	severity: string;
	message: string;
	source?: string;
	code?: string;
}

function problemsOf(payload: unknown): ProblemRecord[] {
	const list = isRecord(payload) && Array.isArray(payload['problems']) ? payload['problems'] : [];
	return list.filter(isRecord).map((p) => ({
		path: typeof p['path'] === 'string' ? p['path'] : '?',
		line: typeof p['line'] === 'number' ? p['line'] : 0,
		column: typeof p['column'] === 'number' ? p['column'] : 0,
		severity: typeof p['severity'] === 'string' ? p['severity'] : 'error',
		message: typeof p['message'] === 'string' ? p['message'] : '',
		...(typeof p['source'] === 'string' ? { source: p['source'] } : {}),
		...(typeof p['code'] === 'string' ? { code: p['code'] } : {}),
	}));
}

/** "- `src/a.ts:3:7` **error** Type … (ts 2322)" per problem, and the "… N more" line. */
function problemLines(payload: unknown): string[] {
	const lines = problemsOf(payload).map((p) => {
		const origin = [p.source, p.code].filter(Boolean).join(' ');
		return `- \`${p.path}:${p.line}:${p.column}\` **${p.severity}** ${inline(p.message)}${origin ? ` (${origin})` : ''}`;
	});
	const rest = isRecord(payload) && typeof payload['more'] === 'string' ? payload['more'] : undefined;
	return rest ? [...lines, `- ${rest}`] : lines;
}

function scopeOf(payload: unknown, fallback: string): string {
	return isRecord(payload) && typeof payload['scope'] === 'string' ? (payload['scope'] === 'workspace' ? 'the workspace' : payload['scope']) : fallback;
}
