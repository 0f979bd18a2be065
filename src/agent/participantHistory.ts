/**
 * The `@composio` chat participant's memory of a VS Code chat. VS Code keeps the chat: each new
 * request brings the earlier turns (`context.history`) with the text that was shown and the
 * metadata the participant returned. This module turns them back into the model transcript, using
 * the full transcript of a run (tool calls and results) while this extension host still holds it,
 * and the shown text otherwise (after a reload). No vscode: the participant hands plain turns in.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isRecord } from '../common/isRecord';
import type { PendingConnection } from './authWaiter';

/** What the participant returns as `ChatResult.metadata` (kept by VS Code with the chat). */
export interface ParticipantMetadata {
	/** The run, for `ParticipantRuns`. */
	readonly runId: string;
	/** Tools the user allowed "in this chat", carried into the next request's approval gate. */
	readonly allowedInChat: readonly string[];
	/** The connections the run still waited for when it ended (stopped, or a new message came): "done" next resumes. */
	readonly waitingFor?: readonly PendingConnection[];
}

/** One earlier exchange of the chat, as the participant saw it. */
export interface HistoryTurn {
	/** The user's message as the model got it (references included). */
	readonly prompt: string;
	/** The response's shown text (markdown parts joined); undefined when the request got no response. */
	readonly responseText?: string;
	readonly metadata?: ParticipantMetadata;
}

/** Reads metadata VS Code gives back; undefined when it is not ours or not whole. */
export function parseParticipantMetadata(value: unknown): ParticipantMetadata | undefined {
	if (!isRecord(value) || typeof value['runId'] !== 'string') {
		return undefined;
	}
	const allowed = Array.isArray(value['allowedInChat']) ? value['allowedInChat'].filter((t): t is string => typeof t === 'string') : [];
	const waiting = Array.isArray(value['waitingFor'])
		? value['waitingFor'].flatMap((p: unknown): PendingConnection[] =>
				isRecord(p) && typeof p['toolkit'] === 'string' && typeof p['url'] === 'string'
					? [{ toolkit: p['toolkit'], url: p['url'], ...(typeof p['accountId'] === 'string' ? { accountId: p['accountId'] } : {}) }]
					: [],
			)
		: [];
	return { runId: value['runId'], allowedInChat: allowed, ...(waiting.length > 0 ? { waitingFor: waiting } : {}) };
}

/** How many runs' transcripts are kept in memory (older chats fall back to their shown text). */
const KEPT_RUNS = 50;

/** The model transcripts of recent runs, by run id: what a run added, from its user message on. */
export class ParticipantRuns {
	private readonly runs = new Map<string, readonly ChatCompletionMessageParam[]>();

	remember(runId: string, messages: readonly ChatCompletionMessageParam[]): void {
		this.runs.delete(runId);
		this.runs.set(runId, [...messages]);
		while (this.runs.size > KEPT_RUNS) {
			const oldest = this.runs.keys().next().value;
			if (oldest === undefined) {
				break;
			}
			this.runs.delete(oldest);
		}
	}

	get(runId: string): readonly ChatCompletionMessageParam[] | undefined {
		return this.runs.get(runId);
	}
}

/**
 * The model transcript of the earlier turns: a run this host still remembers contributes its whole
 * transcript (tool calls and results); any other turn its prompt and the text that was shown.
 */
export function historyMessages(turns: readonly HistoryTurn[], runs: ParticipantRuns): ChatCompletionMessageParam[] {
	const out: ChatCompletionMessageParam[] = [];
	for (const turn of turns) {
		const remembered = turn.metadata ? runs.get(turn.metadata.runId) : undefined;
		if (remembered) {
			out.push(...remembered);
			continue;
		}
		out.push({ role: 'user', content: turn.prompt });
		if (turn.responseText !== undefined && turn.responseText.trim() !== '') {
			out.push({ role: 'assistant', content: turn.responseText });
		}
	}
	return out;
}

/** The tools allowed "in this chat" by any earlier turn. */
export function allowedInChat(turns: readonly HistoryTurn[]): string[] {
	return [...new Set(turns.flatMap((t) => t.metadata?.allowedInChat ?? []))];
}

/** Words that tell a waiting task to go on ("done", "ok", "I've connected it"). */
const CONTINUATION = /^\s*(?:done|ok(?:ay)?|yes|continue|go on|go ahead|proceed|ready|finished|all set|connected|i(?:'ve|’ve| have)?\s+(?:now\s+|just\s+)?(?:connected|authori[sz]ed|finished|done|signed in|logged in))\b/i;

/** True when `text` tells a task that waited for a connection to go on. */
export function isContinuation(text: string): boolean {
	return CONTINUATION.test(text);
}

/**
 * The connections the chat's last turn still waited for, when the user's new message tells it to
 * go on ("done") and this host remembers that run (its transcript ends where it stopped, so the
 * task can go on); undefined otherwise (the message is a new request).
 */
export function resumable(turns: readonly HistoryTurn[], runs: ParticipantRuns, prompt: string): { readonly pending: readonly PendingConnection[]; readonly runId: string } | undefined {
	const last = turns[turns.length - 1];
	const meta = last?.metadata;
	if (!meta?.waitingFor || meta.waitingFor.length === 0 || !runs.get(meta.runId) || !isContinuation(prompt)) {
		return undefined;
	}
	return { pending: meta.waitingFor, runId: meta.runId };
}
