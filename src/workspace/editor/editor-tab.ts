// The « Éditeur » tab of the TP workspace: the tree of /root on one side, a CodeMirror editor
// on the other (save with If-Match, a prompt when the terminal changed the file meanwhile),
// inline lint for Dockerfiles, and files in and out. Mounted once, when the tab first opens.
import '../../styles/editor.css';
import { ApiRequestError } from '../../api/client.ts';
import type { TerminalPaneApi } from '../../terminal/terminal-pane.ts';
import { CodeEditor } from './code-editor.ts';
import { EditorDocument } from './editor-document.ts';
import { mountMarkup, renderPath } from './editor-markup.ts';
import { FilesApi } from './files-api.ts';
import { type DroppedFile, filesOfPickedFolder } from './dropped-files.ts';
import { languageKind, languageLabels } from './language-kind.ts';
import { lintCountLabel, type LintCounts } from './lint.ts';
import { askChoice, askName } from './panel-prompt.ts';
import { baseName, joinPath, newFileNameProblem, parentFolder } from './paths.ts';
import { Transfers, watchDrops } from './transfer.ts';
import { TreePanel, type EditorElements } from './tree-panel.ts';

export interface EditorTab {
  /** Opens a sandbox file (absolute path) in the editor, asking first if changes are unsaved. */
  openFile(path: string): void;
  /** The tab is shown again: the tree and a file without unsaved changes follow the terminal's. */
  show(): void;
  /** The tab is hidden. */
  hide(): void;
  /** Removes the tab's listeners, requests and editor. */
  dispose(): void;
}

const conflictMessage = 'Le fichier a changé dans le terminal depuis son ouverture : écraser ou recharger ?';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The tab's state and what the student does in it: open, save, create, catch up, upload. */
class EditorController {
  readonly root: HTMLElement;
  readonly el: EditorElements;
  readonly api: FilesApi;
  readonly tree: TreePanel;
  readonly transfers: Transfers;
  disposed = false;
  editor: CodeEditor | undefined;
  /** The file in the editor. */
  doc: EditorDocument | undefined;
  private openSeq = 0;
  private lintFailure: string | undefined;

  constructor(root: HTMLElement, el: EditorElements, pane: TerminalPaneApi) {
    this.root = root;
    this.el = el;
    this.api = new FilesApi(pane);
    this.tree = new TreePanel(el, this.api, {
      onOpen: (path) => void this.open(path),
      openFile: () => (this.doc ? { path: this.doc.path, dirty: this.editor?.isDirty() ?? false } : undefined),
      disposed: () => this.disposed,
    });
    this.transfers = new Transfers(this.api, el.transfers, this.report);
  }

  // ---- Messages ----------------------------------------------------------------------------
  say(text: string): void {
    this.el.status.textContent = text;
    this.el.error.hidden = true;
  }

  fail(text: string): void {
    this.el.error.textContent = text;
    this.el.error.hidden = false;
    this.el.status.textContent = '';
  }

  readonly report = (text: string, kind: 'info' | 'error'): void =>
    kind === 'error' ? this.fail(text) : this.say(text);

  // ---- Editor ------------------------------------------------------------------------------
  private showLint(counts: LintCounts | undefined): void {
    const { lint } = this.el;
    // A failed request gives no diagnostics: say it failed rather than « aucun problème ».
    if (this.lintFailure !== undefined) {
      lint.textContent = `Analyse du Dockerfile indisponible : ${this.lintFailure}`;
      lint.dataset.lintCount = '';
      delete lint.dataset.severity;
      return;
    }
    if (!counts) {
      lint.textContent = 'Analyse du Dockerfile…';
      lint.dataset.lintCount = '';
      return;
    }
    lint.textContent = lintCountLabel(counts);
    lint.dataset.lintCount = String(counts.error + counts.warning + counts.info);
    lint.dataset.severity = counts.error ? 'error' : counts.warning ? 'warning' : counts.info ? 'info' : 'none';
  }

