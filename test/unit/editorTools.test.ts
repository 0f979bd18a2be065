/**
 * The editor tools' bounds and refusals, over an editor in memory: paths outside the workspace,
 * files.exclude, secret-like files, binary and large files, "… N more" on every list, the
 * approval each call needs, switching tools off, and edits that only happen when applied.
 */
import assert from 'node:assert/strict';
import { EDITOR_TOOL_NAMES, EditorTools, READ_SECRET_ACTION, type EditorToolSwitches } from '../../src/agent/editor/editorTools';
import { applyReplacements } from '../../src/agent/editor/editTool';
import {
	MAX_DIFF_FILES,
	MAX_FOUND_FILES,
	MAX_FOUND_MATCHES,
	MAX_PATCH_LINES,
	MAX_PROBLEMS,
	MAX_READ_CHARS,
	MAX_READ_LINES,
	looksBinary,
	MAX_DIRECTORY_ENTRIES,
} from '../../src/agent/editor/limits';
import { isExcluded, isSecretPath, resolveWorkspacePath } from '../../src/agent/editor/workspacePaths';
import type { LocalToolResult } from '../../src/agent/localTools';
import { actionsNeedingApproval } from '../../src/agent/toolApproval';
import { DEFAULT_TOOL_OUTPUT_BUDGET, prepareToolOutput } from '../../src/agent/toolOutput';
import { FakeEditorHost } from './fakes/fakeEditorHost';

const ALL_ON: EditorToolSwitches = { problems: true, diff: true, read: true, find: true, open: true, edit: true };

function tools(host: FakeEditorHost, switches: Partial<EditorToolSwitches> = {}): EditorTools {
	return new EditorTools({ host, switches: () => ({ ...ALL_ON, ...switches }) });
}

async function call(toolbox: EditorTools, name: string, args: Record<string, unknown>, gated = true): Promise<LocalToolResult> {
	return toolbox.run(name, args, { signal: new AbortController().signal, gated });
}

/** The result's data as a record (tests only look at known shapes). */
function data(result: LocalToolResult): Record<string, unknown> {
	assert.equal(result.error, null, `expected success, got: ${result.error ?? ''}`);
	return result.data as Record<string, unknown>;
}

function lines(n: number, make: (i: number) => string = (i) => `line ${i}`): string {
	return Array.from({ length: n }, (_, i) => make(i + 1)).join('\n') + '\n';
}

describe('editor tools: paths', () => {
	const folders = [{ name: 'webapp', fsPath: '/home/dev/webapp' }];

	it('accepts relative paths, ./ and absolute paths inside the folder', () => {
		assert.deepEqual(resolveWorkspacePath('src/app.ts', folders), { ok: true, file: { folder: 0, path: 'src/app.ts' } });
		assert.deepEqual(resolveWorkspacePath('./src//app.ts', folders), { ok: true, file: { folder: 0, path: 'src/app.ts' } });
		assert.deepEqual(resolveWorkspacePath('src/../README.md', folders), { ok: true, file: { folder: 0, path: 'README.md' } });
		assert.deepEqual(resolveWorkspacePath('/home/dev/webapp/src/app.ts', folders), { ok: true, file: { folder: 0, path: 'src/app.ts' } });
		assert.deepEqual(resolveWorkspacePath('file:///home/dev/webapp/a%20b.ts', folders), { ok: true, file: { folder: 0, path: 'a b.ts' } });
	});

	it('refuses paths that leave the workspace, however written', () => {
		for (const bad of ['../secrets.txt', 'src/../../x', '/etc/passwd', '/home/dev/webapp-other/x.ts', '/home/dev/webapp/../x', 'file:///etc/hosts', 'C:\\Windows\\win.ini', '..\\..\\x']) {
			const r = resolveWorkspacePath(bad, folders);
			assert.equal(r.ok, false, bad);
			assert.match(r.ok ? '' : r.error, /outside|climbs out/, bad);
		}
		assert.equal(resolveWorkspacePath('a\u0000b', folders).ok, false);
		assert.equal(resolveWorkspacePath('', folders).ok, false);
		assert.equal(resolveWorkspacePath(42, folders).ok, false);
		assert.match((resolveWorkspacePath('x', []) as { error: string }).error, /No folder is open/);
	});

	it('picks the folder by name in a multi-root window', () => {
		const two = [...folders, { name: 'api', fsPath: '/srv/api' }];
		assert.deepEqual(resolveWorkspacePath('api/src/server.ts', two), { ok: true, file: { folder: 1, path: 'src/server.ts' } });
		assert.deepEqual(resolveWorkspacePath('/srv/api/x.ts', two), { ok: true, file: { folder: 1, path: 'x.ts' } });
		assert.deepEqual(resolveWorkspacePath('src/app.ts', two), { ok: true, file: { folder: 0, path: 'src/app.ts' } });
	});

	it('knows secret-like files, and templates of them that are not', () => {
		for (const p of ['.env', 'config/.env.local', '.env.production', 'prod.env', 'certs/server.pem', 'keys/deploy.key', 'id_rsa', 'home/.ssh/config', '.aws/credentials', '.npmrc', 'secrets.json', 'a/.netrc', 'store.p12']) {
			assert.equal(isSecretPath(p), true, p);
		}
		for (const p of ['.env.example', '.env.sample', 'src/env.ts', 'environment.md', 'id_rsa.pub', 'README.md', 'src/keyboard.ts', 'src/secrets.ts']) {
			assert.equal(isSecretPath(p), false, p);
		}
	});

	it('applies files.exclude to the path and the folders above it, and honours "when" clauses', async () => {
		const exists = (present: string[]) => (p: string) => Promise.resolve(present.includes(p));
		const excludes = { '**/node_modules': true, 'build': true, '**/*.js': { when: '$(basename).ts' }, 'docs': false };
		assert.equal(await isExcluded('node_modules/x/index.js', excludes, exists([])), true);
		assert.equal(await isExcluded('packages/a/node_modules/y.ts', excludes, exists([])), true);
		assert.equal(await isExcluded('build/out.txt', excludes, exists([])), true);
		assert.equal(await isExcluded('src/build/out.txt', excludes, exists([])), false, 'a glob without **/ only matches at the root');
		assert.equal(await isExcluded('src/app.js', excludes, exists(['src/app.ts'])), true, 'app.js next to app.ts is hidden');
		assert.equal(await isExcluded('src/tool.js', excludes, exists(['src/app.ts'])), false, 'tool.js without tool.ts is not');
		assert.equal(await isExcluded('docs/a.md', excludes, exists([])), false);
	});
});

