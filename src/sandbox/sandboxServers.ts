/**
 * The sandbox's two servers: the Composio emulator and the scripted model. Either already
 * running (named by environment variables, as `npm start` and the tests do, so their state
 * outlives a window reload and a test driver can reach them) or started in this process on
 * first use (a user who installed the VSIX and has no keys yet).
 */
import type { Disposable } from '../common/disposable';
import { ComposioEmulator } from './composioEmulator';
import { SCRIPTED_MODEL_ID, ScriptedModel } from './scriptedModel';

/** Environment variables that name running sandbox servers. */
export const SANDBOX_ENV = {
	composioUrl: 'COMPOSIO_SANDBOX_URL',
	composioKey: 'COMPOSIO_SANDBOX_KEY',
	modelUrl: 'COMPOSIO_SANDBOX_MODEL_URL',
} as const;

/** Where the sandbox answers. */
export interface SandboxEndpoints {
	readonly composioBaseUrl: string;
	readonly composioApiKey: string;
	readonly modelBaseUrl: string;
	readonly modelName: string;
	/** True when the servers run elsewhere (named by the environment). */
	readonly external: boolean;
}

export interface SandboxServersOptions {
	/** Host for Connect Links (see ComposioEmulatorOptions.linkHost); falls back to 127.0.0.1 if it can't be bound. */
	readonly linkHost?: string;
	readonly stateFile?: string;
	readonly log?: (line: string) => void;
	readonly env?: NodeJS.ProcessEnv;
}

/** Starts (or finds) the sandbox servers on first use; stops the ones it started when disposed. */
export class SandboxServers implements Disposable {
	private starting: Promise<SandboxEndpoints> | undefined;
	private emulator: ComposioEmulator | undefined;
	private model: ScriptedModel | undefined;

	constructor(private readonly options: SandboxServersOptions = {}) {}

	/** The endpoints, starting the servers the first time. Concurrent callers share one start. */
	endpoints(): Promise<SandboxEndpoints> {
		this.starting ??= this.start().catch((e: unknown) => {
			this.starting = undefined;
			throw e;
		});
		return this.starting;
	}

	private async start(): Promise<SandboxEndpoints> {
		const env = this.options.env ?? process.env;
		const composioUrl = env[SANDBOX_ENV.composioUrl];
		const modelUrl = env[SANDBOX_ENV.modelUrl];
		if (composioUrl && modelUrl) {
			return { composioBaseUrl: composioUrl, composioApiKey: env[SANDBOX_ENV.composioKey] ?? 'sandbox', modelBaseUrl: modelUrl, modelName: SCRIPTED_MODEL_ID, external: true };
		}
		const log = this.options.log;
		let emulator = new ComposioEmulator({ linkHost: this.options.linkHost, stateFile: this.options.stateFile, log });
		try {
			await emulator.start();
		} catch (e) {
			if (!this.options.linkHost) {
				throw e;
			}
			log?.(`Sandbox: could not listen on ${this.options.linkHost} (${e instanceof Error ? e.message : String(e)}); Connect Links use 127.0.0.1.`);
			emulator = new ComposioEmulator({ stateFile: this.options.stateFile, log });
			await emulator.start();
		}
		this.emulator = emulator;
		const model = new ScriptedModel({ log });
		await model.start();
		this.model = model;
		log?.(`Sandbox started: Composio emulator at ${emulator.baseUrl}, scripted model at ${model.baseUrl}.`);
		return { composioBaseUrl: emulator.baseUrl, composioApiKey: emulator.apiKey, modelBaseUrl: model.baseUrl, modelName: SCRIPTED_MODEL_ID, external: false };
	}

	dispose(): void {
		void this.emulator?.stop();
		void this.model?.stop();
		this.emulator = undefined;
		this.model = undefined;
		this.starting = undefined;
	}
}
