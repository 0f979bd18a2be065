/**
 * The remote workbench's two meta tools, as a real session lists them unless it turns the
 * workbench off (`workbench: {enable: false}` on create; the SDK's `sandbox` option). The
 * emulator lists them so a session that forgets to turn them off shows it, as the real service
 * would; it does not run code (a call answers that the sandbox does not support it).
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