describe('editor tools: the toolbox', () => {
	it('offers the switched-on tools, refuses switched-off ones, and knows its own names', async () => {
		const host = new FakeEditorHost().file('a.ts', 'x\n');
		const all = tools(host);
		assert.deepEqual(
			all.definitions().map((t) => (t.type === 'function' ? t.function.name : '')),
			Object.values(EDITOR_TOOL_NAMES),
		);
		const some = tools(host, { edit: false, read: false });
		const names = some.definitions().map((t) => (t.type === 'function' ? t.function.name : ''));
		assert.ok(!names.includes('VSCODE_EDIT_FILE') && !names.includes('VSCODE_READ_FILE'));
		assert.equal(some.owns('VSCODE_READ_FILE'), true, 'a switched-off tool is still known (its calls are refused, not sent to Composio)');
		assert.equal(some.owns('GMAIL_SEND_EMAIL'), false);
		const refused = await call(some, 'VSCODE_READ_FILE', { path: 'a.ts' });
		assert.match(refused.error ?? '', /switched off .*composio\.editorTools\.read/);
		assert.doesNotMatch(some.promptSection() ?? '', /VSCODE_EDIT_FILE/);
		assert.equal(tools(host, { problems: false, diff: false, read: false, find: false, open: false, edit: false }).promptSection(), undefined);
	});

	it('reading tools run freely, a secret file asks in every mode, an edit asks through its diff', () => {
		const host = new FakeEditorHost();
		const t = tools(host);
		for (const name of ['VSCODE_GET_PROBLEMS', 'VSCODE_GET_DIFF', 'VSCODE_READ_FILE', 'VSCODE_FIND', 'VSCODE_OPEN_FILE']) {
			const actions = t.actionsOf(name, { path: 'src/app.ts', query: 'x' });
			assert.equal(actionsNeedingApproval(actions, { mode: 'writes' }, () => false).length, 0, `${name} runs unasked`);
			assert.equal(actionsNeedingApproval(actions, { mode: 'all' }, () => false).length, 1, `${name} asks under "all"`);
		}
		const secret = t.actionsOf('VSCODE_READ_FILE', { path: '.env' });
		assert.deepEqual(secret.map((a) => [a.tool, a.toolkit, a.args['path']]), [[READ_SECRET_ACTION, 'vscode', '.env']]);
		for (const mode of ['writes', 'all', 'never'] as const) {
			assert.equal(actionsNeedingApproval(secret, { mode }, () => false).length, 1, `a secret read asks under "${mode}"`);
		}
		assert.equal(actionsNeedingApproval(secret, { mode: 'never' }, (tool) => tool === READ_SECRET_ACTION).length, 0, 'unless the user allowed it');
		assert.deepEqual(t.actionsOf('VSCODE_EDIT_FILE', { path: 'a.ts', edits: [] }), [], 'the diff is the question');
		assert.match(t.noteFor('VSCODE_EDIT_FILE', { path: 'src/app.ts' }) ?? '', /Review the proposed change to src\/app\.ts .*Apply or Discard/);
		assert.equal(t.noteFor('VSCODE_READ_FILE', { path: 'a' }), undefined);
	});

	it('describes the editor for the prompt: folders, the active file ("this file") and other open files', () => {
		const host = new FakeEditorHost().file('src/broken.ts', 'x');
		host.active = { file: { folder: 0, path: 'src/broken.ts' }, languageId: 'typescript', selection: { startLine: 3, endLine: 5 } };
		host.openDocs.set('0:README.md', '# hi');
		const section = tools(host).promptSection() ?? '';
		assert.match(section, /Workspace folder: `webapp`/);
		assert.match(section, /active editor shows `src\/broken\.ts` \(typescript, lines 3-5 selected\); "this file" means it/);
		assert.match(section, /Also open: `README\.md`/);
		assert.match(section, /never through COMPOSIO_MULTI_EXECUTE_TOOL/);
		host.active = undefined;
		assert.match(tools(host).promptSection() ?? '', /No file is open in the active editor/);
	});
});

