/** Display names for toolkits and tools (GMAIL_FETCH_EMAILS → "Gmail", "Fetch emails"). */
import { toolkitDisplayName } from '../common/toolkitNames';

/** A toolkit slug's display name ('Tool' when unknown). */
export function toolkitName(slug: string | undefined): string {
	return slug ? toolkitDisplayName(slug) : 'Tool';
}

/** A tool slug's action in words, without its toolkit prefix. */
export function toolAction(slug: string, toolkit: string | undefined): string {
	let rest = slug;
	const prefix = (toolkit ?? slug.split('_')[0] ?? '').toUpperCase() + '_';
	if (rest.toUpperCase().startsWith(prefix)) {
		rest = rest.slice(prefix.length);
	}
	const words = rest.toLowerCase().split('_').filter(Boolean).join(' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The host part of a URL, for showing where a link goes; '' when it doesn't parse. */
export function linkHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return '';
	}
}
