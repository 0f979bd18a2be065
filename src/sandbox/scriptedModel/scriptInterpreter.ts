/**
 * The scripted model's interpreter: reads an OpenAI Chat Completions conversation and decides the
 * next assistant turn (a text answer or one tool call) from a table of scripts (script.ts). No
 * I/O, no clocks, no randomness: the same conversation always gets the same answer.
 *
 * How it decides:
 * 1. The task is the last user message that asks for something. Short continuations ("done",
 *    "ok", "I've connected Gmail, continue") do not start a task; they carry on the one before.
 * 2. The first script whose `when` takes the task answers it (the fallback when none does, or
 *    when there is no task).
 * 3. Its steps are walked against the tool calls after the task: a call step whose tool has not
 *    answered yet is the next turn; one that has goes on to the step its result leads to; an app
 *    or connect step reads its own state from the calls (appFlow.ts); a say step is the answer.
 */
import { decideApp, decideConnect } from './appFlow';
import { codeBlocks, normalizeMessages, systemText, taskIndexOf, toolRunsAfter, withoutCode, type Conversation, type Message, type ToolRun } from './conversation';
import { couldNot } from './payloads';
import type { Script, ScriptedTurn, ScriptInput, Step, TaskRequest, When } from './script';

/** The task message as the scripts read it. */
function taskRequest(text: string, messages: readonly Message[], tools: ReadonlySet<string>): TaskRequest {
	const plain = withoutCode(text);
	const activeFile = /active editor shows `([^`\n]+)`/.exec(systemText(messages))?.[1];
	return { text, plain, lower: plain.toLowerCase(), code: codeBlocks(text), tools, ...(activeFile ? { activeFile } : {}) };
}

/** True when the request meets every condition of `when`. */
export function takes(when: When, request: TaskRequest): boolean {
	const matches = (pattern: RegExp): boolean => pattern.test(request.lower);
	return (
		(when.all ?? []).every(matches) &&
		(when.any === undefined || when.any.some(matches)) &&
		!(when.none ?? []).some(matches) &&
		(when.tools ?? []).every((tool) => request.tools.has(tool)) &&
		(when.code !== true || request.code.length > 0)
	);
}

/** Walks a script's steps against the conversation and returns the next turn. */
function run(conv: Conversation, first: Step): ScriptedTurn {
	const runs = toolRunsAfter(conv);
	const taken = new Set<ToolRun>();
	let step = first;
	for (;;) {
		if ('say' in step) {
			return { type: 'text', text: step.say };
		}
		if ('app' in step) {
			return decideApp(conv, step.app);
		}
		if ('connect' in step) {
			return decideConnect(conv, step);
		}
		const call = step.call;
		const done = runs.find((r) => r.name === call && !taken.has(r));
		if (!done?.result) {
			return { type: 'toolCall', name: call, arguments: step.args };
		}
		taken.add(done);
		if (!done.result.ok && step.failed !== undefined) {
			return { type: 'text', text: couldNot(step.failed, done.result.error) };
		}
		step = step.then(done.result);
	}
}

/**
 * Decides the next turn of a conversation: `scripts` are tried in order, `fallback` answers when
 * none takes the task or there is no task. Pure and deterministic; only tools named in
 * `input.tools` are ever called, as long as the scripts check the tools they call (`when.tools`).
 */
export function interpret(input: ScriptInput, scripts: readonly Script[], fallback: Script): ScriptedTurn {
	const messages = normalizeMessages(input.messages);
	const tools = new Set(input.tools.map((t) => t.name));
	const taskIndex = taskIndexOf(messages);
	const conv: Conversation = { messages, taskIndex, tools };
	const task = messages[taskIndex];
	if (task?.role !== 'user') {
		return run(conv, fallback.start(taskRequest('', messages, tools)));
	}
	const request = taskRequest(task.text, messages, tools);
	const script = scripts.find((s) => takes(s.when, request)) ?? fallback;
	return run(conv, script.start(request));
}
