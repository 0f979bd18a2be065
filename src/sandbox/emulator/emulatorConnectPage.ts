/**
 * The hosted Connect page the emulator serves at a Connect Link: a self-contained HTML page
 * (inline CSS, inline SVG logo, no scripts, no external resources) that asks the user to
 * authorize or deny the connection, plus the pages shown afterwards and for dead links.
 * Every dynamic value goes through `escapeHtml`.
 */
import { escapeHtml } from './emulatorHttp';
import type { AuthConfigRecord } from './emulatorAuthConfigs';
import type { ToolkitDef } from './emulatorToolkits';

const STYLE = `
:root { color-scheme: light dark; --bg: #f4f5f8; --card: #ffffff; --text: #1d1f24; --muted: #5f6570; --border: #dfe2e8; --accent: #5b3df5; --accent-text: #ffffff; --danger: #b42318; --ok: #067647; }
@media (prefers-color-scheme: dark) { :root { --bg: #16171b; --card: #202228; --text: #eceef2; --muted: #a3a9b5; --border: #343741; --accent: #7c66ff; --danger: #f97066; --ok: #47cd89; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; background: var(--bg); color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; padding: 24px; }
main { width: 100%; max-width: 440px; background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 32px; box-shadow: 0 6px 24px rgba(0,0,0,.08); }
.logos { display: flex; align-items: center; justify-content: center; gap: 14px; margin-bottom: 20px; }
.logos svg { width: 56px; height: 56px; display: block; }
.dots { color: var(--muted); letter-spacing: 3px; }
h1 { font-size: 21px; line-height: 1.3; margin: 0 0 8px; text-align: center; }
p { margin: 0 0 12px; }
.lead { text-align: center; color: var(--muted); }
dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 14px; margin: 18px 0; padding: 14px 16px; border: 1px solid var(--border); border-radius: 10px; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; font-weight: 600; }
ul { margin: 0 0 18px; padding-left: 20px; }
label { display: block; font-weight: 600; margin: 4px 0 6px; }
input[type=password], input[type=text] { width: 100%; padding: 10px 12px; border: 1px solid var(--border); border-radius: 8px; background: transparent; color: var(--text); font: inherit; }
.hint { font-size: 13px; color: var(--muted); margin-top: 6px; }
.error { color: var(--danger); font-weight: 600; }
.actions { display: flex; gap: 10px; margin-top: 22px; }
button { flex: 1; padding: 11px 14px; border-radius: 8px; font: inherit; font-weight: 600; cursor: pointer; border: 1px solid var(--border); background: transparent; color: var(--text); }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.status { text-align: center; font-size: 40px; line-height: 1; margin-bottom: 12px; }
.status.ok { color: var(--ok); }
.status.bad { color: var(--danger); }
footer { margin-top: 22px; font-size: 12px; color: var(--muted); text-align: center; }
`;

const COMPOSIO_MARK =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="Composio">' +
	'<rect width="64" height="64" rx="14" fill="#5b3df5"/><path d="M40 22a14 14 0 1 0 0 20" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round"/></svg>';

function page(title: string, body: string): string {
	return (
		'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
		'<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
		'<meta name="referrer" content="no-referrer">\n' +
		`<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>\n${body}\n` +
		'<footer>Composio Sandbox · a simulated sign-in: no real account is contacted and nothing leaves this machine.</footer>\n' +
		'</main>\n</body>\n</html>\n'
	);
}

function logos(toolkit: ToolkitDef): string {
	// The toolkit SVG is a constant from the catalog (no user input), so it is inlined as markup.
	return `<div class="logos">${COMPOSIO_MARK}<span class="dots" aria-hidden="true">•••</span>${toolkit.logoSvg}</div>`;
}

function minutesLeft(expiresAt: string, now: number): string {
	const ms = Math.max(0, Date.parse(expiresAt) - now);
	const minutes = Math.ceil(ms / 60_000);
	return minutes <= 1 ? 'less than a minute' : `${minutes} minutes`;
}

/** What the Connect page shows. */
export interface ConnectPageModel {
	readonly toolkit: ToolkitDef;
	readonly authConfig: Pick<AuthConfigRecord, 'appName' | 'isComposioManaged' | 'scopes' | 'authScheme'>;
	readonly userId: string;
	readonly alias: string | null;
	readonly expiresAt: string;
	readonly now: number;
	/** Shown above the buttons after a rejected submit (e.g. a missing API key). */
	readonly error?: string;
	/** Who signs in by default (the "Sign in as" field of toolkits whose profile tool the sandbox answers). */
	readonly identity?: string;
}

/** The "Sign in as" field's label for the toolkits whose profile tool the sandbox answers. */
const IDENTITY_LABELS: Readonly<Record<string, string>> = { gmail: 'Google account (email address)', github: 'GitHub username', slack: 'Slack user name' };

