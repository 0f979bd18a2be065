/** The editor tools by their setting name (`composio.editorTools.<id>`): what the agent offers and the sandbox's scripted model calls. */
export const EDITOR_TOOL_NAMES = {
	problems: 'VSCODE_GET_PROBLEMS',
	diff: 'VSCODE_GET_DIFF',
	read: 'VSCODE_READ_FILE',
	find: 'VSCODE_FIND',
	open: 'VSCODE_OPEN_FILE',
	edit: 'VSCODE_EDIT_FILE',
} as const;
