/**
 * The simulated apps behind the local Composio emulator: toolkits, auth configs, tool
 * definitions in the JSON shapes Composio's API returns, and argument validation against those
 * schemas. The data the app tools work on lives in emulatorAppData.ts.
 */
/** A JSON-schema object as Composio ships it in `input_parameters` / `output_parameters`. */
export type JsonSchema = { [key: string]: unknown };

/** The auth schemes the simulated toolkits use. */
export type AuthScheme = 'OAUTH2' | 'API_KEY' | 'NO_AUTH';

/** A simulated app (a Composio "toolkit"). */
export interface ToolkitDef {
	readonly slug: string;
	readonly name: string;
	readonly description: string;
	readonly authScheme: AuthScheme;
	/** Other schemes a config of it may use (an API key beside OAuth). */
	readonly otherSchemes?: readonly AuthScheme[];
	/**
	 * Composio's managed app: there (absent), `none` (the developer must bring their own), or
	 * `gone` (the toolkit still says it has one, but making a config with it fails).
	 */
	readonly managedAuth?: 'none' | 'gone';
	/** A `data:` URI of a small SVG logo (the sandbox has no internet, so no remote logos). */
	readonly logo: string;
	/** The same logo as inline SVG markup, for the Connect page. */
	readonly logoSvg: string;
	/** Plain-language permissions shown on the Connect page. */
	readonly permissions: readonly string[];
}

/** An auth config: how users of a toolkit authenticate (Composio-managed or a custom app). */
export interface AuthConfigDef {
	readonly id: string;
	readonly toolkit: string;
	readonly name: string;
	readonly authScheme: AuthScheme;
	readonly isComposioManaged: boolean;
	/** The app name users see on the Connect page (white-label name for custom configs). */
	readonly appName: string;
	readonly createdAt: string;
}

/** A tool definition; `readOnly` decides its MCP hint tags. */
export interface ToolDef {
	readonly slug: string;
	readonly name: string;
	readonly toolkit: string;
	readonly description: string;
	readonly inputParameters: JsonSchema;
	readonly outputParameters: JsonSchema;
	readonly scopes: readonly string[];
	readonly readOnly: boolean;
}

/** The tool version every simulated tool reports. */
export const TOOL_VERSION = '20251120_00';

function svgLogo(background: string, letter: string): string {
	return (
		'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-hidden="true">' +
		`<rect width="64" height="64" rx="14" fill="${background}"/>` +
		'<text x="32" y="43" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="30" font-weight="700" ' +
		`text-anchor="middle" fill="#ffffff">${letter}</text></svg>`
	);
}

