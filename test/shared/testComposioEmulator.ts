/**
 * The Composio emulator as the tests run it: the shipped emulator (src/sandbox/emulator/composioEmulator.ts)
 * plus what only tests need, none of which ships:
 * - a log of every `/api/v3.1` request,
 * - fault injection (delays, dropped sockets, error statuses, malformed bodies) and a latency
 *   added to every request (the benchmark's 50 ms),
 * - direct control of links, account statuses, seeded accounts and seeded email,
 * - the same over HTTP under `/_emulator/*` (loopback only), for test drivers in other
 *   processes (the browser tests, the in-editor tests, the benchmark).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiRequest, ComposioEmulator, type ComposioEmulatorOptions } from '../../src/sandbox/emulator/composioEmulator';
import { accountJson } from '../../src/sandbox/emulator/emulatorApi';
import { type EmailRecord, type UserAppData, userEmail } from '../../src/sandbox/emulator/emulatorAppData';
import { isRecord } from '../../src/common/isRecord';
import { COMPONENT_HEADER } from '../../src/common/requestComponent';
import { ApiError, decodePathPart, optString, parseJsonBody, readBody, sendError, sendJson } from '../../src/sandbox/emulator/emulatorHttp';
import { isAccountStatus, LinkUnavailableError } from '../../src/sandbox/emulator/emulatorStore';
import { findToolkit } from '../../src/sandbox/emulator/emulatorToolkits';

/**
 * A fault applied to the next `count` `/api/v3.1` requests that match `pathIncludes` and
 * `method`: wait `delayMs`, then drop the socket, answer `status` (with Composio's error body,
 * and `retry-after` when `retryAfterSeconds`), or answer 200 with a non-JSON body (`malformed`).
 * With only `delayMs`, the request is answered normally after the delay.
 */
export interface EmulatorFault {
	status?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	drop?: boolean;
	malformed?: boolean;
	pathIncludes?: string;
	method?: string;
	/** How many matching requests the fault applies to; default 1; Infinity allowed. */
	count?: number;
}

/** One `/api/v3.1` request as the emulator received it. */
export interface EmulatorRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body: unknown;
	at: number;
	/** The `x-api-key` the request came with (recorded before the key is checked). */
	apiKey?: string;
	/** The part of the extension that made it (`COMPONENT_HEADER`), when it named one. */
	component?: string;
}

/** What `completeLink` does with a link. */
export interface LinkAction {
	decision: 'authorize' | 'deny';
	/** The key typed on the page for API-key toolkits (a placeholder is used when absent). */
	apiKey?: string;
	/** Status reason for a denial; default 'User denied access'. */
	reason?: string;
	/** Who signs in (what the profile tools answer with); default the account's simulated identity. */
	identity?: string;
	/** Make the account's profile tools fail. */
	profileFails?: boolean;
}

/** A message a test puts into a simulated inbox: any text, as hostile as the test likes. */
export interface SeedEmail {
	readonly from: string;
	readonly subject: string;
	readonly body?: string;
	readonly to?: string;
	readonly unread?: boolean;
}

