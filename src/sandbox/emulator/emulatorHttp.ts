/**
 * HTTP plumbing shared by the emulator's routes: Composio's error shape, JSON/HTML replies,
 * request-body reading and id generation. Node's `http` only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { isRecord } from '../../common/isRecord';

/** Largest request body the emulator reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

const ERROR_SLUGS: Record<number, { slug: string; code: number }> = {
	// Composio's live validation error (recorded); the other statuses' slugs are the emulator's own.
	400: { slug: 'HTTP_BadRequest', code: 10400 },
	401: { slug: 'Auth_InvalidApiKey', code: 10401 },
	403: { slug: 'Auth_Forbidden', code: 10403 },
	404: { slug: 'Resource_NotFound', code: 10404 },
	405: { slug: 'Request_MethodNotAllowed', code: 10405 },
	409: { slug: 'Resource_Conflict', code: 10409 },
	410: { slug: 'Resource_Gone', code: 10410 },
	413: { slug: 'Request_TooLarge', code: 10413 },
	422: { slug: 'Request_Unprocessable', code: 10422 },
	429: { slug: 'RateLimit_Exceeded', code: 10429 },
};

/** An API failure that the router turns into Composio's error body with this status. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly suggestedFix: string = '',
		readonly slug?: string,
		/** Composio's numeric code, where the route has its own (4302 for a toolkit with no active connection); else the status's. */
		readonly code?: number,
		/** Composio's list of what failed validation (`errors`). */
		readonly errors: readonly string[] = [],
	) {
		super(message);
		this.name = 'ApiError';
	}
}

/** A random id with a Composio-like prefix, e.g. `ca_k3J9…`. */
export function newId(prefix: string, length = 12): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	const bytes = randomBytes(length);
	let out = '';
	for (const b of bytes) {
		out += alphabet[b % alphabet.length] ?? 'x';
	}
	return `${prefix}_${out}`;
}

/** Composio's error body: `{error: {message, code, slug, status, request_id, suggested_fix, errors}}`. */
export function errorBody(status: number, message: string, suggestedFix = '', slug?: string, code?: number, errors: readonly string[] = []): Record<string, unknown> {
	const known = ERROR_SLUGS[status] ?? { slug: status >= 500 ? 'Internal_ServerError' : 'Request_Error', code: 10000 + status };
	return {
		error: {
			message,
			code: code ?? known.code,
			slug: slug ?? known.slug,
			status,
			request_id: newId('req', 16),
			suggested_fix: suggestedFix,
			errors,
		},
	};
}

/** Writes a JSON reply. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store',
		...headers,
	});
	res.end(text);
}

/** Writes Composio's error body with `status`. */
export function sendError(res: ServerResponse, status: number, message: string, suggestedFix = '', headers: Record<string, string> = {}, slug?: string, code?: number, errors: readonly string[] = []): void {
	sendJson(res, status, errorBody(status, message, suggestedFix, slug, code, errors), headers);
}

/** The Content-Security-Policy of the emulator's HTML pages: inline styles, data: images, nothing external. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self' http: https:; base-uri 'none'";

/** Writes an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
	res.writeHead(status, {
		'content-type': 'text/html; charset=utf-8',
		'content-length': Buffer.byteLength(html),
		'cache-control': 'no-store',
		'content-security-policy': PAGE_CSP,
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'no-referrer',
	});
	res.end(html);
}

/** Reads the whole request body as text; rejects with ApiError(413) past MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				tooLarge = true;
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => (tooLarge ? reject(new ApiError(413, 'Request body too large')) : resolve(Buffer.concat(chunks).toString('utf8'))));
		req.on('error', reject);
	});
}

/** Parses a JSON body; an empty body is `undefined`. Throws ApiError(400) on invalid JSON. */
export function parseJsonBody(text: string): unknown {
	if (text.trim() === '') {
		return undefined;
	}
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new ApiError(400, 'Request body is not valid JSON', 'Send a JSON body with content-type application/json.');
	}
}

/** A string field, or undefined. */
export function optString(record: Record<string, unknown>, key: string): string | undefined {
	const v = record[key];
	return typeof v === 'string' ? v : undefined;
}

/** An array of strings, or undefined when absent; throws ApiError(400) when present but malformed. */
export function optStringArray(record: Record<string, unknown>, key: string): string[] | undefined {
	const v = record[key];
	if (v === undefined || v === null) {
		return undefined;
	}
	if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
		throw new ApiError(400, `'${key}' must be an array of strings`);
	}
	return v as string[];
}

/** Splits a comma-joined query parameter (how the SDK sends arrays) into its values. */
export function queryList(value: string | undefined): string[] | undefined {
	if (value === undefined || value === '') {
		return undefined;
	}
	return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** `decodeURIComponent` that answers a malformed escape with ApiError(400) instead of a URIError. */
export function decodePathPart(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		throw new ApiError(400, `Malformed path segment '${part}'`);
	}
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An opaque page cursor, as Composio's base64 cursors. */
export function encodeCursor(offset: number): string {
	return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/** Decodes a cursor from `encodeCursor`; throws ApiError(400) for anything else. */
export function decodeCursor(cursor: string | undefined): number {
	if (!cursor) {
		return 0;
	}
	try {
		const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
		if (isRecord(parsed) && typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) {
			return parsed.offset;
		}
	} catch {
		// fall through
	}
	throw new ApiError(400, 'Invalid cursor', 'Pass the next_cursor value from the previous page unchanged.');
}

/** Parses a positive integer `limit` query parameter, clamped to `max`. */
export function parseLimit(value: string | undefined, fallback: number, max: number): number {
	if (value === undefined || value === '') {
		return fallback;
	}
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) {
		throw new ApiError(400, `Invalid limit '${value}': must be a positive integer`);
	}
	return Math.min(n, max);
}

/** One page of `items` with Composio's pagination fields. */
export function paginate<T>(items: readonly T[], offset: number, limit: number): { items: T[]; next_cursor: string | null; total_pages: number; current_page: number; total_items: number } {
	const page = items.slice(offset, offset + limit);
	return {
		items: page,
		next_cursor: offset + limit < items.length ? encodeCursor(offset + limit) : null,
		total_pages: Math.max(1, Math.ceil(items.length / limit)),
		current_page: Math.floor(offset / limit) + 1,
		total_items: items.length,
	};
}
