/**
 * The sandbox bundle (dist/lazy/sandbox.js): the Composio emulator and the scripted model,
 * started in the extension host the first time the sandbox is used and no running servers are
 * named by the environment. Never loaded at activation; see esbuild.mjs and sandboxServers.ts.
 */
import type { Disposable } from '../common/disposable';
import { ComposioEmulator } from './emulator/composioEmulator';
import { ScriptedModel } from './scriptedModel/scriptedModel';

/** Where the local servers answer, and how to stop them. */
export interface LocalSandbox extends Disposable {
	readonly composioBaseUrl: string;
	readonly composioApiKey: string;
	readonly modelBaseUrl: string;
}

/** How to start the local servers. */
export interface LocalSandboxOptions {
	/** Host for Connect Links (see ComposioEmulatorOptions.linkHost); falls back to 127.0.0.1 if it can't be bound. */
	readonly linkHost?: string;
	readonly stateFile?: string;
	readonly log?: (line: string) => void;
}

/** Starts the emulator and the scripted model on loopback. Rejects when either cannot listen. */
export async function startLocalSandbox(options: LocalSandboxOptions): Promise<LocalSandbox> {
	const log = options.log;
	let emulator = new ComposioEmulator({ linkHost: options.linkHost, stateFile: options.stateFile, log });
	try {
		await emulator.start();
	} catch (e) {
		if (!options.linkHost) {
			throw e;
		}
		log?.(`Sandbox: could not listen on ${options.linkHost} (${e instanceof Error ? e.message : String(e)}); Connect Links use 127.0.0.1.`);
		emulator = new ComposioEmulator({ stateFile: options.stateFile, log });
		await emulator.start();
	}
	const model = new ScriptedModel({ log });
	try {
		await model.start();
	} catch (e) {
		await emulator.stop();
		throw e;
	}
	log?.(`Sandbox started: Composio emulator at ${emulator.baseUrl}, scripted model at ${model.baseUrl}.`);
	return {
		composioBaseUrl: emulator.baseUrl,
		composioApiKey: emulator.apiKey,
		modelBaseUrl: model.baseUrl,
		dispose: () => {
			void emulator.stop();
			void model.stop();
		},
	};
}