function dataUri(svg: string): string {
	return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

function toolkit(def: Omit<ToolkitDef, 'logo' | 'logoSvg'> & { color: string; letter: string }): ToolkitDef {
	const logoSvg = svgLogo(def.color, def.letter);
	return {
		slug: def.slug,
		name: def.name,
		description: def.description,
		authScheme: def.authScheme,
		...(def.otherSchemes ? { otherSchemes: def.otherSchemes } : {}),
		...(def.managedAuth ? { managedAuth: def.managedAuth } : {}),
		permissions: def.permissions,
		logoSvg,
		logo: dataUri(logoSvg),
	};
}

/** The Composio toolkit that owns the meta tools. */
export const COMPOSIO_TOOLKIT = toolkit({
	slug: 'composio',
	name: 'Composio',
	description: 'Composio meta tools: discover tools, manage connections and execute tools.',
	authScheme: 'API_KEY',
	permissions: [],
	color: '#5b3df5',
	letter: 'C',
});

/** The simulated toolkits, in display order. */
export const TOOLKITS: readonly ToolkitDef[] = [
	toolkit({
		slug: 'gmail',
		name: 'Gmail',
		description: "Google's email service: read, search and send email.",
		authScheme: 'OAUTH2',
		permissions: ['Read your email messages and labels', 'Send email on your behalf'],
		color: '#ea4335',
		letter: 'M',
	}),
	toolkit({
		slug: 'github',
		name: 'GitHub',
		description: 'Code hosting: repositories, issues and pull requests.',
		authScheme: 'OAUTH2',
		permissions: ['Read your repositories and issues', 'Create issues in your repositories'],
		color: '#24292f',
		letter: 'G',
	}),
	toolkit({
		slug: 'slack',
		name: 'Slack',
		description: 'Team messaging: channels, messages and threads.',
		authScheme: 'OAUTH2',
		permissions: ['View the channels in your workspace', 'Post messages as you'],
		color: '#4a154b',
		letter: 'S',
	}),
	toolkit({
		slug: 'linear',
		name: 'Linear',
		description: 'Issue tracking for software teams: issues, teams and projects.',
		authScheme: 'API_KEY',
		permissions: ['Read issues in your workspace', 'Create issues'],
		color: '#5e6ad2',
		letter: 'L',
	}),
	// The auth cases Composio's catalog holds (see emulatorAuthCases.ts).
	toolkit({
		slug: 'hackernews',
		name: 'Hacker News',
		description: 'Tech news: the top stories. Needs no sign-in.',
		authScheme: 'NO_AUTH',
		permissions: [],
		color: '#ff6600',
		letter: 'Y',
	}),
	toolkit({
		slug: 'posthog',
		name: 'PostHog',
		description: 'Product analytics: projects and insights. Composio has no managed app for it: connect it through your own OAuth app.',
		authScheme: 'OAUTH2',
		managedAuth: 'none',
		permissions: ['Read your projects and insights'],
		color: '#1d4aff',
		letter: 'P',
	}),
	toolkit({
		slug: 'shopify',
		name: 'Shopify',
		description: "Online stores: products and orders. Composio's managed app is no longer available: use an API key or your own app.",
		authScheme: 'OAUTH2',
		otherSchemes: ['API_KEY'],
		managedAuth: 'gone',
		permissions: ['Read your products'],
		color: '#5e8e3e',
		letter: 'S',
	}),
];

const CONFIGS_CREATED_AT = '2025-09-01T09:00:00.000Z';

/** The built-in auth configs: one Composio-managed and one custom (white-label) per toolkit that has a managed app. */
export const AUTH_CONFIGS: readonly AuthConfigDef[] = TOOLKITS.filter((tk) => tk.authScheme !== 'NO_AUTH' && !tk.managedAuth).flatMap((tk): AuthConfigDef[] => {
	const customApp: Record<string, string> = {
		gmail: 'Acme Inbox Assistant',
		github: 'Acme DevBot',
		slack: 'Acme Slack Helper',
		linear: 'Acme Issue Sync',
	};
	return [
		{
			id: `ac_${tk.slug}_managed`,
			toolkit: tk.slug,
			name: `${tk.name} (Composio managed)`,
			authScheme: tk.authScheme,
			isComposioManaged: true,
			appName: 'Composio',
			createdAt: CONFIGS_CREATED_AT,
		},
		{
			id: `ac_${tk.slug}_custom`,
			toolkit: tk.slug,
			name: `${tk.name} (${customApp[tk.slug] ?? 'Custom app'})`,
			authScheme: tk.authScheme,
			isComposioManaged: false,
			appName: customApp[tk.slug] ?? 'Custom app',
			createdAt: CONFIGS_CREATED_AT,
		},
	];
});

/**
 * A catalog of Composio's size for listing: the simulated toolkits, then generated ones up to
 * `size` (`catalog-app-0001`, …). The generated ones are only listed (names, logos, paging):
 * they have no tools, auth configs or accounts.
 */
export function listedCatalog(size: number): readonly ToolkitDef[] {
	if (size <= TOOLKITS.length) {
		return TOOLKITS;
	}
	const logoSvg = svgLogo('#6b7280', 'A');
	const generated = Array.from({ length: size - TOOLKITS.length }, (_, i): ToolkitDef => {
		const n = String(i + 1).padStart(4, '0');
		return { slug: `catalog-app-${n}`, name: `Catalog App ${n}`, description: `A generated toolkit of the large catalog (${n}).`, authScheme: 'OAUTH2', permissions: [], logoSvg, logo: dataUri(logoSvg) };
	});
	return [...TOOLKITS, ...generated];
}

/** Looks a toolkit up by slug (case-insensitive). */
export function findToolkit(slug: string): ToolkitDef | undefined {
	const s = slug.toLowerCase();
	return TOOLKITS.find((t) => t.slug === s);
}

// ── JSON-schema helpers ──────────────────────────────────────────────────────

function str(description: string, extra: JsonSchema = {}): JsonSchema {
	return { type: 'string', description, ...extra };
}
function int(description: string, extra: JsonSchema = {}): JsonSchema {
	return { type: 'integer', description, ...extra };
}
function bool(description: string, extra: JsonSchema = {}): JsonSchema {
	return { type: 'boolean', description, ...extra };
}
function arr(description: string, items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
	return { type: 'array', description, items, ...extra };
}
/** An object schema with its properties and required list. */
export function objectSchema(properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}): JsonSchema {
	return { type: 'object', properties, required, ...extra };
}

