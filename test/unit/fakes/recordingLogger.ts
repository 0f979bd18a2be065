import type { Logger } from '../../../src/common/logger';

/** A Logger that keeps every line as `[level] text` (an Error with its stack), for assertions on what was logged. */
export class RecordingLogger implements Logger {
	readonly lines: string[] = [];
	trace(m: string): void {
		this.lines.push(`[trace] ${m}`);
	}
	debug(m: string): void {
		this.lines.push(`[debug] ${m}`);
	}
	info(m: string): void {
		this.lines.push(`[info] ${m}`);
	}
	warn(m: string): void {
		this.lines.push(`[warn] ${m}`);
	}
	error(m: string | Error): void {
		this.lines.push(`[error] ${typeof m === 'string' ? m : `${m.message}\n${m.stack ?? ''}`}`);
	}
	/** The warning and error lines. */
	warnings(): string[] {
		return this.lines.filter((l) => l.startsWith('[warn]') || l.startsWith('[error]'));
	}
}
