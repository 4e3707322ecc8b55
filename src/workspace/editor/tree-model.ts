// The file tree's model: the server's flat list of entries (absolute paths) turned into nested
// folders, folders first then names in French order; pure, so it is unit-tested.
import type { FileTree } from '../../../shared/contract.ts';
import { baseName, isWithin, parentFolder } from './paths.ts';

export type TreeEntry = FileTree['entries'][number];

export interface TreeNode {
  path: string;
  name: string;
  type: TreeEntry['type'];
  size: number;
  mtime: string;
  /** A folder's content (folders only). */
  children?: TreeNode[];
}

const collator = new Intl.Collator('fr', { numeric: true, sensitivity: 'base' });

function compareNodes(a: TreeNode, b: TreeNode): number {
  const aFolder = a.type === 'dir' ? 0 : 1;
  const bFolder = b.type === 'dir' ? 0 : 1;
  return aFolder - bFolder || collator.compare(a.name, b.name) || a.name.localeCompare(b.name);
}

/**
 * The nodes directly under `root`, each folder with its content. A folder the list leaves out
 * (the server cut it at 2000 entries) is made up from its children's paths, so none is lost.
 */
export function buildTree(root: string, entries: readonly TreeEntry[]): TreeNode[] {
  const top: TreeNode[] = [];
  const folders = new Map<string, TreeNode>();

  const folderNode = (path: string): TreeNode[] => {
    if (path === root) return top;
    let node = folders.get(path);
    if (!node) {
      node = { path, name: baseName(path), type: 'dir', size: 0, mtime: '', children: [] };
      folders.set(path, node);
      folderNode(parentFolder(path)).push(node);
    }
    node.children ??= [];
    return node.children;
  };

  for (const entry of entries) {
    if (entry.path === root || !isWithin(entry.path, root)) continue;
    if (entry.type === 'dir') {
      const existing = folders.get(entry.path);
      if (existing) {
        existing.size = entry.size;
        existing.mtime = entry.mtime;
        continue;
      }
      const node: TreeNode = { ...entry, name: baseName(entry.path), children: [] };
      folders.set(entry.path, node);
      folderNode(parentFolder(entry.path)).push(node);
    } else {
      folderNode(parentFolder(entry.path)).push({ ...entry, name: baseName(entry.path) });
    }
  }

  const sortDeep = (nodes: TreeNode[]) => {
    nodes.sort(compareNodes);
    for (const node of nodes) if (node.children) sortDeep(node.children);
  };
  sortDeep(top);
  return top;
}

/** Every node of the tree, depth first, in display order. */
export function* walkTree(nodes: readonly TreeNode[]): Generator<TreeNode> {
  for (const node of nodes) {
    yield node;
    if (node.children) yield* walkTree(node.children);
  }
}
