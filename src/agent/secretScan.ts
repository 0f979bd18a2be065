/**
 * Finds secrets in the arguments of a tool call that sends data out (an email, an issue, a
 * message, a post), so the approval card can warn before a key leaves with it. A small rule set,
 * each rule a shape that real secrets have and ordinary prose does not: provider key prefixes
 * with enough random characters after them, private key blocks, JSON Web Tokens, and `.env`-style
 * `NAME=value` lines whose name says secret. Precision matters more than recall: a warning on
 * every email would be read as noise. No `vscode`.
 */
import * as l10n from '@vscode/l10n';
import { isRecord } from '../common/isRecord';

/** One secret found: what kind it looks like, and where (an argument path such as `body` or `tools[0].arguments.text`). */
export interface SecretFinding {
	readonly kind: SecretKind;
	readonly path: string;
}

/** The kinds of secret the rules know. */
export type SecretKind =
	| 'openAiKey'
	| 'anthropicKey'
	| 'awsAccessKey'
	| 'githubToken'
	| 'slackToken'
	| 'stripeKey'
	| 'googleApiKey'
	| 'composioKey'
	| 'privateKey'
	| 'jwt'
	| 'envSecret';

interface Rule {
	readonly kind: SecretKind;
	readonly pattern: RegExp;
}

/**
 * The rules. Each needs a run of key characters long enough that a word or an id in prose does
 * not match; the boundaries keep a match from starting or ending inside a longer word.
 */
const RULES: readonly Rule[] = [
	{ kind: 'privateKey', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
	{ kind: 'anthropicKey', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/ },
	{ kind: 'openAiKey', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/ },
	{ kind: 'awsAccessKey', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ },
	{ kind: 'githubToken', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})/ },
	{ kind: 'slackToken', pattern: /(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{10,}/ },
	{ kind: 'stripeKey', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/ },
	{ kind: 'googleApiKey', pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/ },
	{ kind: 'composioKey', pattern: /(?<![A-Za-z0-9_])ak_[A-Za-z0-9]{20,}(?![A-Za-z0-9])/ },
	{ kind: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}/ },
];

/** `NAME=value` (or `NAME: value`) at the start of a line, the name saying secret and the value long enough to be one. */
const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*["']?([^\s"'#]{8,})/gm;
const SECRET_NAME = /(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(?:_|$)/i;
/** Values that are clearly placeholders, not secrets. */
const PLACEHOLDER = /^(?:x+|\*+|\.+|<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|changeme|your[_-]?\w*|example\w*|placeholder|redacted|null|none|true|false)$/i;

/** The kinds of secret in one string, each once, in rule order. */
export function secretKindsIn(text: string): SecretKind[] {
	const kinds: SecretKind[] = [];
	for (const rule of RULES) {
		if (rule.pattern.test(text) && !(rule.kind === 'openAiKey' && kinds.includes('anthropicKey'))) {
			kinds.push(rule.kind);
		}
	}
	for (const m of text.matchAll(ENV_LINE)) {
		const [, name = '', value = ''] = m;
		if (SECRET_NAME.test(name) && !PLACEHOLDER.test(value)) {
			kinds.push('envSecret');
			break;
		}
	}
	return kinds;
}

/** Every secret in `args`, walking objects and arrays (at most `maxDepth` deep), with the path of each. */
export function findSecrets(args: unknown, maxDepth = 12): SecretFinding[] {
	const found: SecretFinding[] = [];
	const walk = (value: unknown, path: string, depth: number): void => {
		if (typeof value === 'string') {
			for (const kind of secretKindsIn(value)) {
				found.push({ kind, path: path || '(arguments)' });
			}
		} else if (depth < maxDepth && Array.isArray(value)) {
			value.forEach((v, i) => walk(v, `${path}[${i}]`, depth + 1));
		} else if (depth < maxDepth && isRecord(value)) {
			for (const [key, v] of Object.entries(value)) {
				walk(v, path ? `${path}.${key}` : key, depth + 1);
			}
		}
	};
	walk(args, '', 0);
	return found;
}

/** What a kind of secret is called on the card ("an OpenAI API key"). */
export function secretKindLabel(kind: SecretKind): string {
	switch (kind) {
		case 'openAiKey':
			return l10n.t('an OpenAI API key');
		case 'anthropicKey':
			return l10n.t('an Anthropic API key');
		case 'awsAccessKey':
			return l10n.t('an AWS access key');
		case 'githubToken':
			return l10n.t('a GitHub token');
		case 'slackToken':
			return l10n.t('a Slack token');
		case 'stripeKey':
			return l10n.t('a Stripe key');
		case 'googleApiKey':
			return l10n.t('a Google API key');
		case 'composioKey':
			return l10n.t('a Composio API key');
		case 'privateKey':
			return l10n.t('a private key');
		case 'jwt':
			return l10n.t('a JSON Web Token');
		case 'envSecret':
			return l10n.t('a secret in a NAME=value line');
	}
}

/** The warning for one finding, as the card shows it: "Looks like an OpenAI API key in body." */
export function secretWarning(finding: SecretFinding): string {
	return l10n.t('Looks like {0} in {1}.', secretKindLabel(finding.kind), finding.path);
}
