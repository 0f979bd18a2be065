/**
 * "Connect my Gmail", "Add another GitHub account": a Connect Link and nothing else. "Remove my
 * old Gmail account": the connection tool lists the accounts, then removes the one named.
 */
import { isRecord } from '../../../common/isRecord';
import { inline } from '../payloads';
import type { Script, Step, Toolkit } from '../script';
import { toolkitDisplayName } from '../../../common/toolkitNames';

const CONNECT = /^(?:please\s+)?(?:connect|link|add)\s+(?:my\s+|a\s+|another\s+|a\s+second\s+|one\s+more\s+)?(?:[\w-]+\s+)?(gmail|github|slack|linear)\b(?:\s+account)?/;
const TOOLKITS: readonly Toolkit[] = ['gmail', 'github', 'slack', 'linear'];

export const connectAccount: Script = {
	name: 'connect-account',
	when: { all: [CONNECT] },
	start: (r) => {
		const named = CONNECT.exec(r.lower)?.[1];
		return { connect: TOOLKITS.find((t) => t === named) ?? 'gmail', another: /\b(?:another|second|one more|other|new)\b/.test(r.lower) };
	},
};

const MANAGE = 'COMPOSIO_MANAGE_CONNECTIONS';
const REMOVE = /^(?:please\s+)?(?:remove|disconnect|delete)\s+(?:my\s+|the\s+)?(?:([\w-]+)\s+)?(gmail|github|slack|linear)\s+account\b/;

/** The accounts a connection tool's `list` gave for `toolkit`. */
function listedAccounts(payload: unknown, toolkit: string): { id: string; alias?: string }[] {
	const results = isRecord(payload) && isRecord(payload['results']) ? payload['results'] : {};
	const entry = results[toolkit];
	const accounts = isRecord(entry) && Array.isArray(entry['accounts']) ? entry['accounts'] : [];
	return accounts.flatMap((a: unknown) =>
		isRecord(a) && typeof a['id'] === 'string' ? [{ id: a['id'], ...(typeof a['alias'] === 'string' ? { alias: a['alias'] } : {}) }] : [],
	);
}

export const removeAccount: Script = {
	name: 'remove-account',
	when: { all: [REMOVE], tools: [MANAGE] },
	start: (r) => {
		const [, named, app] = REMOVE.exec(r.lower) ?? [];
		const toolkit = TOOLKITS.find((t) => t === app) ?? 'gmail';
		const name = toolkitDisplayName(toolkit);
		const alias = named && named !== 'my' && named !== 'the' ? named : undefined;
		return {
			call: MANAGE,
			args: { toolkits: [{ name: toolkit, action: 'list' }] },
			failed: `list your ${name} accounts`,
			then: (listed): Step => {
				const accounts = listedAccounts(listed.payload, toolkit);
				const chosen = alias ? accounts.find((a) => a.alias?.toLowerCase() === alias) : accounts.length === 1 ? accounts[0] : undefined;
				if (!chosen) {
					return {
						say:
							accounts.length === 0
								? `No ${name} account is connected.`
								: `Which ${name} account should I remove? ${accounts.map((a) => (a.alias ? `"${a.alias}" (${a.id})` : a.id)).join(', ')}.`,
					};
				}
				const shown = chosen.alias ? `"${chosen.alias}"` : chosen.id;
				return {
					call: MANAGE,
					args: { toolkits: [{ name: toolkit, action: 'remove', account_id: chosen.id }] },
					then: (removed) => ({ say: removed.ok ? `Removed the ${name} account ${shown}.` : `I couldn't remove the ${name} account ${shown}: ${inline(removed.error ?? 'it reported an error')}` }),
				};
			},
		};
	},
};
