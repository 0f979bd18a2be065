/**
 * What each editor tool works with: the host, the folders as they are now, and the checks every
 * tool applies the same way (inside the workspace, not excluded, arguments of the right type).
 */
import { isRecord } from '../../common/isRecord';
import type { LocalToolResult } from '../localTools';
import type { EditorHost, WorkspaceFolderInfo, WorkspacePath } from './editorHost';
import { displayPath, isExcluded, resolveWorkspacePath } from './workspacePaths';

/** Thrown by argument checks; the tool answers with its message. */
export class ToolInputError extends Error {}

/** One tool call's context. */
export class ToolContext {
	readonly folders: readonly WorkspaceFolderInfo[];

	constructor(
		readonly host: EditorHost,
		readonly signal: AbortSignal,
		/** True when the approval gate judged this call (secret files are read only then). */
		readonly gated: boolean,
	) {
		this.folders = host.folders();
	}

	/** How results show a path. */
	display(file: WorkspacePath): string {
		return displayPath(file, this.folders);
	}

	/** The path the model named, inside the workspace; throws ToolInputError otherwise. */
	resolve(input: unknown): WorkspacePath {
		const resolved = resolveWorkspacePath(input, this.folders);
		if (!resolved.ok) {
			throw new ToolInputError(resolved.error);
		}
		return resolved.file;
	}

	/** True when `files.exclude` hides the path. */
	excluded(file: WorkspacePath): Promise<boolean> {
		return isExcluded(file.path, this.host.excludes(file.folder), async (sibling) => (await this.host.stat({ folder: file.folder, path: sibling })) !== undefined);
	}

	/** Throws when the call was stopped. */
	checkAborted(): void {
		if (this.signal.aborted) {
			throw new ToolInputError('Cancelled.');
		}
	}
}

/** An optional string argument. */
export function optionalString(args: Readonly<Record<string, unknown>>, key: string): string | undefined {
	const value = args[key];
	if (value === undefined || value === null || value === '') {
		return undefined;
	}
	if (typeof value !== 'string') {
		throw new ToolInputError(`"${key}" must be a string.`);
	}
	return value;
}

/** An optional whole number argument of at least `min` (numeric strings accepted, as models send them). */
export function optionalInteger(args: Readonly<Record<string, unknown>>, key: string, min: number): number | undefined {
	const value = args[key];
	if (value === undefined || value === null || value === '') {
		return undefined;
	}
	const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
		throw new ToolInputError(`"${key}" must be a whole number of at least ${min}.`);
	}
	return n;
}

/** An optional boolean argument ("true"/"false" accepted). */
export function optionalBoolean(args: Readonly<Record<string, unknown>>, key: string): boolean | undefined {
	const value = args[key];
	if (value === undefined || value === null) {
		return undefined;
	}
	if (value === 'true' || value === 'false') {
		return value === 'true';
	}
	if (typeof value !== 'boolean') {
		throw new ToolInputError(`"${key}" must be true or false.`);
	}
	return value;
}

/** An optional list of objects. */
export function optionalObjects(args: Readonly<Record<string, unknown>>, key: string): Record<string, unknown>[] | undefined {
	const value = args[key];
	if (value === undefined || value === null) {
		return undefined;
	}
	if (!Array.isArray(value) || !value.every(isRecord)) {
		throw new ToolInputError(`"${key}" must be a list of objects.`);
	}
	return value;
}

/** A successful result. */
export function ok(data: unknown): LocalToolResult {
	return { data, error: null };
}

/** A failed result the model reads. */
export function failed(error: string, data: unknown = null): LocalToolResult {
	return { data, error };
}
