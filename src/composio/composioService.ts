/**
 * Composio sessions for one user: `composio.create(userId, options)` once per (user, key, base
 * URL, options), handed out as a `ToolSession` (toolSession.ts) over the SDK
 * (composioToolSession.ts). Every failure surfaces as a `ComposioError` (composioErrors.ts);
 * keys never reach messages or logs.
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { nullLogger, type Logger, type RedactingLogger } from '../common/logger';
import { type AuthConfigApi, ComposioAuthConfigs } from './authConfigs';
import { ComposioClientFactory, type ComposioSdk } from './composioClientFactory';
import { COMPOSIO_MESSAGES, ComposioError, toComposioError } from './composioErrors';
import { ComposioToolSession, createSdkSession, type SdkSession } from './composioToolSession';
import { Reconnections } from './reconnect';
import type { ComposioSettings } from './settings';
import type { ConnectedAccount, ToolSession } from './toolSession';

/** Options for ComposioService. */
export interface ComposioServiceOptions {
	/** Where to log when no clientFactory is given (a given factory brings its own logger). */
	readonly logger?: Logger;
	/** Shared client factory; one is made (and disposed with the service) when omitted. */
	readonly clientFactory?: ComposioClientFactory;
	/** Default poll interval for waitForConnection. */
	readonly pollIntervalMs?: number;
	/** Page size asked for when listing toolkits and accounts. Default: the server's. */
	readonly pageSize?: number;
	/** What connection waits sleep and measure their deadline on; default the system clock. */
	readonly clock?: Clock;
	/** Told each time a check finds an account ACTIVE (the account identities learn who it is); see `SessionDeps.onAccountActive`. */
	readonly onAccountActive?: (session: ToolSession, account: ConnectedAccount, replaced?: string) => void;
}

const DEFAULT_POLL_MS = 2000;

/**
 * Holds the current Composio session and hands it out. `getSession` creates
 * `composio.create(userId, {toolkits, authConfigs, multiAccount, manageConnections: true})` once
 * per (user id, API key, base URL, options) and returns the same ToolSession for every call
 * until one of those changes; concurrent callers share one in-flight creation; a failed
 * creation is not kept, so the next call tries again.
 */
export class ComposioService implements Disposable {
	private current: { key: string; promise: Promise<ComposioToolSession>; session?: ComposioToolSession } | undefined;
	private readonly logger: RedactingLogger;
	private readonly factory: ComposioClientFactory;
	private readonly ownsFactory: boolean;
	/** The reconnects under way. Account ids are global, so they outlive sessions. */
	private readonly reconnections: Reconnections;

	constructor(private readonly options: ComposioServiceOptions = {}) {
		this.ownsFactory = options.clientFactory === undefined;
		this.factory = options.clientFactory ?? new ComposioClientFactory({ logger: options.logger ?? nullLogger });
		// Everything logged here is redacted against every key the factory has seen.
		this.logger = this.factory.redactingLogger;
		this.reconnections = new Reconnections(this.logger);
	}

	/**
	 * The session for this user and settings. Throws ComposioError: `auth` when no key is set,
	 * `badRequest` for an empty user id, or whatever creating the session failed with.
	 */
	getSession(userId: string, settings: ComposioSettings): Promise<ToolSession> {
		if (!settings.apiKey) {
			return Promise.reject(new ComposioError('auth', COMPOSIO_MESSAGES.noKey, { action: 'setComposioKey', detail: 'No Composio API key is set.' }));
		}
		if (!userId) {
			return Promise.reject(new ComposioError('badRequest', l10n.t('No user id is set for Composio.'), { action: 'openLogs', detail: 'empty user id' }));
		}
		const key = sessionKey(userId, settings);
		if (this.current?.key === key) {
			return this.current.promise;
		}
		const promise = this.createSession(userId, settings);
		const entry: { key: string; promise: Promise<ComposioToolSession>; session?: ComposioToolSession } = { key, promise };
		this.current = entry;
		promise.then(
			(session) => {
				entry.session = session;
			},
			() => {
				if (this.current === entry) {
					this.current = undefined;
				}
			},
		);
		return promise;
	}

