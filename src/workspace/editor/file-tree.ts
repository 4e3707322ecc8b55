// The file tree of the Éditeur tab, a WAI-ARIA tree: arrows move, → and ← open and close
// folders, Entrée opens a file, Début/Fin, type-ahead on the first letter; one item in the Tab
// order (roving tabindex). Folders stay open across refreshes.
import { parentFolder } from './paths.ts';
import type { TreeNode } from './tree-model.ts';

export interface FileTreeHooks {
  /** A file (or a link) was activated: click, Entrée. */
  onOpen(node: TreeNode): void;
  /** The selection moved (the current folder follows it). */
  onSelect(node: TreeNode | undefined): void;
}

export class FileTreeView {
  private readonly list: HTMLElement;
  private readonly hooks: FileTreeHooks;
  private readonly expanded = new Set<string>();
  private readonly nodes = new Map<string, TreeNode>();
  private readonly items = new Map<string, HTMLElement>();
  /** Each item's folder, when the tree shows it. */
  private readonly parents = new Map<string, string>();
  private selectedPath: string | undefined;
  private openPath: string | undefined;
  private dirtyPath: string | undefined;
  private readonly abort = new AbortController();

  constructor(list: HTMLElement, hooks: FileTreeHooks) {
    this.list = list;
    this.hooks = hooks;
    list.setAttribute('role', 'tree');
    const options = { signal: this.abort.signal };
    list.addEventListener('click', (event) => this.onClick(event), options);
    list.addEventListener('keydown', (event) => this.onKeyDown(event), options);
  }

  /**
   * Shows a new listing; what was open or selected stays so when it still exists. The items
   * are one flat list with aria-level rather than nested groups: a folder's name is then its
   * own text, not its content's too.
   */
  render(nodes: readonly TreeNode[]): void {
    this.nodes.clear();
    this.items.clear();
    this.parents.clear();
    const items: HTMLElement[] = [];
    const add = (siblings: readonly TreeNode[], level: number, parent: string | undefined, shown: boolean) => {
      siblings.forEach((node, index) => {
        this.nodes.set(node.path, node);
        if (parent) this.parents.set(node.path, parent);
        const item = this.item(node, level, index + 1, siblings.length);
        item.hidden = !shown;
        items.push(item);
        if (node.children) add(node.children, level + 1, node.path, shown && this.expanded.has(node.path));
      });
    };
    add(nodes, 1, undefined, true);
    for (const path of this.expanded) if (!this.nodes.has(path)) this.expanded.delete(path);
    if (this.selectedPath && !this.nodes.has(this.selectedPath)) this.selectedPath = undefined;
    this.list.replaceChildren(...items);
    this.updateTabStop();
  }

  private item(node: TreeNode, level: number, position: number, count: number): HTMLElement {
    const li = document.createElement('li');
    li.setAttribute('role', 'treeitem');
    li.setAttribute('aria-level', String(level));
    li.setAttribute('aria-posinset', String(position));
    li.setAttribute('aria-setsize', String(count));
    li.dataset.file = node.path;
    li.dataset.type = node.type;
    li.tabIndex = -1;
    li.style.setProperty('--level', String(level));
    const row = document.createElement('span');
    row.className = 'tree-row';
    const marker = document.createElement('span');
    marker.className = 'tree-marker';
    marker.setAttribute('aria-hidden', 'true');
    const name = document.createElement('span');
    name.className = 'tree-name';
    name.textContent = node.name;
    row.append(marker, name);
    if (node.type === 'link') {
      name.title = 'Lien symbolique';
      const arrow = document.createElement('span');
      arrow.className = 'tree-link';
      arrow.setAttribute('aria-hidden', 'true');
      arrow.textContent = ' ↗';
      row.append(arrow);
    }
    // The editor's head says it in words; here the dot is only a visual cue.
    const dirty = document.createElement('span');
    dirty.className = 'tree-dirty';
    dirty.setAttribute('aria-hidden', 'true');
    dirty.textContent = ' ●';
    dirty.title = 'Modifications non enregistrées';
    dirty.hidden = node.path !== this.dirtyPath;
    row.append(dirty);
    li.append(row);
    if (node.path === this.selectedPath) li.setAttribute('aria-selected', 'true');
    if (node.path === this.openPath) li.setAttribute('aria-current', 'true');
    if (node.type === 'dir') li.setAttribute('aria-expanded', String(this.expanded.has(node.path)));
    this.items.set(node.path, li);
    return li;
  }

  /** Exactly one item is in the Tab order: the selected one, else the first. */
  private updateTabStop(): void {
    const stop = (this.selectedPath && this.items.get(this.selectedPath)) || this.visibleItems()[0];
    for (const item of this.items.values()) item.tabIndex = item === stop ? 0 : -1;
  }

