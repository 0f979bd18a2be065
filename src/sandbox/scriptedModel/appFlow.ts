/**
 * The two steps every app script shares, as the interpreter runs them: acting on an app
 * (`AppStep`: the connection check, the Connect Link, the app tool, the answer from its result)
 * and handing out a Connect Link (`ConnectStep`). Each reads the tool calls after the task to know
 * where it is. Pure.
 */
import { EDITOR_TOOL_NAMES } from '../../common/editorToolNames';
import {
	connectionState,
	listedAccounts,
	MANAGE_CONNECTIONS,
	MULTI_EXECUTE,
	NOT_CONNECTED,
	systemText,
	toolRunsAfter,
	userTextSinceTask,
	type ConnectionState,
	type Conversation,
} from './conversation';
import { inline } from './payloads';
import type { AppAction, ConnectStep, ScriptedTurn, Toolkit } from './script';

/** How the answers name each app. */
export const TOOLKIT_NAMES: Record<Toolkit, string> = { gmail: 'Gmail', github: 'GitHub', slack: 'Slack', linear: 'Linear', hackernews: 'Hacker News', posthog: 'PostHog', shopify: 'Shopify' };

const EDITOR_TOOLS: readonly string[] = Object.values(EDITOR_TOOL_NAMES);

function say(text: string): ScriptedTurn {
	return { type: 'text', text };
}

/**
 * The account the user named for this task ("my work email", "from my personal account"), as a
 * model reading the system prompt would pick it: the one listed account whose alias is that word,
 * or whose address or login has it as a part. Its alias (or id) goes into the call's `account`.
 */
function namedAccount(conv: Conversation, action: AppAction): string | undefined {
	const accounts = listedAccounts(conv, action.toolkit);
	if (accounts.length < 2) {
		return undefined;
	}
	const pattern = /\b(?:my|the|use|from)\s+([A-Za-z][\w.@+-]*)\s+(?:gmail|github|slack|linear|account|inbox|e-?mails?|workspace|mailbox|address)\b/gi;
	for (const m of userTextSinceTask(conv).matchAll(pattern)) {
		const word = (m[1] ?? '').toLowerCase();
		const hits = accounts.filter(
			(a) => a.alias?.toLowerCase() === word || a.name?.toLowerCase() === word || (a.name ?? a.alias ?? '').toLowerCase().split(/[@.+_\-\s()]+/).includes(word),
		);
		const hit = hits.length === 1 ? hits[0] : undefined;
		if (hit) {
			return hit.alias ?? hit.id;
		}
	}
	return undefined;
}

function callApp(action: AppAction, tools: ReadonlySet<string>, account?: string): ScriptedTurn {
	if (tools.has(action.tool)) {
		return { type: 'toolCall', name: action.tool, arguments: account ? { ...action.args, account } : action.args };
	}
	if (tools.has(MULTI_EXECUTE)) {
		return { type: 'toolCall', name: MULTI_EXECUTE, arguments: { tools: [{ tool_slug: action.tool, arguments: action.args, ...(account ? { account } : {}) }], sync_response_to_workbench: false } };
	}
	return say(
		`I can't do that in this session: the \`${action.tool}\` tool isn't available to me. Enable the ${TOOLKIT_NAMES[action.toolkit]} toolkit for this session and ask again.`,
	);
}

function connectPrompt(action: AppAction, link: string, again: boolean, preface: string): string {
	const name = TOOLKIT_NAMES[action.toolkit];
	const first = again
		? `${name} still isn't connected, so I can't ${action.purpose} yet. Please finish connecting here: [Connect ${name}](${link})`
		: `I need you to connect your ${name} account first. Please click here to authorize: [Connect ${name}](${link})`;
	return `${preface}${first}\n\nWhen you've finished, reply **done** and I'll ${action.purpose}.`;
}

function errorAnswer(action: AppAction, tool: string, error: string, preface: string): string {
	return `${preface}I couldn't ${action.purpose}: \`${tool}\` failed with this error:\n\n> ${inline(error)}\n\nYou can ask me to try again.`;
}

/** "Using your **work** Gmail account." when the user named an alias the host knows about. */
function aliasPreface(conv: Conversation, action: AppAction, aliases: readonly string[]): string {
	const system = systemText(conv.messages).toLowerCase();
	const pattern = /\b(?:my|the|use)\s+([A-Za-z][\w-]*)\s+(?:gmail|github|slack|linear|account|inbox|e-?mail|workspace)\b/gi;
	for (const m of userTextSinceTask(conv).matchAll(pattern)) {
		const alias = m[1] ?? '';
		const known = aliases.some((a) => a.toLowerCase() === alias.toLowerCase()) || new RegExp(`\\b${alias.toLowerCase()}\\b`).test(system);
		if (known && !['latest', 'recent', 'new', 'unread', 'own', 'connected'].includes(alias.toLowerCase())) {
			return `Using your **${alias}** ${TOOLKIT_NAMES[action.toolkit]} account.\n\n`;
		}
	}
	return '';
}

