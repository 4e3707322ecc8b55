// Unit tests of the file tree's model: nesting, order, folders the server's list left out.
import { describe, expect, it } from 'vitest';
import { buildTree, walkTree, type TreeEntry } from '../../../../../src/workspace/editor/tree-model.ts';

const entry = (path: string, type: TreeEntry['type'] = 'file'): TreeEntry => ({
  path,
  type,
  size: 1,
  mtime: '2025-01-01T00:00:00.000Z',
});

describe('buildTree', () => {
  it('nests entries under their folder, folders first, names in natural French order', () => {
    const tree = buildTree('/root', [
      entry('/root/tp/zèbre.txt'),
      entry('/root/tp/étape10.txt'),
      entry('/root/tp/etape9.txt'),
      entry('/root/tp', 'dir'),
      entry('/root/tp/app', 'dir'),
      entry('/root/tp/app/app.sh'),
      entry('/root/Notes.md'),
      entry('/root/a.txt'),
      entry('/root/lien', 'link'),
    ]);
    expect(tree.map((node) => node.name)).toEqual(['tp', 'a.txt', 'lien', 'Notes.md']);
    const tp = tree[0];
    expect(tp?.type).toBe('dir');
    expect(tp?.children?.map((node) => node.name)).toEqual(['app', 'etape9.txt', 'étape10.txt', 'zèbre.txt']);
    expect(tp?.children?.[0]?.children?.map((node) => node.path)).toEqual(['/root/tp/app/app.sh']);
  });

  it('makes up a folder the list left out, and ignores paths outside the root', () => {
    const tree = buildTree('/root', [entry('/root/x/y/file.txt'), entry('/tmp/other'), entry('/root', 'dir')]);
    expect([...walkTree(tree)].map((node) => `${node.type} ${node.path}`)).toEqual([
      'dir /root/x',
      'dir /root/x/y',
      'file /root/x/y/file.txt',
    ]);
  });

  it('keeps a folder listed after its content', () => {
    const tree = buildTree('/root', [entry('/root/x/f'), { ...entry('/root/x', 'dir'), size: 4096 }]);
    expect(tree).toHaveLength(1);
    expect(tree[0]?.size).toBe(4096);
    expect(tree[0]?.children).toHaveLength(1);
  });
});
