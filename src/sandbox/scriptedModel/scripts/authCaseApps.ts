/**
 * The apps behind the auth cases of Composio's catalog (emulatorAuthCases.ts): Hacker News's top
 * stories (no sign-in), PostHog's projects (no Composio-managed app: the user's own app) and
 * Shopify's products (Composio's app is gone: an API key or the user's own app).
 */
import { findRecords, inline, pick } from '../payloads';
import type { Script } from '../script';

/** "What's on Hacker News?" */
export const topHackerNewsStories: Script = {
	name: 'top-hacker-news-stories',
	when: { any: [/\bhacker ?news\b/, /\bhn\b/] },
	start: () => ({
		app: { toolkit: 'hackernews', tool: 'HACKERNEWS_GET_TOP_STORIES', args: { limit: 5 }, purpose: 'get the top Hacker News stories', render: renderStories },
	}),
};

/** "List my PostHog projects" */
export const listPosthogProjects: Script = {
	name: 'list-posthog-projects',
	when: { any: [/\bposthog\b/] },
	start: () => ({
		app: { toolkit: 'posthog', tool: 'POSTHOG_LIST_PROJECTS', args: {}, purpose: 'list your PostHog projects', render: renderProjects },
	}),
};

/** "List my Shopify products" */
export const listShopifyProducts: Script = {
	name: 'list-shopify-products',
	when: { any: [/\bshopify\b/] },
	start: () => ({
		app: { toolkit: 'shopify', tool: 'SHOPIFY_LIST_PRODUCTS', args: { limit: 10 }, purpose: 'list your Shopify products', render: renderProducts },
	}),
};

function renderStories(payload: unknown): string {
	const stories = findRecords(payload);
	if (stories.length === 0) {
		return 'Hacker News has no top stories right now.';
	}
	const lines = stories.map((s, i) => {
		const title = inline(pick(s, 'title') ?? 'untitled');
		const url = pick(s, 'url');
		const facts = [typeof s['score'] === 'number' ? `${s['score']} points` : '', typeof s['descendants'] === 'number' ? `${s['descendants']} comments` : ''].filter(Boolean).join(', ');
		return `${i + 1}. ${url ? `[${title}](${url})` : title}${facts ? ` (${facts})` : ''}`;
	});
	return ['## Top stories on Hacker News', '', ...lines].join('\n');
}

function renderProjects(payload: unknown): string {
	const projects = findRecords(payload);
	if (projects.length === 0) {
		return 'This PostHog account has no projects.';
	}
	const lines = projects.map((p) => {
		const events = typeof p['events_this_week'] === 'number' ? ` (${p['events_this_week'].toLocaleString('en-US')} events this week)` : '';
		return `- **${inline(pick(p, 'name') ?? 'unnamed')}**${events}`;
	});
	return ['## PostHog projects', '', ...lines].join('\n');
}

function renderProducts(payload: unknown): string {
	const products = findRecords(payload);
	if (products.length === 0) {
		return 'This Shopify store has no products.';
	}
	const lines = products.map((p) => {
		const facts = [pick(p, 'price') ? `$${pick(p, 'price')}` : '', typeof p['inventory'] === 'number' ? `${p['inventory']} in stock` : ''].filter(Boolean).join(', ');
		return `- **${inline(pick(p, 'title') ?? 'untitled')}**${facts ? ` (${facts})` : ''}`;
	});
	return ['## Shopify products', '', ...lines].join('\n');
}
