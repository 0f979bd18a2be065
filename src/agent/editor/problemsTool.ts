/** VSCODE_GET_PROBLEMS: the diagnostics VS Code reports, for one file or the workspace, worst first and bounded. */
import type { LocalToolResult } from '../localTools';
import type { EditorProblem, ProblemSeverity } from './editorHost';
import { cutLine, fitting, MAX_PROBLEM_MESSAGE, MAX_PROBLEMS, more } from './limits';
import { ok, optionalString, ToolInputError, type ToolContext } from './toolContext';

const ORDER: Readonly<Record<ProblemSeverity, number>> = { error: 0, warning: 1, information: 2, hint: 3 };

function minimumSeverity(value: string | undefined): ProblemSeverity {
	if (value === undefined) {
		return 'information';
	}
	const lower = value.toLowerCase();
	if (lower === 'error' || lower === 'errors') {
		return 'error';
	}
	if (lower === 'warning' || lower === 'warnings') {
		return 'warning';
	}
	if (lower === 'information' || lower === 'info') {
		return 'information';
	}
	if (lower === 'hint' || lower === 'all') {
		return 'hint';
	}
	throw new ToolInputError('"severity" must be error, warning, information or all.');
}

/** Runs VSCODE_GET_PROBLEMS. */
export async function getProblems(ctx: ToolContext, args: Readonly<Record<string, unknown>>): Promise<LocalToolResult> {
	const pathArg = optionalString(args, 'path');
	const floor = minimumSeverity(optionalString(args, 'severity'));
	const file = pathArg !== undefined ? ctx.resolve(pathArg) : undefined;
	if (file) {
		const stat = await ctx.host.stat(file);
		if (!stat) {
			throw new ToolInputError(`${ctx.display(file)} does not exist.`);
		}
		if (stat.linksOutside) {
			throw new ToolInputError(`${ctx.display(file)} links outside the workspace; the editor tools only work inside it.`);
		}
	}
	const all: EditorProblem[] = [];
	for (const p of ctx.host.problems(file)) {
		if (ORDER[p.severity] <= ORDER[floor] && !(await ctx.excluded(p.file))) {
			all.push(p);
		}
	}
	all.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || ctx.display(a.file).localeCompare(ctx.display(b.file)) || a.line - b.line || a.column - b.column);
	const counts = { error: 0, warning: 0, information: 0, hint: 0 };
	for (const p of all) {
		counts[p.severity]++;
	}
	const listed = all.slice(0, MAX_PROBLEMS).map((p) => ({
		path: ctx.display(p.file),
		line: p.line,
		column: p.column,
		...(p.endLine !== p.line || p.endColumn !== p.column ? { endLine: p.endLine, endColumn: p.endColumn } : {}),
		severity: p.severity,
		message: cutLine(p.message, MAX_PROBLEM_MESSAGE),
		...(p.source ? { source: p.source } : {}),
		...(p.code ? { code: p.code } : {}),
	}));
	const shown = fitting(listed, MAX_PROBLEMS);
	const data: Record<string, unknown> = {
		scope: file ? ctx.display(file) : 'workspace',
		counts: Object.fromEntries(Object.entries(counts).filter(([severity, n]) => n > 0 || severity === 'error' || severity === 'warning')),
		problems: shown,
	};
	if (all.length > shown.length) {
		data['more'] = more(all.length - shown.length, 'problem');
	}
	if (all.length === 0) {
		data['note'] =
			file && !ctx.host.isOpen(file)
				? `VS Code reports no problems for ${ctx.display(file)}, but it is not open: many language servers only check open files. Open it (VSCODE_OPEN_FILE) and ask again to be sure.`
				: file
					? `VS Code reports no problems for ${ctx.display(file)}.`
					: 'VS Code reports no problems in the workspace (language servers often check only open files).';
	}
	return ok(data);
}
