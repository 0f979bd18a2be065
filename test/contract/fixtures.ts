/**
 * The contract fixtures: Composio's answers as it publishes them (its API reference's examples,
 * its SDK's test fixtures, its docs, and live replies others recorded), one file per route or
 * meta tool in test/contract/fixtures/, each saying where it came from (`source`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Fixture {
	/** The file name without `.json`, e.g. `account-expired`. */
	readonly name: string;
	readonly source: string;
	readonly request: { readonly method: string; readonly path: string };
	readonly status: number;
	readonly response: unknown;
	readonly note?: string;
}

export const FIXTURE_DIR = join(process.cwd(), 'test', 'contract', 'fixtures');

/** Every fixture, by name. */
export function loadFixtures(dir = FIXTURE_DIR): Map<string, Fixture> {
	const out = new Map<string, Fixture>();
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
		const value = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Fixture, 'name'>;
		out.set(file.slice(0, -'.json'.length), { name: file.slice(0, -'.json'.length), ...value });
	}
	return out;
}

/** A fixture's path template as a pattern: `{id}` matches one path segment. */
export function pathPattern(template: string): RegExp {
	return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
}
