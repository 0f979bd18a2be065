/**
 * Reading a file Composio kept in the session's remote workbench: the whole response of a
 * multi-execute that Composio offloaded there (the tool card shows its preview). The user asks for
 * it on the card; the extension itself runs one fixed shell command (`cat` of that checked path)
 * through `COMPOSIO_REMOTE_BASH_TOOL`, so no model-written code runs and no approval is asked.
 */
import { MetaTools, printWorkbenchFileArguments, shellOutput } from '../composio/metaTools';
import type { ToolSession } from '../composio/toolSession';

/** The text of the workbench file at `path`. Rejects with the workbench's own error when it cannot be read. */
export async function readWorkbenchFile(session: ToolSession, path: string, signal?: AbortSignal): Promise<string> {
	const result = await session.execute(MetaTools.remoteBash, printWorkbenchFileArguments(path), signal ? { signal } : {});
	const text = shellOutput(result.data);
	if (result.error !== null || text === undefined) {
		throw new Error(result.error ?? `The workbench printed nothing for ${path}.`);
	}
	return text;
}
