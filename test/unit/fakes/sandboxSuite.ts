/**
 * A mocha suite on the shared test sandbox (test/shared/sandbox.ts): the servers start before the
 * suite's tests and stop after them; each test gets the sandbox reset, a fresh RecordingLogger,
 * client factory and ComposioService, and an empty temporary folder. After each test, the
 * cleanups the test registered run first (newest first), then the service and factory are
 * disposed and the folder removed.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComposioClientFactory, type ComposioClientFactoryOptions } from '../../../src/composio/composioClientFactory';
import { ComposioService, type ComposioServiceOptions } from '../../../src/composio/composioService';
import type { ComposioSettings } from '../../../src/composio/settings';
import type { ToolSession } from '../../../src/composio/toolSession';
import { TestSandbox, type TestSandboxOptions } from '../../shared/sandbox';
import { RecordingLogger } from './recordingLogger';

/** Options for `useSandbox`. */
export interface SandboxSuiteOptions extends TestSandboxOptions {
	/** The client factory's options; default no SDK retries. */
	readonly factory?: Omit<ComposioClientFactoryOptions, 'logger'>;
	/** The service's options; default polls every 25 ms. */
	readonly service?: Omit<ComposioServiceOptions, 'clientFactory' | 'logger'>;
}

/** What a test of the suite works with. Per-test members are new for every test. */
export interface SandboxSuite {
	readonly sandbox: TestSandbox;
	/** What the factory and the service logged during this test. */
	readonly log: RecordingLogger;
	readonly factory: ComposioClientFactory;
	readonly service: ComposioService;
	/** An empty folder of this test's own, removed after it. */
	readonly dir: string;
	/** The user's session on the emulator, through this test's service. */
	session(userId: string, over?: Partial<ComposioSettings>): Promise<ToolSession>;
	/** Replaces this test's factory and service (the old ones are disposed), e.g. with the SDK's own retries. */
	renewService(options: { factory?: Omit<ComposioClientFactoryOptions, 'logger'>; service?: Omit<ComposioServiceOptions, 'clientFactory' | 'logger'> }): void;
	/** Runs `fn` after this test, before the service goes and the folder is removed (e.g. dispose a ChatSession and let its last save land). */
	cleanup(fn: () => void | Promise<void>): void;
}

/** Registers the hooks in the calling `describe`; see the file comment. */
export function useSandbox(options: SandboxSuiteOptions = {}): SandboxSuite {
	const sandbox = new TestSandbox(options);
	let current: { log: RecordingLogger; factory: ComposioClientFactory; service: ComposioService; dir: string; cleanups: Array<() => void | Promise<void>> } | undefined;
	const now = (): NonNullable<typeof current> => {
		if (!current) {
			throw new Error('useSandbox: only available inside a test');
		}
		return current;
	};
	const clients = (log: RecordingLogger, factoryOptions = options.factory, serviceOptions = options.service): { factory: ComposioClientFactory; service: ComposioService } => {
		const factory = new ComposioClientFactory({ logger: log, maxRetries: 0, ...factoryOptions });
		return { factory, service: new ComposioService({ clientFactory: factory, pollIntervalMs: 25, ...serviceOptions }) };
	};

	before(() => sandbox.start());
	after(() => sandbox.stop());
	beforeEach(async () => {
		sandbox.reset();
		const log = new RecordingLogger();
		current = { log, ...clients(log), dir: await fs.mkdtemp(join(tmpdir(), 'composio-test-')), cleanups: [] };
	});
	afterEach(async () => {
		const test = current;
		current = undefined;
		if (!test) {
			return;
		}
		try {
			for (const fn of test.cleanups.reverse()) {
				await fn();
			}
		} finally {
			sandbox.emulator.clearFaults();
			sandbox.model.clearFaults();
			test.service.dispose();
			test.factory.dispose();
			await fs.rm(test.dir, { recursive: true, force: true });
		}
	});

	return {
		sandbox,
		get log() {
			return now().log;
		},
		get factory() {
			return now().factory;
		},
		get service() {
			return now().service;
		},
		get dir() {
			return now().dir;
		},
		session: (userId, over) => now().service.getSession(userId, sandbox.settings(over)),
		renewService: (renewal) => {
			const test = now();
			test.service.dispose();
			test.factory.dispose();
			Object.assign(test, clients(test.log, renewal.factory ?? options.factory, renewal.service ?? options.service));
		},
		cleanup: (fn) => now().cleanups.push(fn),
	};
}