// ── App tools ───────────────────────────────────────────────────────────────

const EMAIL_ITEM = objectSchema({
	messageId: str('Gmail message id'),
	threadId: str('Gmail thread id'),
	messageTimestamp: str('When the message was received (ISO 8601)'),
	sender: str('From header'),
	to: str('To header'),
	subject: str('Subject'),
	messageText: str('Plain-text body'),
	labelIds: arr('Labels on the message', { type: 'string' }),
});

const GITHUB_ISSUE_ITEM = objectSchema({
	number: int('Issue number'),
	title: str('Title'),
	state: str('open or closed'),
	html_url: str('Link to the issue'),
	body: str('Issue body (Markdown)'),
	labels: arr('Labels', objectSchema({ name: str('Label name') })),
	user: objectSchema({ login: str('Author login') }),
	comments: int('Number of comments'),
	created_at: str('Creation time (ISO 8601)'),
	updated_at: str('Last update (ISO 8601)'),
});

const LINEAR_ISSUE_ITEM = objectSchema({
	id: str('Issue id'),
	identifier: str('Human identifier, e.g. ENG-118'),
	title: str('Title'),
	description: str('Description (Markdown)'),
	priority: int('0 none, 1 urgent, 2 high, 3 medium, 4 low'),
	state: objectSchema({ name: str('Workflow state name') }),
	team: objectSchema({ id: str('Team id'), key: str('Team key'), name: str('Team name') }),
	assignee: objectSchema({ id: str('User id'), name: str('User name') }),
	url: str('Link to the issue'),
	createdAt: str('Creation time (ISO 8601)'),
});

