/**
 * Links to pages served on this machine (the sandbox's Connect page): which links those are, and
 * how such a link reads once its origin is resolved to where the window runs.
 */

/** True for an http(s) URL on a loopback host (127.0.0.0/8, localhost, [::1]). */
export function isLoopbackHttpUrl(url: string): boolean {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return false;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return false;
	}
	const host = parsed.hostname.toLowerCase();
	return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The URL's origin with a root path: what is handed to the editor to resolve. */
export function originOf(url: string): string {
	return `${new URL(url).origin}/`;
}

/**
 * The link `url` as seen from `resolvedOrigin`, which is what the editor made of `url`'s origin
 * (the same origin locally; a forwarded port or a proxy route such as `https://host/proxy/4123/`
 * elsewhere). The path, query and fragment of `url` are kept, below the resolved path.
 */
export function rebaseOnOrigin(url: string, resolvedOrigin: string): string {
	const original = new URL(url);
	const base = new URL(resolvedOrigin);
	const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
	base.pathname = basePath + original.pathname.replace(/^\/+/, '');
	base.search = original.search;
	base.hash = original.hash;
	return base.toString();
}
