/**
 * Translations ready: the manifest words everything a user sees through `%key%`s in
 * package.nls.json, and l10n/bundle.l10n.json is exactly what `@vscode/l10n-dev` extracts from
 * the sources now (a stale bundle fails, naming the strings that differ).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatHtml } from '../../src/common/chatHtml';
import { ENGLISH_CHAT_STRINGS, formatString, parseChatInitialState, placeholders } from '../../src/protocol/chatStrings';

const root = join(__dirname, '..', '..', '..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** Where a manifest value sits, for messages ("contributes.commands[3].title"). */
type Found = { readonly path: string; readonly value: unknown };

/** The values at `pattern` ('*' is every element of an array or every property of an object). */
function at(value: unknown, pattern: string, path = ''): Found[] {
	const [head, ...rest] = pattern.split('.');
	if (head === undefined || head === '') {
		return [{ path, value }];
	}
	const tail = rest.join('.');
	if (head === '*') {
		if (Array.isArray(value)) {
			return value.flatMap((v: unknown, i) => at(v, tail, `${path}[${i}]`));
		}
		return typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => at(v, tail, `${path}.${k}`)) : [];
	}
	const next = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[head] : undefined;
	return next === undefined ? [] : at(next, tail, path ? `${path}.${head}` : head);
}

/** Every field of package.json a user reads, by where it is. */
const USER_VISIBLE = [
	'displayName',
	'description',
	'contributes.viewsContainers.activitybar.*.title',
	'contributes.views.*.*.name',
	'contributes.views.*.*.contextualTitle',
	'contributes.commands.*.title',
	'contributes.commands.*.category',
	'contributes.configuration.title',
	'contributes.configuration.properties.*.description',
	'contributes.configuration.properties.*.markdownDescription',
	'contributes.configuration.properties.*.enumDescriptions.*',
	'contributes.configuration.properties.*.items.anyOf.*.properties.*.description',
	'contributes.submenus.*.label',
	'contributes.viewsWelcome.*.contents',
	'contributes.walkthroughs.*.title',
	'contributes.walkthroughs.*.description',
	'contributes.walkthroughs.*.steps.*.title',
	'contributes.walkthroughs.*.steps.*.description',
	'contributes.mcpServerDefinitionProviders.*.label',
	'contributes.chatParticipants.*.fullName',
	'contributes.chatParticipants.*.description',
	'contributes.languageModelTools.*.displayName',
	'contributes.languageModelTools.*.userDescription',
];

/** Every `%key%` string anywhere in a JSON value. */
function nlsKeys(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') {
		const key = /^%([\w.]+)%$/.exec(value)?.[1];
		if (key) {
			out.push(key);
		}
	} else if (Array.isArray(value)) {
		value.forEach((v: unknown) => nlsKeys(v, out));
	} else if (typeof value === 'object' && value !== null) {
		Object.values(value).forEach((v: unknown) => nlsKeys(v, out));
	}
	return out;
}

