// A layer's files as a folder tree: native <details> folders (keyboard and screen readers know
// them), each folder's content built only when it first opens, so a layer of 5000 files stays quick.
import { el } from '../dom/element.ts';
import type { TreeFile, TreeFolder } from './file-tree.ts';
import { changeLabels, formatBytes, plural } from './format.ts';

function fileItem(file: TreeFile): HTMLLIElement {
  return el(
    'li',
    { class: 'tree-file', 'data-change': file.change },
    el('span', { class: 'tree-name' }, file.name),
    el('span', { class: 'tree-change' }, changeLabels[file.change].one),
    el('span', { class: 'tree-size' }, formatBytes(file.size)),
  );
}

function folderItem(folder: TreeFolder, open: boolean): HTMLLIElement {
  const details = el(
    'details',
    {},
    el(
      'summary',
      {},
      el('span', { class: 'tree-name' }, `${folder.name}/`),
      el('span', { class: 'tree-count' }, plural(folder.count, 'fichier')),
      el('span', { class: 'tree-size' }, formatBytes(folder.size)),
    ),
  );
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    details.append(renderTree(folder, open));
  };
  details.addEventListener('toggle', () => {
    if (details.open) build();
  });
  if (open) {
    build();
    details.open = true;
  }
  return el('li', { class: 'tree-folder' }, details);
}

/** The folder's children as a list; `open` opens every folder (a filtered, short list). */
export function renderTree(folder: TreeFolder, open: boolean): HTMLUListElement {
  return el(
    'ul',
    { class: 'file-tree' },
    ...folder.children.map((child) => (child.kind === 'file' ? fileItem(child) : folderItem(child, open))),
  );
}
