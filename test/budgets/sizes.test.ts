/**
 * The size budgets, checked on a production build and the packaged VSIX (`npm test` runs this
 * last: it leaves the production build in dist/). Counts and sizes only, never times. The other
 * budgets run inside the real editor (test/integration/activation.test.ts and the live-mode
 * phases): no SDK module evaluated and no request made at activation, no session and no tool
 * fetch for later messages.
 */
import assert from 'node:assert/strict';
import { formatBytes, measureShippedSizes, type ShippedSizes } from '../bench/sizes';
import { BUDGETS } from './budgets';

describe('Budgets: what ships', function () {
	this.timeout(180_000);
	let sizes: ShippedSizes;

	before(() => {
		sizes = measureShippedSizes();
		const rows = [
			['activation bundle (dist/extension.js)', sizes.activation.bytes, BUDGETS.activationBundle],
			...Object.entries(sizes.lazy).map(([name, b]) => [`lazy bundle ${name} (${b.file})`, b.bytes, undefined] as const),
			['webview bundle (dist/webview/chat.js)', sizes.webview.bytes, BUDGETS.webviewBundle],
			['.vsix', sizes.vsixBytes, BUDGETS.vsix],
		] as const;
		for (const [what, bytes, budget] of rows) {
			console.log(`      ${what.padEnd(44)} ${formatBytes(bytes).padStart(9)}${budget ? `   budget ${formatBytes(budget)}` : ''}`);
		}
	});

	it(`the activation bundle is at most ${formatBytes(BUDGETS.activationBundle)}`, () => {
		assert.ok(sizes.activation.bytes <= BUDGETS.activationBundle, `${formatBytes(sizes.activation.bytes)}`);
	});

	it('the activation bundle holds no package but the core layers\' translator: no SDK, nothing else from node_modules', () => {
		// @vscode/l10n (a few hundred bytes minified) words the core layers' messages in the display language (src/vscode/workbench/l10n.ts).
		assert.deepEqual(sizes.activation.packages, ['@vscode/l10n']);
	});

	it('the SDKs are in the lazy bundles: Composio in composio, OpenAI in model, neither in agent, the VS Code model client nor VS Code chat\'s participant and tools', () => {
		const sdk = (p: string): boolean => p === 'openai' || p.startsWith('@composio/');
		assert.ok(sizes.lazy.composio?.packages.includes('@composio/core'), JSON.stringify(sizes.lazy.composio?.packages));
		assert.ok(sizes.lazy.model?.packages.includes('openai'), JSON.stringify(sizes.lazy.model?.packages));
		// The agent carries the editor tools' glob matcher, and no SDK.
		assert.deepEqual(sizes.lazy.agent?.packages.filter(sdk), [], JSON.stringify(sizes.lazy.agent?.packages));
		assert.deepEqual(sizes.lazy.vscodeModel?.packages, ['@vscode/l10n'], 'the vscode.lm client needs no package but the translator');
		// The @composio participant and the Language Model Tools reach Composio through a session opened elsewhere.
		assert.ok(sizes.lazy.vscodeChat, 'the participant and tools are a bundle of their own');
		assert.deepEqual(sizes.lazy.vscodeChat.packages.filter(sdk), [], JSON.stringify(sizes.lazy.vscodeChat.packages));
	});

	it(`the webview bundle is at most ${formatBytes(BUDGETS.webviewBundle)}`, () => {
		assert.ok(sizes.webview.bytes <= BUDGETS.webviewBundle, `${formatBytes(sizes.webview.bytes)}`);
	});

	it(`the .vsix is at most ${formatBytes(BUDGETS.vsix)}`, () => {
		assert.ok(sizes.vsixBytes <= BUDGETS.vsix, `${formatBytes(sizes.vsixBytes)}`);
	});
});
