// Renders a deck slide's markdown to HTML at build time: GFM, raw HTML, reveal.js
// `.element` annotations, and code highlighted by Shiki so no highlighter ships to the browser.
import rehypeShiki, { type RehypeShikiOptions } from '@shikijs/rehype';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { parseAttributes } from './parse.ts';

/** Where a deck's `images/...` files are served from. */
export const deckImageBase = '/slides/images/';

export interface RenderedMarkdown {
  html: string;
  /** Every image source of the slide, after rewriting. */
  images: string[];
  /** Every link target of the slide. */
  links: string[];
}

function isElement(node: RootContent | ElementContent | undefined): node is Element {
  return node?.type === 'element';
}

/** Applies `<!-- .element: attr="..." -->` to the element before it, as reveal.js's markdown plugin does. */
function rehypeElementAttributes() {
  return (tree: Root) => {
    visit(tree, 'comment', (node, index, parent) => {
      const match = /^\s*\.element:\s*(.*?)\s*$/.exec(node.value);
      if (!match?.[1] || index === undefined || !parent) return;
      const attributes = parseAttributes(match[1]);
      let target: Element | undefined;
      for (let i = index - 1; i >= 0; i--) {
        const sibling = parent.children[i];
        if (isElement(sibling)) {
          target = sibling;
          break;
        }
        if (sibling?.type === 'text' && sibling.value.trim() !== '') break;
      }
      if (!target && parent.type === 'element') target = parent;
      if (target) Object.assign(target.properties, attributes);
    });
  };
}

/** Rewrites deck-relative image paths and lazy-loads images; records images and links. */
function rehypeDeckAssets(found: { images: string[]; links: string[] }) {
  return (tree: Root) => {
    visit(tree, 'element', (node) => {
      if (node.tagName === 'img' && typeof node.properties.src === 'string') {
        const src = node.properties.src.replace(/^(\.\/)?images\//, deckImageBase);
        node.properties.src = src;
        node.properties.decoding = 'async';
        found.images.push(src);
      }
      if (node.tagName === 'a' && typeof node.properties.href === 'string') {
        found.links.push(node.properties.href);
        if (/^https?:/.test(node.properties.href)) {
          node.properties.target = '_blank';
          node.properties.rel = ['noopener', 'noreferrer'];
        }
      }
    });
  };
}

const shikiOptions: RehypeShikiOptions = {
  theme: 'github-light',
  defaultLanguage: 'text',
  fallbackLanguage: 'text',
  langs: ['dockerfile', 'shell', 'shellsession', 'console', 'json', 'yaml'],
};

/** Renders one slide (or notes) markdown to HTML. */
export async function renderMarkdown(markdown: string): Promise<RenderedMarkdown> {
  const found = { images: [] as string[], links: [] as string[] };
  const file = await unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeElementAttributes)
    .use(rehypeDeckAssets, found)
    .use(rehypeShiki, shikiOptions)
    .use(rehypeStringify)
    .process(markdown);
  return { html: String(file), ...found };
}
