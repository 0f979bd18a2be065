/**
 * The one driver of the emulator's hosted Connect page, as a browser uses it: open the page
 * (GET), then send its form (POST). Shared by the unit and in-editor tests; the browser suites
 * click the real page instead.
 */
import assert from 'node:assert/strict';

/** Opens the Connect page of a link; fails unless it answers 200. Returns its HTML. */
export async function openConnectPage(url: string): Promise<string> {
	const page = await fetch(url);
	const html = await page.text();
	assert.equal(page.status, 200, `the Connect page answered ${page.status}: ${html.slice(0, 200)}`);
	return html;
}

/** Sends the Connect page's form with these fields, as the page's buttons do, and returns the answer as it is (no redirect followed). */
export function postConnectPage(url: string, fields: Record<string, string>): Promise<Response> {
	return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

/**
 * Completes a link as a user would: opens its page, which must offer the form with that button,
 * then presses Authorize or Deny. Fails unless the page accepts (200, or 303 to the callback).
 */
export async function submitConnectPage(url: string, decision: 'authorize' | 'deny' = 'authorize', fields: Record<string, string> = {}): Promise<void> {
	const html = await openConnectPage(url);
	assert.match(html, /<form method="post"/, 'the page has its form');
	assert.ok(html.includes(`name="decision" value="${decision}"`), `the page has a ${decision} button`);
	const res = await postConnectPage(url, { decision, ...fields });
	const text = await res.text();
	assert.ok(res.status === 200 || res.status === 303, `the Connect page answered the form with ${res.status}: ${text.slice(0, 200)}`);
}