describe('editor tools: VSCODE_GET_PROBLEMS', () => {
	function problem(path: string, severity: 'error' | 'warning' | 'information' | 'hint', line: number, message = `m${line}`) {
		return { file: { folder: 0, path }, severity, line, column: 1, endLine: line, endColumn: 5, message, source: 'ts', code: '2322' };
	}

	it('lists errors first with path, position, severity, message, source and code', async () => {
		const host = new FakeEditorHost().file('src/a.ts', 'x').file('src/b.ts', 'y');
		host.problemList.push(problem('src/b.ts', 'warning', 2), problem('src/a.ts', 'error', 9, "Type 'string' is not assignable to type 'number'."), problem('src/a.ts', 'hint', 1));
		const d = data(await call(tools(host), 'VSCODE_GET_PROBLEMS', {}));
		assert.equal(d['scope'], 'workspace');
		assert.deepEqual(d['counts'], { error: 1, warning: 1 });
		assert.deepEqual(d['problems'], [
			{ path: 'src/a.ts', line: 9, column: 1, endLine: 9, endColumn: 5, severity: 'error', message: "Type 'string' is not assignable to type 'number'.", source: 'ts', code: '2322' },
			{ path: 'src/b.ts', line: 2, column: 1, endLine: 2, endColumn: 5, severity: 'warning', message: 'm2', source: 'ts', code: '2322' },
		]);
		const errorsOnly = data(await call(tools(host), 'VSCODE_GET_PROBLEMS', { path: 'src/a.ts', severity: 'error' }));
		assert.equal(errorsOnly['scope'], 'src/a.ts');
		assert.equal((errorsOnly['problems'] as unknown[]).length, 1);
		assert.equal((data(await call(tools(host), 'VSCODE_GET_PROBLEMS', { severity: 'all' }))['problems'] as unknown[]).length, 3, 'hints only when asked');
	});

	it(`stops at ${MAX_PROBLEMS} and says how many more; leaves out excluded files; cuts long messages`, async () => {
		const host = new FakeEditorHost().file('src/a.ts', 'x').file('dist/a.js', 'y');
		host.excludeSettings[0] = { dist: true };
		for (let i = 1; i <= MAX_PROBLEMS + 7; i++) {
			host.problemList.push(problem('src/a.ts', 'error', i, i === 1 ? 'x'.repeat(5000) : `m${i}`));
		}
		host.problemList.push(problem('dist/a.js', 'error', 1));
		const d = data(await call(tools(host), 'VSCODE_GET_PROBLEMS', {}));
		assert.equal((d['problems'] as unknown[]).length, MAX_PROBLEMS);
		assert.equal(d['more'], '… 7 more problems');
		assert.ok(!JSON.stringify(d).includes('dist/a.js'), 'problems in excluded files are left out');
		assert.match(JSON.stringify(d), /more characters/);
	});

	it('refuses paths outside the workspace and files that do not exist; says when a file is not open', async () => {
		const host = new FakeEditorHost().file('src/a.ts', 'x');
		assert.match((await call(tools(host), 'VSCODE_GET_PROBLEMS', { path: '../x.ts' })).error ?? '', /climbs out/);
		assert.match((await call(tools(host), 'VSCODE_GET_PROBLEMS', { path: 'nope.ts' })).error ?? '', /does not exist/);
		assert.match((await call(tools(host), 'VSCODE_GET_PROBLEMS', { severity: 'loud' })).error ?? '', /"severity" must be/);
		assert.match(String(data(await call(tools(host), 'VSCODE_GET_PROBLEMS', { path: 'src/a.ts' }))['note']), /not open/);
	});
});

