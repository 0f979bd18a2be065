/**
 * The live check (`npm run test:live`, and against the emulator in `npm test`) in a window of its
 * own: a fresh user, so nothing else the tests did is in its way or in what it records.
 */
import { join } from 'node:path';
import { runFiles } from '../index';

export function run(): Promise<void> {
	return runFiles([join(__dirname, '..', 'live', 'liveCheck.test.js')]);
}
