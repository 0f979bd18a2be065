/**
 * Every answer the emulator sends must parse with the schema `@composio/core` applies to it. The
 * SDK checks what it reads against its own zod schemas, and when one does not fit it only logs
 * "Transform validation failed" and goes on with the unchecked value; this guard turns that line
 * into a failed test. Loaded by the unit and contract suites' mocha config (`require`): it
 * registers root hooks that fail the test during which the SDK logged such a line.
 */
import { routeSdkLogging } from '../../src/composio/composioClientFactory';

const SCHEMA_FAILURE = /Transform validation failed|validation failed/i;

/** Kept on the global object: the mocha hook's copy of this module and a test file's bundled copy share it. */
const STATE = Symbol.for('composio-agent.sdkSchemaGuard');
const state: { failures: string[]; armed: boolean } = ((globalThis as { [STATE]?: { failures: string[]; armed: boolean } })[STATE] ??= { failures: [], armed: false });

/** Starts noting the SDK's schema failures (once). */
export function guardSdkSchemas(): void {
	if (state.armed) {
		return;
	}
	state.armed = true;
	const note = (message: string | Error): void => {
		const text = message instanceof Error ? message.message : message;
		if (SCHEMA_FAILURE.test(text)) {
			state.failures.push(text);
		}
	};
	routeSdkLogging({ trace: () => undefined, debug: () => undefined, info: () => undefined, warn: note, error: note });
}

/** The SDK's schema failures noted since the last call; clears them. */
export function takeSchemaFailures(): string[] {
	const out = state.failures;
	state.failures = [];
	return out;
}

export const mochaHooks = {
	beforeAll(): void {
		guardSdkSchemas();
	},
	beforeEach(): void {
		takeSchemaFailures();
	},
	afterEach(): void {
		const found = takeSchemaFailures();
		if (found.length > 0) {
			throw new Error(`The Composio SDK's own schema did not fit an answer during this test:\n${found.join('\n')}`);
		}
	},
};