describe('editor tools: VSCODE_GET_DIFF', () => {
	const modified = (path: string, staged = false) => ({ file: { folder: 0, path }, status: 'modified', staged });

	it('says clearly when git is not there', async () => {
		const host = new FakeEditorHost();
		host.git = { kind: 'unavailable', reason: "VS Code's Git extension is not available (disabled, or git is not installed), so the uncommitted changes cannot be read." };
		const r = await call(tools(host), 'VSCODE_GET_DIFF', {});
		assert.match(r.error ?? '', /Git extension is not available/);
	});

	it('lists each changed file with its patch and line counts, new files as added lines, one file on request', async () => {
		const host = new FakeEditorHost().file('README.md', '# a\nnew line\n').file('src/new.ts', 'export const x = 1;\n');
		host.git = { kind: 'ok', repositories: [{ root: { folder: 0, path: '' }, branch: 'main', changes: [modified('README.md'), { file: { folder: 0, path: 'src/new.ts' }, status: 'untracked', staged: false }] }] };
		host.patches.set('0:README.md', 'diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n # a\n+new line\n');
		const d = data(await call(tools(host), 'VSCODE_GET_DIFF', {}));
		assert.equal(d['branch'], 'main');
		assert.match(String(d['summary']), /^2 changed files \(\+2 −0/);
		const files = d['files'] as Record<string, unknown>[];
		assert.deepEqual(files.map((f) => [f['path'], f['status'], f['additions'], f['deletions']]), [
			['README.md', 'modified', 1, 0],
			['src/new.ts', 'untracked', 1, 0],
		]);
		assert.match(String(files[0]?.['patch']), /\+new line/);
		assert.match(String(files[1]?.['patch']), /\+export const x = 1;/);
		const one = data(await call(tools(host), 'VSCODE_GET_DIFF', { path: 'README.md' }));
		assert.equal((one['files'] as unknown[]).length, 1);
		const none = data(await call(tools(host), 'VSCODE_GET_DIFF', { path: 'src/other.ts' }));
		assert.equal(none['summary'], 'No uncommitted changes in src/other.ts.');
	});

	it('never shows the changes of secret-like or excluded files', async () => {
		const host = new FakeEditorHost().file('.env', 'TOKEN=abc\n').file('out/x.js', 'y');
		host.excludeSettings[0] = { out: true };
		host.git = { kind: 'ok', repositories: [{ changes: [modified('.env'), modified('out/x.js')] }] };
		host.patches.set('0:.env', '+TOKEN=abc\n');
		host.patches.set('0:out/x.js', '+y\n');
		const text = JSON.stringify(data(await call(tools(host), 'VSCODE_GET_DIFF', {})));
		assert.ok(!text.includes('TOKEN=abc'), 'no secret in the result');
		assert.match(text, /secret-like file: its changes are not shown/);
		assert.match(text, /excluded by files\.exclude/);
	});

	it(`bounds patches (${MAX_PATCH_LINES} lines each, a total budget) and files (${MAX_DIFF_FILES}), saying what is left out`, async () => {
		const host = new FakeEditorHost();
		const changes = [];
		for (let i = 0; i < MAX_DIFF_FILES + 3; i++) {
			const path = `f${String(i).padStart(2, '0')}.txt`;
			host.file(path, 'x');
			changes.push(modified(path));
			host.patches.set(`0:${path}`, `--- a/${path}\n+++ b/${path}\n${lines(i === 0 ? MAX_PATCH_LINES + 50 : 100, (n) => `+${'y'.repeat(30)} ${n}`)}`);
		}
		host.git = { kind: 'ok', repositories: [{ changes }] };
		const d = data(await call(tools(host), 'VSCODE_GET_DIFF', {}));
		const files = d['files'] as Record<string, unknown>[];
		assert.equal(files.length, MAX_DIFF_FILES);
		assert.match(String(files[0]?.['patch']), /… 52 more lines$/);
		assert.match(String(d['more']), /… 3 more changed files/);
		assert.match(String(d['more']), /the patches of \d+ more files are not shown/);
		assert.ok(JSON.stringify(d).length < 40_000, 'the whole result stays bounded');
	});
});

describe('editor tools: VSCODE_READ_FILE', () => {
	it('reads a range, and the open document (unsaved changes) rather than the disk', async () => {
		const host = new FakeEditorHost().file('src/a.ts', lines(10));
		const d = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'src/a.ts', start_line: 3, end_line: 4 }));
		assert.deepEqual(d, { path: 'src/a.ts', lines: '3-4 of 10', text: 'line 3\nline 4' });
		host.openDocs.set('0:src/a.ts', 'unsaved\n');
		const open = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'src/a.ts' }));
		assert.equal(open['text'], 'unsaved');
		assert.match(String(open['note']), /unsaved changes included/);
	});

	it(`stops at ${MAX_READ_LINES} lines or ${MAX_READ_CHARS} characters and says where to read on; cuts very long lines`, async () => {
		const host = new FakeEditorHost().file('big.txt', lines(1000)).file('wide.txt', lines(200, () => 'w'.repeat(300))).file('long.txt', `${'z'.repeat(10_000)}\n`);
		const big = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'big.txt' }));
		assert.equal(big['lines'], `1-${MAX_READ_LINES} of 1000`);
		assert.equal(big['more'], `… ${1000 - MAX_READ_LINES} more lines (read on with "start_line": ${MAX_READ_LINES + 1})`);
		const wide = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'wide.txt' }));
		assert.ok(String(wide['text']).length <= MAX_READ_CHARS);
		assert.match(String(wide['more']), /more lines/);
		const long = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'long.txt' }));
		assert.match(String(long['text']), /… \(8000 more characters\)$/);
		assert.match((await call(tools(host), 'VSCODE_READ_FILE', { path: 'big.txt', start_line: 2000 })).error ?? '', /past its end/);
		assert.match((await call(tools(host), 'VSCODE_READ_FILE', { path: 'big.txt', start_line: 5, end_line: 2 })).error ?? '', /end_line/);
		assert.match((await call(tools(host), 'VSCODE_READ_FILE', { path: 'big.txt', start_line: 'abc' })).error ?? '', /whole number/);
	});

	it('describes binary and very large files instead of reading them', async () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
		const host = new FakeEditorHost().file('logo.png', png).file('huge.log', 'a'.repeat(3 * 1024 * 1024));
		const bin = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'logo.png' }));
		assert.deepEqual(bin, { path: 'logo.png', binary: true, size: 12, description: 'PNG image, 12 bytes; not read.' });
		const huge = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'huge.log' }));
		assert.equal(huge['tooLarge'], true);
		assert.ok(!('text' in huge));
		assert.equal(looksBinary(new TextEncoder().encode('plain text\twith tabs\r\n')), false);
	});

	it('refuses paths outside the workspace, links out of it, excluded files, secret files nobody allowed and links to them', async () => {
		const host = new FakeEditorHost().file('node_modules/x/index.js', 'x').file('link.txt', 'x').file('.env', 'TOKEN=abc\n').file('.git/config', 'x');
		host.excludeSettings[0] = { '**/.git': true, '**/node_modules': true };
		host.linksOutside.add('0:link.txt');
		const t = tools(host);
		assert.match((await call(t, 'VSCODE_READ_FILE', { path: '/etc/passwd' })).error ?? '', /outside the workspace/);
		assert.match((await call(t, 'VSCODE_READ_FILE', { path: '../../etc/passwd' })).error ?? '', /climbs out/);
		assert.match((await call(t, 'VSCODE_READ_FILE', { path: 'link.txt' })).error ?? '', /links outside the workspace/);
		assert.match((await call(t, 'VSCODE_READ_FILE', { path: 'node_modules/x/index.js' })).error ?? '', /files\.exclude/);
		assert.match((await call(t, 'VSCODE_READ_FILE', { path: '.git/config' })).error ?? '', /files\.exclude/);
		assert.match((await call(t, 'VSCODE_READ_FILE', { path: 'missing.ts' })).error ?? '', /does not exist/);
		const ungated = await call(t, 'VSCODE_READ_FILE', { path: '.env' }, false);
		assert.match(ungated.error ?? '', /looks like a secret file/);
		assert.ok(!JSON.stringify(ungated).includes('TOKEN'));
		assert.equal(data(await call(t, 'VSCODE_READ_FILE', { path: '.env' }, true))['text'], 'TOKEN=abc', 'after the approval card allowed it');
		// A harmless name that links to the secret: the card judged the name, so the link is refused.
		host.file('notes.txt', 'TOKEN=abc\n');
		host.linkTargets.set('0:notes.txt', { folder: 0, path: '.env' });
		assert.deepEqual(t.actionsOf('VSCODE_READ_FILE', { path: 'notes.txt' }).map((a) => a.readOnly), [true]);
		const viaLink = await call(t, 'VSCODE_READ_FILE', { path: 'notes.txt' });
		assert.match(viaLink.error ?? '', /links to \.env, which looks like a secret file/);
		assert.ok(!JSON.stringify(viaLink).includes('TOKEN'));
		assert.ok(!JSON.stringify(data(await call(t, 'VSCODE_FIND', { query: 'TOKEN' }))).includes('TOKEN=abc'), 'nor found through the link');
	});

	it(`lists a folder, folders first, hidden entries left out, at most ${MAX_DIRECTORY_ENTRIES}`, async () => {
		const host = new FakeEditorHost().file('src/a.ts', 'x').file('src/lib/b.ts', 'y').file('src/.DS_Store', 'z');
		const d = data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'src' }));
		assert.deepEqual(d['entries'], ['lib/', 'a.ts']);
		for (let i = 0; i < MAX_DIRECTORY_ENTRIES + 4; i++) {
			host.file(`many/f${i}.txt`, 'x');
		}
		assert.equal(data(await call(tools(host), 'VSCODE_READ_FILE', { path: 'many' }))['more'], '… 4 more entries');
	});
});

