/**
 * How the tests' scripted models count tokens: the scripted model's context window
 * (TestScriptedModel) and the test-only VS Code language models (test/lmExtension) both check
 * requests against this, so a test can compute exactly what they will see.
 */
import { isRecord } from '../../src/common/isRecord';

/** The text a tokenizer would see of one Chat Completions message: its content and each tool call's name and arguments. */
function messageText(m: unknown): string {
	if (!isRecord(m)) {
		return '';
	}
	const content = m['content'];
	let text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('') : '';
	const calls = m['tool_calls'];
	if (Array.isArray(calls)) {
		for (const c of calls) {
			const fn = isRecord(c) ? c['function'] : undefined;
			if (isRecord(fn)) {
				text += `\n${String(fn['name'])} ${String(fn['arguments'])}`;
			}
		}
	}
	return text;
}

/**
 * Tokens of a request as the scripted models count them: about four characters a token, plus
 * four a message, plus the tool definitions as JSON.
 */
export function scriptedPromptTokens(messages: readonly unknown[], tools: unknown): number {
	let tokens = Array.isArray(tools) && tools.length > 0 ? Math.ceil(JSON.stringify(tools).length / 4) : 0;
	for (const m of messages) {
		tokens += 4 + Math.ceil(messageText(m).length / 4);
	}
	return tokens;
}