/** The next turn of an `AppStep`. */
export function decideApp(conv: Conversation, action: AppAction): ScriptedTurn {
	// The editor tools that prepared the action (problems, the diff) are not part of the app's flow.
	const runs = toolRunsAfter(conv).filter((r) => !EDITOR_TOOLS.includes(r.name));
	const last = conv.messages[conv.messages.length - 1];
	const manageRuns = runs.filter((r) => r.name === MANAGE_CONNECTIONS && r.result?.ok === true);
	const states = manageRuns.map((r) => connectionState(r.result?.payload, action.toolkit)).filter((s): s is ConnectionState => s !== undefined);
	const latestLink = [...states].reverse().find((s) => s.link !== undefined)?.link;
	const preface = aliasPreface(conv, action, states.flatMap((s) => s.aliases));
	const manageAvailable = conv.tools.has(MANAGE_CONNECTIONS);
	const name = TOOLKIT_NAMES[action.toolkit];

	if (last?.role === 'tool') {
		const run = [...runs].reverse().find((r) => r.result !== undefined);
		if (run?.name === MANAGE_CONNECTIONS && run.result) {
			if (!run.result.ok) {
				return say(errorAnswer(action, MANAGE_CONNECTIONS, run.result.error ?? 'unknown error', preface));
			}
			const state = connectionState(run.result.payload, action.toolkit);
			// A toolkit that needs no sign-in (`no_auth`) runs as a connected one does.
			if (state?.status === 'active' || state?.status === 'no_auth') {
				return callApp(action, conv.tools, namedAccount(conv, action));
			}
			if (state?.link) {
				return say(connectPrompt(action, state.link, false, preface));
			}
			return say(`${preface}I couldn't get a connection link for ${name} (status: ${state?.status || 'unknown'}). Try connecting it from the Connections view, then ask again.`);
		}
		if (run?.name === action.tool && run.result) {
			const result = run.result;
			if (result.ok) {
				return say(preface + action.render(result.payload));
			}
			const error = result.error ?? 'unknown error';
			if (NOT_CONNECTED.test(error)) {
				if (latestLink) {
					return say(connectPrompt(action, latestLink, true, preface));
				}
				if (manageAvailable && manageRuns.length === 0) {
					return { type: 'toolCall', name: MANAGE_CONNECTIONS, arguments: { toolkits: [action.toolkit] } };
				}
				return say(`${preface}${name} isn't connected, so I can't ${action.purpose}. Connect it from the Connections view, then say **done**.`);
			}
			return say(errorAnswer(action, action.tool, error, preface));
		}
	}

	// The user spoke last: either the task itself or a continuation of it.
	const finished = [...runs].reverse().find((r) => r.name === action.tool && r.result?.ok === true);
	if (finished?.result) {
		return say(`${preface}That's already done. ${action.render(finished.result.payload)}`);
	}
	// The prompt says the app's accounts went bad and to call its tools anyway (the editor reconnects them).
	const listed = listedAccounts(conv, action.toolkit);
	if (runs.length > 0 || !manageAvailable || (listed.length > 0 && listed.every((a) => a.needsReconnect))) {
		return callApp(action, conv.tools, namedAccount(conv, action));
	}
	return { type: 'toolCall', name: MANAGE_CONNECTIONS, arguments: { toolkits: [action.toolkit] } };
}

/** The next turn of a `ConnectStep`: a Connect Link, then, once the chat says it is connected, a line saying so. */
export function decideConnect(conv: Conversation, step: ConnectStep): ScriptedTurn {
	const name = TOOLKIT_NAMES[step.connect];
	const runs = toolRunsAfter(conv).filter((r) => r.name === MANAGE_CONNECTIONS);
	const last = conv.messages[conv.messages.length - 1];
	const run = runs[runs.length - 1];
	if (!run) {
		if (!conv.tools.has(MANAGE_CONNECTIONS)) {
			return say(`I can't make Connect Links in this session. Use **Composio: Connect App…** to connect ${name}.`);
		}
		return { type: 'toolCall', name: MANAGE_CONNECTIONS, arguments: { toolkits: [step.connect], ...(step.another ? { reinitiate_all: true } : {}) } };
	}
	const state = run.result?.ok ? connectionState(run.result.payload, step.connect) : undefined;
	if (last?.role === 'tool') {
		if (!run.result?.ok) {
			return say(`I couldn't get a Connect Link for ${name}: ${inline(run.result?.error ?? 'unknown error')}`);
		}
		if (state?.link) {
			return say(`Here is a link to connect ${step.another ? 'another' : 'your'} ${name} account: [Connect ${name}](${state.link})\n\nSign in on that page; I'll carry on once it's connected.`);
		}
		return say(`${name} is already connected. Ask me to connect **another ${name} account** to add one more.`);
	}
	return say(`Your ${name} account is connected. I can use it now.`);
}
