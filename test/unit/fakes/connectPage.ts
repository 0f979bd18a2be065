import assert from 'node:assert/strict';

/** Drives the emulator's hosted Connect page as a browser would: GET it, then POST its form. */
export async function submitConnectPage(url: string, decision: 'authorize' | 'deny'): Promise<void> {
	const page = await fetch(url);
	assert.equal(page.status, 200, (await page.text()).slice(0, 200));
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ decision }).toString(),
		redirect: 'manual',
	});
	assert.ok(res.status === 200 || res.status === 303, `connect page answered ${res.status}`);
	await res.text();
}
