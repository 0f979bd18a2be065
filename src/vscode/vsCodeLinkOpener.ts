import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { type LinkOpener, PolicyLinkOpener } from '../composio/linkPolicy';
import type { UserPrompts } from './userPrompts';

/**
 * The one way the extension opens links (Connect Links and every link in the chat): the link
 * policy decides, trusted links open with `vscode.env.openExternal`, others need a modal
 * confirmation showing the full URL, and dangerous schemes never open.
 */
export function createLinkOpener(options: { prompts: () => UserPrompts; baseUrl: () => string; logger: Logger }): LinkOpener {
	return new PolicyLinkOpener(
		async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
		{
			confirm: async (url) => (await options.prompts().confirm('Open this link in your browser?', url, 'Open Link')) === 'Open Link',
		},
		{ baseUrl: options.baseUrl, logger: options.logger },
	);
}
