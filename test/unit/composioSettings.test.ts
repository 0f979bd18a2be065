import assert from 'node:assert/strict';
import { DEFAULT_COMPOSIO_BASE_URL, parseComposioSettings } from '../../src/composio/settings';

describe('parseComposioSettings', () => {
	it('gives defaults for nothing', () => {
		const { settings, problems } = parseComposioSettings({});
		assert.deepEqual(settings, { apiKey: '', baseUrl: DEFAULT_COMPOSIO_BASE_URL, toolkits: [], authConfigs: {}, multiAccount: false, workbench: false });
		assert.deepEqual(problems, []);
	});

	it('keeps valid values, normalising slugs and the base URL', () => {
		const { settings, problems } = parseComposioSettings({
			apiKey: '  sandbox  ',
			baseUrl: 'http://127.0.0.1:5000/',
			toolkits: ['Gmail', ' github ', 'gmail'],
			authConfigs: { GMAIL: 'ac_gmail_custom' },
			multiAccount: true,
		});
		assert.deepEqual(settings, {
			apiKey: 'sandbox',
			baseUrl: 'http://127.0.0.1:5000',
			toolkits: ['gmail', 'github'],
			authConfigs: { gmail: 'ac_gmail_custom' },
			multiAccount: true,
			workbench: false,
		});
		assert.deepEqual(problems, []);
	});

	it('reports bad entries without throwing and drops only them', () => {
		const { settings, problems } = parseComposioSettings({
			baseUrl: 'http://composio.example.com',
			toolkits: ['slack', 'not a slug!', 7, ''],
			authConfigs: { github: 'gh_config', linear: 'ac_linear_1', 'bad key': 'ac_x', slack: 5 },
			multiAccount: 'yes',
		});
		assert.equal(settings.baseUrl, DEFAULT_COMPOSIO_BASE_URL);
		assert.deepEqual(settings.toolkits, ['slack']);
		assert.deepEqual(settings.authConfigs, { linear: 'ac_linear_1' });
		assert.equal(settings.multiAccount, false);
		assert.equal(problems.length, 8, problems.join('\n'));
		assert.ok(problems.some((p) => p.includes('composio.baseUrl') && p.includes('http:')));
		assert.ok(problems.some((p) => p.includes('"not a slug!"')));
		assert.ok(problems.some((p) => p.includes('composio.authConfigs.github') && p.includes('ac_')));
		assert.ok(problems.some((p) => p.includes('composio.multiAccount')));
	});

	it('rejects wrong types for whole settings', () => {
		const { settings, problems } = parseComposioSettings({ toolkits: 'gmail', authConfigs: ['ac_1'], baseUrl: 42 });
		assert.deepEqual(settings.toolkits, []);
		assert.deepEqual(settings.authConfigs, {});
		assert.equal(settings.baseUrl, DEFAULT_COMPOSIO_BASE_URL);
		assert.equal(problems.length, 3);
	});

	it('refuses base URLs with credentials, queries or other schemes', () => {
		for (const bad of ['https://user:pw@backend.composio.dev', 'https://backend.composio.dev/?x=1', 'ftp://backend.composio.dev', 'nonsense']) {
			const { settings, problems } = parseComposioSettings({ baseUrl: bad });
			assert.equal(settings.baseUrl, DEFAULT_COMPOSIO_BASE_URL, bad);
			assert.equal(problems.length, 1, bad);
			assert.ok(!problems[0]?.includes('pw@'), 'does not echo a password');
		}
	});
});