  setDirty(dirty: boolean): void {
    const { doc, el } = this;
    el.dirty.hidden = !dirty;
    el.save.disabled = !doc || (!dirty && doc.etag !== undefined) || doc.saving;
    this.root.dataset.dirty = String(dirty);
    this.tree.view.setOpen(doc?.path, dirty);
  }

  private ensureEditor(): CodeEditor {
    if (this.editor) return this.editor;
    this.el.code.replaceChildren();
    this.editor = new CodeEditor(this.el.code, {
      onDirty: (dirty) => this.setDirty(dirty),
      onLint: (counts) => this.showLint(counts),
      lint: {
        fetch: (content, signal) => this.api.lint(content, signal),
        onFailure: (message) => {
          this.lintFailure = message;
        },
      },
    });
    return this.editor;
  }

  private showFile(path: string, text: string, etag: string): void {
    const { el, tree } = this;
    const view = this.ensureEditor();
    this.doc?.close();
    this.doc = new EditorDocument(this.api, view, path, etag);
    const kind = languageKind(path);
    renderPath(el.path, path);
    el.language.textContent = languageLabels[kind];
    el.lint.hidden = kind !== 'dockerfile';
    this.lintFailure = undefined;
    if (kind === 'dockerfile') this.showLint(undefined);
    view.load(path, text);
    el.search.disabled = false;
    this.setDirty(false);
    if (tree.view.node(path)) tree.view.select(path);
    tree.showSelection(tree.view.selected());
  }

  /** Whether the file in the editor may be left: saved, or the student chose so. */
  async mayLeave(): Promise<boolean> {
    if (!this.doc || !this.editor?.isDirty()) return true;
    const choice = await askChoice(this.el.mainPrompts, {
      message: `Les modifications de « ${baseName(this.doc.path)} » ne sont pas enregistrées.`,
      choices: [
        { value: 'save', label: 'Enregistrer', primary: true },
        { value: 'discard', label: 'Ne pas enregistrer' },
        { value: 'stay', label: 'Annuler' },
      ],
      cancel: 'stay',
      marker: 'data-unsaved',
    });
    if (choice === 'save') return this.save();
    if (choice === 'stay') this.editor?.focus();
    return choice === 'discard';
  }

  async open(path: string, options: { force?: boolean } = {}): Promise<void> {
    const { doc, tree } = this;
    if (!options.force && doc?.path === path) {
      this.editor?.focus();
      return;
    }
    if (!options.force && !(await this.mayLeave())) {
      // The tree moved to the file clicked: back to the one still open.
      if (this.doc && tree.view.node(this.doc.path)) tree.view.select(this.doc.path);
      return;
    }
    const seq = ++this.openSeq;
    this.say(`Ouverture de ${baseName(path)}…`);
    try {
      const file = await this.api.read(path);
      if (seq !== this.openSeq || this.disposed) return;
      this.showFile(path, file.text, file.etag);
      this.say('');
      this.editor?.focus();
    } catch (error) {
      if (seq !== this.openSeq || this.disposed) return;
      if (error instanceof ApiRequestError && error.status === 404 && !tree.view.node(path)) {
        this.say('');
        const choice = await askChoice(this.el.mainPrompts, {
          message: `« ${path} » n’existe pas encore dans le bac à sable.`,
          choices: [
            { value: 'create', label: 'Créer le fichier', primary: true },
            { value: 'no', label: 'Annuler' },
          ],
          cancel: 'no',
        });
        if (choice === 'create') await this.create(path);
        return;
      }
      this.fail(`« ${baseName(path)} » ne peut pas être ouvert : ${messageOf(error)}`);
    }
  }

