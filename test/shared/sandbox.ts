/**
 * The local Composio emulator and the scripted model in their tests' build (TestComposioEmulator,
 * TestScriptedModel: the shipped servers plus faults, request logs, pacing and admin routes), run
 * in the test process: the one setup the unit, in-editor and browser suites and the benchmarks
 * share when they talk to them over HTTP through the real SDKs. `reset()` brings both back to
 * where every test starts; `env` hands them to an editor through the variables the extension
 * reads (SANDBOX_ENV), so the driver keeps their controls.
 */
import { OpenAiModelClient, type OpenAiModelClientOptions } from '../../src/agent/openAiModelClient';
import type { ComposioSettings } from '../../src/composio/settings';
import type { ComposioEmulatorOptions } from '../../src/sandbox/emulator/composioEmulator';
import { SANDBOX_ENV } from '../../src/sandbox/sandboxServers';
import { TestComposioEmulator } from './testComposioEmulator';
import { TestScriptedModel, type TestScriptedModelOptions } from './testScriptedModel';

/** How to run the two servers. */
export interface TestSandboxOptions {
	readonly emulator?: ComposioEmulatorOptions;
	readonly model?: TestScriptedModelOptions;
}

/** The model name the scripted model answers to. */
export const SCRIPTED_MODEL = 'sandbox-scripted';

/** The emulator and the scripted model; see the file comment. */
export class TestSandbox {
	readonly emulator: TestComposioEmulator;
	readonly model: TestScriptedModel;
	private readonly pace: { chunkDelayMs: number; wordsPerChunk: number };
	private readonly modelKey: string | undefined;

	constructor(options: TestSandboxOptions = {}) {
		this.emulator = new TestComposioEmulator(options.emulator);
		this.model = new TestScriptedModel(options.model);
		this.pace = { chunkDelayMs: options.model?.chunkDelayMs ?? 15, wordsPerChunk: options.model?.wordsPerChunk ?? 3 };
		this.modelKey = options.model?.requireKey;
	}

	/** Starts both servers. */
	async start(): Promise<void> {
		await Promise.all([this.emulator.start(), this.model.start()]);
	}

	/** Stops both servers. Safe to call twice. */
	async stop(): Promise<void> {
		await Promise.all([this.model.stop(), this.emulator.stop()]);
	}

	/** Where each test starts: no accounts, sessions, faults or recorded requests, no latency, and the model at its first pace. */
	reset(): void {
		this.emulator.reset();
		this.emulator.latencyMs = 0;
		this.model.clearFaults();
		this.model.setPace({ ...this.pace, latencyMs: 0 });
		this.model.requests.length = 0;
	}

	/** The environment that points an editor's extension host at the two servers (the sandbox's own variables). */
	get env(): Record<string, string> {
		return { [SANDBOX_ENV.composioUrl]: this.emulator.baseUrl, [SANDBOX_ENV.composioKey]: this.emulator.apiKey, [SANDBOX_ENV.modelUrl]: this.model.baseUrl };
	}

	/** Composio settings that point at the emulator, with its key. */
	settings(over: Partial<ComposioSettings> = {}): ComposioSettings {
		return { apiKey: this.emulator.apiKey, baseUrl: this.emulator.baseUrl, toolkits: [], authConfigs: {}, multiAccount: false, ...over };
	}

	/** The real openai client on the scripted model, with its key when it wants one; no SDK retries unless asked. */
	modelClient(over: Partial<OpenAiModelClientOptions> = {}): OpenAiModelClient {
		return new OpenAiModelClient({ baseUrl: this.model.baseUrl, model: SCRIPTED_MODEL, maxRetries: 0, ...(this.modelKey ? { apiKey: this.modelKey } : {}), ...over });
	}
}
