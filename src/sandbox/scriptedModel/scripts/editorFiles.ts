/** Editor files: replace text in the active file (a proposed edit the user reviews), find text in the workspace, open a file. */
import { EDITOR_TOOL_NAMES } from '../../../common/editorToolNames';
import { isRecord } from '../../../common/isRecord';
import { couldNot, inline } from '../payloads';
import type { SayStep, Script, ToolResult } from '../script';
import { THIS_FILE, WANTS_ISSUE } from './requestWords';

/** The answer when a task is about "this file" and no file is open. */
export const NO_FILE: SayStep = { say: "I can't tell which file you mean: no file is open in the editor. Open it and ask again." };

// 'Replace "a" with "b" in this file', or `"a"` with `b` for code with quotes.
const QUOTED_ARG = '"([^"\\n]*)"|\'([^\'\\n]*)\'|`([^`\\n]*)`|“([^”\\n]*)”';
const REPLACE = new RegExp(`\\breplace\\s+(?:${QUOTED_ARG})\\s+with\\s+(?:${QUOTED_ARG})`, 'i');

export const replaceInFile: Script = {
	name: 'replace-in-file',
	when: { all: [REPLACE, THIS_FILE], tools: [EDITOR_TOOL_NAMES.edit] },
	start: (r) => {
		const file = r.activeFile;
		if (!file) {
			return NO_FILE;
		}
		const m = REPLACE.exec(r.plain);
		const from = m?.slice(1, 5).find((g) => g !== undefined) ?? '';
		const to = m?.slice(5, 9).find((g) => g !== undefined) ?? '';
		return {
			call: EDITOR_TOOL_NAMES.edit,
			args: { path: file, edits: [{ old_text: from, new_text: to, replace_all: true }] },
			then: (result) => ({ say: replaced(result, file, from, to) }),
		};
	},
};

/** What the user chose for the proposed edit: applied, discarded, or an error. */
function replaced(result: ToolResult, file: string, from: string, to: string): string {
	if (result.ok && isRecord(result.payload) && result.payload['applied'] === true) {
		const n = typeof result.payload['replacements'] === 'number' ? result.payload['replacements'] : 1;
		return `Done — you applied the change: \`${from}\` is now \`${to}\` in \`${file}\` (${n} place${n === 1 ? '' : 's'}).`;
	}
	if (/discarded/i.test(result.error ?? '')) {
		return `OK — you discarded the change, so \`${file}\` is unchanged.`;
	}
	return couldNot(`change \`${file}\``, result.error);
}

const FIND = /\b(?:find|search for|look for|where (?:is|are))\s+["“']([^"”'\n]+)["”']/i;

/** 'Find "TODO" in the workspace'. */
export const findInWorkspace: Script = {
	name: 'find-in-workspace',
	when: { all: [FIND], tools: [EDITOR_TOOL_NAMES.find] },
	start: (r) => {
		const query = FIND.exec(r.plain)?.[1] ?? '';
		return { call: EDITOR_TOOL_NAMES.find, args: { query }, failed: `search for "${query}"`, then: (result) => ({ say: matchesAnswer(query, result.payload) }) };
	},
};

function matchesAnswer(query: string, payload: unknown): string {
	const matches = isRecord(payload) && Array.isArray(payload['matches']) ? payload['matches'].filter(isRecord) : [];
	if (matches.length === 0) {
		return `I found no "${inline(query)}" in the workspace.`;
	}
	const rest = isRecord(payload) && typeof payload['more'] === 'string' ? [`- ${payload['more']}`] : [];
	return [
		`## "${inline(query)}" in the workspace`,
		'',
		...matches.map((m) => `- \`${String(m['path'])}:${String(m['line'])}\` ${inline(typeof m['text'] === 'string' ? m['text'] : '')}`),
		...rest,
	].join('\n');
}

const OPEN = /\bopen\s+`?([\w./-]+\.[A-Za-z0-9]+)`?(?:\s+at\s+line\s+(\d+))?/i;

/** "Open src/app.ts at line 12" (but "open an issue …" is an issue). */
export const openFile: Script = {
	name: 'open-file',
	when: { all: [OPEN], none: [WANTS_ISSUE], tools: [EDITOR_TOOL_NAMES.open] },
	start: (r) => {
		const m = OPEN.exec(r.plain);
		const path = m?.[1] ?? '';
		const line = m?.[2] ? Number(m[2]) : undefined;
		return {
			call: EDITOR_TOOL_NAMES.open,
			args: { path, ...(line ? { start_line: line } : {}) },
			failed: `open \`${path}\``,
			then: () => ({ say: `Opened \`${path}\`${line ? ` at line ${line}` : ''}.` }),
		};
	},
};
