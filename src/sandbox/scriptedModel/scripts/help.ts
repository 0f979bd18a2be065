/** Help: what the sandbox can do, with example prompts for the tools the session offers. */
import { EDITOR_TOOL_NAMES } from '../../../common/editorToolNames';
import { MULTI_EXECUTE } from '../conversation';
import type { Script } from '../script';

/** The answer when no other script takes the task, or there is none: example prompts. */
export const help: Script = {
	name: 'help',
	when: {},
	start: (r) => ({ say: helpAnswer(r.tools) }),
};

function helpAnswer(tools: ReadonlySet<string>): string {
	const has = (name: string): boolean => tools.has(name) || tools.has(MULTI_EXECUTE);
	const examples: string[] = [];
	if (has('GMAIL_FETCH_EMAILS')) {
		examples.push('- **Gmail:** "Summarize my emails"');
	}
	if (has('GITHUB_CREATE_AN_ISSUE')) {
		examples.push('- **GitHub:** "Create a GitHub issue titled \\"Login button is misaligned\\"" (select code first to attach it)');
	}
	if (has('GITHUB_LIST_REPOSITORY_ISSUES')) {
		examples.push('- **GitHub:** "List the open issues"');
	}
	if (has('SLACK_SEND_MESSAGE')) {
		examples.push('- **Slack:** "Post \\"Deploy finished\\" to #general"');
	}
	if (has('SLACK_LIST_ALL_CHANNELS')) {
		examples.push('- **Slack:** "Which Slack channels am I in?"');
	}
	if (has('LINEAR_LIST_LINEAR_ISSUES')) {
		examples.push('- **Linear:** "Show my Linear issues"');
	}
	if (tools.has(EDITOR_TOOL_NAMES.problems)) {
		examples.push('- **Editor → GitHub:** "Create a GitHub issue for the problems in this file"');
	}
	if (tools.has(EDITOR_TOOL_NAMES.diff)) {
		examples.push('- **Editor → Slack:** "Summarize my uncommitted changes to Slack"');
	}
	if (tools.has(EDITOR_TOOL_NAMES.edit)) {
		examples.push('- **Editor:** \'Replace "foo" with "bar" in this file\' (you review the change before it is applied)');
	}
	examples.push('- **Code:** "Write a debounce function" or select code and ask "Explain this"');
	return [
		"## Here's what I can do",
		'',
		'I can act on your connected apps through Composio and help with code. Try one of these:',
		'',
		...examples,
		'',
		"If an app isn't connected yet, I'll send you a link to connect it right here in the chat.",
	].join('\n');
}
