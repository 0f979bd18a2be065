/** Every command id the extension contributes; must match package.json `contributes.commands`. */
export const CommandIds = {
	openChat: 'composio.openChat',
	setComposioApiKey: 'composio.setComposioApiKey',
	setOpenAiApiKey: 'composio.setOpenAiApiKey',
	clearApiKeys: 'composio.clearApiKeys',
	showLogs: 'composio.showLogs',
	showUserId: 'composio.showUserId',
	setUserId: 'composio.setUserId',
	resetUserId: 'composio.resetUserId',
} as const;

/** The chat view's id (package.json `contributes.views`). */
export const CHAT_VIEW_ID = 'composio.chat';
