/**
 * The live journey (keys, turns with tools, connections, MCP config, connecting an account) in a
 * window of its own: its extension host has run nothing else, so what it records (every
 * connection, every log line) belongs to this journey alone. Earlier tests that switch to the
 * real Composio endpoint cannot leave a request in flight here.
 */
import { join } from 'node:path';
import { runFiles } from '../index';

export function run(): Promise<void> {
	return runFiles([join(__dirname, '..', 'live', 'secrets.test.js')]);
}
