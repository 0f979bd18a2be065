/**
 * When Composio's managed app cannot connect a toolkit, read from what Composio answers. Three
 * cases are real: a toolkit with no managed app at all (its `composio_managed_auth_schemes` is
 * empty, and making a link fails with a 400), a toolkit whose managed app is gone (its metadata
 * still says it has one, but the config is refused for a missing client ID), and a toolkit that
 * needs no sign-in (nothing to connect: its tools run without an account). The first two need the
 * developer's own app, or an API key where the toolkit takes one; the third needs nothing.
 *
 * Composio's wording is not a contract, so the readers match its codes and the words they carry,
 * take `unknown`, and read anything else as "not this case"; none throws.
 */
import { isRecord } from '../common/isRecord';
import { manageConnectionsToolkit, MetaTools } from './metaTools';

/** Why a toolkit needs the developer's own app: Composio has none for it, or the one it had is gone. */
export type OwnAppCause = 'noManagedApp' | 'managedAppGone';

/** A toolkit the managed app could not connect, and Composio's words for why. */
export interface OwnAppNeed {
	readonly toolkit: string;
	readonly cause: OwnAppCause;
	/** What Composio said, for the card and the log. */
	readonly detail: string;
}

/** A toolkit a connection check could not connect, with Composio's words; `cause` when the words say the managed app is why. */
export interface FailedConnection {
	readonly toolkit: string;
	readonly cause?: OwnAppCause;
	readonly detail: string;
}

const GONE = /missing required field\W+client[ _-]?id|AuthConfig_MissingRequiredField|client[ _-]?id (is )?(missing|required)/i;
const NONE = /no (composio[ -])?managed (auth|app|oauth)|NoManagedAuth|managed auth (is )?not (available|supported)|does not (have|support) (composio[ -])?managed|without (composio[ -])?managed auth|requires? (your own|custom) (credentials|auth|app)/i;
const NO_SIGN_IN = /Auth_Config_NoAuthApp|does not require authentication|needs no (connection|sign-in|authentication)|\bno_auth\b/i;

/** Why Composio's words say the managed app cannot connect, if they do. */
export function ownAppCause(text: string): OwnAppCause | undefined {
	if (GONE.test(text)) {
		return 'managedAppGone';
	}
	return NONE.test(text) ? 'noManagedApp' : undefined;
}

/** True when Composio's words say the toolkit needs no sign-in at all. */
export function needsNoSignIn(text: string): boolean {
	return NO_SIGN_IN.test(text);
}

function textOf(entry: Record<string, unknown>): string {
	return ['error', 'message', 'status_message', 'reason', 'detail']
		.map((k) => entry[k])
		.filter((v): v is string => typeof v === 'string')
		.join(' ');
}

/**
 * The toolkits a connection check (`COMPOSIO_MANAGE_CONNECTIONS`) could not connect because the
 * managed app cannot: each entry of its `results` whose status is `failed` (or which carries only
 * an error) with words that say so; else, when the whole call failed that way, the one toolkit it
 * asked for. Empty for any other tool, or a result that says nothing of the kind.
 */
export function ownAppNeedsOf(tool: string, args: unknown, value: unknown): OwnAppNeed[] {
	return failedConnectionsOf(tool, args, value).flatMap((f) => (f.cause ? [{ toolkit: f.toolkit, cause: f.cause, detail: f.detail }] : []));
}

/**
 * Every toolkit a connection check could not connect, whatever the words: each failed entry of
 * its `results`, else the one toolkit a wholly failed call asked for. `cause` is set where the
 * words say the managed app is why; where they do not, the toolkit's own details can still tell
 * (no managed scheme at all), which the caller asks Composio for.
 */
export function failedConnectionsOf(tool: string, args: unknown, value: unknown): FailedConnection[] {
	if (tool !== MetaTools.manageConnections || !isRecord(value)) {
		return [];
	}
	const needs: FailedConnection[] = [];
	const data = value['data'];
	const results = isRecord(data) ? data['results'] : undefined;
	const entries: Array<[string | undefined, unknown]> = Array.isArray(results) ? results.map((r) => [undefined, r]) : isRecord(results) ? Object.entries(results) : [];
	for (const [key, raw] of entries) {
		if (!isRecord(raw)) {
			continue;
		}
		const status = typeof raw['status'] === 'string' ? raw['status'].toLowerCase() : '';
		const named = typeof raw['toolkit'] === 'string' ? raw['toolkit'] : key;
		const text = textOf(raw);
		const failed = status === 'failed' || status === 'error' || (status === '' && typeof raw['error'] === 'string');
		if (named && failed) {
			const cause = ownAppCause(text);
			needs.push({ toolkit: named.trim().toLowerCase(), ...(cause ? { cause } : {}), detail: text.trim() });
		}
	}
	const error = value['error'];
	const toolkit = manageConnectionsToolkit(args);
	if (needs.length === 0 && typeof error === 'string' && error.trim() !== '' && toolkit && !needsNoSignIn(error)) {
		const cause = ownAppCause(error);
		needs.push({ toolkit, ...(cause ? { cause } : {}), detail: error.trim() });
	}
	return needs;
}
