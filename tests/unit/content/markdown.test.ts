// Unit tests of the slide renderer: element annotations, image paths, build-time highlighting.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../content/markdown.ts';

describe('renderMarkdown', () => {
  it('applies .element attributes to the element before the comment', async () => {
    const { html } = await renderMarkdown('![Alt](images/x.svg) <!-- .element: width="80%" -->');
    expect(html).toMatch(/<img[^>]*width="80%"/);
  });

  it('rewrites deck image paths and records them', async () => {
    const { html, images } = await renderMarkdown('![Alt](images/x.svg)');
    expect(images).toEqual(['/slides/images/x.svg']);
    expect(html).toContain('src="/slides/images/x.svg"');
  });

  it('highlights code at build time with Shiki', async () => {
    const { html } = await renderMarkdown('```dockerfile\nFROM debian:bookworm\n```');
    expect(html).toContain('class="shiki');
    expect(html).toContain('style="color:');
  });

  it('renders GFM tables and keeps raw HTML like <small>', async () => {
    const { html, links } = await renderMarkdown(
      '| A | B |\n| --- | --- |\n| 1 | 2 |\n\n<small>[lien](/tp/x/)</small>',
    );
    expect(html).toContain('<table>');
    expect(html).toContain('<small><a href="/tp/x/">lien</a></small>');
    expect(links).toEqual(['/tp/x/']);
  });

  it('marks shell code blocks as runnable commands when asked', async () => {
    const { html } = await renderMarkdown('```bash\ndocker run hello-world\n```\n\n```dockerfile\nFROM x\n```', {
      commandBlocks: true,
    });
    expect(html).toContain('<div class="command-block" data-command="docker run hello-world">');
    expect(html.match(/command-block/g)).toHaveLength(1);
    expect(html).toContain('class="shiki');
  });
});
