// The files of one layer in the « Couches » tab: filtered by text and by change (ajoutés,
// modifiés, supprimés) on the server, shown as a folder tree with sizes.
import { layerFilesSchema } from '../../shared/contract.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { el } from '../dom/element.ts';
import { buildFileTree } from './file-tree.ts';
import { renderTree } from './file-tree-view.ts';
import { changeLabels, plural, type FileChange } from './format.ts';
import { layerName } from './layers-view.ts';
import { layerFilesPath } from './layers-paths.ts';
import { isAbort } from '../api/client.ts';
import { sessionRequest } from './workspace-api.ts';

/** Lists this short are shown with every folder open. */
const openAllBelow = 150;
const typingPause = 300;

export interface LayerFiles {
  /** The files' section: the tab puts it under the selected layer's row. */
  readonly element: HTMLElement;
  open(ref: string, index: number): void;
  close(): void;
}

function isChange(value: string): value is FileChange {
  return value in changeLabels;
}

export function createLayerFiles(pane: TerminalPaneApi): LayerFiles {
  const title = el('h4', { id: 'layer-files-title' });
  const filter = el('input', {
    type: 'search',
    'data-layer-filter': true,
    maxlength: 200,
    placeholder: 'par exemple : apt',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const change = el(
    'select',
    { 'data-layer-change': true },
    el('option', { value: '' }, 'Tous'),
    ...(Object.keys(changeLabels) as FileChange[]).map((key) =>
      el(
        'option',
        { value: key },
        changeLabels[key].many.replace(/^./, (c) => c.toUpperCase()),
      ),
    ),
  );
  const status = el('p', { class: 'workspace-status', role: 'status' });
  const error = el('p', { class: 'workspace-error', role: 'alert', hidden: true });
  const tree = el('div', { class: 'layer-files-tree' });
  const element = el(
    'section',
    { class: 'layer-files', id: 'layer-files', 'data-layer-files': true, 'aria-labelledby': 'layer-files-title' },
    title,
    el(
      'div',
      { class: 'layer-files-filters' },
      el('label', {}, 'Chemin contenant ', filter),
      el('label', {}, 'Changement ', change),
    ),
    status,
    error,
    tree,
  );

  let shown: { ref: string; index: number } | undefined;
  let request: AbortController | undefined;
  let typing: number | undefined;

  const load = async () => {
    if (!shown) return;
    const { ref, index } = shown;
    request?.abort();
    const controller = new AbortController();
    request = controller;
    const wanted = isChange(change.value) ? change.value : undefined;
    status.textContent = 'Lecture des fichiers…';
    error.hidden = true;
    element.setAttribute('aria-busy', 'true');
    try {
      const answer = await sessionRequest(pane, layerFilesPath(ref, index, filter.value, wanted), layerFilesSchema, {
        signal: controller.signal,
      });
      const filtered = filter.value.trim() !== '' || wanted !== undefined;
      tree.replaceChildren(renderTree(buildFileTree(answer.files), answer.files.length < openAllBelow));
      status.textContent =
        answer.files.length === 0
          ? filtered
            ? 'Aucun fichier de cette couche ne correspond.'
            : 'Cette couche ne change aucun fichier.'
          : answer.truncated
            ? `${plural(answer.files.length, 'fichier')} listés, pas tous : précisez le filtre pour voir les autres.`
            : plural(answer.files.length, 'fichier');
    } catch (failure) {
      if (isAbort(failure)) return;
      status.textContent = '';
      error.textContent = (failure as Error).message;
      error.hidden = false;
    } finally {
      if (request === controller) element.removeAttribute('aria-busy');
    }
  };

  filter.addEventListener('input', () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(() => void load(), typingPause);
  });
  change.addEventListener('change', () => void load());

  return {
    element,
    open(ref, index) {
      shown = { ref, index };
      title.textContent = `Fichiers de la ${layerName(index).toLowerCase()}`;
      tree.replaceChildren();
      void load();
    },
    close() {
      shown = undefined;
      request?.abort();
      window.clearTimeout(typing);
      element.remove();
    },
  };
}
