// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/editor/node_modules/**', 'test/editor/*/node_modules/**', 'test-results/**', '.vscode-test/**', '.sandbox-state/**', '*.vsix'] },
	js.configs.recommended,
	{
		files: ['**/*.ts'],
		extends: [...tseslint.configs.recommendedTypeChecked],
		languageOptions: {
			parserOptions: {
				project: ['./tsconfig.json', './src/webview/tsconfig.json', './test/tsconfig.json'],
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/consistent-type-imports': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			eqeqeq: ['error', 'always'],
			curly: 'error',
		},
	},
	{
		files: ['**/*.mjs', '**/*.js'],
		languageOptions: {
			globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', window: 'readonly', document: 'readonly', fetch: 'readonly', AbortController: 'readonly' },
		},
	},
	{
		// Activation loads only dist/extension.js: what it is built from may import the lazily
		// loaded modules' types, never their code (see esbuild.mjs; the budgets check the result).
		files: ['src/extension.ts', 'src/services.ts', 'src/vscode/**', 'src/common/**', 'src/protocol/**', 'src/composio/connectionsModel.ts', 'src/composio/connectionSummary.ts', 'src/sandbox/sandboxServers.ts'],
		// The VS Code language model client is itself a lazy bundle (vscode/models/vsCodeModelRuntime.ts), and so are
		// the @composio participant's handler and the Language Model Tools (vscode/vscodeChat/vsCodeChatRuntime.ts).
		ignores: ['src/vscode/models/vsCodeModelClient.ts', 'src/vscode/models/vsCodeModelRuntime.ts', 'src/vscode/vscodeChat/chatParticipant.ts', 'src/vscode/vscodeChat/languageModelTools.ts', 'src/vscode/vscodeChat/vsCodeChatRuntime.ts'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'**/agent/chatSession',
								'**/agent/chatTurn',
								'**/agent/conversationEvents',
								'**/agent/agentLoop',
								'**/agent/modelReply',
								'**/agent/toolCallRunner',
								'**/agent/toolCall',
								'**/agent/accountRepair',
								'**/agent/connectionWait',
								'**/agent/runAccounts',
								'**/agent/agentTurn',
								'**/agent/conversationStore',
								'**/agent/openAiModelClient',
								'**/agent/openAiErrors',
								'**/agent/modelErrors',
								'**/agent/contextFittingModelClient',
								'**/agent/contextWindow',
								'**/agent/languageModelErrors',
								'**/agent/languageModelMessages',
								'**/agent/editor/*',
								'**/vsCodeModelClient',
								'**/chatParticipant',
								'**/languageModelTools',
								'**/composio/composioService',
								'**/composio/composioClientFactory',
								'**/sandbox/emulator/composioEmulator',
								'**/sandbox/scriptedModel/scriptedModel',
								'@composio/*',
								'openai',
								'openai/*',
								'picomatch',
							],
							allowTypeImports: true,
							message: 'Loaded on first use from a lazy bundle: import its types only, and its code through the *Runtime entry with import() (see esbuild.mjs).',
						},
					],
				},
			],
		},
	},
	{
		// Tools run through a session, which picks toolkit versions itself; Composio's low-level
		// `composio.tools.execute` needs a pinned version and is discouraged for agents.
		files: ['src/**/*.ts'],
		ignores: ['src/sandbox/**'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "CallExpression[callee.property.name=/^(execute|get)$/][callee.object.property.name='tools']",
					message: 'Run tools through the session (composio.create → session.execute): sessions choose toolkit versions; composio.tools.* needs pinned versions.',
				},
			],
		},
	},
	{
		// The boundary that matters: the product's heart never imports the editor API.
		files: ['src/agent/**', 'src/composio/**', 'src/protocol/**', 'src/common/**', 'src/sandbox/**'],
		rules: {
			'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/vscode and extension.ts may import vscode.' }] }],
		},
	},
	{
		// protocol/ is shared by the host and the webview: it imports only common/, and no Node.
		files: ['src/protocol/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [{ name: 'vscode', message: 'Only src/vscode and extension.ts may import vscode.' }],
					patterns: [
						{ group: ['node:*'], message: 'src/protocol runs in the webview too: no Node modules.' },
						{ regex: String.raw`^\.\./(?!common/)`, message: 'src/protocol imports only src/common.' },
					],
				},
			],
		},
	},
	{
		// common/ is the bottom layer: pure helpers that import nothing else of src/ and no Node
		// (the webview imports them). The clock and the request component (AsyncLocalStorage) are its
		// Node modules; the webview imports neither.
		files: ['src/common/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [{ name: 'vscode', message: 'Only src/vscode and extension.ts may import vscode.' }],
					patterns: [
						{ group: ['../*'], message: 'src/common imports nothing else of src/ (other layers import it).' },
						{ group: ['node:*'], message: 'src/common runs in the webview too: no Node modules (only clock.ts and requestComponent.ts, which the webview does not import).' },
					],
				},
			],
		},
	},
	{
		files: ['src/common/clock.ts', 'src/common/requestComponent.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [{ group: ['../*'], message: 'src/common imports nothing else of src/ (other layers import it).' }] }],
		},
	},
	{
		// The chat view runs in a browser sandbox: it imports only the typed protocol, pure helpers
		// and its own libraries (markdown-it, DOMPurify, highlight.js); never the host's code, Node or vscode.
		files: ['src/webview/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: String.raw`^(?!\./(?:[\w-]+/)*[\w-]+$|\.\./(protocol|common)/[^/]+$|dompurify$|markdown-it$|highlight\.js(/|$))`,
							message: 'The webview imports only src/protocol, src/common, its own files and its libraries (dompurify, markdown-it, highlight.js).',
						},
					],
				},
			],
		},
	},
);