  private visibleItems(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('[role="treeitem"]:not([hidden])')];
  }

  selected(): TreeNode | undefined {
    return this.selectedPath ? this.nodes.get(this.selectedPath) : undefined;
  }

  node(path: string): TreeNode | undefined {
    return this.nodes.get(path);
  }

  /** Selects an item (opening its folders), and gives it focus if asked. */
  select(path: string, focus = false): void {
    const item = this.items.get(path);
    if (!item) return;
    this.reveal(parentFolder(path));
    if (this.selectedPath) this.items.get(this.selectedPath)?.removeAttribute('aria-selected');
    this.selectedPath = path;
    item.setAttribute('aria-selected', 'true');
    this.updateTabStop();
    if (focus) item.focus();
    this.hooks.onSelect(this.nodes.get(path));
  }

  /** Opens a folder and every folder above it. */
  reveal(folder: string): void {
    for (let path = folder; this.nodes.has(path); path = parentFolder(path)) this.setExpanded(path, true);
  }

  setExpanded(path: string, open: boolean): void {
    const item = this.items.get(path);
    if (!item || item.dataset.type !== 'dir') return;
    if (open) this.expanded.add(path);
    else this.expanded.delete(path);
    item.setAttribute('aria-expanded', String(open));
    this.showChildren(path, open);
  }

  /** Shows or hides what is under a folder, sub-folders' content only where they are open. */
  private showChildren(path: string, shown: boolean): void {
    for (const child of this.nodes.get(path)?.children ?? []) {
      const item = this.items.get(child.path);
      if (item) item.hidden = !shown;
      if (child.children) this.showChildren(child.path, shown && this.expanded.has(child.path));
    }
  }

  /** Marks the file shown in the editor, and whether it has unsaved changes. */
  setOpen(path: string | undefined, dirty: boolean): void {
    if (this.openPath !== path) {
      if (this.openPath) this.items.get(this.openPath)?.removeAttribute('aria-current');
      if (path) this.items.get(path)?.setAttribute('aria-current', 'true');
      this.openPath = path;
    }
    const dirtyPath = dirty ? path : undefined;
    if (this.dirtyPath !== dirtyPath) {
      const dot = (p: string | undefined) => (p ? this.items.get(p)?.querySelector<HTMLElement>('.tree-dirty') : null);
      const old = dot(this.dirtyPath);
      if (old) old.hidden = true;
      const now = dot(dirtyPath);
      if (now) now.hidden = false;
      this.dirtyPath = dirtyPath;
    }
  }

  focus(): void {
    ((this.selectedPath && this.items.get(this.selectedPath)) || this.visibleItems()[0])?.focus();
  }

  private itemOf(target: EventTarget | null): HTMLElement | null {
    return target instanceof Element ? target.closest<HTMLElement>('[role="treeitem"]') : null;
  }

  private activate(item: HTMLElement): void {
    const path = item.dataset.file ?? '';
    const node = this.nodes.get(path);
    if (!node) return;
    if (node.type === 'dir') this.setExpanded(path, !this.expanded.has(path));
    else this.hooks.onOpen(node);
  }

  private onClick(event: MouseEvent): void {
    const item = this.itemOf(event.target);
    if (!item?.dataset.file) return;
    this.select(item.dataset.file, true);
    this.activate(item);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const item = this.itemOf(event.target);
    if (!item?.dataset.file || event.altKey || event.ctrlKey || event.metaKey) return;
    const path = item.dataset.file;
    const visible = this.visibleItems();
    const index = visible.indexOf(item);
    const go = (target: HTMLElement | undefined) => {
      if (target?.dataset.file) this.select(target.dataset.file, true);
    };
    const isDir = item.dataset.type === 'dir';
    const open = this.expanded.has(path);
    switch (event.key) {
      case 'ArrowDown':
        go(visible[index + 1]);
        break;
      case 'ArrowUp':
        go(visible[index - 1]);
        break;
      case 'Home':
        go(visible[0]);
        break;
      case 'End':
        go(visible.at(-1));
        break;
      case 'ArrowRight': {
        const first = this.nodes.get(path)?.children?.[0];
        if (isDir && !open) this.setExpanded(path, true);
        else if (first) go(this.items.get(first.path));
        break;
      }
      case 'ArrowLeft': {
        const parent = this.parents.get(path);
        if (isDir && open) this.setExpanded(path, false);
        else if (parent) go(this.items.get(parent));
        break;
      }
      case 'Enter':
      case ' ':
        this.activate(item);
        break;
      default:
        if (event.key.length === 1 && event.key.trim() !== '') {
          // Type-ahead: the next visible item whose name starts with that letter.
          const letter = event.key.toLocaleLowerCase('fr');
          const after = [...visible.slice(index + 1), ...visible.slice(0, index + 1)];
          go(
            after.find((candidate) =>
              this.nodes
                .get(candidate.dataset.file ?? '')
                ?.name.toLocaleLowerCase('fr')
                .startsWith(letter),
            ),
          );
          break;
        }
        return;
    }
    event.preventDefault();
  }

  dispose(): void {
    this.abort.abort();
  }
}
