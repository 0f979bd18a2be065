/**
 * The simulated apps behind the auth cases of Composio's catalog: Hacker News (no sign-in: its
 * tools run without an account), PostHog (no Composio-managed app: the developer's own OAuth app
 * is the only way) and Shopify (the managed app is gone: an API key or an own app). Their tools'
 * answers are fixed data; the toolkits themselves are in emulatorToolkits.ts.
 */

/** An app tool's answer, as emulatorAppData.ts gives it: `error` null on success. */
type Answer = { data: Record<string, unknown>; error: string | null };

function limitOf(args: Record<string, unknown>, fallback: number): number {
	return typeof args.limit === 'number' ? Math.max(1, Math.floor(args.limit)) : fallback;
}

const STORIES = [
	{ id: 41000001, title: 'Show HN: A tiny key-value store in 300 lines of Rust', url: 'https://example.org/kv', score: 412, descendants: 131 },
	{ id: 41000002, title: 'The unreasonable effectiveness of boring technology', url: 'https://example.org/boring', score: 388, descendants: 204 },
	{ id: 41000003, title: 'How we cut our CI time in half', url: 'https://example.org/ci', score: 257, descendants: 89 },
	{ id: 41000004, title: 'Ask HN: What editor extensions do you use every day?', url: 'https://news.ycombinator.com/item?id=41000004', score: 198, descendants: 342 },
	{ id: 41000005, title: 'A visual guide to OAuth 2.0 redirect URIs', url: 'https://example.org/oauth', score: 176, descendants: 47 },
];

const PROJECTS = [
	{ id: 101, name: 'Acme Web', events_this_week: 184_220 },
	{ id: 102, name: 'Acme Mobile', events_this_week: 52_910 },
];

const PRODUCTS = [
	{ id: 9001, title: 'Acme Hoodie', price: '49.00', inventory: 120 },
	{ id: 9002, title: 'Acme Mug', price: '14.00', inventory: 342 },
	{ id: 9003, title: 'Acme Sticker Pack', price: '6.00', inventory: 1500 },
];

/** The tools of the auth-case apps, by slug. */
export const AUTH_CASE_EXECUTORS: Record<string, (ctx: unknown, args: Record<string, unknown>) => Answer> = {
	HACKERNEWS_GET_TOP_STORIES: (_ctx, args) => ({ data: { stories: STORIES.slice(0, limitOf(args, 10)) }, error: null }),
	POSTHOG_LIST_PROJECTS: () => ({ data: { results: PROJECTS }, error: null }),
	SHOPIFY_LIST_PRODUCTS: (_ctx, args) => ({ data: { products: PRODUCTS.slice(0, limitOf(args, 10)) }, error: null }),
};
