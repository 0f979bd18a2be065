/**
 * The editor tools' bounds, in one place (the README lists them), and the small helpers that
 * keep results inside them: "… N more", cut lines, binary detection.
 *
 * Besides its counts, every result stays within RESULT_BUDGET characters of JSON, below what
 * the agent loop hands the model of one tool result (12,000 by default): the model always sees
 * an editor tool's result whole, ending in the tool's own "… N more", never shortened after.
 */

/** Characters of JSON the lists and texts of one result may take. */
export const RESULT_BUDGET = 9_000;

/** Problems listed by VSCODE_GET_PROBLEMS. */
export const MAX_PROBLEMS = 50;
/** Characters of one problem message. */
export const MAX_PROBLEM_MESSAGE = 500;
/** Changed files VSCODE_GET_DIFF lists. */
export const MAX_DIFF_FILES = 30;
/** Lines of one file's patch. */
export const MAX_PATCH_LINES = 150;
/** Characters (as JSON) of all patches together; files past it are listed without their patch. */
export const MAX_DIFF_CHARS = 6_000;
/** Lines VSCODE_READ_FILE returns at once. */
export const MAX_READ_LINES = 400;
/** Characters (as JSON) VSCODE_READ_FILE returns at once. */
export const MAX_READ_CHARS = RESULT_BUDGET;
/** Characters of one line in any result; longer lines are cut. */
export const MAX_LINE_CHARS = 2_000;
/** Files larger than this are described, not read (VSCODE_READ_FILE, VSCODE_EDIT_FILE). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Entries of a folder VSCODE_READ_FILE lists. */
export const MAX_DIRECTORY_ENTRIES = 200;
/** File names VSCODE_FIND returns. */
export const MAX_FOUND_FILES = 100;
/** Text matches VSCODE_FIND returns. */
export const MAX_FOUND_MATCHES = 100;
/** Files VSCODE_FIND looks at for a text search. */
export const MAX_SEARCHED_FILES = 5_000;
/** Bytes VSCODE_FIND reads for a text search, all files together. */
export const MAX_SEARCHED_BYTES = 64 * 1024 * 1024;
/** Files larger than this are skipped by a text search. */
export const MAX_SEARCHED_FILE_BYTES = 1024 * 1024;
/** Characters of a matching line VSCODE_FIND shows. */
export const MAX_MATCH_LINE_CHARS = 200;
/** Replacements in one VSCODE_EDIT_FILE call. */
export const MAX_EDITS = 50;

/** The length of a value as JSON (what the model is given). */
export function jsonLength(value: unknown): number {
	return JSON.stringify(value)?.length ?? 0;
}

/** The first items, at most `max`, whose JSON together fits `budget` characters (at least one). */
export function fitting<T>(items: readonly T[], max: number, budget: number = RESULT_BUDGET): T[] {
	const kept: T[] = [];
	let used = 0;
	for (const item of items.slice(0, max)) {
		const size = jsonLength(item) + 1;
		if (kept.length > 0 && used + size > budget) {
			break;
		}
		kept.push(item);
		used += size;
	}
	return kept;
}

/** "… 12 more problems" (singular for one). */
export function more(count: number, noun: string, plural = `${noun}s`): string {
	return `… ${count} more ${count === 1 ? noun : plural}`;
}

/** A line cut to `max` characters, saying how many were left out. */
export function cutLine(line: string, max = MAX_LINE_CHARS): string {
	return line.length > max ? `${line.slice(0, max)}… (${line.length - max} more characters)` : line;
}

/** "1.2 KB", "3.4 MB". */
export function formatSize(bytes: number): string {
	if (bytes < 1024) {
		return `${bytes} bytes`;
	}
	if (bytes < 1024 * 1024) {
		return `${(bytes / 1024).toFixed(1)} KB`;
	}
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * True when bytes look binary: a NUL byte in the first 8 KB, or more than one in ten of those
 * bytes being control characters other than tab, line feed, form feed and carriage return
 * (UTF-8 text has none). Good enough to keep images, archives and executables out of a prompt.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, 8192);
	let control = 0;
	for (const b of sample) {
		if (b === 0) {
			return true;
		}
		if (b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13) {
			control++;
		}
	}
	return sample.length > 0 && control / sample.length > 0.1;
}

const KINDS: Readonly<Record<string, string>> = {
	png: 'PNG image',
	jpg: 'JPEG image',
	jpeg: 'JPEG image',
	gif: 'GIF image',
	webp: 'WebP image',
	ico: 'icon',
	bmp: 'bitmap image',
	pdf: 'PDF document',
	zip: 'zip archive',
	gz: 'gzip archive',
	tgz: 'gzip archive',
	tar: 'tar archive',
	jar: 'Java archive',
	vsix: 'VS Code extension package',
	woff: 'web font',
	woff2: 'web font',
	ttf: 'font',
	otf: 'font',
	mp3: 'audio file',
	wav: 'audio file',
	mp4: 'video file',
	mov: 'video file',
	wasm: 'WebAssembly module',
	exe: 'Windows executable',
	dll: 'Windows library',
	so: 'shared library',
	dylib: 'shared library',
	class: 'Java class file',
	pyc: 'Python bytecode',
	sqlite: 'SQLite database',
	db: 'database file',
};

/** "PNG image, 12.3 KB": what a binary file is, by its extension, and its size. */
export function describeBinary(path: string, size: number): string {
	const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
	return `${KINDS[ext] ?? 'binary file'}, ${formatSize(size)}`;
}

/** Decodes UTF-8 (a byte-order mark dropped); invalid sequences become U+FFFD. */
export function decodeText(bytes: Uint8Array): string {
	const text = new TextDecoder('utf-8').decode(bytes);
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines of a text, without their line ends (\n or \r\n). A final line end adds no empty line. */
export function splitLines(text: string): string[] {
	const lines = text.split(/\r?\n/);
	if (lines.length > 1 && lines[lines.length - 1] === '') {
		lines.pop();
	}
	return lines;
}
