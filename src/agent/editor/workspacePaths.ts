/**
 * Paths for the editor tools: what the model writes ("src/app.ts", "./src/app.ts", an absolute
 * path, "webapp/src/app.ts" in a multi-root window) becomes a `WorkspacePath`, or a refusal when
 * it leaves the workspace. Also which paths are secret-like and which `files.exclude` hides.
 */
import picomatch from 'picomatch';
import type { WorkspaceFolderInfo, WorkspacePath } from './editorHost';

/** Why a path was refused, in words the model can act on. */
export type PathResult = { readonly ok: true; readonly file: WorkspacePath } | { readonly ok: false; readonly error: string };

/** '/'-separated, no '.', '' or '..' segments; undefined when it climbs out of its root. */
export function normalizeRelative(input: string): string | undefined {
	const out: string[] = [];
	for (const segment of input.replace(/\\/g, '/').split('/')) {
		if (segment === '' || segment === '.') {
			continue;
		}
		if (segment === '..') {
			if (out.length === 0) {
				return undefined;
			}
			out.pop();
			continue;
		}
		out.push(segment);
	}
	return out.join('/');
}

function isAbsolute(path: string): boolean {
	return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path) || /^file:\/\//i.test(path);
}

/** A file: URI or a native path as a '/'-separated absolute path ("C:/x" stays "C:/x"). */
function absoluteForm(path: string): string {
	let p = path;
	if (/^file:\/\//i.test(p)) {
		try {
			p = decodeURIComponent(new URL(p).pathname);
		} catch {
			return p;
		}
		if (/^\/[A-Za-z]:\//.test(p)) {
			p = p.slice(1);
		}
	}
	return p.replace(/\\/g, '/').replace(/\/+$/, '');
}

/** How the tools show a path: relative to its folder, prefixed with the folder's name when there are several. */
export function displayPath(file: WorkspacePath, folders: readonly WorkspaceFolderInfo[]): string {
	if (folders.length > 1) {
		const name = folders[file.folder]?.name ?? `folder${file.folder}`;
		return file.path === '' ? name : `${name}/${file.path}`;
	}
	return file.path === '' ? '.' : file.path;
}

/**
 * Turns what the model wrote into a path inside the workspace. Relative paths are inside the
 * first folder, or inside the folder whose name they start with when there are several; absolute
 * paths must lie inside a folder. Anything that climbs out is refused.
 */
export function resolveWorkspacePath(input: unknown, folders: readonly WorkspaceFolderInfo[]): PathResult {
	if (folders.length === 0) {
		return { ok: false, error: 'No folder is open in VS Code, so there is no workspace to look in. Ask the user to open one.' };
	}
	if (typeof input !== 'string' || input.trim() === '') {
		return { ok: false, error: 'Give a path relative to the workspace folder, for example "src/app.ts".' };
	}
	const raw = input.trim();
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f]/.test(raw)) {
		return { ok: false, error: 'The path holds control characters; give a plain path.' };
	}
	if (isAbsolute(raw)) {
		const target = absoluteForm(raw);
		const windows = /^[A-Za-z]:\//.test(target);
		for (let i = 0; i < folders.length; i++) {
			const root = folders[i]?.fsPath;
			if (!root) {
				continue;
			}
			const base = absoluteForm(root);
			const same = windows ? target.toLowerCase() === base.toLowerCase() : target === base;
			const under = windows ? target.toLowerCase().startsWith(`${base.toLowerCase()}/`) : target.startsWith(`${base}/`);
			if (same || under) {
				const rest = normalizeRelative(target.slice(base.length));
				if (rest !== undefined) {
					return { ok: true, file: { folder: i, path: rest } };
				}
			}
		}
		return { ok: false, error: `${raw} is outside the workspace folders; the editor tools only work inside them.` };
	}
	const rel = normalizeRelative(raw);
	if (rel === undefined) {
		return { ok: false, error: `${raw} climbs out of the workspace folder; the editor tools only work inside it.` };
	}
	if (folders.length > 1) {
		const [first, ...rest] = rel.split('/');
		const named = folders.findIndex((f) => f.name === first);
		if (named >= 0) {
			return { ok: true, file: { folder: named, path: rest.join('/') } };
		}
	}
	return { ok: true, file: { folder: 0, path: rel } };
}

