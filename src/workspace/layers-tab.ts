// The « Couches » tab (the deck's Dive slide, in the browser): pick one of the sandbox's images,
// read its layers (size, efficiency, wasted bytes, the instruction that made each) and open a
// layer to see its files. Layers are listed top first, as they stack: the base image at the bottom.
import { imageLayersSchema, sandboxImagesSchema } from '../../shared/contract.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { el } from '../dom/element.ts';
import { formatBytes } from './format.ts';
import { createLayerFiles } from './layer-files.ts';
import { renderLayerList } from './layers-list.ts';
import { imageLayersPath } from './layers-paths.ts';
import { isAbort } from '../api/client.ts';
import { sessionRequest } from './workspace-api.ts';
import type { WorkspaceTab } from './workspace.ts';

/** The tab's toolbar (image, « Rafraîchir »), its messages and where an image's layers go. */
function layersMarkup(panel: HTMLElement) {
  const select = el('select', { id: 'layers-image', 'data-layers-image': true });
  const refresh = el(
    'button',
    { type: 'button', class: 'button secondary', 'data-layers-refresh': true },
    'Rafraîchir',
  );
  const status = el('p', { class: 'workspace-status', role: 'status' });
  const error = el('p', { class: 'workspace-error', role: 'alert', hidden: true });
  const empty = el(
    'p',
    { class: 'workspace-hint', hidden: true },
    'Aucune image dans le bac à sable pour l’instant : construisez-en une dans le terminal, par exemple ',
    el('code', {}, 'docker build -t mon-image .'),
    ', puis cliquez sur « Rafraîchir ».',
  );
  const result = el('div', { class: 'layers-result' });
  panel.append(
    el(
      'div',
      { class: 'layers-tab' },
      el('div', { class: 'workspace-toolbar' }, el('label', { for: 'layers-image' }, 'Image'), select, refresh),
      status,
      error,
      empty,
      result,
    ),
  );
  return { select, refresh, status, error, empty, result };
}

export function mountLayersTab(
  panel: HTMLElement,
  pane: TerminalPaneApi,
): WorkspaceTab & { openImage(ref: string): void } {
  const { select, refresh, status, error, empty, result } = layersMarkup(panel);
  const files = createLayerFiles(pane);
  /** The image shown, with its id: a rebuild under the same tag changes the id, and the layers. */
  let shown: { ref: string; id: string } | undefined;
  /** Each listed image's id, by reference. */
  let listed = new Map<string, string>();
  let request: AbortController | undefined;
  let listing = false;

  const showError = (message: string) => {
    status.textContent = '';
    error.textContent = message;
    error.hidden = false;
  };

  const loadLayers = async (ref: string, id: string) => {
    request?.abort();
    files.close();
    const controller = new AbortController();
    request = controller;
    shown = { ref, id };
    result.replaceChildren();
    error.hidden = true;
    // Reading a big image from the sandbox takes seconds: say so.
    status.textContent = 'Lecture de l’image…';
    panel.setAttribute('aria-busy', 'true');
    try {
      const image = await sessionRequest(pane, imageLayersPath(ref), imageLayersSchema, { signal: controller.signal });
      status.textContent = '';
      renderLayerList(result, image, files);
    } catch (failure) {
      if (isAbort(failure)) return;
      shown = undefined;
      showError((failure as Error).message);
    } finally {
      if (request === controller) panel.removeAttribute('aria-busy');
    }
  };

  /** An image a page link asked for (« #couches:<ref> »), chosen once the list is read. */
  let pendingRef: string | undefined;
  const choosePending = async () => {
    const ref = pendingRef;
    pendingRef = undefined;
    if (!ref) return;
    const id = listed.get(ref) ?? listed.get(`${ref}:latest`);
    if (!id) {
      status.textContent = `L’image « ${ref} » n’est pas dans votre bac à sable : tirez-la (docker pull ${ref}) ou construisez-la, puis cliquez sur « Rafraîchir ».`;
      return;
    }
    select.value = listed.has(ref) ? ref : `${ref}:latest`;
    await loadLayers(select.value, id);
  };
  /**
   * Lists the images again; the one chosen is read again only when its id changed (a rebuild
   * under the same tag) or its last reading failed.
   */
  const loadImages = async () => {
    if (listing) return;
    listing = true;
    refresh.disabled = true;
    if (!shown) status.textContent = 'Lecture des images du bac à sable…';
    error.hidden = true;
    try {
      const { images } = await sessionRequest(pane, '/images', sandboxImagesSchema);
      listed = new Map(images.map((image) => [image.ref, image.id]));
      const chosen = select.value;
      select.replaceChildren(
        el('option', { value: '' }, images.length > 0 ? 'Choisissez une image…' : 'Aucune image'),
        ...images.map((image) => el('option', { value: image.ref }, `${image.ref} (${formatBytes(image.size)})`)),
      );
      empty.hidden = images.length > 0;
      const still = images.find((image) => image.ref === chosen);
      if (still) select.value = still.ref;
      if (!shown) status.textContent = '';
      if (still && still.id !== shown?.id) await loadLayers(still.ref, still.id);
      else if (!still && shown) {
        // The image was removed (docker rmi): its layers are no longer there to show.
        request?.abort();
        files.close();
        shown = undefined;
        result.replaceChildren();
      }
    } catch (failure) {
      showError((failure as Error).message);
    } finally {
      listing = false;
      refresh.disabled = false;
    }
  };

  select.addEventListener('change', () => {
    const ref = select.value;
    if (!ref) {
      request?.abort();
      files.close();
      shown = undefined;
      result.replaceChildren();
      status.textContent = '';
      panel.removeAttribute('aria-busy');
      return;
    }
    void loadLayers(ref, listed.get(ref) ?? '');
  });
  refresh.addEventListener('click', () => void loadImages());

  return {
    // Each time the tab shows: the student may have built or removed images meanwhile.
    show: () => void loadImages(),
    openImage(ref: string) {
      pendingRef = ref;
      void loadImages().then(choosePending);
    },
    dispose() {
      request?.abort();
      files.close();
    },
  };
}
