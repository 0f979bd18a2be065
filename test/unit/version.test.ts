import assert from 'node:assert/strict';
import { isVersionAtLeast } from '../../src/common/version';

describe('isVersionAtLeast (feature detection by VS Code version)', () => {
	it('compares major, minor and patch as numbers', () => {
		assert.equal(isVersionAtLeast('1.100.3', '1.101.0'), false);
		assert.equal(isVersionAtLeast('1.101.0', '1.101.0'), true);
		assert.equal(isVersionAtLeast('1.139.1', '1.101.0'), true);
		assert.equal(isVersionAtLeast('1.99.9', '1.101.0'), false, 'not a string comparison');
		assert.equal(isVersionAtLeast('2.0.0', '1.101.0'), true);
	});

	it('reads pre-release versions by their numbers, and anything else as 0.0.0', () => {
		assert.equal(isVersionAtLeast('1.101.0-insider', '1.101.0'), true);
		assert.equal(isVersionAtLeast('nonsense', '1.101.0'), false);
	});
});
