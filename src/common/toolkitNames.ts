/** Display names for toolkit slugs, shared by the host (prompts, notices) and the chat view. */

/** Display names of well-known toolkits; others are capitalised from their slug. */
const TOOLKIT_NAMES: Readonly<Record<string, string>> = {
	composio: 'Composio',
	vscode: 'VS Code',
	gmail: 'Gmail',
	github: 'GitHub',
	slack: 'Slack',
	linear: 'Linear',
	googlecalendar: 'Google Calendar',
	googledrive: 'Google Drive',
	googledocs: 'Google Docs',
	googlesheets: 'Google Sheets',
	notion: 'Notion',
	jira: 'Jira',
	outlook: 'Outlook',
	hubspot: 'HubSpot',
	gitlab: 'GitLab',
	discord: 'Discord',
	trello: 'Trello',
	asana: 'Asana',
	posthog: 'PostHog',
	hackernews: 'Hacker News',
	shopify: 'Shopify',
};

/** A human name for a toolkit slug: `gmail` → `Gmail`, `github` → `GitHub`, `my_app` → `My App`. */
export function toolkitDisplayName(slug: string): string {
	const known = TOOLKIT_NAMES[slug.toLowerCase()];
	if (known) {
		return known;
	}
	return slug
		.split(/[_\-\s]+/)
		.filter((w) => w.length > 0)
		.map((w) => w[0]!.toUpperCase() + w.slice(1))
		.join(' ');
}

/** A tool slug's action in words, without its toolkit prefix: GMAIL_SEND_EMAIL → "Send email". */
export function toolAction(slug: string, toolkit: string | undefined): string {
	let rest = slug;
	const prefix = (toolkit ?? slug.split('_')[0] ?? '').toUpperCase() + '_';
	if (rest.toUpperCase().startsWith(prefix)) {
		rest = rest.slice(prefix.length);
	}
	const words = rest.toLowerCase().split('_').filter(Boolean).join(' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}
