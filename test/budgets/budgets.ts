/** The size budgets `npm test` checks, in bytes (1 kB = 1,000 bytes); the README's Performance section states them. */
export const BUDGETS = {
	activationBundle: 150_000,
	webviewBundle: 300_000,
	vsix: 1_500_000,
} as const;