describe('editor tools: VSCODE_FIND', () => {
	it(`finds text (at most ${MAX_FOUND_MATCHES} lines, "… N more"), skipping secret and binary files`, async () => {
		const host = new FakeEditorHost().file('src/a.ts', lines(150, (i) => `// TODO item ${i}`)).file('.env', 'TODO=secret\n').file('img.png', new Uint8Array([0, 1, 2, 84, 79, 68, 79]));
		const d = data(await call(tools(host), 'VSCODE_FIND', { query: 'todo' }));
		assert.equal((d['matches'] as unknown[]).length, MAX_FOUND_MATCHES);
		assert.equal(d['more'], '… 50 more matches');
		assert.deepEqual((d['matches'] as unknown[])[0], { path: 'src/a.ts', line: 1, text: '// TODO item 1' });
		assert.ok(!JSON.stringify(d).includes('TODO=secret'), 'the .env file is not searched');
		assert.match(String(d['note']), /2 secret-like, binary, large or unreadable files were skipped/);
		const exact = data(await call(tools(host), 'VSCODE_FIND', { query: 'todo', case_sensitive: true }));
		assert.equal((exact['matches'] as unknown[]).length, 0);
		const re = data(await call(tools(host), 'VSCODE_FIND', { query: 'item 1\\d\\d$', regex: true }));
		assert.equal((re['matches'] as unknown[]).length, 51);
		assert.match((await call(tools(host), 'VSCODE_FIND', { query: '(', regex: true })).error ?? '', /not a valid regular expression/);
		assert.match((await call(tools(host), 'VSCODE_FIND', {})).error ?? '', /"query" is required/);
	});

	it(`finds files by part of the name or a glob (at most ${MAX_FOUND_FILES}); excluded files are not found`, async () => {
		const host = new FakeEditorHost().file('src/checkout.ts', 'x').file('test/checkout.test.ts', 'y').file('node_modules/checkout/index.js', 'z');
		host.excludeSettings[0] = { '**/node_modules': true };
		assert.deepEqual(data(await call(tools(host), 'VSCODE_FIND', { query: 'Checkout', kind: 'files' }))['files'], ['src/checkout.ts', 'test/checkout.test.ts']);
		assert.deepEqual(data(await call(tools(host), 'VSCODE_FIND', { query: '*.test.ts', kind: 'files' }))['files'], ['test/checkout.test.ts']);
		for (let i = 0; i < MAX_FOUND_FILES + 9; i++) {
			host.file(`gen/file${i}.ts`, '');
		}
		assert.equal(data(await call(tools(host), 'VSCODE_FIND', { query: 'file', kind: 'files' }))['more'], '… 9 more files');
		assert.match((await call(tools(host), 'VSCODE_FIND', { query: 'x', kind: 'folders' })).error ?? '', /"kind" must be/);
	});
});