function isLoopback(address: string | undefined): boolean {
	return !!address && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

/**
 * Puts `emails` at the top of the inbox, received just now in the given order (the first is the
 * newest), replacing the inbox when `replace`. Returns the new messages' ids.
 */
export function seedInbox(data: UserAppData, userId: string, emails: readonly SeedEmail[], replace = false): string[] {
	const added: EmailRecord[] = emails.map((e, i) => {
		const id = `19c${randomBytes(5).toString('hex')}${String(i).padStart(3, '0')}`.slice(0, 16);
		return {
			id,
			threadId: id,
			from: e.from,
			to: e.to ?? userEmail(userId),
			subject: e.subject,
			body: e.body ?? '',
			labels: e.unread === false ? ['INBOX'] : ['INBOX', 'UNREAD'],
			// Fractions of a minute keep them newest-first and ahead of the seeded mail.
			ageMinutes: i / 100,
		};
	});
	data.gmail.inbox = replace ? added : [...added, ...data.gmail.inbox];
	return added.map((e) => e.id);
}

/** The emulator with the tests' controls; see the file comment. */
export class TestComposioEmulator extends ComposioEmulator {
	/** Every `/api/v3.1` request received, in order. */
	readonly requests: EmulatorRequest[] = [];
	/** Every request whose headers arrived (any path, before its body is read or its key checked), with its `x-api-key`. */
	readonly arrivals: Array<{ readonly method: string; readonly path: string; readonly apiKey?: string }> = [];
	/** Added to every `/api/v3.1` request before it is answered. */
	latencyMs = 0;
	private faults: Array<EmulatorFault & { remaining: number }> = [];
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(options: ComposioEmulatorOptions = {}) {
		super(options);
	}

	override async stop(): Promise<void> {
		for (const timer of this.timers) {
			clearTimeout(timer);
		}
		this.timers.clear();
		await super.stop();
	}

	/** Adds a fault for the next matching `/api/v3.1` requests. */
	injectFault(fault: EmulatorFault): void {
		const count = fault.count ?? 1;
		if (!(count > 0)) {
			throw new Error('fault count must be positive');
		}
		this.faults.push({ ...fault, remaining: count });
	}

	/** Removes every pending fault. */
	clearFaults(): void {
		this.faults = [];
	}

	/**
	 * Completes a Connect Link as the hosted page would. Takes the token ('ln_…') or the full
	 * redirect URL. Throws when the link is unknown, expired or already used.
	 */
	completeLink(linkTokenOrUrl: string, action: LinkAction): void {
		const token = /\/link\/([^/?#]+)/.exec(linkTokenOrUrl)?.[1] ?? linkTokenOrUrl.trim();
		const link = this.store.findLink(token);
		const account = link ? this.store.getAccount(link.accountId) : undefined;
		// The key is asked for by the account's auth config (an API-key config of an OAuth toolkit asks too).
		const needsKey = account ? (this.store.authConfigs.find(account.authConfigId)?.authScheme ?? findToolkit(account.toolkit)?.authScheme) === 'API_KEY' : false;
		this.store.completeLink(token, {
			decision: action.decision,
			apiKey: action.apiKey ?? (needsKey ? 'sandbox-api-key' : undefined),
			reason: action.reason,
			...(action.identity ? { identity: action.identity } : {}),
		});
		if (action.profileFails && link) {
			this.store.setProfile(link.accountId, { fails: true });
		}
	}

	/** Every connected account the emulator holds, of every user, as Composio's API shows one. */
	accounts(): ReturnType<typeof accountJson>[] {
		return this.store.accounts().map((a) => accountJson(a, this.store.authConfigs));
	}

	/** Forces an account's status (e.g. 'EXPIRED', 'REVOKED', 'FAILED') with an optional reason. */
	setAccountStatus(accountId: string, status: string, reason?: string): void {
		if (!isAccountStatus(status)) {
			throw new Error(`Unknown connected account status '${status}'`);
		}
		this.store.setStatus(accountId, status, reason);
	}

	/** Changes who an account is (what its profile tools answer), makes its profile tools fail or work again, or has its provider revoke its token upstream (it still reads ACTIVE). */
	setAccountProfile(accountId: string, profile: { identity?: string; fails?: boolean; revokedUpstream?: boolean }): void {
		this.store.setProfile(accountId, profile);
	}

	/** Who an account signs in as (what its profile tools answer). */
	accountIdentity(accountId: string): string | undefined {
		return this.store.getAccount(accountId)?.identity;
	}

	/** Creates an ACTIVE account directly (on the toolkit's managed config unless `authConfigId` names one) and returns its id. */
	seedAccount(userId: string, toolkit: string, alias?: string, authConfigId?: string): string {
		return this.store.seedAccount(userId, toolkit, alias, authConfigId).id;
	}

	/**
	 * Puts messages at the top of a user's simulated Gmail inbox (the first is the newest),
	 * replacing the inbox when `replace`. Senders, subjects and bodies are stored as given, so
	 * tests can feed hostile text through GMAIL_FETCH_EMAILS. Returns the new message ids.
	 */
	seedEmails(userId: string, emails: readonly SeedEmail[], options: { replace?: boolean } = {}): string[] {
		const ids = seedInbox(this.store.userData(userId), userId, emails, options.replace === true);
		this.store.persist();
		return ids;
	}

	/** Forgets all state, recorded requests and faults. */
	reset(): void {
		this.store.reset();
		this.requests.length = 0;
		this.arrivals.length = 0;
		this.faults = [];
	}

	protected override async intercept(request: ApiRequest, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const { method, path, query, body } = request;
		const apiKey = req.headers['x-api-key'];
		const component = req.headers[COMPONENT_HEADER];
		this.requests.push({ method, path, query: Object.fromEntries(query), body, at: this.store.clock.now(), ...(typeof apiKey === 'string' ? { apiKey } : {}), ...(typeof component === 'string' ? { component } : {}) });
		if (this.latencyMs > 0) {
			await this.delay(this.latencyMs);
		}
		const fault = this.takeFault(method, path);
		if (!fault) {
			return !this.listening;
		}
		if (fault.delayMs) {
			await this.delay(fault.delayMs);
			if (!this.listening) {
				return true;
			}
		}
		if (fault.drop) {
			req.socket.destroy();
			return true;
		}
		if (fault.status) {
			const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
			const message = fault.status === 429 ? 'Rate limit exceeded, please retry later' : fault.status >= 500 ? 'Internal server error' : `Request failed with status ${fault.status}`;
			sendError(res, fault.status, message, fault.status === 429 ? 'Wait for the time in the retry-after header, then retry.' : '', headers);
			return true;
		}
		if (fault.malformed) {
			res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
			res.end('<html><body>502 Bad Gateway</body></html>');
			return true;
		}
		return false;
	}

	protected override async route(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<boolean> {
		const key = req.headers['x-api-key'];
		this.arrivals.push({ method, path: url.pathname, ...(typeof key === 'string' ? { apiKey: key } : {}) });
		if (!url.pathname.startsWith('/_emulator/')) {
			return super.route(req, res, method, url);
		}
		await this.handleAdmin(req, res, method, url.pathname.slice('/_emulator'.length), url.searchParams);
		return true;
	}

	private takeFault(method: string, path: string): EmulatorFault | undefined {
		const index = this.faults.findIndex((f) => (!f.method || f.method.toUpperCase() === method) && (!f.pathIncludes || path.includes(f.pathIncludes)));
		const fault = this.faults[index];
		if (!fault) {
			return undefined;
		}
		fault.remaining -= 1;
		if (fault.remaining <= 0) {
			this.faults.splice(index, 1);
		}
		return fault;
	}

	private delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	private async handleAdmin(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
		if (!isLoopback(req.socket.remoteAddress)) {
			sendError(res, 403, 'The emulator admin API is only available from this machine');
			return;
		}
		const body = method === 'POST' ? parseJsonBody(await readBody(req)) : undefined;
		const record = isRecord(body) ? body : {};
		if (path === '/faults' && method === 'POST') {
			const count = record.count === 'Infinity' || record.count === null ? Infinity : record.count;
			const fault: EmulatorFault = {
				...(typeof record.status === 'number' ? { status: record.status } : {}),
				...(typeof record.retryAfterSeconds === 'number' ? { retryAfterSeconds: record.retryAfterSeconds } : {}),
				...(typeof record.delayMs === 'number' ? { delayMs: record.delayMs } : {}),
				...(record.drop === true ? { drop: true } : {}),
				...(record.malformed === true ? { malformed: true } : {}),
				...(typeof record.pathIncludes === 'string' ? { pathIncludes: record.pathIncludes } : {}),
				...(typeof record.method === 'string' ? { method: record.method } : {}),
				...(typeof count === 'number' ? { count } : {}),
			};
			try {
				this.injectFault(fault);
			} catch (error) {
				throw new ApiError(400, error instanceof Error ? error.message : String(error));
			}
			sendJson(res, 201, { ok: true, pending: this.faults.length });
		} else if (path === '/faults' && method === 'DELETE') {
			this.clearFaults();
			sendJson(res, 200, { ok: true });
		} else if (path === '/latency' && method === 'POST') {
			if (typeof record.ms !== 'number' || !(record.ms >= 0)) {
				throw new ApiError(400, "'ms' must be a number >= 0");
			}
			this.latencyMs = record.ms;
			sendJson(res, 200, { ok: true, latencyMs: this.latencyMs });
		} else if (path === '/requests' && method === 'GET') {
			sendJson(res, 200, { requests: this.requests });
		} else if (path === '/requests' && method === 'DELETE') {
			this.requests.length = 0;
			sendJson(res, 200, { ok: true });
		} else if (path === '/reset' && method === 'POST') {
			this.reset();
			sendJson(res, 200, { ok: true });
		} else if (path.startsWith('/links/') && method === 'POST') {
			const token = decodePathPart(path.slice('/links/'.length));
			const decision = record.decision;
			if (decision !== 'authorize' && decision !== 'deny') {
				throw new ApiError(400, "'decision' must be 'authorize' or 'deny'");
			}
			try {
				this.completeLink(token, {
					decision,
					apiKey: optString(record, 'apiKey'),
					reason: optString(record, 'reason'),
					...(optString(record, 'identity') ? { identity: optString(record, 'identity') } : {}),
					...(record.profileFails === true ? { profileFails: true } : {}),
				});
			} catch (error) {
				if (error instanceof LinkUnavailableError) {
					throw new ApiError(error.problem === 'expired' ? 410 : error.problem === 'used' ? 409 : 404, error.message);
				}
				throw error;
			}
			const link = this.store.findLink(token);
			sendJson(res, 200, { account: link ? accountJson(this.store.requireAccount(link.accountId), this.store.authConfigs) : null });
		} else if (/^\/accounts\/[^/]+\/status$/.test(path) && method === 'POST') {
			const id = decodePathPart(path.split('/')[2] ?? '');
			const status = record.status;
			if (!isAccountStatus(status)) {
				throw new ApiError(400, `Unknown status '${String(status)}'`);
			}
			this.store.setStatus(id, status, optString(record, 'reason'));
			sendJson(res, 200, { account: accountJson(this.store.requireAccount(id), this.store.authConfigs) });
		} else if (/^\/accounts\/[^/]+\/profile$/.test(path) && method === 'POST') {
			const id = decodePathPart(path.split('/')[2] ?? '');
			this.store.setProfile(id, { ...(optString(record, 'identity') ? { identity: optString(record, 'identity') } : {}), ...(typeof record.fails === 'boolean' ? { fails: record.fails } : {}) });
			sendJson(res, 200, { account: accountJson(this.store.requireAccount(id), this.store.authConfigs) });
		} else if (path === '/accounts' && method === 'POST') {
			const userId = optString(record, 'userId');
			const toolkit = optString(record, 'toolkit');
			if (!userId || !toolkit) {
				throw new ApiError(400, "'userId' and 'toolkit' are required");
			}
			const id = this.seedAccount(userId, toolkit, optString(record, 'alias'));
			sendJson(res, 201, { id, account: accountJson(this.store.requireAccount(id), this.store.authConfigs) });
		} else if (/^\/users\/[^/]+\/emails$/.test(path) && method === 'POST') {
			const userId = decodePathPart(path.split('/')[2] ?? '');
			const list = Array.isArray(record.emails) ? (record.emails as unknown[]) : undefined;
			const emails = list?.map((e): SeedEmail | undefined => {
				if (!isRecord(e) || typeof e.from !== 'string' || typeof e.subject !== 'string') {
					return undefined;
				}
				return { from: e.from, subject: e.subject, ...(typeof e.body === 'string' ? { body: e.body } : {}), ...(typeof e.to === 'string' ? { to: e.to } : {}), ...(e.unread === false ? { unread: false } : {}) };
			});
			if (!emails || emails.some((e) => e === undefined)) {
				throw new ApiError(400, "'emails' must be a list of {from, subject, body?, to?, unread?}");
			}
			const ids = this.seedEmails(userId, emails.filter((e): e is SeedEmail => e !== undefined), { replace: record.replace === true });
			sendJson(res, 201, { ids });
		} else if (path === '/accounts' && method === 'GET') {
			const userId = query.get('user_id');
			sendJson(res, 200, { accounts: this.store.accounts().filter((a) => !userId || a.userId === userId).map((a) => accountJson(a, this.store.authConfigs)) });
		} else {
			sendError(res, 404, `Admin route ${method} /_emulator${path} not found`);
		}
	}
}
