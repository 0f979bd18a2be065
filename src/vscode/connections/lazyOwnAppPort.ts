/**
 * The own-app card's port (`OwnAppPort`, src/agent/ownAppSetup.ts) for a turn, before its code is
 * loaded: every call waits for `load` (the auth config bundle, the first time) and goes on to the
 * port it gives, one port for the turn.
 */
import type { OwnAppPort } from '../../agent/ownAppSetup';
import { once } from '../../common/once';

export function lazyOwnAppPort(load: () => Promise<OwnAppPort>): OwnAppPort {
	const port = once(load);
	return {
		takesApiKey: async (toolkit) => (await port()).takesApiKey(toolkit),
		lacksManagedApp: async (toolkit) => (await port()).lacksManagedApp(toolkit),
		setUp: async (toolkit, way) => (await port()).setUp(toolkit, way),
		session: async () => (await port()).session(),
		connectFailed: async (toolkit, reason) => (await port()).connectFailed(toolkit, reason),
	};
}
