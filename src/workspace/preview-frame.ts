// The « Aperçu web » tab's embedded browser: an address line, « Recharger » and « Fermer » over
// an iframe showing one of the sandbox's ports.
import { el } from '../dom/element.ts';

export interface PreviewFrame {
  readonly element: HTMLElement;
  /**
   * Shows this port's page: `src` opens it (the preview's address, or its single-use ticket
   * link on the host form), `address` is what the address line and « Recharger » use.
   */
  show(port: number, src: string, address?: string): void;
  /** The port shown, if any. */
  port(): number | undefined;
  /** Says the port shown no longer listens (or listens again). */
  setGone(gone: boolean): void;
  close(): void;
}

export function createPreviewFrame(onClose: () => void): PreviewFrame {
  const address = el('input', {
    type: 'text',
    readonly: true,
    class: 'preview-address',
    'aria-label': 'Adresse de la page affichée',
  });
  const reload = el('button', { type: 'button', class: 'button secondary' }, 'Recharger');
  const close = el('button', { type: 'button', class: 'button secondary' }, 'Fermer l’aperçu');
  const gone = el('p', { class: 'workspace-hint', role: 'status' });
  // The preview is on its own origin (the server's PREVIEW_PORT): `allow-same-origin` is that
  // origin, for the page's own cookie; the sandbox stops it from navigating the TP page away.
  const frame = el('iframe', {
    'data-preview-frame': true,
    class: 'preview-iframe',
    title: 'Aperçu du bac à sable',
    sandbox:
      'allow-same-origin allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-modals allow-downloads',
    referrerpolicy: 'same-origin',
  });
  const element = el(
    'section',
    { class: 'preview-pane', 'aria-label': 'Aperçu', hidden: true },
    el('div', { class: 'preview-bar' }, reload, address, close),
    gone,
    frame,
  );
  let shown: number | undefined;
  let home = '';

  const showAddress = () => {
    // Another origin (the preview's): its address cannot be read, only the one we set.
    try {
      address.value = frame.contentWindow?.location.href ?? home;
    } catch {
      address.value = home;
    }
  };
  frame.addEventListener('load', showAddress);
  reload.addEventListener('click', () => {
    try {
      frame.contentWindow?.location.reload();
    } catch {
      // A ticket link serves once: reload the preview's own address (its cookie is set by now).
      frame.setAttribute('src', home);
    }
  });
  close.addEventListener('click', () => {
    api.close();
    onClose();
  });

  const api: PreviewFrame = {
    element,
    show(port, src, shownAddress = src) {
      shown = port;
      frame.title = `Aperçu du port ${port} du bac à sable`;
      home = new URL(shownAddress, window.location.href).href;
      frame.src = new URL(src, window.location.href).href;
      address.value = home;
      gone.textContent = '';
      element.hidden = false;
    },
    port: () => shown,
    setGone(isGone) {
      if (shown === undefined) return;
      gone.textContent = isGone
        ? `Le port ${shown} n’écoute plus dans le bac à sable : la page affichée est peut-être périmée.`
        : '';
    },
    close() {
      shown = undefined;
      element.hidden = true;
      // Unloads the page (its scripts, its requests) rather than leave it running unseen.
      frame.src = 'about:blank';
    },
  };
  return api;
}
