// Renders markdown to HTML at build time (deck slides, notes, TP steps): GFM, raw HTML, reveal.js
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
import { parseAttributes } from './deck-parse.ts';

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

const commandLanguages = new Set(['bash', 'sh', 'shell']);

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  return node.type === 'element' ? node.children.map(textOf).join('') : '';
}

/**
 * Wraps shell code blocks in `<div class="command-block" data-command="...">`, so the TP page can
 * add "▶ Exécuter" and "Copier" buttons; runs before Shiki, while the language class is there.
 */
function rehypeCommandBlocks() {
  return (tree: Root) => {
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'pre' || index === undefined || !parent) return;
      const code = node.children.find(isElement);
      const classes = code?.properties.className;
      const language = Array.isArray(classes)
        ? classes
            .map(String)
            .find((c) => c.startsWith('language-'))
            ?.slice('language-'.length)
        : undefined;
      if (!code || !language || !commandLanguages.has(language)) return;
      const wrapper: Element = {
        type: 'element',
        tagName: 'div',
        properties: { className: ['command-block'], dataCommand: textOf(code).replace(/\n$/, '') },
        children: [node],
      };
      parent.children[index] = wrapper;
      return 'skip';
    });
  };
}

export interface RenderOptions {
  /** Mark shell code blocks as commands the student can run (TP pages). */
  commandBlocks?: boolean;
}

/** Renders one slide, notes or TP text (markdown) to HTML. */
export async function renderMarkdown(markdown: string, options: RenderOptions = {}): Promise<RenderedMarkdown> {
  const found = { images: [] as string[], links: [] as string[] };
  const file = await unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeElementAttributes)
    .use(rehypeDeckAssets, found)
    .use(options.commandBlocks ? rehypeCommandBlocks : () => undefined)
    .use(rehypeShiki, shikiOptions)
    .use(rehypeStringify)
    .process(markdown);
  return { html: String(file), ...found };
}