	/** The auth configs of the project these settings' key belongs to. Throws ComposioError `auth` when no key is set (the client factory's check). */
	authConfigs(settings: ComposioSettings): AuthConfigApi {
		return new ComposioAuthConfigs(this.factory.get(settings.apiKey, settings.baseUrl), { logger: this.logger, secrets: [settings.apiKey], baseUrl: settings.baseUrl });
	}

	/** Forgets the current session (user id or key changed, or the user asked); the next getSession creates one. */
	dropSessions(): void {
		if (this.current) {
			this.logger.debug('Dropping the Composio session.');
		}
		this.current = undefined;
	}

	/**
	 * The settings requests were made under are over (API key, endpoint, user id or mode changed):
	 * drops the session and ends every client's generation, so each request in flight is aborted,
	 * waits for a connection end ('cancelled'), and no request with the old settings is sent again.
	 */
	endGeneration(): void {
		this.logger.debug('Composio settings changed: ending the requests made under the old ones.');
		this.current = undefined;
		this.factory.clear();
	}

	dispose(): void {
		this.current = undefined;
		if (this.ownsFactory) {
			this.factory.dispose();
		}
	}

	private async createSession(userId: string, settings: ComposioSettings): Promise<ComposioToolSession> {
		const secrets = [settings.apiKey];
		let composio: ComposioSdk;
		try {
			composio = this.factory.get(settings.apiKey, settings.baseUrl);
		} catch (e) {
			throw toComposioError(e, { secrets });
		}
		const scope = settings.toolkits.length > 0 ? settings.toolkits.join(', ') : 'all toolkits';
		this.logger.debug(`Creating a Composio session (${scope}${settings.multiAccount ? ', multi-account' : ''}${settings.workbench ? ', workbench on' : ''}).`);
		let sdkSession: SdkSession;
		try {
			sdkSession = await createSdkSession(composio, userId, settings);
		} catch (e) {
			const err = toComposioError(e, { secrets });
			this.logger.warn(`Creating the Composio session failed: ${err.detail}`);
			throw missingAuthConfig(err, settings) ?? err;
		}
		this.logger.info(`Composio session ${sdkSession.sessionId} created.`);
		return new ComposioToolSession(composio, sdkSession, userId, {
			logger: this.logger,
			secrets,
			reconnections: this.reconnections,
			clock: this.options.clock ?? systemClock,
			generation: this.factory.signalOf(composio),
			pollIntervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_MS,
			authConfigs: { ...settings.authConfigs },
			multiAccount: settings.multiAccount,
			...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
			onSessionLost: (lost) => this.forget(lost),
			...(this.options.onAccountActive ? { onAccountActive: this.options.onAccountActive } : {}),
		});
	}

	/** Drops the current session if it is `lost`. */
	private forget(lost: ComposioToolSession): void {
		if (this.current?.session === lost) {
			this.logger.info(`Composio session ${lost.sessionId} is gone; a new one will be created.`);
			this.current = undefined;
		}
	}
}

/**
 * A session refused because an auth config `composio.authConfigs` names is not in the project
 * (deleted, or from another project): says which, and the way out.
 */
function missingAuthConfig(err: ComposioError, settings: ComposioSettings): ComposioError | undefined {
	if (err.status !== 404) {
		return undefined;
	}
	const named = Object.entries(settings.authConfigs).find(([, id]) => err.detail.includes(id));
	if (!named) {
		return undefined;
	}
	const [toolkit, id] = named;
	return new ComposioError(
		'notFound',
		l10n.t('The auth config {0} that composio.authConfigs names for {1} is not in your Composio project (it may have been deleted). Run Composio: Choose Auth Config… to pick another, or remove it from the settings.', id, toolkit),
		{ detail: err.detail, status: 404 },
	);
}

function sessionKey(userId: string, settings: ComposioSettings): string {
	const options = {
		toolkits: [...settings.toolkits].sort(),
		authConfigs: Object.entries(settings.authConfigs).sort(([a], [b]) => a.localeCompare(b)),
		multiAccount: settings.multiAccount,
		workbench: settings.workbench === true,
	};
	const keyHash = createHash('sha256').update(settings.apiKey).digest('hex');
	return JSON.stringify([userId, keyHash, settings.baseUrl, options]);
}