describe('editor tools: VSCODE_OPEN_FILE', () => {
	it('opens a workspace file at a line range, and refuses what is not one', async () => {
		const host = new FakeEditorHost().file('src/a.ts', lines(20));
		assert.deepEqual(data(await call(tools(host), 'VSCODE_OPEN_FILE', { path: 'src/a.ts', start_line: 4, end_line: 6 })), { opened: 'src/a.ts', lines: '4-6' });
		assert.deepEqual(host.opened, [{ path: 'src/a.ts', lines: { startLine: 4, endLine: 6 } }]);
		assert.match((await call(tools(host), 'VSCODE_OPEN_FILE', { path: '/etc/hosts' })).error ?? '', /outside/);
		assert.match((await call(tools(host), 'VSCODE_OPEN_FILE', { path: 'nope.ts' })).error ?? '', /does not exist/);
		assert.match((await call(tools(host), 'VSCODE_OPEN_FILE', { path: 'src' })).error ?? '', /not a file/);
		assert.equal(host.opened.length, 1);
	});
});

describe('editor tools: VSCODE_EDIT_FILE', () => {
	it('works out exact replacements and refuses missing or ambiguous old_text before showing anything', () => {
		assert.deepEqual(applyReplacements('a b a', [{ oldText: 'b', newText: 'c', replaceAll: false }], 'f'), { text: 'a c a', count: 1 });
		assert.deepEqual(applyReplacements('a b a', [{ oldText: 'a', newText: 'x', replaceAll: true }], 'f'), { text: 'x b x', count: 2 });
		assert.deepEqual(applyReplacements('l1\r\nl2\r\n', [{ oldText: 'l1\nl2', newText: 'L1\nL2', replaceAll: false }], 'f').text, 'L1\r\nL2\r\n', 'line ends follow the file');
		assert.deepEqual(applyReplacements('$1', [{ oldText: '$1', newText: '$&$$', replaceAll: false }], 'f').text, '$&$$', 'replacement text is taken literally');
		assert.throws(() => applyReplacements('a b a', [{ oldText: 'a', newText: 'x', replaceAll: false }], 'f'), /appears 2 times/);
		assert.throws(() => applyReplacements('a', [{ oldText: 'z', newText: 'x', replaceAll: false }], 'f'), /was not found/);
	});

	it('shows the change and writes nothing until it is applied; a discard is a decline', async () => {
		const host = new FakeEditorHost().file('src/a.ts', 'const count: number = "three";\n');
		host.proposalOutcome = undefined;
		const t = tools(host);
		const pending = call(t, 'VSCODE_EDIT_FILE', { path: 'src/a.ts', edits: [{ old_text: '"three"', new_text: '3' }] });
		await new Promise((r) => setImmediate(r));
		assert.equal(host.proposals.length, 1);
		assert.deepEqual(host.proposals[0], { file: { folder: 0, path: 'src/a.ts' }, displayPath: 'src/a.ts', original: 'const count: number = "three";\n', proposed: 'const count: number = 3;\n', create: false });
		assert.equal(host.files.get('0:src/a.ts'), 'const count: number = "three";\n', 'nothing is written while the diff is shown');
		host.answer('applied');
		assert.deepEqual(data(await pending), { applied: true, path: 'src/a.ts', replacements: 1, note: 'The user reviewed the change and applied it; it is in the editor (saved where the user saves it).' });

		const discarded = call(t, 'VSCODE_EDIT_FILE', { path: 'src/a.ts', edits: [{ old_text: '3', new_text: '4' }] });
		await new Promise((r) => setImmediate(r));
		host.answer('discarded');
		const r = await discarded;
		assert.equal(r.declined, true);
		assert.match(r.error ?? '', /discarded the proposed change; the file is unchanged/);
		assert.equal(host.files.get('0:src/a.ts'), 'const count: number = 3;\n');

		const raced = call(t, 'VSCODE_EDIT_FILE', { path: 'src/a.ts', edits: [{ old_text: '3', new_text: '5' }] });
		await new Promise((r2) => setImmediate(r2));
		host.answer('changedMeanwhile');
		assert.match((await raced).error ?? '', /changed while the proposal was shown, so nothing was applied/);
	});

	it('Stop withdraws a proposal still shown', async () => {
		const host = new FakeEditorHost().file('a.ts', 'x\n');
		host.proposalOutcome = undefined;
		const controller = new AbortController();
		const pending = tools(host).run('VSCODE_EDIT_FILE', { path: 'a.ts', edits: [{ old_text: 'x', new_text: 'y' }] }, { signal: controller.signal, gated: true });
		await new Promise((r) => setImmediate(r));
		controller.abort();
		await assert.rejects(pending, /Cancelled by the user/, 'a stop is not a discard: the loop reports it as cancelled');
		assert.equal(host.files.get('0:a.ts'), 'x\n');
	});

	it('creates new files, and refuses binary, excluded, outside, no-op and oversized edits', async () => {
		const host = new FakeEditorHost().file('img.png', new Uint8Array([0, 1, 2])).file('dist/a.js', 'x').file('a.ts', 'same\n');
		host.excludeSettings[0] = { dist: true };
		const t = tools(host);
		assert.equal(data(await call(t, 'VSCODE_EDIT_FILE', { path: 'src/new.ts', edits: [{ old_text: '', new_text: 'export {};\n' }] }))['created'], true);
		assert.equal(host.proposals.at(-1)?.create, true);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'src/other.ts', edits: [{ old_text: 'a', new_text: 'b' }] })).error ?? '', /does not exist. To create it/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'img.png', edits: [{ old_text: 'a', new_text: 'b' }] })).error ?? '', /only edit text files/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'dist/a.js', edits: [{ old_text: 'x', new_text: 'y' }] })).error ?? '', /files\.exclude/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: '../x.ts', edits: [{ old_text: 'x', new_text: 'y' }] })).error ?? '', /climbs out/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'a.ts', edits: [{ old_text: 'same', new_text: 'same' }] })).error ?? '', /unchanged/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'a.ts', edits: [{ old_text: 'same', new_text: 'x'.repeat(3 * 1024 * 1024) }] })).error ?? '', /larger than/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'a.ts', edits: Array.from({ length: 51 }, () => ({ old_text: 'a', new_text: 'b' })) })).error ?? '', /At most 50/);
		assert.match((await call(t, 'VSCODE_EDIT_FILE', { path: 'a.ts' })).error ?? '', /"edits" is required/);
		assert.equal(host.proposals.length, 1, 'only the valid new file was ever shown');
	});
});

