/** "Connect my Gmail", "Add another GitHub account": a Connect Link and nothing else. */
import type { Script, Toolkit } from '../script';

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