/** The page at a live Connect Link: app, user, permissions, an API key field when needed, Authorize and Deny. */
export function renderConnectPage(model: ConnectPageModel): string {
	const { toolkit, authConfig } = model;
	const name = escapeHtml(toolkit.name);
	const app = escapeHtml(authConfig.appName);
	const needsKey = authConfig.authScheme === 'API_KEY';
	const permissions = toolkit.permissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('');
	const keyField = needsKey
		? `<label for="api_key">${name} API key</label>` +
			`<input id="api_key" name="api_key" type="password" autocomplete="off" required aria-describedby="api_key_hint">` +
			`<p class="hint" id="api_key_hint">Create a personal API key in ${name} under Settings → API. The sandbox accepts any non-empty value.</p>`
		: '';
	const identityLabel = IDENTITY_LABELS[toolkit.slug];
	const identityField =
		identityLabel && model.identity !== undefined
			? `<label for="identity">Sign in as: ${escapeHtml(identityLabel)}</label>` +
				`<input id="identity" name="identity" type="text" autocomplete="off" value="${escapeHtml(model.identity)}" aria-describedby="identity_hint">` +
				`<p class="hint" id="identity_hint">The sandbox signs this person in; ${name}'s profile tool answers with it.</p>`
			: '';
	const error = model.error ? `<p class="error" role="alert">${escapeHtml(model.error)}</p>` : '';
	const body =
		logos(toolkit) +
		`<h1>Connect ${name}</h1>` +
		`<p class="lead"><strong>${app}</strong> wants to access your ${name} account.</p>` +
		'<dl>' +
		`<dt>User</dt><dd>${escapeHtml(model.userId)}</dd>` +
		(model.alias ? `<dt>Account name</dt><dd>${escapeHtml(model.alias)}</dd>` : '') +
		`<dt>App</dt><dd>${app}${authConfig.isComposioManaged ? '' : ' (custom app)'}</dd>` +
		`<dt>Sign-in</dt><dd>${authConfig.authScheme === 'OAUTH2' ? 'OAuth 2.0' : 'API key'}</dd>` +
		(authConfig.scopes.length > 0 ? `<dt>Scopes</dt><dd><ul class="scopes">${authConfig.scopes.map((sc) => `<li><code>${escapeHtml(sc)}</code></li>`).join('')}</ul></dd>` : '') +
		'</dl>' +
		(permissions ? `<p>This will allow ${app} to:</p><ul>${permissions}</ul>` : '') +
		'<form method="post">' +
		identityField +
		keyField +
		error +
		'<div class="actions">' +
		'<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>' +
		'<button type="submit" name="decision" value="authorize" class="primary">Authorize</button>' +
		'</div></form>' +
		`<p class="hint" style="text-align:center;margin-top:14px">This link expires in ${minutesLeft(model.expiresAt, model.now)}.</p>`;
	return page(`Connect ${toolkit.name} — Composio Sandbox`, body);
}

/** The page after Authorize or Deny. */
export function renderResultPage(toolkit: ToolkitDef, outcome: 'authorized' | 'denied', reason?: string): string {
	const name = escapeHtml(toolkit.name);
	if (outcome === 'authorized') {
		const title = `${toolkit.name} connected — you can return to VS Code`;
		return page(
			title,
			logos(toolkit) +
				'<div class="status ok" aria-hidden="true">✓</div>' +
				`<h1>${name} connected — you can return to VS Code</h1>` +
				`<p class="lead">Your ${name} account is now connected. You can close this tab.</p>`,
		);
	}
	return page(
		'Connection denied — Composio Sandbox',
		logos(toolkit) +
			'<div class="status bad" aria-hidden="true">✕</div>' +
			'<h1>Connection denied</h1>' +
			`<p class="lead">${name} was not connected${reason ? `: ${escapeHtml(reason)}` : ''}. You can close this tab and return to VS Code.</p>`,
	);
}

/** The page for a link that is unknown, expired or already used. */
export function renderLinkProblemPage(problem: 'unknown' | 'expired' | 'used', toolkit?: ToolkitDef): string {
	const name = toolkit ? escapeHtml(toolkit.name) : 'the app';
	const [title, text] =
		problem === 'expired'
			? ['This link has expired', `Connect Links are valid for a limited time. Ask for a new link to connect ${name}.`]
			: problem === 'used'
				? ['This link was already used', `This Connect Link has already been completed. Ask for a new link if you want to connect ${name} again.`]
				: ['Link not found', 'This Connect Link does not exist. Check that you copied the whole link.'];
	return page(`${title} — Composio Sandbox`, (toolkit ? logos(toolkit) : '') + `<div class="status bad" aria-hidden="true">!</div><h1>${title}</h1><p class="lead">${text}</p>`);
}
