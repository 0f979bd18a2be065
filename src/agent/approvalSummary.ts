/**
 * What an approval question says, in words, for the front doors that render it as text: the
 * `@composio` chat participant and the confirmations of the Language Model Tools. The sidebar's
 * approval card shows the same parts (app, action, account, arguments) as DOM.
 */
import * as l10n from '@vscode/l10n';
import { toolAction, toolkitDisplayName } from '../common/toolkitNames';
import { secretWarning } from './secretScan';
import type { ToolAction } from './toolApproval';

/** One action of an approval question, ready to show. */
export interface ActionSummary {
	/** The app ("Gmail"; "Tool" when unknown). */
	readonly app: string;
	/** The action in words ("Send email"). */
	readonly action: string;
	/** The tool slug (GMAIL_SEND_EMAIL). */
	readonly tool: string;
	/** The account it acts as, when one was named. */
	readonly account?: string;
	/** The arguments as `name: value` lines (strings as they are, everything else as JSON). */
	readonly args: readonly { readonly name: string; readonly value: string }[];
	/** One warning per secret found in what it would send ("Looks like an OpenAI API key in body."). */
	readonly warnings: readonly string[];
}

/** An action as shown. */
export function summarizeAction(a: ToolAction): ActionSummary {
	return {
		app: a.toolkit ? toolkitDisplayName(a.toolkit) : l10n.t('Tool'),
		action: a.changesAccount === 'remove' ? l10n.t('Remove connected account') : a.changesAccount === 'rename' ? l10n.t('Rename connected account') : toolAction(a.tool, a.toolkit),
		tool: a.tool,
		...(a.account ? { account: a.account } : {}),
		args: Object.entries(a.args).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value)) })),
		warnings: (a.secrets ?? []).map(secretWarning),
	};
}

/** The question's heading. */
export function approvalHeading(actions: readonly ToolAction[]): string {
	return actions.length === 1 ? l10n.t('Allow this action?') : l10n.t('Allow these {0} actions?', actions.length);
}

/** What an approval question asks, in words: acting on an account, or looking into the workspace (a secret file). */
export function approvalExplanation(actions: readonly ToolAction[]): string {
	if (actions.some((a) => a.runsCode)) {
		return workbenchExplanation();
	}
	if (actions.some((a) => a.changesAccount === 'remove')) {
		return l10n.t(
			'The agent wants to remove a connected account from Composio. Tools can no longer use it, and using it again means signing in again. It can only be allowed once.',
		);
	}
	if (actions.length > 0 && actions.every((a) => a.toolkit === 'vscode')) {
		return actions.some((a) => a.tool === 'VSCODE_READ_SECRET_FILE')
			? l10n.t('The agent wants to read a file that may hold secrets (keys, passwords). Nothing is read until you answer.')
			: l10n.t('The agent wants to look at your workspace. Nothing runs until you answer.');
	}
	return l10n.t('The agent wants to act on your account. Nothing runs until you answer.');
}

/** What a card for code in the remote workbench says, plainly. */
export function workbenchExplanation(): string {
	return l10n.t(
		"The agent wants to run code in Composio's remote workbench. That code can act on every account you have connected, with no further question for each action. Read all of it before you allow it; it can only be allowed once.",
	);
}

/** The warning over a question whose actions send secrets out, or undefined when none does. */
export function secretsHeading(actions: readonly ToolAction[]): string | undefined {
	return actions.some((a) => (a.secrets?.length ?? 0) > 0) ? l10n.t('This would send what looks like a secret. Check before you allow it.') : undefined;
}

/** Markdown text with every character that could format escaped. */
export function escapeMarkdown(text: string): string {
	return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A code fence longer than any run of backticks in `text`. */
function fenceFor(text: string): string {
	const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
	return '`'.repeat(Math.max(3, longest + 1));
}

/** One action as a markdown line ("**Gmail** · Send email · as work") without the arguments. */
export function actionLine(summary: ActionSummary): string {
	const what = `**${escapeMarkdown(summary.app)}** · ${escapeMarkdown(summary.action)}`;
	return `${summary.account ? l10n.t('{0} · as {1}', what, escapeMarkdown(summary.account)) : what} (\`${summary.tool.replace(/`/g, '')}\`)`;
}

/**
 * The whole question as markdown: heading, explanation, and each action with its arguments in a
 * code block (so nothing the model wrote can format, link or hide itself).
 */
export function approvalMarkdown(actions: readonly ToolAction[]): string {
	const parts = [`**${approvalHeading(actions)}** ${approvalExplanation(actions)}`];
	const secrets = secretsHeading(actions);
	if (secrets) {
		parts.push(`⚠️ **${escapeMarkdown(secrets)}**`);
	}
	for (const a of actions.map(summarizeAction)) {
		const args = a.args.length > 0 ? a.args.map((r) => `${r.name}: ${r.value}`).join('\n') : l10n.t('(no arguments)');
		const fence = fenceFor(args);
		const warnings = a.warnings.map((w) => `\n\n⚠️ ${escapeMarkdown(w)}`).join('');
		parts.push(`${actionLine(a)}${warnings}\n\n${fence}text\n${args}\n${fence}`);
	}
	return parts.join('\n\n');
}
