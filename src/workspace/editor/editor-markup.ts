// The « Éditeur » tab's markup: the side (toolbar, current folder, tree) and the main column
// (file name, save, questions, messages, the editor, the lint count), found once by selector.
import { baseName, homeFolder, parentFolder } from './paths.ts';

const markup = `
  <div class="editor-layout">
  <div class="editor-side">
    <div class="editor-toolbar" role="group" aria-label="Fichiers du bac à sable">
      <button type="button" class="editor-button small" data-tree-refresh>Rafraîchir</button>
      <button type="button" class="editor-button small" data-new-file>Nouveau fichier</button>
      <label class="editor-button small editor-upload">
        <input type="file" multiple class="editor-sr" data-upload />Importer un fichier
      </label>
      <label class="editor-button small editor-upload">
        <input type="file" webkitdirectory class="editor-sr" data-upload-folder />Importer un dossier
      </label>
      <button type="button" class="editor-button small" data-download disabled>Télécharger</button>
    </div>
    <p class="editor-folder">Dossier courant : <code data-current-folder>${homeFolder}</code></p>
    <div class="editor-side-prompts" data-side-prompts></div>
    <p class="editor-tree-message" data-tree-message role="status" hidden></p>
    <ul class="editor-tree" data-file-tree aria-label="Fichiers de ${homeFolder}" aria-busy="true"></ul>
  </div>
  <div class="editor-main">
    <div class="editor-head">
      <span class="editor-file">
        <code data-editor-path>Aucun fichier ouvert</code>
        <span class="editor-dirty" data-editor-dirty hidden title="Modifications non enregistrées"
          >●<span class="editor-sr"> (modifications non enregistrées)</span></span
        >
      </span>
      <span class="editor-language" data-editor-language></span>
      <button type="button" class="editor-button" data-editor-search disabled title="Rechercher et remplacer (Ctrl+F)">
        Rechercher
      </button>
      <button type="button" class="editor-button primary" data-editor-save disabled>Enregistrer</button>
    </div>
    <div class="editor-main-prompts" data-main-prompts></div>
    <p class="editor-status" data-editor-status role="status"></p>
    <p class="editor-error" data-editor-error role="alert" hidden></p>
    <div class="editor-code" data-editor>
      <p class="editor-empty">Choisissez un fichier dans l’arborescence, ou créez-en un avec « Nouveau fichier ».</p>
    </div>
    <div class="editor-foot">
      <button type="button" class="editor-lint" data-lint-count="" hidden
        title="Afficher la liste (Ctrl+Maj+M) ; F8 : problème suivant"></button>
      <span class="editor-keys"><kbd>Ctrl</kbd>+<kbd>S</kbd> : enregistrer · <kbd>Ctrl</kbd>+<kbd>F</kbd> : rechercher et remplacer · <kbd>Échap</kbd> puis <kbd>Tab</kbd> : quitter l’éditeur</span>
    </div>
  </div>
  <div class="editor-transfers" data-transfers aria-live="polite"></div>
  </div>
  <div class="editor-drop-hint" data-drop-hint aria-hidden="true"></div>
`;

function required<T extends Element>(root: HTMLElement, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`editor markup: ${selector} missing`);
  return element;
}

/** Replaces the panel's content with the tab's markup; gives its root and its elements. */
export function mountMarkup(panel: HTMLElement) {
  const root = document.createElement('div');
  root.className = 'editor-tab';
  root.dataset.editorTab = '';
  root.innerHTML = markup;
  panel.replaceChildren(root);
  const el = {
    refresh: required<HTMLButtonElement>(root, '[data-tree-refresh]'),
    newFile: required<HTMLButtonElement>(root, '[data-new-file]'),
    upload: required<HTMLInputElement>(root, '[data-upload]'),
    uploadFolder: required<HTMLInputElement>(root, '[data-upload-folder]'),
    download: required<HTMLButtonElement>(root, '[data-download]'),
    folder: required<HTMLElement>(root, '[data-current-folder]'),
    sidePrompts: required<HTMLElement>(root, '[data-side-prompts]'),
    treeMessage: required<HTMLElement>(root, '[data-tree-message]'),
    tree: required<HTMLElement>(root, '[data-file-tree]'),
    path: required<HTMLElement>(root, '[data-editor-path]'),
    dirty: required<HTMLElement>(root, '[data-editor-dirty]'),
    language: required<HTMLElement>(root, '[data-editor-language]'),
    save: required<HTMLButtonElement>(root, '[data-editor-save]'),
    search: required<HTMLButtonElement>(root, '[data-editor-search]'),
    mainPrompts: required<HTMLElement>(root, '[data-main-prompts]'),
    status: required<HTMLElement>(root, '[data-editor-status]'),
    error: required<HTMLElement>(root, '[data-editor-error]'),
    code: required<HTMLElement>(root, '[data-editor]'),
    lint: required<HTMLButtonElement>(root, '[data-lint-count]'),
    transfers: required<HTMLElement>(root, '[data-transfers]'),
    dropHint: required<HTMLElement>(root, '[data-drop-hint]'),
  };
  return { root, el };
}

/** Shows a path with its folder and its name apart, so a long folder is cut, never the name. */
export function renderPath(code: HTMLElement, path: string): void {
  const folder = document.createElement('span');
  folder.className = 'editor-path-folder';
  folder.textContent = `${parentFolder(path).replace(/\/$/, '')}/`;
  const name = document.createElement('span');
  name.className = 'editor-path-name';
  name.textContent = baseName(path);
  code.replaceChildren(folder, name);
  code.title = path;
}