/** File names (lower case) that hold credentials. */
const SECRET_NAMES: ReadonlySet<string> = new Set([
	'.env',
	'.npmrc',
	'.yarnrc.yml',
	'.pypirc',
	'.netrc',
	'_netrc',
	'.git-credentials',
	'.htpasswd',
	'.pgpass',
	'credentials',
	'credentials.json',
	'secrets.json',
	'secrets.yaml',
	'secrets.yml',
	'secrets.toml',
	'id_rsa',
	'id_dsa',
	'id_ecdsa',
	'id_ed25519',
	'service-account.json',
	'terraform.tfvars',
]);

/** Extensions (lower case) of key and keystore files. */
const SECRET_EXTENSIONS: ReadonlySet<string> = new Set(['.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.kdbx', '.ppk', '.asc', '.gpg', '.tfvars']);

/** Folders whose contents are credentials. */
const SECRET_FOLDERS: ReadonlySet<string> = new Set(['.ssh', '.aws', '.gnupg', '.docker', '.kube']);

/** Suffixes of committed templates of secret files (.env.example), which hold no secrets. */
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.dist', '.defaults'];

/**
 * True for files that commonly hold secrets: `.env` and `.env.*` (not `.env.example` and other
 * templates), private keys and keystores, credential files (`.npmrc`, `.netrc`, `credentials`,
 * `secrets.json`, …) and anything under `.ssh`, `.aws`, `.gnupg`, `.docker` or `.kube`.
 */
export function isSecretPath(path: string): boolean {
	const segments = path.toLowerCase().split('/').filter((s) => s !== '');
	const name = segments[segments.length - 1];
	if (!name) {
		return false;
	}
	if (segments.slice(0, -1).some((s) => SECRET_FOLDERS.has(s))) {
		return true;
	}
	if (TEMPLATE_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
		return false;
	}
	if (SECRET_NAMES.has(name) || name.startsWith('.env.') || /^\.env[._-]/.test(name) || /\.env$/.test(name)) {
		return true;
	}
	const dot = name.lastIndexOf('.');
	return dot > 0 && SECRET_EXTENSIONS.has(name.slice(dot)) && !name.endsWith('.pub');
}

const matchers = new Map<string, (path: string) => boolean>();

/** A cached matcher for one `files.exclude` glob (dotfiles match, as in VS Code). */
function matcher(glob: string): (path: string) => boolean {
	let m = matchers.get(glob);
	if (!m) {
		try {
			m = picomatch(glob, { dot: true });
		} catch {
			m = () => false;
		}
		matchers.set(glob, m);
	}
	return m;
}

/**
 * True when `files.exclude` hides the path or a folder above it. A `when` clause
 * ("$(basename).ts") hides a file only when that sibling exists, as in VS Code.
 */
export async function isExcluded(
	path: string,
	excludes: Readonly<Record<string, boolean | { readonly when: string }>>,
	siblingExists: (siblingPath: string) => Promise<boolean>,
): Promise<boolean> {
	const segments = path.split('/').filter((s) => s !== '');
	for (let depth = 1; depth <= segments.length; depth++) {
		const candidate = segments.slice(0, depth).join('/');
		for (const [glob, value] of Object.entries(excludes)) {
			if (value === false || !matcher(glob)(candidate)) {
				continue;
			}
			if (value === true) {
				return true;
			}
			if (typeof value === 'object' && typeof value.when === 'string') {
				const name = segments[depth - 1] ?? '';
				const dot = name.lastIndexOf('.');
				const base = dot > 0 ? name.slice(0, dot) : name;
				const sibling = [...segments.slice(0, depth - 1), value.when.replace(/\$\(basename\)/g, base)].join('/');
				if (await siblingExists(sibling)) {
					return true;
				}
			}
		}
	}
	return false;
}