/** The app tools of the simulated toolkits. */
export const APP_TOOLS: readonly ToolDef[] = [
	{
		slug: 'GMAIL_FETCH_EMAILS',
		name: 'Fetch emails',
		toolkit: 'gmail',
		description:
			"Fetches email messages from the user's Gmail mailbox, newest first. Filter with a Gmail search query " +
			'(from:, to:, subject:, is:unread, is:starred, label:, in:inbox, in:sent, newer_than:1d, after:YYYY/MM/DD and free words) ' +
			'and/or label ids. Returns sender, recipients, subject, timestamp, labels and the message text.',
		inputParameters: objectSchema({
			max_results: int('Maximum number of messages to return.', { default: 10, minimum: 1, maximum: 500 }),
			query: str("Gmail search query, e.g. 'is:unread newer_than:1d' or 'from:priya@acme.dev'.", { examples: ['newer_than:1d', 'is:unread'] }),
			label_ids: arr("Only messages carrying all these label ids, e.g. ['INBOX'], ['UNREAD'], ['SENT'], ['IMPORTANT'].", { type: 'string' }),
			page_token: str('Token from a previous response to fetch the next page.'),
			user_id: str("The user's email address or 'me'.", { default: 'me' }),
		}),
		outputParameters: objectSchema(
			{
				messages: arr('Matching messages', EMAIL_ITEM),
				nextPageToken: str('Token for the next page, if any', { nullable: true }),
				resultSizeEstimate: int('Number of matching messages'),
			},
			['messages'],
		),
		scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
		readOnly: true,
	},
	{
		slug: 'GMAIL_SEND_EMAIL',
		name: 'Send email',
		toolkit: 'gmail',
		description: "Sends an email from the user's Gmail account. Returns the id of the sent message.",
		inputParameters: objectSchema(
			{
				recipient_email: str("Primary recipient's email address.", { format: 'email', examples: ['priya@acme.dev'] }),
				subject: str('Subject line.'),
				body: str('Message body (plain text, or HTML when is_html is true).'),
				cc: arr('Cc recipients.', { type: 'string', format: 'email' }),
				bcc: arr('Bcc recipients.', { type: 'string', format: 'email' }),
				is_html: bool('Whether body is HTML.', { default: false }),
				user_id: str("The user's email address or 'me'.", { default: 'me' }),
			},
			['recipient_email', 'body'],
		),
		outputParameters: objectSchema(
			{
				id: str('Id of the sent message'),
				threadId: str('Thread id'),
				labelIds: arr('Labels', { type: 'string' }),
			},
			['id'],
		),
		scopes: ['https://www.googleapis.com/auth/gmail.send'],
		readOnly: false,
	},
	{
		slug: 'GMAIL_GET_PROFILE',
		name: 'Get profile',
		toolkit: 'gmail',
		description: "Gets the Gmail profile of the connected account: its email address and message and thread counts.",
		inputParameters: objectSchema({
			user_id: str("The user's email address or 'me'.", { default: 'me' }),
		}),
		outputParameters: objectSchema(
			{
				emailAddress: str('The email address of the account'),
				messagesTotal: int('Messages in the mailbox'),
				threadsTotal: int('Threads in the mailbox'),
				historyId: str('Current history id'),
			},
			['emailAddress'],
		),
		scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
		readOnly: true,
	},
	{
		slug: 'GITHUB_GET_THE_AUTHENTICATED_USER',
		name: 'Get the authenticated user',
		toolkit: 'github',
		description: 'Gets the GitHub user the connected account signs in as: login, id, name and profile URL.',
		inputParameters: objectSchema({}),
		outputParameters: objectSchema(
			{
				login: str('Login'),
				id: int('User id'),
				name: str('Display name', { nullable: true }),
				html_url: str('Profile URL'),
				type: str('Account type'),
			},
			['login'],
		),
		scopes: ['read:user'],
		readOnly: true,
	},
	{
		slug: 'GITHUB_LIST_REPOSITORY_ISSUES',
		name: 'List repository issues',
		toolkit: 'github',
		description: 'Lists issues in a GitHub repository, newest first, optionally filtered by state, labels or assignee.',
		inputParameters: objectSchema(
			{
				owner: str('Repository owner (user or organisation), e.g. acme.'),
				repo: str('Repository name without the owner, e.g. webapp.'),
				state: str('Which issues to list.', { enum: ['open', 'closed', 'all'], default: 'open' }),
				labels: str('Comma-separated label names; only issues with all of them.'),
				assignee: str('Only issues assigned to this login.'),
				per_page: int('Results per page.', { default: 30, minimum: 1, maximum: 100 }),
				page: int('Page number, starting at 1.', { default: 1, minimum: 1 }),
			},
			['owner', 'repo'],
		),
		outputParameters: objectSchema({ issues: arr('Issues', GITHUB_ISSUE_ITEM) }, ['issues']),
		scopes: ['repo'],
		readOnly: true,
	},
	{
		slug: 'GITHUB_CREATE_AN_ISSUE',
		name: 'Create an issue',
		toolkit: 'github',
		description: 'Creates an issue in a GitHub repository. Returns its number and URL.',
		inputParameters: objectSchema(
			{
				owner: str('Repository owner, e.g. acme.'),
				repo: str('Repository name, e.g. webapp.'),
				title: str('Issue title.'),
				body: str('Issue body (Markdown).'),
				labels: arr('Label names to add.', { type: 'string' }),
				assignees: arr('Logins to assign.', { type: 'string' }),
			},
			['owner', 'repo', 'title'],
		),
		outputParameters: GITHUB_ISSUE_ITEM,
		scopes: ['repo'],
		readOnly: false,
	},
	{
		slug: 'SLACK_LIST_ALL_CHANNELS',
		name: 'List all channels',
		toolkit: 'slack',
		description: 'Lists the conversations (channels) in the Slack workspace with their ids, topics and member counts.',
		inputParameters: objectSchema({
			limit: int('Maximum number of channels to return.', { default: 100, minimum: 1, maximum: 1000 }),
			cursor: str('Pagination cursor from response_metadata.next_cursor.'),
			exclude_archived: bool('Leave archived channels out.', { default: false }),
			types: str('Comma-separated channel types.', { default: 'public_channel' }),
		}),
		outputParameters: objectSchema(
			{
				ok: bool('Whether the call succeeded'),
				channels: arr(
					'Channels',
					objectSchema({
						id: str('Channel id'),
						name: str('Channel name'),
						is_private: bool('Private channel'),
						is_archived: bool('Archived'),
						num_members: int('Member count'),
						topic: objectSchema({ value: str('Topic') }),
						purpose: objectSchema({ value: str('Purpose') }),
					}),
				),
				response_metadata: objectSchema({ next_cursor: str('Cursor for the next page; empty when done') }),
			},
			['ok', 'channels'],
		),
		scopes: ['channels:read'],
		readOnly: true,
	},
	{
		slug: 'SLACK_TEST_AUTH',
		name: 'Test auth',
		toolkit: 'slack',
		description: "Checks the connected account's token (auth.test) and says who it is: the user, the workspace and its URL.",
		inputParameters: objectSchema({}),
		outputParameters: objectSchema(
			{
				ok: bool('Whether the token works'),
				url: str('Workspace URL'),
				team: str('Workspace name'),
				team_id: str('Workspace id'),
				user: str('User name'),
				user_id: str('User id'),
			},
			['ok'],
		),
		scopes: [],
		readOnly: true,
	},
	{
		slug: 'SLACK_SEND_MESSAGE',
		name: 'Send message',
		toolkit: 'slack',
		description: 'Posts a message to a Slack channel as the user. Returns the channel id and the message timestamp (ts).',
		inputParameters: objectSchema(
			{
				channel: str('Channel id (e.g. C01GENERAL) or name (e.g. #general).'),
				text: str('Message text (Slack mrkdwn).'),
				thread_ts: str('Timestamp of a parent message to reply in its thread.'),
			},
			['channel', 'text'],
		),
		outputParameters: objectSchema(
			{
				ok: bool('Whether the call succeeded'),
				channel: str('Channel id'),
				ts: str('Message timestamp'),
				message: objectSchema({ text: str('Text'), user: str('Author'), ts: str('Timestamp'), type: str('Type') }),
			},
			['ok'],
		),
		scopes: ['chat:write'],
		readOnly: false,
	},
	{
		slug: 'LINEAR_LIST_LINEAR_ISSUES',
		name: 'List Linear issues',
		toolkit: 'linear',
		description: 'Lists issues in the Linear workspace, most recently created first, optionally filtered by team or assignee.',
		inputParameters: objectSchema({
			first: int('Number of issues to return.', { default: 50, minimum: 1, maximum: 250 }),
			after: str('Cursor (page_info.endCursor) to continue after.'),
			team_id: str("Only issues of this team (id like 'team_eng' or key like 'ENG')."),
			assignee_id: str("Only issues assigned to this user id, or 'me'."),
		}),
		outputParameters: objectSchema(
			{
				issues: arr('Issues', LINEAR_ISSUE_ITEM),
				page_info: objectSchema({ hasNextPage: bool('More issues exist'), endCursor: str('Cursor of the last issue') }),
			},
			['issues'],
		),
		scopes: ['read'],
		readOnly: true,
	},
	{
		slug: 'LINEAR_CREATE_LINEAR_ISSUE',
		name: 'Create Linear issue',
		toolkit: 'linear',
		description: 'Creates an issue in a Linear team. Returns its identifier (e.g. ENG-119) and URL.',
		inputParameters: objectSchema(
			{
				team_id: str("Team id ('team_eng', 'team_des') or key ('ENG', 'DES')."),
				title: str('Issue title.'),
				description: str('Issue description (Markdown).'),
				priority: int('0 none, 1 urgent, 2 high, 3 medium, 4 low.', { minimum: 0, maximum: 4, default: 0 }),
				assignee_id: str("User id to assign, or 'me'."),
			},
			['team_id', 'title'],
		),
		outputParameters: LINEAR_ISSUE_ITEM,
		scopes: ['write'],
		readOnly: false,
	},
	{
		slug: 'HACKERNEWS_GET_TOP_STORIES',
		name: 'Get top stories',
		toolkit: 'hackernews',
		description: "Gets the current top stories on Hacker News: title, link, points and comment count. Needs no account.",
		inputParameters: objectSchema({ limit: int('How many stories.', { default: 10, minimum: 1, maximum: 30 }) }),
		outputParameters: objectSchema({ stories: arr('Top stories', objectSchema({ id: int('Story id'), title: str('Title'), url: str('Link'), score: int('Points'), descendants: int('Comments') })) }, ['stories']),
		scopes: [],
		readOnly: true,
	},
	{
		slug: 'POSTHOG_LIST_PROJECTS',
		name: 'List projects',
		toolkit: 'posthog',
		description: 'Lists the PostHog projects of the connected account, with their event counts this week.',
		inputParameters: objectSchema({}),
		outputParameters: objectSchema({ results: arr('Projects', objectSchema({ id: int('Project id'), name: str('Name'), events_this_week: int('Events this week') })) }, ['results']),
		scopes: ['project:read'],
		readOnly: true,
	},
	{
		slug: 'SHOPIFY_LIST_PRODUCTS',
		name: 'List products',
		toolkit: 'shopify',
		description: "Lists the products of the connected Shopify store: title, price and inventory.",
		inputParameters: objectSchema({ limit: int('How many products.', { default: 10, minimum: 1, maximum: 50 }) }),
		outputParameters: objectSchema({ products: arr('Products', objectSchema({ id: int('Product id'), title: str('Title'), price: str('Price'), inventory: int('In stock') })) }, ['products']),
		scopes: ['read_products'],
		readOnly: true,
	},
];

