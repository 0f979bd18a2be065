/** Reading a task request: the phrases and patterns several scripts share. Pure. */

/** The task names an email address. */
export const EMAIL_ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;

/** "open an issue" asks to create one; "open issues" (plural) asks to list them. */
export const WANTS_ISSUE = /\b(?:create|open|file|raise|make|submit|log|add)\s+(?:[\w-]+\s+){0,3}?(?:issue|bug|ticket)\b|\bnew (?:issue|ticket)\b/;

/** The task names Slack, or a #channel. */
export const SLACK = /\bslack\b/;
export const CHANNEL_TAG = /(?:^|\s)#[a-z0-9_-]+/;

/** The task is about the file in the active editor. */
export const THIS_FILE = /\b(?:this|the current|the open|my current|the active) file\b|\bin here\b/;

/** True when the (lower-case) request names Slack or a #channel. */
export function slackish(lower: string): boolean {
	return SLACK.test(lower) || CHANNEL_TAG.test(lower);
}

// Single quotes count only around words, so apostrophes ("user's") are not mistaken for quotes.
const QUOTED = /"([^"\n]{2,200})"|“([^”\n]{2,200})”|(?:^|\s)'([^'\n]{2,200})'(?=$|[\s.,!?:;])|‘([^’\n]{2,200})’/;

/** The first quoted text of the request. */
export function quoted(text: string): string | undefined {
	const m = QUOTED.exec(text);
	return m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
}

export function capitalize(text: string): string {
	return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** A phrase without what follows it about attachments or where it goes ("… with the selected code", "… in acme/webapp"). */
export function tidyPhrase(text: string): string {
	return text
		.replace(/\s+(?:with|including|and (?:attach|include))\s+(?:the\s+|this\s+|my\s+)?(?:selected\s+|attached\s+|current\s+)?(?:code|snippet|selection|file|context)\b.*$/i, '')
		.replace(/\s+(?:in|on|to)\s+(?:the\s+)?(?:github|repo(?:sitory)?|[\w.-]+\/[\w.-]+)\b.*$/i, '')
		.replace(/\s+(?:on|in|to)\s+(?:slack|linear)\b.*$/i, '')
		.replace(/[\s.!?:;,]+$/, '')
		.trim();
}

/** A title: quoted text, else the words after "titled"/"called"/"about"/"for". */
export function titleFrom(request: string): string | undefined {
	const q = quoted(request);
	if (q) {
		return q.trim();
	}
	const m = /\b(?:titled|called|named)\s+(.+)$/i.exec(request) ?? /\b(?:about|for|saying|that says|regarding)\s+(.+)$/i.exec(request);
	const phrase = m?.[1] ? tidyPhrase(m[1]) : '';
	return phrase.length > 0 ? capitalize(phrase) : undefined;
}

/** The first email address of the request. */
export function emailAddress(request: string): string | undefined {
	return EMAIL_ADDRESS.exec(request)?.[0];
}
