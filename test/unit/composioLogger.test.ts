import assert from 'node:assert/strict';
import { REDACTED, RedactingLogger, redact, type Logger } from '../../src/common/logger';

class RecordingLogger implements Logger {
	readonly lines: string[] = [];
	trace(m: string): void {
		this.lines.push(`trace ${m}`);
	}
	debug(m: string): void {
		this.lines.push(`debug ${m}`);
	}
	info(m: string): void {
		this.lines.push(`info ${m}`);
	}
	warn(m: string): void {
		this.lines.push(`warn ${m}`);
	}
	error(m: string | Error): void {
		this.lines.push(`error ${typeof m === 'string' ? m : `ERROR OBJECT ${m.message}`}`);
	}
}

describe('redact', () => {
	it('replaces every occurrence of each secret, longest first', () => {
		const out = redact('key=sk_live_abcdef and again sk_live_abcdef; short sk_live', ['sk_live', 'sk_live_abcdef']);
		assert.ok(!out.includes('abcdef'));
		assert.ok(!out.includes('sk_live'));
	});

	it('replaces URL-encoded secrets', () => {
		const out = redact('GET /x?api_key_q=a%2Fb%2Bc%3D', ['a/b+c=']);
		assert.ok(!out.includes('a%2Fb%2Bc%3D'), out);
	});

	it('hides credential-named values even when the secret is unknown', () => {
		for (const text of [
			'x-api-key: abc123secret',
			'{"x-api-key":"abc123secret"}',
			"headers {'api_key': 'abc123secret'}",
			'Authorization: Bearer abc123secret',
			'apiKey=abc123secret&x=1',
		]) {
			const out = redact(text, []);
			assert.ok(!out.includes('abc123secret'), `${text} -> ${out}`);
			assert.ok(out.includes(REDACTED));
		}
	});

	it('leaves text without secrets alone and ignores tiny secrets', () => {
		assert.equal(redact('nothing to see', ['', 'a']), 'nothing to see');
	});
});

describe('RedactingLogger', () => {
	it('redacts strings and errors at every level, and stops after the secret is removed', () => {
		const inner = new RecordingLogger();
		const logger = new RedactingLogger(inner);
		const remove = logger.addSecret('super-secret-key');
		logger.trace('t super-secret-key');
		logger.debug('d super-secret-key');
		logger.info('i super-secret-key');
		logger.warn('w super-secret-key');
		logger.error(new Error('boom super-secret-key'));
		assert.equal(inner.lines.length, 5);
		assert.ok(inner.lines.every((l) => !l.includes('super-secret-key')), inner.lines.join('\n'));
		// Errors are written as text (message and stack), never as the object.
		assert.ok(inner.lines[4]?.startsWith('error Error: boom [REDACTED]'));
		remove();
		logger.info('after super-secret-key');
		assert.equal(inner.lines.at(-1), 'info after super-secret-key');
	});
});
