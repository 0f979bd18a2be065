/** True for a plain object: not null, not an array. The first check on any `unknown` read from outside (JSON, messages, settings). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