describe('Translations ready (package.nls.json, l10n/bundle.l10n.json)', function () {
	this.timeout(120_000);
	const manifest = readJson('package.json') as Record<string, unknown>;
	const nls = readJson('package.nls.json') as Record<string, unknown>;

	it('every user-visible string of package.json is a %key% of package.nls.json', () => {
		const english: string[] = [];
		for (const pattern of USER_VISIBLE) {
			for (const { path, value } of at(manifest, pattern)) {
				if (typeof value === 'string' && !/^%[\w.]+%$/.test(value)) {
					english.push(`${path}: "${value}"`);
				}
			}
		}
		assert.deepEqual(english, [], 'hard-coded English in package.json (move it to package.nls.json)');
		assert.ok(at(manifest, 'contributes.commands.*.title').length > 20, 'the patterns find the commands');
	});

	it('package.nls.json has a plain string for every key package.json uses, and no key it does not', () => {
		const used = new Set(nlsKeys(manifest));
		const missing = [...used].filter((k) => typeof nls[k] !== 'string' || nls[k] === '');
		assert.deepEqual(missing, [], 'keys without an English string');
		const unused = Object.keys(nls).filter((k) => !used.has(k));
		assert.deepEqual(unused, [], 'keys nothing uses');
		assert.equal(manifest['l10n'], './l10n', 'package.json points VS Code at the bundles');
	});

	it('l10n/bundle.l10n.json is what `npm run l10n` extracts from the sources now', () => {
		const dir = mkdtempSync(join(tmpdir(), 'composio-l10n-'));
		try {
			execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js'), 'export', '--outDir', dir, './src'], { cwd: root, stdio: 'pipe' });
			const fresh = readFileSync(join(dir, 'bundle.l10n.json'), 'utf8');
			const committed = readFileSync(join(root, 'l10n', 'bundle.l10n.json'), 'utf8');
			if (fresh !== committed) {
				const a = JSON.parse(fresh) as Record<string, unknown>;
				const b = JSON.parse(committed) as Record<string, unknown>;
				const added = Object.keys(a).filter((k) => !(k in b));
				const gone = Object.keys(b).filter((k) => !(k in a));
				assert.fail(`l10n/bundle.l10n.json is stale: run \`npm run l10n\`. Not in it yet: ${JSON.stringify(added)}; no longer in the sources: ${JSON.stringify(gone)}`);
			}
			assert.ok(Object.keys(JSON.parse(committed) as object).length > 300, 'the bundle holds the extension\'s strings');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("the chat view's English fallback is English the host translates: every string of it is in the bundle", () => {
		const bundle = readJson('l10n/bundle.l10n.json') as Record<string, unknown>;
		const missing = Object.entries(ENGLISH_CHAT_STRINGS).filter(([, english]) => !(english in bundle));
		assert.deepEqual(missing, [], 'chat view strings the host does not word through vscode.l10n.t');
	});
});

describe("The chat view's initial state (protocol/chatStrings.ts)", () => {
	it('takes the strings the host gives and falls back on English, string by string', () => {
		const state = parseChatInitialState({ strings: { newChat: '⟦New chat⟧', send: 42, stop: '', connectApp: '⟦Connect⟧', attachedContext: '⟦Attached {0}⟧' }, language: 'qps-ploc' });
		assert.equal(state.strings.newChat, '⟦New chat⟧');
		assert.equal(state.strings.send, 'Send', 'not a string: English');
		assert.equal(state.strings.stop, 'Stop', 'empty: English');
		assert.equal(state.strings.connectApp, 'Connect {0}', 'a translation that lost its placeholder: English');
		assert.equal(state.strings.attachedContext, '⟦Attached {0}⟧');
		assert.equal(state.language, 'qps-ploc');
		assert.deepEqual(parseChatInitialState(undefined).strings, ENGLISH_CHAT_STRINGS);
		assert.equal(parseChatInitialState({ language: 'en"><script>' }).language, 'en', 'a language that is no language tag');
	});

	it('fills placeholders, and leaves one without an argument as it is', () => {
		assert.equal(formatString('Allow these {0} actions?', 3), 'Allow these 3 actions?');
		assert.equal(formatString('{1} before {0}', 'a', 'b'), 'b before a');
		assert.equal(formatString('{0} and {1}', 'a'), 'a and {1}');
		assert.deepEqual(placeholders('Model: {0} · {1}. {0}'), ['{0}', '{1}']);
	});

	it('travels in the document as an attribute, never as markup', () => {
		const html = chatHtml({ cspSource: 'https://x', nonce: 'n', scriptUri: 'https://x/a.js', styleUris: [], language: 'qps-ploc', initialState: { strings: { newChat: '"><script>alert(1)</script>' } } });
		assert.ok(html.includes('<html lang="qps-ploc">'));
		assert.ok(!html.includes('<script>alert(1)'), 'the state is escaped');
		const attr = /data-initial-state="([^"]*)"/.exec(html)?.[1] ?? '';
		const decoded = attr.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
		assert.deepEqual(JSON.parse(decoded), { strings: { newChat: '"><script>alert(1)</script>' } });
	});
});
