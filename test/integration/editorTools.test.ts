/**
 * The editor tools inside a real VS Code, against a workspace with a TypeScript error and an
 * uncommitted change: the problems come from VS Code's own TypeScript support (the built-in
 * typescript-language-features extension, once the file is open), the changes from the built-in
 * Git extension over a real git repository, and an edit is written only when applied.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LocalToolResult } from '../../src/agent/localTools';
import { PROPOSAL_SCHEME } from '../../src/vscode/editor/editProposals';
import { until } from '../shared/until';
import { activateExtension } from './helpers';

const BROKEN = 'src/broken.ts';
const BROKEN_TEXT = 'export function total(prices: number[]): number {\n\tconst count: number = "three";\n\treturn prices.length + count;\n}\n';

function git(cwd: string, ...args: string[]): string {
	return execFileSync('git', ['-c', 'user.name=Composio Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

async function run(name: string, args: Record<string, unknown>, signal = new AbortController().signal): Promise<LocalToolResult> {
	const { services } = await activateExtension();
	return (await services.editorTools.toolbox()).run(name, args, { signal, gated: true });
}

/** Awaits one step of a test, failing with its name when it does not settle in time (a hang says where). */
async function step<T>(what: string, promise: Thenable<T>, ms = 30_000): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const limit = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
	});
	try {
		return await Promise.race([Promise.resolve(promise), limit]);
	} finally {
		clearTimeout(timer);
	}
}

function data(result: LocalToolResult): Record<string, unknown> {
	assert.equal(result.error, null, `the tool failed: ${result.error ?? ''}`);
	return result.data as Record<string, unknown>;
}

