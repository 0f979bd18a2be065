import type { ModelChunk, ModelClient, ModelRequest } from '../../../src/agent/modelClient';

/** One reply: fixed chunks, or chunks made from the request (to react to what the model was sent). */
export type FakeReply = ModelChunk[] | ((request: ModelRequest) => ModelChunk[]);

/**
 * A model that replays scripted replies in order and records every request, for what the
 * scripted sandbox model never does (invalid JSON arguments, obeying a prompt injection).
 * Once the script runs out it answers "Done.".
 */
export class FakeModel implements ModelClient {
	readonly model = 'fake';
	readonly requests: ModelRequest[] = [];
	constructor(private readonly replies: FakeReply[]) {}
	// eslint-disable-next-line @typescript-eslint/require-await
	async *stream(request: ModelRequest): AsyncGenerator<ModelChunk> {
		this.requests.push({ ...request, messages: [...request.messages] });
		const next = this.replies.shift();
		const reply = typeof next === 'function' ? next(request) : (next ?? [{ type: 'text', delta: 'Done.' }, { type: 'done', finishReason: 'stop' }]);
		for (const chunk of reply) {
			yield chunk;
		}
	}
}