describe('editor tools: what the model is given', () => {
	it(`every result fits the ${DEFAULT_TOOL_OUTPUT_BUDGET} characters the loop gives the model, so it arrives whole with its own "… N more"`, async () => {
		const nasty = (n: number): string => `"\\"quoted\\path\\" ${'x'.repeat(n)}`;
		const host = new FakeEditorHost();
		for (let i = 0; i < 80; i++) {
			host.problemList.push({ file: { folder: 0, path: `src/deeply/nested/folder/file${i}.ts` }, severity: 'error', line: i + 1, column: 1, endLine: i + 1, endColumn: 2, message: nasty(600), source: 'ts', code: '2322' });
			host.file(`src/deeply/nested/folder/file${i}.ts`, 'x');
		}
		const changes = [];
		for (let i = 0; i < 45; i++) {
			const path = `packages/some-long-package-name/src/module${i}/index.ts`;
			host.file(path, 'x');
			changes.push({ file: { folder: 0, path }, status: 'modified', staged: false });
			host.patches.set(`0:${path}`, lines(300, () => `+${nasty(380)}`));
		}
		host.git = { kind: 'ok', repositories: [{ branch: 'main', changes }] };
		host.file('big.ts', lines(1000, () => `\tconst s = ${nasty(280)};`));
		host.file('matches.ts', lines(300, () => `// TODO ${nasty(480)}`));
		for (let i = 0; i < 300; i++) {
			host.file(`names/${'n'.repeat(80)}-TODO-${i}.txt`, 'y');
		}
		const t = tools(host);
		const cases: [string, Record<string, unknown>][] = [
			['VSCODE_GET_PROBLEMS', {}],
			['VSCODE_GET_DIFF', {}],
			['VSCODE_READ_FILE', { path: 'big.ts' }],
			['VSCODE_READ_FILE', { path: 'names' }],
			['VSCODE_FIND', { query: 'TODO' }],
			['VSCODE_FIND', { query: 'TODO', kind: 'files' }],
		];
		for (const [name, args] of cases) {
			const r = await call(t, name, args);
			const output = prepareToolOutput({ data: r.data, error: r.error });
			assert.equal(output.truncated, false, `${name} ${JSON.stringify(args)} is ${output.forModel.length} characters`);
			assert.match(output.forModel, /… \d+ more/, `${name} says what it left out`);
		}
	});
});
