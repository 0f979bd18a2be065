/**
 * Resolves once `check` holds, polling every `intervalMs`; rejects naming `what` after a generous
 * bound, so a broken test fails rather than hangs. The bound never decides a pass. Shared by the
 * unit, in-editor and browser tests.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, boundMs = 15_000, intervalMs = 5): Promise<void> {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > boundMs) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
