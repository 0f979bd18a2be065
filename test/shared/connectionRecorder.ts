/**
 * Records every outgoing TCP connection this process opens (plain and TLS: both go through
 * `net.Socket.prototype.connect`, which `net.connect`, `tls.connect`, `http`, `https` and
 * fetch's undici all use), as `host:port`. Local pipes (a `path` instead of a port) are left
 * out: they never leave the machine. It only watches; every connection goes ahead unchanged.
 */
import net from 'node:net';

export interface ConnectionRecorder {
	/** `host:port` of each connection opened since recording started, in order. */
	readonly targets: readonly string[];
	/** The call stack that opened the first connection to each target, to say who asked. */
	readonly firstStacks: ReadonlyMap<string, string>;
	dispose(): void;
}

type ConnectArgs = unknown[];

/** The host and port a `connect` call asks for, or undefined for a local pipe. */
function targetOf(args: ConnectArgs): string | undefined {
	// Node's own callers pass one array of normalized arguments; users pass (options) or (port, host).
	const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
	if (typeof first === 'object' && first !== null) {
		const options = first as { path?: unknown; host?: unknown; port?: unknown };
		if (options.path !== undefined) {
			return undefined;
		}
		return `${typeof options.host === 'string' ? options.host : 'localhost'}:${String(options.port)}`;
	}
	if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
		const host = Array.isArray(args[0]) ? undefined : args[1];
		return `${typeof host === 'string' ? host : 'localhost'}:${String(first)}`;
	}
	return undefined; // a pipe path
}

export function recordConnections(): ConnectionRecorder {
	const targets: string[] = [];
	const firstStacks = new Map<string, string>();
	const proto = net.Socket.prototype as unknown as { connect: (...args: ConnectArgs) => unknown };
	const original = proto.connect;
	proto.connect = function (this: unknown, ...args: ConnectArgs): unknown {
		const target = targetOf(args);
		if (target !== undefined) {
			targets.push(target);
			if (!firstStacks.has(target)) {
				firstStacks.set(target, new Error('connect').stack ?? '');
			}
		}
		return original.apply(this, args);
	};
	return {
		targets,
		firstStacks,
		dispose() {
			proto.connect = original;
		},
	};
}
