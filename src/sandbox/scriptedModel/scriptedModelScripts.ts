/**
 * The scripted model's table: every script (scripts/*.ts) in the order the interpreter
 * (scriptInterpreter.ts) tries them, and `decideNextTurn`, what the server (scriptedModel.ts) and
 * the tests call. The first script whose `when` takes the task answers it, so the most specific
 * come first: a Connect Link request before anything that names the app, the editor scripts
 * before the app scripts they feed, creating an issue before listing issues.
 */
import { interpret } from './scriptInterpreter';
import type { Script, ScriptedTurn, ScriptInput } from './script';
import { explainCode, writeCode } from './scripts/code';
import { connectAccount, removeAccount } from './scripts/connect';
import { summarizeChanges } from './scripts/editorChanges';
import { findInWorkspace, openFile, replaceInFile } from './scripts/editorFiles';
import { reportProblems } from './scripts/editorProblems';
import { sendEmail, summarizeEmails } from './scripts/gmail';
import { help } from './scripts/help';
import { createIssue, listGithubIssues, listLinearIssues } from './scripts/issues';
import { listPosthogProjects, listShopifyProducts, topHackerNewsStories } from './scripts/authCaseApps';
import { listSlackChannels, postToSlack } from './scripts/slack';
import { runInWorkbench } from './scripts/workbench';

/** The scripts in the order they are tried. */
export const SCRIPTS: readonly Script[] = [
	connectAccount,
	removeAccount,
	runInWorkbench,
	replaceInFile,
	reportProblems,
	summarizeChanges,
	findInWorkspace,
	openFile,
	createIssue,
	postToSlack,
	writeCode,
	explainCode,
	listSlackChannels,
	topHackerNewsStories,
	listPosthogProjects,
	listShopifyProducts,
	listLinearIssues,
	listGithubIssues,
	sendEmail,
	summarizeEmails,
];

/** The answer when no script takes the task, or no message asks for anything. */
export const FALLBACK: Script = help;

/**
 * Decides the scripted model's next turn for a conversation: a text answer or one tool call.
 * Pure and deterministic. Only tools named in `input.tools` are ever called.
 */
export function decideNextTurn(input: ScriptInput): ScriptedTurn {
	return interpret(input, SCRIPTS, FALLBACK);
}
