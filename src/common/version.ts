/** True when `version` ('1.139.1', '1.101.0-insider') is at least `minimum` (major.minor.patch compared as numbers). */
export function isVersionAtLeast(version: string, minimum: string): boolean {
	const parse = (v: string): number[] => (/^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1) ?? ['0', '0', '0']).map(Number);
	const [a, b] = [parse(version), parse(minimum)];
	for (let i = 0; i < 3; i++) {
		if ((a[i] ?? 0) !== (b[i] ?? 0)) {
			return (a[i] ?? 0) > (b[i] ?? 0);
		}
	}
	return true;
}
