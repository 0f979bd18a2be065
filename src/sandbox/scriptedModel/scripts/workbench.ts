/** "In the workbench, count my unread emails": code for Composio's remote workbench, when the session offers it. */
import { inline } from '../payloads';
import type { Script } from '../script';

const WORKBENCH = 'COMPOSIO_REMOTE_WORKBENCH';

export const runInWorkbench: Script = {
	name: 'run-in-workbench',
	when: { all: [/\b(?:in|on|with) the (?:remote )?workbench\b/], tools: [WORKBENCH] },
	start: (r) => {
		const request = r.plain.replace(/\b(?:in|on|with) the (?:remote )?workbench\b[,:]?\s*/i, '').trim();
		const code = r.code[0]?.code ?? `# ${request}\nresult = run_composio_tool("GMAIL_FETCH_EMAILS", {"max_results": 50})\nprint(len(result["data"]["messages"]))`;
		return {
			call: WORKBENCH,
			args: { code_to_execute: code, thought: request },
			then: (result) => ({ say: result.ok ? 'The workbench ran the code.' : `The workbench did not run the code: ${inline(result.error ?? 'it reported an error')}` }),
		};
	},
};
