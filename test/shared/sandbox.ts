/**
 * The local Composio emulator and the scripted model, run in the test process: the one setup the
 * unit, in-editor and browser suites (and the benchmarks) share when they talk to them over
 * HTTP through the real SDKs. `reset()` brings both back to where every test starts.
 */
import { OpenAiModelClient, type OpenAiModelClientOptions } from '../../src/agent/openAiModelClient';
import type { ComposioSettings } from '../../src/composio/settings';
import { ComposioEmulator, type ComposioEmulatorOptions } from '../../src/sandbox/composioEmulator';
import { ScriptedModel, type ScriptedModelOptions } from '../../src/sandbox/scriptedModel';

/** How to run the two servers. */
export interface TestSandboxOptions {
	readonly emulator?: ComposioEmulatorOptions;
	readonly model?: ScriptedModelOptions;
}

/** The model name the scripted model answers to. */
export const SCRIPTED_MODEL = 'sandbox-scripted';

/** The emulator and the scripted model; see the file comment. */
export class TestSandbox {
	readonly emulator: ComposioEmulator;
	readonly model: ScriptedModel;
	private readonly pace: { chunkDelayMs: number; wordsPerChunk: number };
	private readonly modelKey: string | undefined;

	constructor(options: TestSandboxOptions = {}) {
		this.emulator = new ComposioEmulator(options.emulator);
		this.model = new ScriptedModel(options.model);
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

	/** Where each test starts: no accounts, sessions, faults or recorded model requests, and the model at its first pace. */
	reset(): void {
		this.emulator.reset();
		this.emulator.clearFaults();
		this.model.clearFaults();
		this.model.setPace(this.pace);
		this.model.requests.length = 0;
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
