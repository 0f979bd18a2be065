/** Gmail: send an email, summarize the inbox. */
import { isRecord } from '../../../common/isRecord';
import { findRecords, gist, inline, pick } from '../payloads';
import type { AppAction, Script } from '../script';
import { EMAIL_ADDRESS, emailAddress, quoted, titleFrom } from './requestWords';

/** Sends an email to `address`. */
export function sendEmailAction(address: string, subject: string, body: string, purpose = `send the email to ${address}`): AppAction {
	return {
		toolkit: 'gmail',
		tool: 'GMAIL_SEND_EMAIL',
		args: { recipient_email: address, subject, body },
		purpose,
		render: (payload) => renderEmailSent(payload, address, subject),
	};
}

/** 'Send an email to bob@example.com saying …'. */
export const sendEmail: Script = {
	name: 'send-email',
	when: { all: [EMAIL_ADDRESS, /\b(?:send|email|mail|write)\b/] },
	start: (r) => {
		const address = emailAddress(r.plain) ?? '';
		const subject = /\bsubject\s*:?\s*"([^"]+)"/i.exec(r.plain)?.[1] ?? titleFrom(r.plain.replace(address, '')) ?? 'Hello';
		const body = /\b(?:saying|that says|body)\s*:?\s+(.+)$/i.exec(r.plain)?.[1]?.trim() ?? quoted(r.plain) ?? subject;
		return { app: sendEmailAction(address, subject, body) };
	},
};

/** "Summarize my emails". */
export const summarizeEmails: Script = {
	name: 'summarize-emails',
	when: { all: [/\b(?:e-?mails?|inbox|gmail|mail|mailbox)\b/] },
	start: () => ({
		app: { toolkit: 'gmail', tool: 'GMAIL_FETCH_EMAILS', args: { max_results: 10 }, purpose: 'fetch your latest emails and summarize them', render: renderEmailSummary },
	}),
};

const SENDER_FIELDS = ['sender', 'from', 'messageFrom', 'from_email', 'author'];
const SUBJECT_FIELDS = ['subject', 'preview.subject', 'title'];

function renderEmailSummary(payload: unknown): string {
	const emails = findRecords(payload);
	if (emails.length === 0) {
		return 'Your inbox has no recent emails to summarize.';
	}
	const lines = emails.map((email, i) => {
		const sender = inline(pick(email, ...SENDER_FIELDS) ?? 'Unknown sender');
		const subject = inline(pick(email, ...SUBJECT_FIELDS) ?? '(no subject)');
		const summary = gist(pick(email, 'snippet', 'messageText', 'preview.body', 'body', 'text', 'preview'));
		return `${i + 1}. **${sender}** — *${subject}*${summary ? `: ${inline(summary)}` : ''}`;
	});
	const senders = [...new Set(emails.map((e) => inline(pick(e, ...SENDER_FIELDS) ?? 'Unknown sender')))];
	const unread = emails.filter((e) => Array.isArray(e['labelIds']) && e['labelIds'].includes('UNREAD')).length;
	const count = emails.length === 1 ? '1 recent email' : `${emails.length} recent emails`;
	return [
		`## Inbox summary`,
		'',
		`You have ${count}${unread > 0 ? ` (${unread} unread)` : ''} from ${senders.length === 1 ? senders[0] : `${senders.length} senders`}:`,
		'',
		...lines,
		'',
		`The most recent is from **${senders[0]}** about *${inline(pick(emails[0]!, ...SUBJECT_FIELDS) ?? '(no subject)')}*. Want me to draft a reply to any of these?`,
	].join('\n');
}

function renderEmailSent(payload: unknown, address: string, subject: string): string {
	const record = isRecord(payload) ? payload : {};
	const id = pick(record, 'id', 'messageId', 'message_id');
	return `Sent your email to **${address}** with the subject *${inline(subject)}*${id ? ` (message id \`${id}\`)` : ''}.`;
}
