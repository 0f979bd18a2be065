/** Toolkit logos for Connect cards, from the session's own toolkit list. */
import type { Logger } from '../common/logger';
import type { ToolSession } from '../composio/toolSession';

/** Asks a session for its toolkits once and answers logo look-ups from that list. Best effort: no logo is never an error. */
export class ToolkitLogos {
	private cache: { readonly session: ToolSession; readonly byToolkit: Promise<Map<string, string>> } | undefined;

	constructor(private readonly logger: Logger) {}

	/** The logo URL of `toolkit` in `session`; undefined when it has none or the list could not be had (logged). A new session asks again. */
	async logo(session: ToolSession, toolkit: string): Promise<string | undefined> {
		if (this.cache?.session !== session) {
			this.cache = { session, byToolkit: session.toolkits().then((list) => new Map(list.flatMap((t) => (t.logo ? [[t.slug, t.logo] as const] : [])))) };
		}
		try {
			return (await this.cache.byToolkit).get(toolkit);
		} catch (e) {
			this.logger.debug(`No logo for ${toolkit}: ${e instanceof Error ? e.message : String(e)}`);
			return undefined;
		}
	}
}
