/**
 * Which links the extension opens on its own, which it asks about, and which it refuses.
 * Connect Links arrive inside model and tool output, so they are untrusted text: only HTTPS
 * to Composio (or to the configured Composio host) and plain HTTP to this machine (the sandbox
 * emulator) open without a question; other web links need the user's confirmation; every
 * other scheme (`javascript:`, `command:`, `file:`, …) and anything unparsable is refused.
 */
import type { Logger } from '../common/logger';

/** The verdict on a link: open it, ask first, or refuse. */
export type LinkVerdict = 'open' | 'confirm' | 'refuse';

/** What the policy needs to know about the configuration. */
export interface LinkPolicyOptions {
	/** The Composio API base URL in use; its host is trusted like composio.dev. */
	readonly baseUrl: string;
}

/** Links longer than this are refused: no Connect Link is this long, and such a URL hides its host. */
export const MAX_LINK_LENGTH = 4096;

const COMPOSIO_DOMAIN = 'composio.dev';

function parse(url: string): URL | undefined {
	if (typeof url !== 'string' || url.length === 0 || url.length > MAX_LINK_LENGTH) {
		return undefined;
	}
	// Control characters or spaces inside a link are a sign of smuggling (`java\tscript:`); refuse
	// rather than let the URL parser quietly drop them.
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0020\u007f]/.test(url)) {
		return undefined;
	}
	try {
		return new URL(url);
	} catch {
		return undefined;
	}
}

/** True for hosts on this machine: localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackHost(hostname: string): boolean {
	const h = hostname.toLowerCase();
	if (h === 'localhost' || h === '[::1]') {
		return true;
	}
	// The URL parser has already normalised IPv4 forms (decimal, hex, short) to dotted quads.
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
	return m !== null && m[1] === '127' && m.slice(2).every((o) => Number(o) <= 255);
}

function isComposioHost(hostname: string): boolean {
	const h = hostname.toLowerCase();
	return h === COMPOSIO_DOMAIN || h.endsWith(`.${COMPOSIO_DOMAIN}`);
}

function configuredHost(baseUrl: string): string | undefined {
	try {
		const u = new URL(baseUrl);
		return u.protocol === 'https:' || u.protocol === 'http:' ? u.host.toLowerCase() : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Classifies a link. `open`: `https:` to composio.dev or a subdomain of it (exact suffix
 * `.composio.dev`), `https:` to the configured base URL's host, or `http:` to loopback.
 * `confirm`: any other `http:`/`https:` link, and links carrying a user name or password.
 * `refuse`: every other scheme and anything unparsable. Never throws.
 */
export function classifyLink(url: string, options: LinkPolicyOptions): LinkVerdict {
	const u = parse(url);
	if (!u) {
		return 'refuse';
	}
	if (u.protocol !== 'https:' && u.protocol !== 'http:') {
		return 'refuse';
	}
	if (u.username !== '' || u.password !== '') {
		// `https://connect.composio.dev@evil.example` style links: make the user look.
		return 'confirm';
	}
	const hostname = u.hostname;
	if (u.protocol === 'http:') {
		return isLoopbackHost(hostname) ? 'open' : 'confirm';
	}
	if (isComposioHost(hostname) || u.host.toLowerCase() === configuredHost(options.baseUrl)) {
		return 'open';
	}
	return 'confirm';
}

/** Opens a link for the user. Resolves true when it was opened. */
export interface LinkOpener {
	open(url: string): Promise<boolean>;
}

/** Asks the user whether to open a link that is not on the trusted list. Resolves true to open. */
export interface LinkConfirmer {
	confirm(url: string): Promise<boolean>;
}

/** Options for PolicyLinkOpener. */
export interface PolicyLinkOpenerOptions {
	/** The current Composio base URL (read at each call, since settings can change). */
	readonly baseUrl: () => string;
	readonly logger?: Logger;
}

/**
 * A LinkOpener that applies `classifyLink`: opens trusted links at once, asks the confirmer
 * about the rest of the web, and refuses everything else without calling anything. It opens
 * the parser's normalised form of the URL, so what is checked is what is opened.
 * The VS Code side injects `vscode.env.openExternal` and a modal confirmer.
 */
export class PolicyLinkOpener implements LinkOpener {
	constructor(
		private readonly openExternal: (url: string) => Promise<boolean>,
		private readonly confirmer: LinkConfirmer,
		private readonly options: PolicyLinkOpenerOptions,
	) {}

	async open(url: string): Promise<boolean> {
		const verdict = classifyLink(url, { baseUrl: this.options.baseUrl() });
		const logger = this.options.logger;
		if (verdict === 'refuse') {
			logger?.warn(`Refused to open a link with a disallowed scheme or form (${describeForLog(url)}).`);
			return false;
		}
		const href = new URL(url).href;
		if (verdict === 'confirm' && !(await this.confirmer.confirm(href))) {
			logger?.info(`The user declined to open ${describeForLog(href)}.`);
			return false;
		}
		logger?.debug(`Opening ${describeForLog(href)}.`);
		return this.openExternal(href);
	}
}

/** Names a link for the log without its query or fragment (which can carry tokens). */
function describeForLog(url: string): string {
	const u = parse(url);
	if (!u) {
		return 'unparsable link';
	}
	if (u.protocol !== 'https:' && u.protocol !== 'http:') {
		return `${u.protocol} link`;
	}
	return `${u.protocol}//${u.host}${u.pathname}`;
}
