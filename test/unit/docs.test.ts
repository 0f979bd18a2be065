import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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
/** A topic of docs/, by file name. */
function doc(name: string): string {
	return readFileSync(join(root, 'docs', name), 'utf8');
}
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
/** The manifest as VS Code shows it in English: every `%key%` replaced from package.nls.json. */
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'), (_key, value: unknown) => {
	const key = typeof value === 'string' ? /^%([\w.]+)%$/.exec(value)?.[1] : undefined;
	return key !== undefined ? nls[key] : value;
}) as Manifest;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
	return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors a markdown file's headings make. */
function anchorsIn(markdown: string): Set<string> {
	return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] ?? '')));
}

const docFiles = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
describe('README and docs/', () => {
	it('documents every palette command in the Commands table, and names every other one', () => {
		const commands = doc('usage.md');
		const hidden = new Set((manifest.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
		for (const c of manifest.contributes.commands) {
			if (hidden.has(c.command)) {
				assert.ok(commands.includes(c.title.replace(/…$/, '')), `"${c.title}" (${c.command}) is described`);
			} else {
				assert.ok(commands.includes(`| ${c.category}: ${c.title} |`), `"${c.category}: ${c.title}" has a row`);
			}
		}
	});

	it('keeps the README to a few screens: at most 200 lines, with its pictures', () => {
		const lines = readme.split('\n').length;
		assert.ok(lines <= 200, `README.md has ${lines} lines`);
		const images = [...readme.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
		assert.ok(images.length >= 3, `README shows at least three pictures (${images.length})`);
		for (const image of images) {
			assert.ok(existsSync(join(root, image)), `${image} exists`);
		}
	});

	it('has every link between README.md and docs/ resolve, to a file and to a heading in it', () => {
		const files = [join(root, 'README.md'), ...docFiles.map((f) => join(root, 'docs', f))];
		let checked = 0;
		for (const file of files) {
			const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
			for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
				const target = m[1] ?? '';
				if (/^[a-z]+:/.test(target)) {
					continue;
				}
				const [path = '', anchor] = target.split('#');
				const resolved = path === '' ? file : join(dirname(file), path);
				const where = `${relative(root, file)} → ${target}`;
				assert.ok(existsSync(resolved), `${where}: the file exists`);
				if (anchor !== undefined) {
					assert.ok(anchorsIn(readFileSync(resolved, 'utf8')).has(anchor), `${where}: the heading exists`);
				}
				checked++;
			}
		}
		assert.ok(checked >= 30, `links were found and checked (${checked})`);
	});

	it('names in docs/architecture.md only files and folders that exist', () => {
		const architecture = doc('architecture.md');
		const paths = [...architecture.matchAll(/`((?:src|test|docs|media)\/[^`\s]*|[\w.-]+\.(?:mjs|json))`/g)].map((m) => m[1] ?? '');
		assert.ok(paths.length >= 40, `the guide names files (${paths.length})`);
		for (const path of paths) {
			assert.ok(existsSync(join(root, path)), `${path} exists`);
		}
	});

	it('names in docs/architecture.md only types and functions that exist where it says', () => {
		const architecture = doc('architecture.md');
		let checked = 0;
		for (const m of architecture.matchAll(/`([A-Z][A-Za-z]+|[a-z][A-Za-z]+)` \(`(src\/[^`]+\.ts)`/g)) {
			const [, name = '', file = ''] = m;
			assert.match(readFileSync(join(root, file), 'utf8'), new RegExp(`export (?:abstract )?(?:class|interface|type|(?:async )?function\\*?|const) ${name}\\b`), `${name} is exported by ${file}`);
			checked++;
		}
		assert.ok(checked >= 10, `names were checked (${checked})`);
	});

	it('lists every entry of the context window table as the code has it', () => {
		const models = doc('models.md');
		for (const [prefix, window] of Object.entries(OPENAI_CONTEXT_WINDOWS)) {
			const row = models.split('\n').find((line) => line.startsWith('| ') && line.includes(`\`${prefix}\``));
			assert.ok(row, `${prefix} has a row`);
			assert.ok(row.includes(`| ${window.toLocaleString('en-US')} |`), `${prefix}: ${window} in "${row}"`);
		}
		assert.ok(models.includes(`| anything else | ${DEFAULT_CONTEXT_WINDOW.toLocaleString('en-US')} `));
	});

	it('documents every setting in the Settings table', () => {
		const settings = doc('settings.md');
		for (const key of Object.keys(manifest.contributes.configuration.properties)) {
			assert.ok(settings.includes(`| \`${key}\` |`), `${key} has a row`);
		}
	});

	it('has a Performance topic naming every budget npm test checks, with its current value', () => {
		const performance = doc('performance.md');
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
		const development = doc('development.md');
		const start = development.lastIndexOf('\n', development.indexOf('longer than 400 lines')) + 1;
		assert.ok(start > 0, 'docs/development.md has the paragraph on long files');
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
		const api = readFileSync(join(root, 'src', 'sandbox', 'emulator', 'emulatorApi.ts'), 'utf8');
		const routes = [...api.matchAll(/this\.route\('([A-Z]+)', '([^']+)'/g)].map((m) => `${m[1]} ${m[2]}`);
		assert.ok(routes.length >= 15, `found the routes (${routes.length})`);
		for (const route of routes) {
			const row = doc.split('\n').find((line) => line.startsWith(`| \`${route}\` |`));
			assert.ok(row, `${route} has a row`);
			assert.match(row, /Response|none:/, `${route} names its type (or says why it has none)`);
		}
	});
});
