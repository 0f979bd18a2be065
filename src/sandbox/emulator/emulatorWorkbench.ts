/**
 * The remote workbench's two meta tools, as a real session lists them unless it turns the
 * workbench off (`workbench: {enable: false}` on create; the SDK's `sandbox` option). The
 * emulator lists them so a session that forgets to turn them off shows it, as the real service
 * would. It runs no code: the shell tool reads the files the workbench holds (`cat`, `head -c`,
 * `wc -c`) and answers anything else as unsupported.
 *
 * The files are what a multi-execute offloaded (`offloadResponse`): with the workbench on, a
 * response over the session's `auto_offload_threshold`, or any response when the call set
 * `sync_response_to_workbench`, is saved under /mnt/files/.composio/output/ and the answer
 * carries `remote_file_info` beside a preview of each result. Composio documents the behaviour
 * ("saves the full response to the workbench while returning an inline preview") but not the
 * field names; these are the emulator's. Files live in memory, per session.
 */
import { type JsonSchema, type MetaToolDef, objectSchema } from './emulatorToolkits';

const str = (description: string): JsonSchema => ({ type: 'string', description });

/** COMPOSIO_REMOTE_WORKBENCH and COMPOSIO_REMOTE_BASH_TOOL. */
export const WORKBENCH_TOOLS: readonly MetaToolDef[] = [
	{
		slug: 'COMPOSIO_REMOTE_WORKBENCH',
		name: 'Remote workbench',
		description:
			"Runs Python in a persistent remote sandbox (a Jupyter kernel). Helpers there call any Composio tool with the user's connected accounts " +
			'(run_composio_tool), in bulk; files live under /mnt/files/. Each cell may run 180 seconds.',
		inputParameters: objectSchema({ code_to_execute: str('The Python code to run.'), thought: str('Why, in one sentence.'), session_id: str('Search session id, if any.') }, ['code_to_execute']),
		outputParameters: objectSchema({ stdout: str('What the code printed.'), stderr: str('Errors.'), results: { type: 'array', items: { type: 'object' } } }),
		readOnly: false,
	},
	{
		slug: 'COMPOSIO_REMOTE_BASH_TOOL',
		name: 'Remote bash',
		description: 'Runs a shell command in the same remote sandbox as the workbench (files under /mnt/files/).',
		inputParameters: objectSchema({ command: str('The bash command to run.'), session_id: str('Search session id, if any.') }, ['command']),
		outputParameters: objectSchema({ stdout: str('Output.'), stderr: str('Errors.'), exit_code: { type: 'integer' } }),
		readOnly: false,
	},
];

/** True for the workbench's tools. */
export function isWorkbenchTool(slug: string): boolean {
	return WORKBENCH_TOOLS.some((t) => t.slug === slug);
}

/** Where offloaded responses are written. */
export const OUTPUT_DIR = '/mnt/files/.composio/output';

/** A copy of `value` small enough to show inline: the first items of each list and the start of each long string, marked where cut. */
function preview(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') {
		return value.length > 200 ? `${value.slice(0, 200)}… (${value.length - 200} more characters in the workbench file)` : value;
	}
	if (Array.isArray(value)) {
		const kept = value.slice(0, 3).map((v) => preview(v, depth + 1));
		return value.length > 3 ? [...kept, `… ${value.length - 3} more items in the workbench file`] : kept;
	}
	if (value === null || typeof value !== 'object' || depth > 8) {
		return value;
	}
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, preview(v, depth + 1)]));
}

/** The files of each session's workbench, and the shell that reads them. */
export class WorkbenchFiles {
	private readonly bySession = new Map<string, Map<string, string>>();

	/**
	 * A multi-execute's answer, offloaded when it should be: the whole `data` saved as a file, and
	 * `remote_file_info` added. A response over `threshold` comes back as a preview; a smaller one
	 * that was synced stays whole inline. `data` as it is when nothing is offloaded.
	 */
	offloadResponse(sessionId: string, data: { results: Array<Record<string, unknown>> } & Record<string, unknown>, options: { sync: boolean; threshold: number; nextSeq: () => number }): Record<string, unknown> {
		const large = JSON.stringify(data).length > options.threshold;
		if (!options.sync && !large) {
			return data;
		}
		const text = JSON.stringify(data, null, 2);
		const path = `${OUTPUT_DIR}/multi_execute_response_${options.nextSeq()}.json`;
		this.filesOf(sessionId).set(path, text);
		const results = large ? data.results.map((r) => ({ ...r, response: preview(r['response']) })) : data.results;
		return {
			...data,
			results,
			remote_file_info: {
				file_path: path,
				size_chars: text.length,
				is_preview: large,
				message: large
					? `The response (${text.length} characters) is saved in the remote workbench at ${path}; the results here are a preview. Read or process the whole file with COMPOSIO_REMOTE_WORKBENCH or COMPOSIO_REMOTE_BASH_TOOL.`
					: `The response is also saved in the remote workbench at ${path}.`,
			},
		};
	}

	/** COMPOSIO_REMOTE_BASH_TOOL: reads workbench files; undefined for a command the sandbox does not run. */
	runBash(sessionId: string, command: string): { stdout: string; stderr: string; exit_code: number } | undefined {
		const match = /^\s*(cat|head\s+-c\s*(\d+)|wc\s+-c)\s+(?:--\s+)?(?:'([^']+)'|"([^"]+)"|(\S+))\s*$/.exec(command);
		if (!match) {
			return undefined;
		}
		const path = match[3] ?? match[4] ?? match[5] ?? '';
		const text = this.filesOf(sessionId).get(path);
		const verb = (match[1] ?? '').split(/\s/)[0] ?? 'cat';
		if (text === undefined) {
			return { stdout: '', stderr: `${verb}: ${path}: No such file or directory`, exit_code: 1 };
		}
		if (verb === 'wc') {
			return { stdout: `${Buffer.byteLength(text)} ${path}\n`, stderr: '', exit_code: 0 };
		}
		return { stdout: match[2] !== undefined ? text.slice(0, Number(match[2])) : text, stderr: '', exit_code: 0 };
	}

	private filesOf(sessionId: string): Map<string, string> {
		let files = this.bySession.get(sessionId);
		if (!files) {
			files = new Map();
			this.bySession.set(sessionId, files);
		}
		return files;
	}
}
