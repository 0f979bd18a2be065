import * as vscode from 'vscode';
import { isLoopbackHttpUrl, originOf, rebaseOnOrigin } from '../../common/loopbackUrl';
import type { Logger } from '../../common/logger';
import { type LinkOpener, PolicyLinkOpener } from '../../composio/linkPolicy';
import type { UserPrompts } from './userPrompts';

/**
 * The one way the extension opens links (Connect Links and every link in the chat): the link
 * policy decides, trusted links open with `vscode.env.openExternal`, others need a modal
 * confirmation showing the full URL, and dangerous schemes never open.
 */
export function createLinkOpener(options: { prompts: UserPrompts; baseUrl: () => string; logger: Logger }): LinkOpener {
	return new PolicyLinkOpener(
		async (url) => vscode.env.openExternal(vscode.Uri.parse(await reachableUrl(url), true)),
		{
			confirm: async (url) => {
				const open = vscode.l10n.t('Open Link');
				return (await options.prompts.confirm(vscode.l10n.t('Open this link in your browser?'), url, open)) === open;
			},
		},
		{ baseUrl: options.baseUrl, logger: options.logger },
	);
}

/**
 * Where a link to this machine's own pages (the sandbox's Connect page) loads for the user, who
 * may sit at another machine: a browser-hosted window (code-server, Codespaces in the browser)
 * reaches them through its server, on a route that `asExternalUri` gives for the page's origin.
 * The path is added back here because code-server's forwarding route keeps only the port of the
 * URL it is given. A desktop window (local, Remote-SSH, WSL, dev containers) needs nothing:
 * `openExternal` forwards loopback ports itself and keeps the path. Other links are unchanged.
 */
export async function reachableUrl(url: string): Promise<string> {
	if (vscode.env.uiKind !== vscode.UIKind.Web || !isLoopbackHttpUrl(url)) {
		return url;
	}
	const resolved = await vscode.env.asExternalUri(vscode.Uri.parse(originOf(url), true));
	return rebaseOnOrigin(url, resolved.toString(true));
}
