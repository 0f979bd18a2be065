import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_CONTEXT_WINDOW, OPENAI_CONTEXT_WINDOWS } from '../../src/agent/contextWindow';
import { BUDGETS } from '../budgets/budgets';

interface Manifest {
	contributes: {
		commands: { command: string; title: string; category: string }[];
		menus: { commandPalette?: { command: string; when?: string }[] };
		configuration: { properties: Record<string, unknown> };
	};
}

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
/** The manifest as VS Code shows it in English: every `%key%` replaced from package.nls.json. */
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'), (_key, value: unknown) => {
	const key = typeof value === 'string' ? /^%([\w.]+)%$/.exec(value)?.[1] : undefined;
	return key !== undefined ? nls[key] : value;
}) as Manifest;

function section(title: string): string {
	const start = readme.indexOf(`## ${title}\n`);
	assert.ok(start >= 0, `README has a "${title}" section`);
	const next = readme.indexOf('\n## ', start + 1);
	return readme.slice(start, next < 0 ? undefined : next);
}

describe('README', () => {
	it('documents every palette command in the Commands table, and names every other one', () => {
		const commands = section('Commands');
		const hidden = new Set((manifest.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
		for (const c of manifest.contributes.commands) {
			if (hidden.has(c.command)) {
				assert.ok(commands.includes(c.title.replace(/…$/, '')), `"${c.title}" (${c.command}) is described`);
			} else {
				assert.ok(commands.includes(`| ${c.category}: ${c.title} |`), `"${c.category}: ${c.title}" has a row`);
			}
		}
	});

	it('lists every entry of the context window table as the code has it', () => {
		const models = section('Models');
		for (const [prefix, window] of Object.entries(OPENAI_CONTEXT_WINDOWS)) {
			const row = models.split('\n').find((line) => line.startsWith('| ') && line.includes(`\`${prefix}\``));
			assert.ok(row, `${prefix} has a row`);
			assert.ok(row.includes(`| ${window.toLocaleString('en-US')} |`), `${prefix}: ${window} in "${row}"`);
		}
		assert.ok(models.includes(`| anything else | ${DEFAULT_CONTEXT_WINDOW.toLocaleString('en-US')} `));
	});

	it('documents every setting in the Settings table', () => {
		const settings = section('Settings');
		for (const key of Object.keys(manifest.contributes.configuration.properties)) {
			assert.ok(settings.includes(`| \`${key}\` |`), `${key} has a row`);
		}
	});

	it('has a Performance section naming every budget npm test checks, with its current value', () => {
		const performance = section('Performance');
		for (const [what, limit] of Object.entries(BUDGETS)) {
			const text = limit >= 1_000_000 ? `${limit / 1_000_000} MB` : `${limit / 1000} kB`;
			assert.ok(performance.includes(`≤ ${text}`), `the ${what} budget (${text}) is stated`);
		}
		for (const phrase of ['No SDK module evaluated at activation', 'No HTTP request at activation', '0 session creations, 0 tool-list fetches']) {
			assert.ok(performance.includes(phrase), `"${phrase}" is stated`);
		}
		assert.match(performance, /\| Activation in the extension host[^\n]*empty extension/, 'the latest table with the activation ratio');
	});

	it('gives the reason for every src file over 400 lines, and says how many there are', () => {
		const development = section('Development');
		const start = development.lastIndexOf('\n', development.indexOf('longer than 400 lines')) + 1;
		assert.ok(start > 0, 'the Development section has the paragraph on long files');
		const paragraph = development.slice(start, development.indexOf('A unit test lists these files', start));
		const source = (dir: string): string[] =>
			readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? source(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
		const src = join(root, 'src');
		const long = source(src)
			.filter((f) => readFileSync(f, 'utf8').split('\n').length > 400)
			.map((f) => relative(src, f).split('\\').join('/'));
		assert.ok(long.length > 0, 'found the long files');
		for (const file of long) {
			const name = file.slice(file.lastIndexOf('/') + 1);
			assert.ok(paragraph.includes(`\`${file}\``) || paragraph.includes(`\`${name}\``), `${file} (over 400 lines) is named with its reason`);
		}
		assert.match(paragraph, new RegExp(`^${['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve', 'Thirteen', 'Fourteen'][long.length] ?? long.length} files`), `the count (${long.length}) is right`);
	});
});

describe('src/sandbox/README.md', () => {
	it("names the generated response type of every /api/v3.1 route the emulator serves", () => {
		const doc = readFileSync(join(root, 'src', 'sandbox', 'README.md'), 'utf8');
		const api = readFileSync(join(root, 'src', 'sandbox', 'emulatorApi.ts'), 'utf8');
		const routes = [...api.matchAll(/this\.route\('([A-Z]+)', '([^']+)'/g)].map((m) => `${m[1]} ${m[2]}`);
		assert.ok(routes.length >= 15, `found the routes (${routes.length})`);
		for (const route of routes) {
			const row = doc.split('\n').find((line) => line.startsWith(`| \`${route}\` |`));
			assert.ok(row, `${route} has a row`);
			assert.match(row, /Response|none:/, `${route} names its type (or says why it has none)`);
		}
	});
});
