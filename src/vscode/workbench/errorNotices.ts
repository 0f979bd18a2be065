import * as vscode from 'vscode';
import { ComposioError, type ComposioErrorAction } from '../../composio/composioErrors';
import { CommandIds } from './commandIds';
import type { UserPrompts } from './userPrompts';

/** The button each remedy shows as. */
function actionLabel(action: ComposioErrorAction): string {
	switch (action) {
		case 'setComposioKey':
			return vscode.l10n.t('Set API Key');
		case 'retry':
			return vscode.l10n.t('Retry');
		case 'openLogs':
			return vscode.l10n.t('Show Logs');
	}
}

/** What an error notice needs: where to ask, where to log, and how to try again. */
export interface ErrorNoticeDeps {
	readonly prompts: UserPrompts;
	readonly log: vscode.LogOutputChannel;
	/** Runs the failed operation again (offered as Retry when the error suggests it). */
	readonly retry?: () => Promise<unknown>;
}

/**
 * Shows a failure with a way out: a ComposioError's plain message with the button its `action`
 * names (set the key, retry, open the logs); anything else as a short sentence with Show Logs.
 * `what` is a sentence in the display language (a `vscode.l10n.t` result). Cancellations are
 * silent. Never throws.
 */
export async function showError(e: unknown, what: string, deps: ErrorNoticeDeps): Promise<void> {
	try {
		if (e instanceof ComposioError) {
			if (e.kind === 'cancelled') {
				return;
			}
			deps.log.warn(`${what}: ${e.detail}`);
			const action = e.action === 'retry' && !deps.retry ? 'openLogs' : e.action;
			const label = action ? actionLabel(action) : undefined;
			const choice = await deps.prompts.error(vscode.l10n.t('{0}: {1}', what, e.message), ...(label ? [label] : []));
			if (choice === undefined || choice !== label) {
				return;
			}
			if (action === 'setComposioKey') {
				await vscode.commands.executeCommand(CommandIds.setComposioApiKey);
			} else if (action === 'retry') {
				await deps.retry?.();
			} else if (action === 'openLogs') {
				deps.log.show(true);
			}
			return;
		}
		deps.log.error(e instanceof Error ? e : String(e));
		const showLogs = actionLabel('openLogs');
		if ((await deps.prompts.error(vscode.l10n.t('{0}. The log has the details.', what), showLogs)) === showLogs) {
			deps.log.show(true);
		}
	} catch (inner) {
		deps.log.error(inner instanceof Error ? inner : String(inner));
	}
}
