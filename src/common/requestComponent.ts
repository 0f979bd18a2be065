/**
 * Which part of the extension a Composio request is made for. A component runs its work with
 * `asComponent` (the sidebar chat's turn, the `@composio` participant, the Language Model Tools,
 * the Connections view's loads, a command), and every request the SDK makes meanwhile, however
 * deep, carries the component's name in one header, `tagRequests` adding it at the HTTP client.
 * The request-count budgets read it from the sandbox's request log, so a request is charged to
 * the component that made it, whenever it lands. The header names a part of this extension, no
 * more: no user, account or workspace data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The header a request names its component in. */
export const COMPONENT_HEADER = 'x-composio-agent-component';

/** The parts of the extension that make Composio requests. */
export type RequestComponent = 'chat' | 'participant' | 'languageModelTools' | 'connections' | 'command' | 'mcp';

/** One store for the whole extension: the activation bundle and each lazy bundle hold their own copy of this module, so they find it by a registered symbol. */
const STORE = Symbol.for('composio-agent.requestComponent');
const current: AsyncLocalStorage<RequestComponent> = ((globalThis as { [STORE]?: AsyncLocalStorage<RequestComponent> })[STORE] ??= new AsyncLocalStorage<RequestComponent>());

/** Runs `work` as `component`: the requests it makes, and everything it starts, name it. */
export function asComponent<T>(component: RequestComponent, work: () => T): T {
	return current.run(component, work);
}

/** The component the running code works for, if any. */
export function currentComponent(): RequestComponent | undefined {
	return current.getStore();
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A fetch that adds the running component's header to each request made under one. */
export function fetchTagged(base: Fetch): Fetch {
	return (input, init) => {
		const component = current.getStore();
		if (!component) {
			return base(input, init);
		}
		const headers = new Headers(init?.headers);
		headers.set(COMPONENT_HEADER, component);
		return base(input, { ...init, headers });
	};
}

/** Fits an SDK HTTP client (Composio's generated core) with `fetchTagged`. */
export function tagRequests(client: object): void {
	const http = client as { fetch: Fetch };
	if (typeof http.fetch !== 'function') {
		throw new Error('The SDK client does not have the fetch it used to have.');
	}
	http.fetch = fetchTagged(http.fetch);
}
