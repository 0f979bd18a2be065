/** Slack: post a message to a channel, list the channels. */
import { isRecord } from '../../../common/isRecord';
import { findRecords, gist, inline, pick } from '../payloads';
import type { AppAction, Script } from '../script';
import { capitalize, CHANNEL_TAG, quoted, SLACK, tidyPhrase } from './requestWords';

function channelFrom(request: string): string {
	const m = /#([A-Za-z0-9_-]+)/.exec(request) ?? /\bchannel\s+([A-Za-z0-9_-]+)/i.exec(request);
	return m?.[1] ?? 'general';
}

/** The Slack message text: quoted text, else the words between the verb and "to #channel". */
function slackTextFrom(request: string): string {
	const q = quoted(request);
	if (q) {
		return q.trim();
	}
	const saying =
		/\b(?:saying|that says|with the text|the message)\s*:?\s+(.+)$/i.exec(request) ??
		/\b(?:slack|#[\w-]+|channel)\s+(?:that|:)\s*(.+)$/i.exec(request) ??
		/:\s+(.+)$/.exec(request);
	const said = saying?.[1] ? tidyPhrase(saying[1].replace(/\s+(?:to|in|on)\s+(?:#[\w-]+|slack)\s*$/i, '')) : '';
	if (said.length > 0) {
		return capitalize(said);
	}
	const between = /\b(?:post|send|share|say|tell)\s+(.+?)\s+(?:to|in|on)\s+(?:#|slack|the\s+#?[\w-]+\s+channel|channel)/i.exec(request);
	const text = between?.[1]?.replace(/^(?:a\s+message|message|this)\s*/i, '').trim();
	return text && text.length > 0 ? capitalize(text) : 'Hello from the Composio Agent sandbox!';
}

/** Posts `message` to the channel the request names (#general by default). */
export function slackPostAction(plain: string, message: string): AppAction {
	const channel = channelFrom(plain);
	return {
		toolkit: 'slack',
		tool: 'SLACK_SEND_MESSAGE',
		args: { channel, text: message },
		purpose: `post your message to #${channel}`,
		render: (payload) => renderSlackSent(payload, channel, message),
	};
}

/** 'Post "Deploy finished" to #general'. */
export const postToSlack: Script = {
	name: 'post-to-slack',
	when: { any: [SLACK, CHANNEL_TAG], all: [/\b(?:post|send|share|say|tell|message|announce|notify)\b/] },
	start: (r) => ({ app: slackPostAction(r.plain, slackTextFrom(r.plain)) }),
};

/** "Which Slack channels am I in?" */
export const listSlackChannels: Script = {
	name: 'list-slack-channels',
	when: { all: [/\bchannels?\b/], any: [SLACK, /\b(?:list|show|what|which)\b/] },
	start: () => ({
		app: { toolkit: 'slack', tool: 'SLACK_LIST_ALL_CHANNELS', args: {}, purpose: 'list your Slack channels', render: renderChannels },
	}),
};

function renderSlackSent(payload: unknown, channel: string, message: string): string {
	const record = isRecord(payload) ? payload : {};
	const where = pick(record, 'channel_name', 'channel') ?? channel;
	const shownChannel = /^[CG][A-Z0-9]{6,}$/.test(where) ? channel : where.replace(/^#/, '');
	const link = pick(record, 'permalink', 'url');
	return [`Posted to **#${shownChannel}**:`, '', `> ${inline(pick(record, 'message.text', 'text') ?? message)}`, ...(link ? ['', `[Open in Slack](${link})`] : [])].join('\n');
}

function renderChannels(payload: unknown): string {
	const channels = findRecords(payload);
	if (channels.length === 0) {
		return 'I found no Slack channels in this workspace.';
	}
	const lines = channels.map((c) => {
		const name = inline(pick(c, 'name', 'name_normalized', 'id') ?? 'unnamed');
		const purpose = gist(pick(c, 'purpose.value', 'topic.value', 'purpose', 'topic'));
		const facts = [typeof c['num_members'] === 'number' ? `${c['num_members']} members` : '', c['is_archived'] === true ? 'archived' : ''].filter(Boolean);
		return `- **#${name.replace(/^#/, '')}**${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${purpose ? `: ${inline(purpose)}` : ''}`;
	});
	return [`## Slack channels`, '', `You're in ${channels.length} channel${channels.length === 1 ? '' : 's'}:`, '', ...lines].join('\n');
}
