/** Toolkit logos for Connect cards, asked of the session toolkit by toolkit, never by listing the catalog. */
import type { Logger } from '../common/logger';
import type { ToolSession } from '../composio/toolSession';

/** Asks a session for each toolkit's logo once (one small request per toolkit shown). Best effort: no logo is never an error. */
export class ToolkitLogos {
	private cache: { readonly session: ToolSession; readonly byToolkit: Map<string, Promise<string | undefined>> } | undefined;

	constructor(private readonly logger: Logger) {}

	/** The logo URL of `toolkit` in `session`; undefined when it has none or it could not be had (logged, and asked again next time). A new session asks again. */
	async logo(session: ToolSession, toolkit: string): Promise<string | undefined> {
		if (this.cache?.session !== session) {
			this.cache = { session, byToolkit: new Map() };
		}
		const byToolkit = this.cache.byToolkit;
		let found = byToolkit.get(toolkit);
		if (!found) {
			found = session.toolkitsNamed([toolkit]).then((list) => list.find((t) => t.slug === toolkit)?.logo);
			byToolkit.set(toolkit, found);
		}
		try {
			return await found;
		} catch (e) {
			byToolkit.delete(toolkit);
			this.logger.debug(`No logo for ${toolkit}: ${e instanceof Error ? e.message : String(e)}`);
			return undefined;
		}
	}
}
