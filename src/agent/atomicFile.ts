/**
 * Crash-safe file writes: the data goes to a temporary file beside the target, is synced, and
 * is renamed over it, so a crash leaves either the old or the new version, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, promises as fs, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes `data` to `path` (a file in `dir`) atomically: a temporary file beside it, fsync,
 * rename, then fsync the directory (best effort). When any step before the rename fails, the
 * temporary file is removed and the error is thrown.
 */
export async function atomicWrite(dir: string, path: string, data: string): Promise<void> {
	const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
	try {
		const handle = await fs.open(tmp, 'w');
		try {
			await handle.writeFile(data, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fs.rename(tmp, path);
	} catch (e) {
		await fs.rm(tmp, { force: true }).catch(() => undefined);
		throw e;
	}
	try {
		const dirHandle = await fs.open(dir, 'r');
		try {
			await dirHandle.sync();
		} finally {
			await dirHandle.close();
		}
	} catch {
		// Not every platform can fsync a directory (Windows); the rename is still atomic.
	}
}

/** `atomicWrite`, synchronously (no directory fsync: the rename is what makes it atomic). */
export function atomicWriteSync(path: string, data: string): void {
	const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
	try {
		const fd = openSync(tmp, 'w');
		try {
			writeSync(fd, data, null, 'utf8');
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(tmp, path);
	} catch (e) {
		rmSync(tmp, { force: true });
		throw e;
	}
}