describe('Editor tools in the real editor (TypeScript error, uncommitted change)', function () {
	this.timeout(180_000);
	let folder: string;

	before(() => {
		const root = vscode.workspace.workspaceFolders?.[0];
		assert.ok(root, 'the test workspace is open');
		folder = root.uri.fsPath;
		// A repository with one commit, then an uncommitted change and a new file with a type error.
		git(folder, 'init', '-q');
		git(folder, 'add', 'README.md', 'src/sample.ts');
		git(folder, 'commit', '-q', '-m', 'Initial commit');
		writeFileSync(join(folder, 'README.md'), `${readFileSync(join(folder, 'README.md'), 'utf8')}\nUncommitted: setup notes for the editor tools.\n`);
		mkdirSync(join(folder, 'src'), { recursive: true });
		writeFileSync(join(folder, BROKEN), BROKEN_TEXT);
		writeFileSync(join(folder, '.env'), 'API_TOKEN=it-secret-value\n');
		// Links: one to the secret file under a harmless name, one out of the workspace.
		symlinkSync(join(folder, '.env'), join(folder, 'notes.txt'));
		const outside = join(tmpdir(), `composio-outside-${process.pid}.txt`);
		writeFileSync(outside, 'outside the workspace\n');
		symlinkSync(outside, join(folder, 'outside-link.txt'));
		writeFileSync(join(folder, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]));
	});

	after(async () => {
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
	});

	it('VSCODE_GET_PROBLEMS returns the TypeScript error VS Code reports for the open file', async () => {
		const uri = vscode.Uri.file(join(folder, BROKEN));
		await vscode.window.showTextDocument(uri);
		// typescript-language-features starts tsserver for the open file; its diagnostics arrive after a while.
		let problems: Record<string, unknown>[] = [];
		await until(
			async () => {
				const d = data(await run('VSCODE_GET_PROBLEMS', { path: BROKEN }));
				problems = d['problems'] as Record<string, unknown>[];
				return problems.some((p) => p['source'] === 'ts');
			},
			'TypeScript diagnostics for src/broken.ts',
			150_000,
		);
		const fromEditor = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ts');
		assert.ok(fromEditor.length > 0, 'VS Code itself reports them (the tool adds nothing of its own)');
		const error = problems.find((p) => p['code'] === '2322');
		assert.ok(error, `TS2322 is listed: ${JSON.stringify(problems)}`);
		assert.equal(error['path'], BROKEN);
		assert.equal(error['severity'], 'error');
		assert.equal(error['line'], 2);
		assert.equal(error['source'], 'ts');
		assert.match(String(error['message']), /Type 'string' is not assignable to type 'number'/);

		const all = data(await run('VSCODE_GET_PROBLEMS', {}));
		assert.equal(all['scope'], 'workspace');
		assert.ok((all['problems'] as Record<string, unknown>[]).some((p) => p['path'] === BROKEN && p['code'] === '2322'), 'and for the whole workspace');
		// The prompt names the active file, so "this file" means it.
		const { services } = await activateExtension();
		assert.match((await services.editorTools.toolbox()).promptSection() ?? '', /active editor shows `src\/broken\.ts` \(typescript\)/);
	});

	it('VSCODE_GET_DIFF returns the uncommitted change through the built-in Git extension', async () => {
		const d = data(await run('VSCODE_GET_DIFF', {}));
		const files = d['files'] as Record<string, unknown>[];
		const readme = files.find((f) => f['path'] === 'README.md');
		assert.ok(readme, `README.md is listed: ${JSON.stringify(d)}`);
		assert.equal(readme['status'], 'modified');
		assert.match(String(readme['patch']), /^\+Uncommitted: setup notes for the editor tools\.$/m);
		assert.equal(readme['additions'], 2);
		const broken = files.find((f) => f['path'] === BROKEN);
		assert.equal(broken?.['status'], 'untracked');
		assert.match(String(broken?.['patch']), /\+\tconst count: number = "three";/);
		const env = files.find((f) => f['path'] === '.env');
		assert.equal(env?.['note'], 'secret-like file: its changes are not shown');
		assert.ok(!JSON.stringify(d).includes('it-secret-value'), 'the secret stays out');
		assert.equal(d['branch'], 'main');

		const one = data(await run('VSCODE_GET_DIFF', { path: 'README.md' }));
		assert.deepEqual((one['files'] as Record<string, unknown>[]).map((f) => f['path']), ['README.md']);
	});

	it('VSCODE_READ_FILE reads the open document, refuses what files.exclude hides and links that lead out or to a secret, describes binaries, and needs consent for .env', async () => {
		const editor = await vscode.window.showTextDocument(vscode.Uri.file(join(folder, 'README.md')));
		await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'UNSAVED '));
		try {
			const read = data(await run('VSCODE_READ_FILE', { path: 'README.md', start_line: 1, end_line: 1 }));
			assert.match(String(read['text']), /^UNSAVED # /, 'unsaved changes included');
		} finally {
			await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
		}
		const config = vscode.workspace.getConfiguration('files');
		await config.update('exclude', { '**/.git': true, 'src/sample.ts': true }, vscode.ConfigurationTarget.Workspace);
		try {
			assert.match((await run('VSCODE_READ_FILE', { path: 'src/sample.ts' })).error ?? '', /hidden by the files\.exclude setting/);
			const listing = data(await run('VSCODE_READ_FILE', { path: 'src' }));
			assert.ok(!(listing['entries'] as string[]).includes('sample.ts'), 'hidden in listings too');
		} finally {
			await config.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
		}
		assert.match((await run('VSCODE_READ_FILE', { path: '../../etc/passwd' })).error ?? '', /climbs out of the workspace/);
		assert.match((await run('VSCODE_READ_FILE', { path: '/etc/passwd' })).error ?? '', /outside the workspace folders/);
		assert.equal(data(await run('VSCODE_READ_FILE', { path: 'logo.png' }))['binary'], true);
		assert.match((await run('VSCODE_READ_FILE', { path: 'notes.txt' })).error ?? '', /links to \.env, which looks like a secret file/);
		assert.match((await run('VSCODE_READ_FILE', { path: 'outside-link.txt' })).error ?? '', /links outside the workspace/);
		const { services } = await activateExtension();
		const toolbox = await services.editorTools.toolbox();
		const ungated = await toolbox.run('VSCODE_READ_FILE', { path: '.env' }, { signal: new AbortController().signal });
		assert.match(ungated.error ?? '', /secret file/);
		assert.deepEqual(
			toolbox.actionsOf('VSCODE_READ_FILE', { path: '.env' }).map((a) => [a.tool, a.sensitive]),
			[['VSCODE_READ_SECRET_FILE', true]],
			'the approval card asks first',
		);
	});

	it('VSCODE_FIND searches with the editor\'s file search; VSCODE_OPEN_FILE opens at a line', async () => {
		const found = data(await run('VSCODE_FIND', { query: 'count: number' }));
		assert.deepEqual((found['matches'] as Record<string, unknown>[]).map((m) => [m['path'], m['line']]), [[BROKEN, 2]]);
		const files = data(await run('VSCODE_FIND', { query: 'broken', kind: 'files' }));
		assert.deepEqual(files['files'], [BROKEN]);
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		data(await run('VSCODE_OPEN_FILE', { path: BROKEN, start_line: 2, end_line: 3 }));
		const editor = vscode.window.activeTextEditor;
		assert.equal(editor?.document.uri.fsPath, join(folder, BROKEN));
		assert.deepEqual([editor?.selection.start.line, editor?.selection.end.line], [1, 2]);
	});

	it('composio.editorTools.* switches a tool off: not offered, and refused if called', async () => {
		const { services } = await activateExtension();
		const toolbox = await services.editorTools.toolbox();
		const names = (): string[] => toolbox.definitions().flatMap((t) => (t.type === 'function' ? [t.function.name] : []));
		assert.ok(names().includes('VSCODE_READ_FILE'));
		const config = vscode.workspace.getConfiguration('composio.editorTools');
		await config.update('read', false, vscode.ConfigurationTarget.Global);
		try {
			assert.ok(!names().includes('VSCODE_READ_FILE'), 'not offered to the model');
			assert.ok(names().includes('VSCODE_GET_PROBLEMS'), 'the others stay');
			assert.match((await run('VSCODE_READ_FILE', { path: 'README.md' })).error ?? '', /switched off in this editor \(setting composio\.editorTools\.read\)/);
			assert.doesNotMatch(toolbox.promptSection() ?? '', /VSCODE_READ_FILE/);
		} finally {
			await config.update('read', undefined, vscode.ConfigurationTarget.Global);
		}
		assert.ok(names().includes('VSCODE_READ_FILE'));
	});

	it('VSCODE_EDIT_FILE shows a diff and writes nothing until Apply; closing the diff discards', async () => {
		const path = join(folder, BROKEN);
		const pending = run('VSCODE_EDIT_FILE', { path: BROKEN, edits: [{ old_text: '"three"', new_text: '3' }] });
		pending.catch(() => undefined);
		const diffTab = (): vscode.Tab | undefined =>
			vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === PROPOSAL_SCHEME);
		await until(() => diffTab() !== undefined, 'the proposal diff');
		const input = diffTab()?.input as vscode.TabInputTextDiff;
		const proposed = await step('opening the proposed text', vscode.workspace.openTextDocument(input.modified));
		assert.match(proposed.getText(), /const count: number = 3;/);
		assert.equal(readFileSync(path, 'utf8'), BROKEN_TEXT, 'nothing written while the diff is shown');
		await step('Apply', vscode.commands.executeCommand('composio.applyProposedEdit', input.modified));
		const applied = data(await step('the edit tool after Apply', pending));
		assert.equal(applied['applied'], true);
		await until(() => readFileSync(path, 'utf8') === BROKEN_TEXT.replace('"three"', '3'), 'the change saved to disk on Apply');
		await until(() => diffTab() === undefined, 'the diff to close');

		const second = run('VSCODE_EDIT_FILE', { path: BROKEN, edits: [{ old_text: 'prices.length', new_text: 'prices.length * 2' }] });
		await until(() => diffTab() !== undefined, 'the second proposal diff');
		const tab = diffTab();
		assert.ok(tab);
		await step('closing the diff', vscode.window.tabGroups.close(tab));
		const r = await step('the edit tool after the diff closed', second);
		assert.equal(r.declined, true);
		assert.equal(readFileSync(path, 'utf8'), BROKEN_TEXT.replace('"three"', '3'), 'a closed diff writes nothing');
	});
});
