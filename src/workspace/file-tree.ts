// A layer's flat file list as a folder tree, pure: folders first, then files, by name; each
// folder carries the size and count of what is under it, and a folder holding only one folder
// is merged with it (usr/share/doc) so deep paths stay readable.
import type { FileChange } from './format.ts';

export interface TreeFile {
  kind: 'file';
  name: string;
  path: string;
  size: number;
  change: FileChange;
}

export interface TreeFolder {
  kind: 'folder';
  /** One or more path segments (merged single-folder chains), without slashes at either end. */
  name: string;
  path: string;
  /** Bytes of every file under it. */
  size: number;
  /** Files under it, at any depth. */
  count: number;
  children: (TreeFolder | TreeFile)[];
}

interface Building {
  folders: Map<string, Building>;
  files: TreeFile[];
}

const byName = new Intl.Collator('fr', { numeric: true });

function finish(name: string, path: string, node: Building): TreeFolder {
  const folders = [...node.folders].map(([child, sub]) => finish(child, path ? `${path}/${child}` : child, sub));
  folders.sort((a, b) => byName.compare(a.name, b.name));
  const files = [...node.files].sort((a, b) => byName.compare(a.name, b.name));
  const folder: TreeFolder = {
    kind: 'folder',
    name,
    path,
    size: folders.reduce((n, f) => n + f.size, 0) + files.reduce((n, f) => n + f.size, 0),
    count: folders.reduce((n, f) => n + f.count, 0) + files.length,
    children: [...folders, ...files],
  };
  const only = folder.children[0];
  if (name && folder.children.length === 1 && only?.kind === 'folder') {
    return { ...only, name: `${name}/${only.name}` };
  }
  return folder;
}

/** The tree of these files (paths relative to the image's root, as the layer API gives them). */
export function buildFileTree(files: readonly { path: string; size: number; change: FileChange }[]): TreeFolder {
  const root: Building = { folders: new Map(), files: [] };
  for (const file of files) {
    const segments = file.path.split('/').filter(Boolean);
    const name = segments.pop();
    if (!name) continue;
    let node = root;
    for (const segment of segments) {
      let next = node.folders.get(segment);
      if (!next) {
        next = { folders: new Map(), files: [] };
        node.folders.set(segment, next);
      }
      node = next;
    }
    node.files.push({
      kind: 'file',
      name,
      path: segments.concat(name).join('/'),
      size: file.size,
      change: file.change,
    });
  }
  return finish('', '', root);
}
