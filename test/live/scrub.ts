/**
 * Scrubbing what the live check recorded before it becomes a fixture: the API key and anything
 * that looks like a credential, every email address, the names people go by, and the live
 * check's own user id. What remains is the answer's shape with harmless values.
 */

/** Keys whose string values are credentials, wherever they appear. */
const CREDENTIAL_KEY = /token|secret|password|passwd|api_?key|authorization|cookie|credential|private|session_?key|\bcode\b|^code$/i;
/** Keys whose string values name a person, wherever they appear. */
const PERSON_KEY = /^(user_?name|login|display_?name|full_?name|real_?name|first_?name|last_?name|given_?name|family_?name|nickname|avatar_?url|picture)$/i;
/** Objects about the user, where even `name` names a person. */
const PERSON_OBJECT = /^(current_user_info|user_info|user|profile|author|sender|owner|creator)$/i;
/** An email address, anywhere in a text. */
export const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export interface ScrubOptions {
	/** Exact values to remove wherever they appear (the API key, the live user id). */
	readonly secrets: readonly string[];
	/** What the live check's user id becomes. */
	readonly userId?: { readonly value: string; readonly replacement: string };
}

/** A scrubbed copy of `value`. */
export function scrub(value: unknown, options: ScrubOptions, key = '', parent = ''): unknown {
	if (typeof value === 'string') {
		let text = value;
		if (options.userId) {
			text = text.split(options.userId.value).join(options.userId.replacement);
		}
		for (const secret of options.secrets) {
			if (secret !== '') {
				text = text.split(secret).join('<redacted>');
			}
		}
		if (CREDENTIAL_KEY.test(key) && text !== '') {
			return '<redacted>';
		}
		if (PERSON_KEY.test(key) || (key.toLowerCase() === 'name' && PERSON_OBJECT.test(parent))) {
			return text === '' ? text : 'Redacted Name';
		}
		return text.replace(EMAIL, 'user@example.com');
	}
	if (Array.isArray(value)) {
		return value.map((v) => scrub(v, options, key, parent));
	}
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, options, k, key)]));
	}
	return value;
}
