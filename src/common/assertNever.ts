/** Marks a branch the type system proves unreachable; throws if reached at run time. */
export function assertNever(value: never, message = 'Unexpected value'): never {
	throw new Error(`${message}: ${JSON.stringify(value)}`);
}
