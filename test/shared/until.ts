/**
 * The one polling wait of the unit, in-editor and browser tests and the benchmarks: resolves
 * once `check` holds. It checks at once, then after pauses that double from 5 ms up to 100 ms,
 * so state that is nearly there is seen at once and a long wait costs a check every 100 ms (a
 * browser or editor round trip on a busy machine). It rejects naming `what` after a generous
 * bound, so a broken test fails saying what it waited for rather than hangs; the bound never
 * decides a pass. A check that throws rejects at once with its error.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, boundMs = 30_000): Promise<void> {
	const start = Date.now();
	let pauseMs = 5;
	while (!(await check())) {
		if (Date.now() - start > boundMs) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, pauseMs));
		pauseMs = Math.min(pauseMs * 2, 100);
	}
}
