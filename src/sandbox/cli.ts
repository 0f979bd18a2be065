/**
 * `npm run sandbox`: starts the local Composio emulator and the scripted model on loopback and
 * prints where they answer, so any Composio client (the SDK in a script, another tool), MCP
 * client (at a session's `mcp.url`) or OpenAI client can be pointed at them.
 *   node dist/sandbox.js [--port N] [--model-port N] [--link-host 127.0.0.2] [--state FILE] [--quiet]
 */
import { ComposioEmulator } from './emulator/composioEmulator';
import { ScriptedModel } from './scriptedModel/scriptedModel';
import { SCRIPTED_MODEL_ID } from './scriptedModel/scriptedModelId';
import { SANDBOX_ENV } from './sandboxServers';

function flag(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
	const quiet = process.argv.includes('--quiet');
	const log = quiet ? undefined : (line: string) => console.log(`  ${line}`);
	const emulator = new ComposioEmulator({ port: Number(flag('--port') ?? 0), linkHost: flag('--link-host'), stateFile: flag('--state'), log });
	const model = new ScriptedModel({ port: Number(flag('--model-port') ?? 0), log });
	await emulator.start();
	await model.start();
	console.log('Composio sandbox running (loopback only). Ctrl+C stops it.');
	console.log('');
	console.log(`  Composio API   ${emulator.baseUrl}   (x-api-key: ${emulator.apiKey})`);
	console.log(`  MCP            ${emulator.baseUrl}/tool_router/<session id>/mcp   (each session's mcp.url; Streamable HTTP, same x-api-key)`);
	console.log(`  OpenAI API     ${model.baseUrl}   (model: ${SCRIPTED_MODEL_ID}, any key)`);
	console.log('');
	console.log('  For the extension or a script:');
	console.log(`    ${SANDBOX_ENV.composioUrl}=${emulator.baseUrl}`);
	console.log(`    ${SANDBOX_ENV.composioKey}=${emulator.apiKey}`);
	console.log(`    ${SANDBOX_ENV.modelUrl}=${model.baseUrl}`);
	console.log('');
	const stop = () => {
		void Promise.all([emulator.stop(), model.stop()]).then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
