/**
 * A window that keeps appending to one conversation, as its own process (for crashSafety.test.ts):
 * `node saveLoop.js <dir> <id> <count>` opens (or starts) conversation `id` in a ConversationStore
 * on `dir` and appends messages "m<n>", saving after each with the store's real `save`, `count`
 * times (0: until killed). Before each save it prints "saving <n>" (a pipe on Linux is written
 * synchronously, so the parent sees every line written before a SIGKILL), after it "saved <n>".
 */
import type { Conversation } from '../../../src/agent/conversationFile';
import { ConversationStore } from '../../../src/agent/conversationStore';

async function main(): Promise<void> {
	const [dir, id, countText] = process.argv.slice(2);
	if (!dir || !id) {
		throw new Error('usage: saveLoop <dir> <id> <count>');
	}
	const count = Number(countText ?? '0');
	const store = new ConversationStore(dir);
	const conversation: Conversation = (await store.load(id)) ?? { id, title: id, createdAt: Date.now(), updatedAt: Date.now(), items: [], messages: [] };
	for (let n = conversation.items.length; count === 0 || n < count; n++) {
		const at = Date.now();
		conversation.items.push({ kind: 'user', id: `u${n}`, at, text: `m${n}` });
		conversation.messages.push({ role: 'user', content: `m${n}` });
		conversation.updatedAt = at;
		process.stdout.write(`saving ${n}\n`);
		await store.save(conversation);
		process.stdout.write(`saved ${n}\n`);
	}
	await store.flush();
}

main().then(
	() => process.exit(0),
	(e: unknown) => {
		process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
		process.exit(1);
	},
);
