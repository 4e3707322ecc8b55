// A tiny element builder for the pages' scripts: names, paths, messages and instructions come
// from students and their sandboxes, so everything goes in as text nodes, never as HTML.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

/**
 * `el('button', { type: 'button', 'data-port': 8080 }, 'Aperçu')`. `true` sets an empty
 * attribute; `false`, null and undefined leave it out; `class` and `data-*` are attributes too.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element matching `selector` under `root`; throws when the page's markup lacks it. */
export function required<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`page markup incomplete: ${selector}`);
  return found;
}
