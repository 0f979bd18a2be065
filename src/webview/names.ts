/** Display names for toolkits and tools (GMAIL_FETCH_EMAILS → "Gmail", "Fetch emails"). */
import { toolkitDisplayName } from '../common/toolkitNames';

/** A toolkit slug's display name (`unknown`, the view's word for a tool, when there is none). */
export function toolkitName(slug: string | undefined, unknown: string): string {
	return slug ? toolkitDisplayName(slug) : unknown;
}

/** The host part of a URL, for showing where a link goes; '' when it doesn't parse. */
export function linkHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return '';
	}
}