  /** Saves the editor's text; on a 412, asks whether to overwrite or reload. True once saved. */
  async save(): Promise<boolean> {
    const { doc, editor: view } = this;
    if (!doc || !view || doc.saving) return false;
    this.el.save.disabled = true;
    this.say(`Enregistrement de ${baseName(doc.path)}…`);
    let outcome;
    try {
      outcome = await doc.save();
    } catch (error) {
      this.fail(`Enregistrement impossible : ${messageOf(error)}`);
      return false;
    } finally {
      this.setDirty(view.isDirty());
    }
    if (outcome === 'conflict') {
      this.say('');
      return this.resolveConflict(doc);
    }
    if (this.doc !== doc || this.disposed) return true;
    this.say(
      `${baseName(doc.path)} enregistré à ${new Date().toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' })}.`,
    );
    if (!this.tree.view.node(doc.path)) void this.tree.load();
    return true;
  }

  private async resolveConflict(doc: EditorDocument): Promise<boolean> {
    const choice = await askChoice(this.el.mainPrompts, {
      message: conflictMessage,
      choices: [
        { value: 'overwrite', label: 'Écraser', primary: true },
        { value: 'reload', label: 'Recharger' },
      ],
      cancel: 'cancel',
      marker: 'data-conflict',
    });
    if (this.doc !== doc || !this.editor) return false;
    // The prompt's buttons are gone: typing goes back to the text.
    this.editor.focus();
    if (choice === 'reload') {
      await this.open(doc.path, { force: true });
      return false;
    }
    if (choice !== 'overwrite') return false;
    // The student chose to replace the terminal's version: save without If-Match.
    doc.forgetVersion();
    return this.save();
  }

  /** Creates an empty file and opens it; one made in the terminal meanwhile is opened as it is. */
  private async create(path: string): Promise<void> {
    let existed = false;
    try {
      await this.api.save(path, '', undefined, { createOnly: true });
    } catch (error) {
      existed = error instanceof ApiRequestError && error.status === 412;
      if (!existed) {
        this.fail(`« ${baseName(path)} » n’a pas pu être créé : ${messageOf(error)}`);
        return;
      }
    }
    await this.tree.load();
    await this.open(path, { force: true });
    if (existed) this.say(`« ${path} » existait déjà : le voici.`);
  }

  async newFile(): Promise<void> {
    const { tree } = this;
    const folder = tree.currentFolder();
    const name = await askName(this.el.sidePrompts, {
      label: 'Nom du nouveau fichier',
      hint: `Dans ${folder}. Un chemin comme app/main.go crée aussi le dossier.`,
      submit: 'Créer',
      problem: (typed) => {
        const problem = newFileNameProblem(typed);
        if (problem) return problem;
        const path = joinPath(folder, typed);
        return tree.view.node(path) ? `« ${path} » existe déjà : ouvrez-le dans l’arborescence.` : undefined;
      },
    });
    if (name === undefined) {
      this.el.newFile.focus();
      return;
    }
    const path = joinPath(folder, name);
    if (!(await this.mayLeave())) return;
    // The tree may be older than the terminal's last command: look again before creating.
    await tree.load();
    if (tree.view.node(path)) {
      await this.open(path, { force: true });
      this.say(`« ${path} » existait déjà : le voici.`);
      return;
    }
    await this.create(path);
  }

  /** When the tab comes back into view: the terminal may have changed files. */
  async revalidate(): Promise<void> {
    await this.tree.load();
    const { doc, editor } = this;
    if (!doc || !editor) return;
    const outcome = await doc.revalidate();
    if (outcome === 'refreshed') this.say(`${baseName(doc.path)} a changé dans le terminal : le voici à jour.`);
    if (outcome === 'gone') {
      this.setDirty(editor.isDirty());
      this.fail(`${doc.path} n’existe plus dans le bac à sable : « Enregistrer » le recrée.`);
    }
  }

  // ---- Files in and out --------------------------------------------------------------------
  async uploadFiles(files: DroppedFile[], folder: string): Promise<void> {
    const { tree } = this;
    const written = await this.transfers.upload(
      files,
      folder,
      (path) => Boolean(tree.view.node(path)),
      async (path) =>
        (await askChoice(this.el.mainPrompts, {
          message: `« ${baseName(path)} » existe déjà dans ${parentFolder(path)} : le remplacer ?`,
          choices: [
            { value: 'replace', label: 'Remplacer', primary: true },
            { value: 'keep', label: 'Ne pas envoyer' },
          ],
          cancel: 'keep',
        })) === 'replace',
    );
    if (written.length === 0 || this.disposed) return;
    await tree.load();
    // Show where the files went.
    tree.view.reveal(folder);
    if (this.doc && written.includes(this.doc.path)) await this.revalidate();
  }

