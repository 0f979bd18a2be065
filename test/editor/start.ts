/**
 * `npm start`: a real VS Code (code-server, loopback only; the current one, or the floor with
 * `COMPOSIO_EDITOR=floor`) with this folder installed as an extension, opened on a playground
 * folder. Prints the URL to open; Ctrl+C stops it. With no API keys the extension runs on the
 * sandbox (local Composio emulator + scripted model), whose MCP server VS Code lists as "Composio".
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isVersionAtLeast } from '../../src/common/version';
import { MCP_PROVIDER_MIN_VERSION } from '../../src/composio/mcpConfig';
import { repoRoot, startCodeServer, workbenchUrl } from './codeServer';

const stateDir = join(repoRoot, '.sandbox-state');

function playground(): string {
	const folder = join(stateDir, 'playground');
	if (!existsSync(folder)) {
		mkdirSync(join(folder, 'src'), { recursive: true });
		writeFileSync(
			join(folder, 'src', 'checkout.ts'),
			[
				'// Select some code, right-click and choose "Composio: Ask About Selection".',
				'export interface CartItem {',
				'\tsku: string;',
				'\tprice: number;',
				'\tquantity: number;',
				'}',
				'',
				'export function total(items: CartItem[]): number {',
				'\t// TODO: discounts are applied twice when a coupon is present',
				'\treturn items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
				'}',
				'',
			].join('\n'),
		);
		writeFileSync(join(folder, 'NOTES.md'), '# Playground\n\nTry: "Summarize my emails", "Create a GitHub issue titled \\"Fix checkout total\\"", "Post \\"deploy done\\" to #general on Slack".\n');
	}
	return folder;
}

async function main(): Promise<void> {
	const port = Number(process.env.PORT ?? 0) || undefined;
	// Installed as an ordinary extension (a link to this folder) rather than loaded for
	// development: code-server's development windows leave out the built-in colour themes.
	const server = await startCodeServer({ port, verbose: process.env.COMPOSIO_VERBOSE === '1', installExtension: true });
	const url = workbenchUrl(server, { folder: playground(), extensionDevelopment: false });
	const keys = process.env.COMPOSIO_API_KEY ? 'your COMPOSIO_API_KEY from the environment' : 'the sandbox (no COMPOSIO_API_KEY set)';
	console.log('');
	console.log(`Composio Agent is running in a real VS Code ${server.editor.vscodeVersion}, on ${keys}.`);
	console.log('Open this URL in a browser on this machine:');
	console.log('');
	console.log(`  ${url}`);
	console.log('');
	console.log('Then click the Composio icon in the activity bar. Press Ctrl+C to stop.');
	if (isVersionAtLeast(server.editor.vscodeVersion, MCP_PROVIDER_MIN_VERSION)) {
		console.log('VS Code\'s own agent gets the session\'s tools too: "MCP: List Servers" lists Composio.');
	}
	const stop = () => {
		void server.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
