// The « Éditeur » tab of the TP workspace: the tree of /root on one side, a CodeMirror editor
// on the other (save with If-Match, a prompt when the terminal changed the file meanwhile),
// inline lint for Dockerfiles, and files in and out. Mounted once, when the tab first opens.
import '../../styles/editor.css';
import type { TerminalPaneApi } from '../../terminal/terminal-pane.ts';
import { CodeEditor } from './code-editor.ts';
import { mountMarkup, renderPath } from './editor-markup.ts';
import { FileTreeView } from './file-tree.ts';
import { ApiRequestError } from '../../api/client.ts';
import { FilesApi } from './files-api.ts';
import { type DroppedFile, filesOfPickedFolder } from './dropped-files.ts';
import { languageKind, languageLabels } from './language-kind.ts';
import { lintCountLabel, type LintCounts } from './lint.ts';
import { askChoice, askName } from './panel-prompt.ts';
import { baseName, homeFolder, joinPath, newFileNameProblem, parentFolder } from './paths.ts';
import { Transfers, watchDrops } from './transfer.ts';
import { buildTree, type TreeNode } from './tree-model.ts';

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

export function mountEditorTab(panel: HTMLElement, pane: TerminalPaneApi): EditorTab {
  const { root, el } = mountMarkup(panel);

  const api = new FilesApi(pane);
  const listeners = new AbortController();
  const on = { signal: listeners.signal };
  let disposed = false;

  /** The file in the editor and the ETag of what was read or last saved (none: save without If-Match). */
  let current: { path: string; etag: string | undefined } | undefined;
  let editor: CodeEditor | undefined;
  let openSeq = 0;
  let saving = false;
  let treeLoad: Promise<void> | undefined;
  let treeQueued: Promise<void> | undefined;
  let lintFailure: string | undefined;
  let treeLoadedOnce = false;

  // ---- Messages ----------------------------------------------------------------------------
  const say = (text: string) => {
    el.status.textContent = text;
    el.error.hidden = true;
  };
  const fail = (text: string) => {
    el.error.textContent = text;
    el.error.hidden = false;
    el.status.textContent = '';
  };
  const report = (text: string, kind: 'info' | 'error') => (kind === 'error' ? fail(text) : say(text));
  const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

  // ---- Tree --------------------------------------------------------------------------------
  const currentFolder = (): string => {
    const node = tree.selected();
    if (!node) return homeFolder;
    return node.type === 'dir' ? node.path : parentFolder(node.path);
  };
  const showSelection = (node: TreeNode | undefined) => {
    el.folder.textContent = currentFolder();
    const target = node ?? (current ? tree.node(current.path) : undefined);
    el.download.disabled = !target && !current;
    el.download.title = target
      ? `Télécharger ${target.type === 'dir' ? 'le dossier' : 'le fichier'} « ${target.name} »${target.type === 'dir' ? ' (archive tar)' : ''}`
      : current
        ? `Télécharger « ${baseName(current.path)} »`
        : 'Sélectionnez un fichier ou un dossier';
  };
  const tree = new FileTreeView(el.tree, {
    onOpen: (node) => void open(node.path),
    onSelect: showSelection,
  });

  /** Reads the tree; asked while a read runs, reads once more after it (a file may be newer than it). */
  const loadTree = (): Promise<void> => {
    if (treeLoad) {
      treeQueued ??= treeLoad.then(() => {
        treeQueued = undefined;
        return loadTree();
      });
      return treeQueued;
    }
    treeLoad = (async () => {
      el.tree.setAttribute('aria-busy', 'true');
      try {
        const session = await api.session();
        const listing = await api.tree(homeFolder);
        if (disposed) return;
        tree.render(buildTree(listing.root, listing.entries));
        if (!treeLoadedOnce) {
          treeLoadedOnce = true;
          // The TP's own folder (/root/<lab>) is where the student works: start there.
          const labFolder = joinPath(listing.root, session.lab);
          if (tree.node(labFolder)?.type === 'dir') {
            tree.setExpanded(labFolder, true);
            tree.select(labFolder);
          }
        }
        if (current) tree.setOpen(current.path, editor?.isDirty() ?? false);
        showSelection(tree.selected());
        el.treeMessage.textContent = listing.truncated
          ? 'Liste incomplète : trop de fichiers (2 000 au plus, 6 niveaux de dossiers). Le terminal les montre tous.'
          : listing.entries.length === 0
            ? `Aucun fichier dans ${listing.root} pour l’instant.`
            : '';
        el.treeMessage.hidden = el.treeMessage.textContent === '';
      } catch (error) {
        if (disposed) return;
        el.treeMessage.hidden = false;
        el.treeMessage.textContent = `La liste des fichiers n’a pas pu être lue : ${messageOf(error)}`;
      } finally {
        el.tree.setAttribute('aria-busy', 'false');
        treeLoad = undefined;
      }
    })();
    return treeLoad;
  };

  // ---- Editor ------------------------------------------------------------------------------
  const showLint = (counts: LintCounts | undefined) => {
    // A failed request gives no diagnostics: say it failed rather than « aucun problème ».
    if (lintFailure !== undefined) {
      el.lint.textContent = `Analyse du Dockerfile indisponible : ${lintFailure}`;
      el.lint.dataset.lintCount = '';
      delete el.lint.dataset.severity;
      return;
    }
    if (!counts) {
      el.lint.textContent = 'Analyse du Dockerfile…';
      el.lint.dataset.lintCount = '';
      return;
    }
    el.lint.textContent = lintCountLabel(counts);
    el.lint.dataset.lintCount = String(counts.error + counts.warning + counts.info);
    el.lint.dataset.severity = counts.error ? 'error' : counts.warning ? 'warning' : counts.info ? 'info' : 'none';
  };

  const setDirty = (dirty: boolean) => {
    el.dirty.hidden = !dirty;
    el.save.disabled = !current || (!dirty && current.etag !== undefined) || saving;
    root.dataset.dirty = String(dirty);
    tree.setOpen(current?.path, dirty);
  };

  const ensureEditor = (): CodeEditor => {
    if (editor) return editor;
    el.code.replaceChildren();
    editor = new CodeEditor(el.code, {
      onDirty: setDirty,
      onLint: (counts) => showLint(counts),
      lint: {
        fetch: (content, signal) => api.lint(content, signal),
        onFailure: (message) => {
          lintFailure = message;
        },
      },
    });
    return editor;
  };

  const showFile = (path: string, text: string, etag: string) => {
    const view = ensureEditor();
    current = { path, etag };
    const kind = languageKind(path);
    renderPath(el.path, path);
    el.language.textContent = languageLabels[kind];
    el.lint.hidden = kind !== 'dockerfile';
    lintFailure = undefined;
    if (kind === 'dockerfile') showLint(undefined);
    view.load(path, text);
    el.search.disabled = false;
    setDirty(false);
    if (tree.node(path)) tree.select(path);
    showSelection(tree.selected());
  };

  /** Whether the file in the editor may be left: saved, or the student chose so. */
  const mayLeave = async (): Promise<boolean> => {
    if (!current || !editor?.isDirty()) return true;
    const choice = await askChoice(el.mainPrompts, {
      message: `Les modifications de « ${baseName(current.path)} » ne sont pas enregistrées.`,
      choices: [
        { value: 'save', label: 'Enregistrer', primary: true },
        { value: 'discard', label: 'Ne pas enregistrer' },
        { value: 'stay', label: 'Annuler' },
      ],
      cancel: 'stay',
      marker: 'data-unsaved',
    });
    if (choice === 'save') return save();
    if (choice === 'stay') editor?.focus();
    return choice === 'discard';
  };

  const open = async (path: string, options: { force?: boolean } = {}): Promise<void> => {
    if (!options.force && current?.path === path) {
      editor?.focus();
      return;
    }
    if (!options.force && !(await mayLeave())) {
      // The tree moved to the file clicked: back to the one still open.
      if (current && tree.node(current.path)) tree.select(current.path);
      return;
    }
    const seq = ++openSeq;
    say(`Ouverture de ${baseName(path)}…`);
    try {
      const file = await api.read(path);
      if (seq !== openSeq || disposed) return;
      showFile(path, file.text, file.etag);
      say('');
      editor?.focus();
    } catch (error) {
      if (seq !== openSeq || disposed) return;
      if (error instanceof ApiRequestError && error.status === 404 && !tree.node(path)) {
        say('');
        const choice = await askChoice(el.mainPrompts, {
          message: `« ${path} » n’existe pas encore dans le bac à sable.`,
          choices: [
            { value: 'create', label: 'Créer le fichier', primary: true },
            { value: 'no', label: 'Annuler' },
          ],
          cancel: 'no',
        });
        if (choice === 'create') await create(path);
        return;
      }
      fail(`« ${baseName(path)} » ne peut pas être ouvert : ${messageOf(error)}`);
    }
  };

  /** Saves the editor's text; on a 412, asks whether to overwrite or reload. True once saved. */
  const save = async (): Promise<boolean> => {
    const view = editor;
    if (!current || !view || saving) return false;
    const target = current;
    const snapshot = view.text();
    saving = true;
    el.save.disabled = true;
    say(`Enregistrement de ${baseName(target.path)}…`);
    try {
      const etag = await api.save(target.path, snapshot.toString(), target.etag);
      if (current !== target || disposed) return true;
      target.etag = etag;
      view.markSaved(snapshot);
      say(
        `${baseName(target.path)} enregistré à ${new Date().toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' })}.`,
      );
      if (!tree.node(target.path)) void loadTree();
      return true;
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 412) {
        say('');
        return resolveConflict(target);
      }
      fail(`Enregistrement impossible : ${messageOf(error)}`);
      return false;
    } finally {
      saving = false;
      setDirty(view.isDirty());
    }
  };

  const resolveConflict = async (target: { path: string; etag: string | undefined }): Promise<boolean> => {
    const choice = await askChoice(el.mainPrompts, {
      message: conflictMessage,
      choices: [
        { value: 'overwrite', label: 'Écraser', primary: true },
        { value: 'reload', label: 'Recharger' },
      ],
      cancel: 'cancel',
      marker: 'data-conflict',
    });
    if (current !== target || !editor) return false;
    // The prompt's buttons are gone: typing goes back to the text.
    editor.focus();
    if (choice === 'reload') {
      await open(target.path, { force: true });
      return false;
    }
    if (choice !== 'overwrite') return false;
    // Unknown ETag, so save without If-Match: the student chose to replace the terminal's version.
    target.etag = undefined;
    return save();
  };

  /** Creates an empty file and opens it; one made in the terminal meanwhile is opened as it is. */
  const create = async (path: string): Promise<void> => {
    let existed = false;
    try {
      await api.save(path, '', undefined, { createOnly: true });
    } catch (error) {
      existed = error instanceof ApiRequestError && error.status === 412;
      if (!existed) {
        fail(`« ${baseName(path)} » n’a pas pu être créé : ${messageOf(error)}`);
        return;
      }
    }
    await loadTree();
    await open(path, { force: true });
    if (existed) say(`« ${path} » existait déjà : le voici.`);
  };

  const newFile = async () => {
    const folder = currentFolder();
    const name = await askName(el.sidePrompts, {
      label: 'Nom du nouveau fichier',
      hint: `Dans ${folder}. Un chemin comme app/main.go crée aussi le dossier.`,
      submit: 'Créer',
      problem: (typed) => {
        const problem = newFileNameProblem(typed);
        if (problem) return problem;
        const path = joinPath(folder, typed);
        return tree.node(path) ? `« ${path} » existe déjà : ouvrez-le dans l’arborescence.` : undefined;
      },
    });
    if (name === undefined) {
      el.newFile.focus();
      return;
    }
    const path = joinPath(folder, name);
    if (!(await mayLeave())) return;
    // The tree may be older than the terminal's last command: look again before creating.
    await loadTree();
    if (tree.node(path)) {
      await open(path, { force: true });
      say(`« ${path} » existait déjà : le voici.`);
      return;
    }
    await create(path);
  };

  /** When the tab comes back into view: the terminal may have changed files. */
  const revalidate = async () => {
    await loadTree();
    const target = current;
    if (!target || !editor || editor.isDirty() || saving) return;
    try {
      const file = await api.read(target.path);
      if (current !== target || editor.isDirty() || file.etag === target.etag) return;
      target.etag = file.etag;
      editor.refresh(target.path, file.text);
      say(`${baseName(target.path)} a changé dans le terminal : le voici à jour.`);
    } catch (error) {
      if (current !== target) return;
      if (error instanceof ApiRequestError && error.status === 404) {
        // Saving recreates it: no If-Match for a file that is no longer there.
        target.etag = undefined;
        setDirty(editor.isDirty());
        fail(`${target.path} n’existe plus dans le bac à sable : « Enregistrer » le recrée.`);
      }
    }
  };

  // ---- Files in and out --------------------------------------------------------------------
  const transfers = new Transfers(api, el.transfers, report);
  const uploadFiles = async (files: DroppedFile[], folder: string) => {
    const written = await transfers.upload(
      files,
      folder,
      (path) => Boolean(tree.node(path)),
      async (path) =>
        (await askChoice(el.mainPrompts, {
          message: `« ${baseName(path)} » existe déjà dans ${parentFolder(path)} : le remplacer ?`,
          choices: [
            { value: 'replace', label: 'Remplacer', primary: true },
            { value: 'keep', label: 'Ne pas envoyer' },
          ],
          cancel: 'keep',
        })) === 'replace',
    );
    if (written.length === 0 || disposed) return;
    await loadTree();
    // Show where the files went.
    tree.reveal(folder);
    if (current && written.includes(current.path)) await revalidate();
  };

  const folderAt = (target: EventTarget | null): string => {
    const item = target instanceof Element ? target.closest<HTMLElement>('[data-file]') : null;
    if (!item?.dataset.file) return currentFolder();
    return item.dataset.type === 'dir' ? item.dataset.file : parentFolder(item.dataset.file);
  };

  // ---- Wiring ------------------------------------------------------------------------------
  el.refresh.addEventListener('click', () => void loadTree(), on);
  el.newFile.addEventListener('click', () => void newFile(), on);
  el.save.addEventListener('click', () => void save(), on);
  el.lint.addEventListener('click', () => editor?.openLintPanel(), on);
  el.search.addEventListener('click', () => editor?.openSearch(), on);
  el.upload.addEventListener(
    'change',
    () => {
      const files = [...(el.upload.files ?? [])];
      el.upload.value = '';
      if (files.length > 0) {
        void uploadFiles(
          files.map((file) => ({ file, relative: file.name })),
          currentFolder(),
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
        if (files.length > 0) void uploadFiles(filesOfPickedFolder(files), currentFolder());
      } catch (error) {
        report((error as Error).message, 'error');
      }
    },
    on,
  );
  el.download.addEventListener(
    'click',
    () => {
      const node = tree.selected() ?? (current ? tree.node(current.path) : undefined);
      const path = node?.path ?? current?.path;
      if (path) void transfers.download(path, node?.type === 'dir');
    },
    on,
  );
  watchDrops(
    root,
    {
      folderAt,
      onFiles: (files, folder) => void uploadFiles(files, folder),
      onTarget: (folder) => (el.dropHint.textContent = `Déposez pour envoyer dans ${folder}`),
      report,
    },
    listeners.signal,
  );

  // Ctrl+S / Cmd+S anywhere in the tab (the editor, the tree, a button), not the browser's « Enregistrer sous ».
  root.addEventListener(
    'keydown',
    (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void save();
      }
    },
    on,
  );
  window.addEventListener(
    'beforeunload',
    (event) => {
      if (editor?.isDirty()) event.preventDefault();
    },
    on,
  );

  // The tab is hidden while the student works in the terminal: look again when it shows. The
  // workspace says so (show, hide); the observer covers a host that does not.
  let hidden = false;
  const hide = () => {
    hidden = true;
  };
  const show = () => {
    if (!hidden) return;
    hidden = false;
    void revalidate();
  };
  const visibility = new IntersectionObserver((records) => {
    if (records.some((record) => record.isIntersecting)) show();
    else hide();
  });
  visibility.observe(root);

  const firstTree = loadTree();

  return {
    show,
    hide,
    openFile(path: string) {
      void (async () => {
        // The file is selected in the tree once it is there.
        await firstTree;
        await open(path);
      })();
    },
    dispose() {
      disposed = true;
      listeners.abort();
      visibility.disconnect();
      transfers.cancelAll();
      tree.dispose();
      editor?.destroy();
      editor = undefined;
      panel.replaceChildren();
    },
  };
}
