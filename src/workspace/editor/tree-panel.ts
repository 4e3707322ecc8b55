// The editor's side: the tree of /root read from the sandbox (one read at a time, one more when
// asked meanwhile), the current folder, and what « Télécharger » would take.
import type { mountMarkup } from './editor-markup.ts';
import { FileTreeView } from './file-tree.ts';
import type { FilesApi } from './files-api.ts';
import { baseName, homeFolder, joinPath, parentFolder } from './paths.ts';
import { buildTree, type TreeNode } from './tree-model.ts';

export type EditorElements = ReturnType<typeof mountMarkup>['el'];

export interface TreePanelHooks {
  /** A file was opened from the tree. */
  onOpen(path: string): void;
  /** The file in the editor, if any, and whether it has unsaved changes. */
  openFile(): { path: string; dirty: boolean } | undefined;
  /** True once the tab is gone: late replies are dropped. */
  disposed(): boolean;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class TreePanel {
  readonly view: FileTreeView;
  private readonly el: EditorElements;
  private readonly api: FilesApi;
  private readonly hooks: TreePanelHooks;
  private loading: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private loadedOnce = false;

  constructor(el: EditorElements, api: FilesApi, hooks: TreePanelHooks) {
    this.el = el;
    this.api = api;
    this.hooks = hooks;
    this.view = new FileTreeView(el.tree, {
      onOpen: (node) => hooks.onOpen(node.path),
      onSelect: (node) => this.showSelection(node),
    });
  }

  /** The folder new files and uploads go to: the selected one, or the selected file's. */
  currentFolder(): string {
    const node = this.view.selected();
    if (!node) return homeFolder;
    return node.type === 'dir' ? node.path : parentFolder(node.path);
  }

  /** The folder under a drop's target (a folder, or a file's), else the current folder. */
  folderAt(target: EventTarget | null): string {
    const item = target instanceof Element ? target.closest<HTMLElement>('[data-file]') : null;
    if (!item?.dataset.file) return this.currentFolder();
    return item.dataset.type === 'dir' ? item.dataset.file : parentFolder(item.dataset.file);
  }

  showSelection(node: TreeNode | undefined): void {
    const { el } = this;
    const current = this.hooks.openFile();
    el.folder.textContent = this.currentFolder();
    const target = node ?? (current ? this.view.node(current.path) : undefined);
    el.download.disabled = !target && !current;
    el.download.title = target
      ? `Télécharger ${target.type === 'dir' ? 'le dossier' : 'le fichier'} « ${target.name} »${target.type === 'dir' ? ' (archive tar)' : ''}`
      : current
        ? `Télécharger « ${baseName(current.path)} »`
        : 'Sélectionnez un fichier ou un dossier';
  }

  /** Reads the tree; asked while a read runs, reads once more after it (a file may be newer than it). */
  load(): Promise<void> {
    if (this.loading) {
      this.queued ??= this.loading.then(() => {
        this.queued = undefined;
        return this.load();
      });
      return this.queued;
    }
    this.loading = this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async read(): Promise<void> {
    const { el, view } = this;
    el.tree.setAttribute('aria-busy', 'true');
    try {
      const session = await this.api.session();
      const listing = await this.api.tree(homeFolder);
      if (this.hooks.disposed()) return;
      view.render(buildTree(listing.root, listing.entries));
      if (!this.loadedOnce) {
        this.loadedOnce = true;
        // The TP's own folder (/root/<lab>) is where the student works: start there.
        const labFolder = joinPath(listing.root, session.lab);
        if (view.node(labFolder)?.type === 'dir') {
          view.setExpanded(labFolder, true);
          view.select(labFolder);
        }
      }
      const current = this.hooks.openFile();
      if (current) view.setOpen(current.path, current.dirty);
      this.showSelection(view.selected());
      el.treeMessage.textContent = listing.truncated
        ? 'Liste incomplète : trop de fichiers (2 000 au plus, 6 niveaux de dossiers). Le terminal les montre tous.'
        : listing.entries.length === 0
          ? `Aucun fichier dans ${listing.root} pour l’instant.`
          : '';
      el.treeMessage.hidden = el.treeMessage.textContent === '';
    } catch (error) {
      if (this.hooks.disposed()) return;
      el.treeMessage.hidden = false;
      el.treeMessage.textContent = `La liste des fichiers n’a pas pu être lue : ${messageOf(error)}`;
    } finally {
      el.tree.setAttribute('aria-busy', 'false');
    }
  }
}
