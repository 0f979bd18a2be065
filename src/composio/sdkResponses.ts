/**
 * What the Composio SDK hands back, read with zod into this layer's own shapes. The SDK turns
 * the API's snake_case JSON into camelCase objects, but when a response does not match its own
 * schema it only logs a warning and passes the object through, so nothing it returns is trusted:
 * required fields are checked, and a malformed optional field is dropped rather than failing
 * the whole response.
 */
import * as l10n from '@vscode/l10n';
import { z } from 'zod';
import { COMPOSIO_MESSAGES, ComposioError } from './composioErrors';
import { type ConnectedAccount, readConnectionStatus, type ConnectRequest, type ToolExecutionResult, type ToolkitStatus } from './toolSession';

/** A non-empty string; anything else (absent, null, '', another type) reads as undefined. */
const text = z.string().min(1).optional().catch(undefined);
/** A boolean; anything else reads as undefined. */
const flag = z.boolean().optional().catch(undefined);
/** A status: any non-empty word (one this version does not know reads as UNKNOWN, and does not fail a whole list). */
const status = z.string().min(1);

/** A connected account (`connectedAccounts.get`, and each item of `connectedAccounts.list`). */
const AccountSchema = z.object({
	id: z.string().min(1),
	status,
	toolkit: z.object({ slug: text }).optional().catch(undefined),
	alias: text,
	statusReason: text,
	isDisabled: flag,
	createdAt: text,
	authConfig: z.object({ id: text }).optional().catch(undefined),
	state: z.object({ val: z.record(z.string(), z.unknown()).optional().catch(undefined) }).optional().catch(undefined),
});

/** Fields of an account's state that say whose it is without being a credential, in order of preference. */
const STATE_HINT_FIELDS = ['email', 'user_email', 'username', 'account_id', 'subdomain', 'shop', 'site_name', 'domain', 'your-domain', 'instance_url', 'base_url'];

/** The first identifying, non-secret field of an account's state (Composio sends credentials as "REDACTED" or not at all). */
function stateHint(val: Record<string, unknown> | undefined): string | undefined {
	for (const field of STATE_HINT_FIELDS) {
		const value = val?.[field];
		if (typeof value === 'string' && value.trim() !== '' && value.trim().length <= 200 && !/redacted/i.test(value)) {
			return value.trim();
		}
	}
	return undefined;
}

/** A toolkit of a session with this user's connection (each item of `session.toolkits()`). */
const ToolkitSchema = z.object({
	slug: z.string().min(1),
	name: text,
	logo: text,
	isNoAuth: flag,
	connection: z
		.object({
			isActive: flag,
			authConfig: z.object({ id: text, isComposioManaged: flag }).nullish().catch(undefined),
			connectedAccount: z.object({ id: text, status: status.optional().catch(undefined) }).nullish().catch(undefined),
		})
		.nullish()
		.catch(undefined),
});

/** One page of a list: its items (each read on its own) and the cursor of the next page. */
const PageSchema = z.object({
	items: z.array(z.unknown()).catch([]),
	/** `session.toolkits()` names it `cursor`, `connectedAccounts.list` `nextCursor`. */
	cursor: text,
	nextCursor: text,
});

/** A Connect Link request (`session.authorize`). */
const ConnectionRequestSchema = z.object({ id: z.string(), redirectUrl: text });

/** A tool execution (`session.execute`): the tool's own error is text, '' meaning none. */
const ExecutionSchema = z.object({ data: z.unknown(), error: text, logId: text });

function malformed(what: string, issues: z.ZodError): ComposioError {
	const where = issues.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
	return new ComposioError('server', COMPOSIO_MESSAGES.unreachable, { action: 'retry', detail: `${what} in the response was malformed (${where})` });
}

/** Reads a connected account. Throws ComposioError 'server' when it has no id or no known status. */
export function parseAccount(value: unknown): ConnectedAccount {
	const parsed = AccountSchema.safeParse(value);
	if (!parsed.success) {
		throw malformed('a connected account', parsed.error);
	}
	const a = parsed.data;
	const hint = stateHint(a.state?.val);
	return {
		id: a.id,
		toolkit: a.toolkit?.slug ?? 'unknown',
		...(a.alias ? { alias: a.alias } : {}),
		...readConnectionStatus(a.status),
		...(a.statusReason ? { statusReason: a.statusReason } : {}),
		disabled: a.isDisabled === true,
		createdAt: a.createdAt ?? '',
		...(a.authConfig?.id ? { authConfigId: a.authConfig.id } : {}),
		...(hint ? { stateHint: hint } : {}),
	};
}

/** Reads a toolkit; undefined when it has no slug (such an item is skipped). */
export function parseToolkit(value: unknown): ToolkitStatus | undefined {
	const parsed = ToolkitSchema.safeParse(value);
	if (!parsed.success) {
		return undefined;
	}
	const t = parsed.data;
	const isNoAuth = t.isNoAuth === true;
	const account = t.connection?.connectedAccount;
	const authConfig = t.connection?.authConfig;
	return {
		slug: t.slug,
		name: t.name ?? t.slug,
		...(t.logo ? { logo: t.logo } : {}),
		isNoAuth,
		connected: isNoAuth || t.connection?.isActive === true,
		...(account?.id ? { accountId: account.id } : {}),
		...(account?.status ? { accountStatus: readConnectionStatus(account.status).status } : {}),
		...(authConfig?.id ? { authConfigId: authConfig.id } : {}),
		...(authConfig?.isComposioManaged !== undefined ? { isComposioManaged: authConfig.isComposioManaged } : {}),
	};
}

/** Reads a page of a list: its raw items, and the cursor of the next page from `cursorField`, if any. */
export function parsePage(value: unknown, cursorField: 'cursor' | 'nextCursor'): { readonly items: readonly unknown[]; readonly next: string | undefined } {
	const parsed = PageSchema.safeParse(value);
	return parsed.success ? { items: parsed.data.items, next: parsed.data[cursorField] } : { items: [], next: undefined };
}

/** Reads a Connect Link request for `toolkit`. Throws ComposioError 'server' when it holds no link. */
export function parseConnectRequest(value: unknown, toolkit: string): ConnectRequest {
	const parsed = ConnectionRequestSchema.safeParse(value);
	if (!parsed.success || !parsed.data.redirectUrl) {
		const account = parsed.success ? parsed.data.id : 'unknown';
		throw new ComposioError('server', l10n.t('Composio did not return a Connect Link.'), { action: 'retry', detail: `no redirect_url for ${toolkit} (account ${account})` });
	}
	return { accountId: parsed.data.id, redirectUrl: parsed.data.redirectUrl, toolkit };
}

/** Reads a tool execution's result. */
export function parseExecution(value: unknown): ToolExecutionResult {
	const parsed = ExecutionSchema.safeParse(value);
	if (!parsed.success) {
		throw malformed('a tool execution', parsed.error);
	}
	return { data: parsed.data.data, error: parsed.data.error ?? null, ...(parsed.data.logId ? { logId: parsed.data.logId } : {}) };
}
