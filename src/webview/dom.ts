/** Creates an element with attributes and children. Text is always set as text, never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attrs: Record<string, string | boolean | undefined> = {},
	...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs)) {
		if (value === undefined || value === false) {
			continue;
		}
		el.setAttribute(name, value === true ? '' : value);
	}
	for (const child of children) {
		if (child !== undefined) {
			el.append(child);
		}
	}
	return el;
}

/** A codicon glyph, hidden from assistive technology (the control around it carries the name). */
export function icon(name: string): HTMLElement {
	return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}