/** Looks an app tool up by slug (case-insensitive). */
export function findAppTool(slug: string): ToolDef | undefined {
	const s = slug.toUpperCase();
	return APP_TOOLS.find((t) => t.slug === s);
}

/** MCP hint tags for a tool: read tools are read-only and idempotent; write tools are neither. */
export function toolTags(tool: Pick<ToolDef, 'readOnly'>): string[] {
	return tool.readOnly ? ['readOnlyHint', 'idempotentHint', 'openWorldHint'] : ['openWorldHint'];
}

// ── Argument validation ─────────────────────────────────────────────────────

function typeOfValue(value: unknown): string {
	if (Array.isArray(value)) {
		return 'array';
	}
	if (value === null) {
		return 'null';
	}
	if (typeof value === 'number') {
		return Number.isInteger(value) ? 'integer' : 'number';
	}
	return typeof value;
}

function matchesType(expected: unknown, value: unknown): boolean {
	const actual = typeOfValue(value);
	if (expected === 'number') {
		return actual === 'number' || actual === 'integer';
	}
	return typeof expected !== 'string' || expected === actual;
}

/**
 * Checks tool arguments against the tool's input schema: required fields present, declared
 * types and enums respected. Returns Composio-style error text, or null when valid.
 */
export function validateArguments(schema: JsonSchema, args: Record<string, unknown>): string | null {
	const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
	const missing = required.filter((name) => args[name] === undefined || args[name] === null || args[name] === '');
	if (missing.length > 0) {
		return `Invalid request data provided - Following fields are missing: {${missing.map((m) => `'${m}'`).join(', ')}}`;
	}
	const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
	for (const [name, value] of Object.entries(args)) {
		const prop = properties[name];
		if (!prop || value === undefined || value === null) {
			continue;
		}
		if (!matchesType(prop.type, value)) {
			return `Invalid request data provided - '${name}' must be of type ${String(prop.type)}, got ${typeOfValue(value)}`;
		}
		if (Array.isArray(prop.enum) && !prop.enum.includes(value)) {
			return `Invalid request data provided - '${name}' must be one of ${prop.enum.map((e) => `'${String(e)}'`).join(', ')}`;
		}
		if (typeof value === 'number' && typeof prop.minimum === 'number' && value < prop.minimum) {
			return `Invalid request data provided - '${name}' must be >= ${prop.minimum}`;
		}
		if (typeof value === 'number' && typeof prop.maximum === 'number' && value > prop.maximum) {
			return `Invalid request data provided - '${name}' must be <= ${prop.maximum}`;
		}
		if (prop.type === 'array' && Array.isArray(value)) {
			const items = prop.items as JsonSchema | undefined;
			if (items && value.some((v) => !matchesType(items.type, v))) {
				return `Invalid request data provided - every item of '${name}' must be of type ${String(items.type)}`;
			}
		}
	}
	return null;
}

/** A meta tool's definition. */
export interface MetaToolDef {
	readonly slug: string;
	readonly name: string;
	readonly description: string;
	readonly inputParameters: JsonSchema;
	readonly outputParameters: JsonSchema;
	readonly readOnly: boolean;
}
