// Unit tests of a layer's files as a tree: folders first then files, sizes and counts summed up,
// single-folder chains merged.
import { describe, expect, it } from 'vitest';
import { buildFileTree, type TreeFolder } from '../../../../src/workspace/file-tree.ts';

/** The tree as indented lines, to compare at a glance. */
function outline(folder: TreeFolder, depth = 0): string[] {
  return folder.children.flatMap((child) =>
    child.kind === 'file'
      ? [`${'  '.repeat(depth)}${child.name} ${child.size} ${child.change}`]
      : [`${'  '.repeat(depth)}${child.name}/ ${child.size} (${child.count})`, ...outline(child, depth + 1)],
  );
}

describe('buildFileTree', () => {
  it('sorts folders before files, sums sizes and merges single-folder chains', () => {
    const tree = buildFileTree([
      { path: 'usr/share/doc/apache2/README', size: 40, change: 'added' },
      { path: 'usr/share/doc/apache2/copyright', size: 60, change: 'added' },
      { path: 'etc/passwd', size: 10, change: 'modified' },
      { path: 'etc/apache2/apache2.conf', size: 5, change: 'added' },
      { path: 'start.sh', size: 1, change: 'added' },
      { path: 'etc/group', size: 2, change: 'removed' },
    ]);
    expect(tree.size).toBe(118);
    expect(tree.count).toBe(6);
    expect(outline(tree)).toEqual([
      'etc/ 17 (3)',
      '  apache2/ 5 (1)',
      '    apache2.conf 5 added',
      '  group 2 removed',
      '  passwd 10 modified',
      'usr/share/doc/apache2/ 100 (2)',
      '  copyright 60 added',
      '  README 40 added',
      'start.sh 1 added',
    ]);
  });

  it('keeps each file’s full path, and orders names numerically', () => {
    const tree = buildFileTree([
      { path: 'var/log/app10.log', size: 1, change: 'added' },
      { path: 'var/log/app9.log', size: 1, change: 'added' },
    ]);
    const folder = tree.children[0];
    expect(folder?.kind === 'folder' && folder.name).toBe('var/log');
    expect(folder?.kind === 'folder' && folder.children.map((c) => c.path)).toEqual([
      'var/log/app9.log',
      'var/log/app10.log',
    ]);
  });

  it('gives an empty tree for no files, and skips empty paths', () => {
    expect(buildFileTree([]).children).toEqual([]);
    expect(buildFileTree([{ path: '/', size: 1, change: 'added' }]).count).toBe(0);
  });
});
