/**
 * The sandbox's two servers: the Composio emulator and the scripted model. Either already
 * running (named by environment variables, as `npm start` and the tests do, so their state
 * outlives a window reload and a test driver can reach them) or started in this process on
 * first use (a user who installed the VSIX and has no keys yet). Starting them loads the sandbox
 * bundle (sandboxRuntime.ts); nothing of it loads before.
 */
import type { Disposable } from '../common/disposable';
import type { LocalSandbox } from './sandboxRuntime';
import { SCRIPTED_MODEL_ID } from './scriptedModel/scriptedModelId';


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
	private local: LocalSandbox | undefined;
	private disposed = false;

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
		const { startLocalSandbox } = await import('./sandboxRuntime');
		const local = await startLocalSandbox({ linkHost: this.options.linkHost, stateFile: this.options.stateFile, log: this.options.log });
		if (this.disposed) {
			local.dispose();
			throw new Error('The sandbox was stopped while it started.');
		}
		this.local = local;
		return { composioBaseUrl: local.composioBaseUrl, composioApiKey: local.composioApiKey, modelBaseUrl: local.modelBaseUrl, modelName: SCRIPTED_MODEL_ID, external: false };
	}

	dispose(): void {
		this.disposed = true;
		this.local?.dispose();
		this.local = undefined;
		this.starting = undefined;
	}
}