  /** « Télécharger »: the selected file or folder, else the file in the editor. */
  download(): void {
    const { doc, tree } = this;
    const node = tree.view.selected() ?? (doc ? tree.view.node(doc.path) : undefined);
    const path = node?.path ?? doc?.path;
    if (path) void this.transfers.download(path, node?.type === 'dir');
  }

  dispose(): void {
    this.disposed = true;
    this.doc?.close();
    this.transfers.cancelAll();
    this.tree.view.dispose();
    this.editor?.destroy();
    this.editor = undefined;
  }
}

/** The buttons, file inputs, drops and keys of the tab. */
function wire(tab: EditorController, signal: AbortSignal): void {
  const { el, root, tree } = tab;
  const on = { signal };
  el.refresh.addEventListener('click', () => void tree.load(), on);
  el.newFile.addEventListener('click', () => void tab.newFile(), on);
  el.save.addEventListener('click', () => void tab.save(), on);
  el.lint.addEventListener('click', () => tab.editor?.openLintPanel(), on);
  el.search.addEventListener('click', () => tab.editor?.openSearch(), on);
  el.upload.addEventListener(
    'change',
    () => {
      const files = [...(el.upload.files ?? [])];
      el.upload.value = '';
      if (files.length > 0) {
        void tab.uploadFiles(
          files.map((file) => ({ file, relative: file.name })),
          tree.currentFolder(),
        );
      }
    },
    on,
  );
  el.uploadFolder.addEventListener(
    'change',
    () => {
      const files = [...(el.uploadFolder.files ?? [])];
      el.uploadFolder.value = '';
      try {
        if (files.length > 0) void tab.uploadFiles(filesOfPickedFolder(files), tree.currentFolder());
      } catch (error) {
        tab.report((error as Error).message, 'error');
      }
    },
    on,
  );
  el.download.addEventListener('click', () => tab.download(), on);
  watchDrops(
    root,
    {
      folderAt: (target) => tree.folderAt(target),
      onFiles: (files, folder) => void tab.uploadFiles(files, folder),
      onTarget: (folder) => (el.dropHint.textContent = `Déposez pour envoyer dans ${folder}`),
      report: tab.report,
    },
    signal,
  );

  // Ctrl+S / Cmd+S anywhere in the tab (the editor, the tree, a button), not the browser's « Enregistrer sous ».
  root.addEventListener(
    'keydown',
    (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void tab.save();
      }
    },
    on,
  );
  window.addEventListener(
    'beforeunload',
    (event) => {
      if (tab.editor?.isDirty()) event.preventDefault();
    },
    on,
  );
}

export function mountEditorTab(panel: HTMLElement, pane: TerminalPaneApi): EditorTab {
  const { root, el } = mountMarkup(panel);
  const tab = new EditorController(root, el, pane);
  const listeners = new AbortController();
  wire(tab, listeners.signal);

  // The tab is hidden while the student works in the terminal: look again when it shows. The
  // workspace says so (show, hide); the observer covers a host that does not.
  let hidden = false;
  const hide = () => {
    hidden = true;
  };
  const show = () => {
    if (!hidden) return;
    hidden = false;
    void tab.revalidate();
  };
  const visibility = new IntersectionObserver((records) => {
    if (records.some((record) => record.isIntersecting)) show();
    else hide();
  });
  visibility.observe(root);

  const firstTree = tab.tree.load();

  return {
    show,
    hide,
    openFile(path: string) {
      void (async () => {
        // The file is selected in the tree once it is there.
        await firstTree;
        await tab.open(path);
      })();
    },
    dispose() {
      listeners.abort();
      visibility.disconnect();
      tab.dispose();
      panel.replaceChildren();
    },
  };
}
