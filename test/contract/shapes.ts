/**
 * Comparing the shape of two JSON answers: which fields one has that the other lacks, and where
 * their types differ. Values are not compared, only what a reader of the answer relies on: the
 * fields, their JSON types, and (for arrays) the shape of their items. `null` on the recorded side
 * stands for "any type" (a nullable field recorded empty).
 */

/** One way two shapes differ, at a JSON path such as `items[].auth_config.id`. */
export interface ShapeDifference {
	readonly path: string;
	/** `missing`: the recorded answer has the field and the other lacks it; `extra`: the other way round; `type`: both have it, with other types. */
	readonly kind: 'missing' | 'extra' | 'type';
	readonly detail?: string;
}

function typeOf(value: unknown): string {
	if (value === null) {
		return 'null';
	}
	if (Array.isArray(value)) {
		return 'array';
	}
	return typeof value === 'number' ? 'number' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The differences between `recorded` (Composio's answer) and `other` (the emulator's), field by
 * field. Array items are compared as one merged shape per side (every item's fields), so a list
 * of several items reads as one. `open` names paths whose keys are data, not fields (a map keyed
 * by toolkit or tool slug): there the values are compared by merged shape, not key by key.
 */
export function shapeDifferences(recorded: unknown, other: unknown, open: readonly string[] = [], path = ''): ShapeDifference[] {
	const here = path === '' ? '(root)' : path;
	const a = typeOf(recorded);
	const b = typeOf(other);
	if (a === 'null' || b === 'null') {
		return [];
	}
	if (a !== b) {
		return [{ path: here, kind: 'type', detail: `Composio ${a}, emulator ${b}` }];
	}
	if (Array.isArray(recorded) && Array.isArray(other)) {
		if (recorded.length === 0 || other.length === 0) {
			return [];
		}
		return shapeDifferences(merged(recorded), merged(other), open, `${path}[]`);
	}
	if (isObject(recorded) && isObject(other)) {
		if (open.includes(path)) {
			const values = (o: Record<string, unknown>): unknown[] => Object.values(o);
			const left = values(recorded);
			const right = values(other);
			return left.length === 0 || right.length === 0 ? [] : shapeDifferences(merged(left), merged(right), open, `${path}{}`);
		}
		const out: ShapeDifference[] = [];
		for (const key of Object.keys(recorded)) {
			const child = path === '' ? key : `${path}.${key}`;
			if (!(key in other)) {
				out.push({ path: child, kind: 'missing' });
			} else {
				out.push(...shapeDifferences(recorded[key], other[key], open, child));
			}
		}
		for (const key of Object.keys(other)) {
			if (!(key in recorded)) {
				out.push({ path: path === '' ? key : `${path}.${key}`, kind: 'extra' });
			}
		}
		return out;
	}
	return [];
}

/** The items of an array merged into one value: objects by their fields (first non-null value wins), anything else as its first item. */
function merged(items: readonly unknown[]): unknown {
	const objects = items.filter(isObject);
	if (objects.length === 0) {
		return items.find((i) => i !== null) ?? null;
	}
	const out: Record<string, unknown> = {};
	for (const o of objects) {
		for (const [k, v] of Object.entries(o)) {
			if (!(k in out) || out[k] === null) {
				out[k] = v;
			}
		}
	}
	return out;
}

/** Differences as lines for a report. */
export function describeDifferences(differences: readonly ShapeDifference[]): string[] {
	return differences.map((d) => `${d.kind} ${d.path}${d.detail ? ` (${d.detail})` : ''}`);
}
