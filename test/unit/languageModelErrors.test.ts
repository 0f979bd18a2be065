import assert from 'node:assert/strict';
import { toLanguageModelError } from '../../src/agent/languageModelErrors';
import { ModelError } from '../../src/agent/modelErrors';

/** The shape VS Code's LanguageModelError has when it reaches an extension: an Error with a `code` (and maybe a `cause`). */
function lmError(message: string, code: string, cause?: unknown): Error {
	const e = new Error(message, cause === undefined ? undefined : { cause }) as Error & { code: string };
	e.name = 'LanguageModelError';
	e.code = code;
	return e;
}

const MODEL = { model: 'GPT-4.1 (Copilot)' };

describe('VS Code language model errors (toLanguageModelError)', () => {
	const cases: Array<{ name: string; error: unknown; kind: string; action?: string; says: RegExp }> = [
		{ name: 'consent refused (NoPermissions)', error: lmError("Language model 'x' cannot be used by 'composio-agent'.", 'NoPermissions'), kind: 'consent', action: 'retry', says: /not allowed to use GPT-4\.1 \(Copilot\).*choose Allow, or choose another model/ },
		{ name: 'blocked (quota)', error: lmError('Blocked', 'Blocked'), kind: 'blocked', action: 'chooseModel', says: /not available to Composio Agent right now.*quota or rate limit/ },
		{ name: 'model gone (NotFound)', error: lmError("Language model 'x' is unknown.", 'NotFound'), kind: 'notFound', action: 'chooseModel', says: /no longer available in VS Code\. Choose another model\./ },
		{ name: 'context too long in the cause', error: lmError('Request Failed', 'Unknown', new Error('prompt token count of 140213 exceeds the limit of 128000')), kind: 'contextTooLong', action: 'chooseModel', says: /too long for GPT-4\.1 \(Copilot\)'s context window/ },
		{ name: 'context length exceeded', error: new Error("This model's maximum context length is 8192 tokens."), kind: 'contextTooLong', action: 'chooseModel', says: /context window/ },
		{ name: 'rate limit', error: lmError('Server error: 429 Too Many Requests', 'Unknown'), kind: 'rateLimited', action: 'retry', says: /limiting requests right now/ },
		{ name: 'quota', error: new Error('You have exceeded your monthly premium requests quota.'), kind: 'blocked', action: 'chooseModel', says: /used up your quota/ },
		{ name: 'not ready yet', error: new Error('Language model unavailable'), kind: 'unreachable', action: 'retry', says: /not ready yet/ },
		{ name: 'anything else', error: new Error('Internal provider failure'), kind: 'server', action: 'retry', says: /reported an error while answering/ },
		{ name: 'a thrown string', error: 'boom', kind: 'server', action: 'retry', says: /reported an error/ },
		{ name: 'cancellation', error: Object.assign(new Error('Canceled'), { name: 'Canceled' }), kind: 'cancelled', says: /cancelled/ },
	];
	for (const c of cases) {
		it(`${c.name} → ${c.kind}${c.action ? ` with ${c.action}` : ''}`, () => {
			const e = toLanguageModelError(c.error, MODEL);
			assert.ok(e instanceof ModelError);
			assert.equal(e.kind, c.kind);
			assert.equal(e.action, c.action);
			assert.match(e.message, c.says);
		});
	}

	it("keeps the provider's first line as the detail, with keys masked, and never puts it in the message", () => {
		const e = toLanguageModelError(new Error('upstream said: bad key sk-abcdefghijklmnop1234\nstack line'), MODEL);
		assert.equal(e.detail, 'upstream said: bad key [redacted]');
		assert.doesNotMatch(e.message, /sk-|upstream/);
	});

	it('passes a ModelError through unchanged', () => {
		const original = new ModelError('auth', 'x');
		assert.equal(toLanguageModelError(original, MODEL), original);
	});
});
