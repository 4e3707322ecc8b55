// The « Aperçu web » tab: the ports listening in the sandbox (asked again every 3 s while the
// tab shows), each with « Ouvrir » (a new browser tab) and « Aperçu » (the page in the tab).
import { portsSchema, type SandboxPorts } from '../../shared/contract.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { el } from '../dom/element.ts';
import { createPreviewAccess } from './preview-access.ts';
import { createPreviewFrame } from './preview-frame.ts';
import { sessionRequest } from './workspace-api.ts';
import type { WorkspaceTab } from './workspace.ts';

const pollEvery = 3000;

export function mountPreviewTab(panel: HTMLElement, pane: TerminalPaneApi): WorkspaceTab {
  const access = createPreviewAccess(pane);
  const refresh = el(
    'button',
    { type: 'button', class: 'button secondary', 'data-preview-refresh': true },
    'Rafraîchir',
  );
  const status = el('p', { class: 'workspace-status', role: 'status' });
  const error = el('p', { class: 'workspace-error', role: 'alert', hidden: true });
  const list = el('ul', { class: 'port-list', 'aria-labelledby': 'preview-ports-title' });
  const empty = el(
    'div',
    { class: 'workspace-hint', hidden: true },
    el(
      'p',
      {},
      'Aucun port n’écoute dans le bac à sable pour l’instant. Publiez-en un en lançant un conteneur avec ',
      el('code', {}, '-p'),
      ', par exemple :',
    ),
    el('pre', {}, el('code', {}, 'docker run -d -p 8080:80 mon-image')),
    el(
      'p',
      {},
      '8080 est le port du bac à sable, 80 celui du conteneur. Le port apparaît ici de lui-même en quelques secondes.',
    ),
  );
  const frame = createPreviewFrame(() => list.querySelector<HTMLElement>('[data-preview-open]')?.focus());
  panel.append(
    el(
      'div',
      { class: 'preview-tab' },
      el(
        'div',
        { class: 'workspace-toolbar' },
        el('h3', { id: 'preview-ports-title' }, 'Ports ouverts dans le bac à sable'),
        refresh,
      ),
      status,
      error,
      empty,
      list,
      frame.element,
    ),
  );

  const showError = (failure: unknown) => {
    error.textContent = (failure as Error).message;
    error.hidden = false;
  };

  const openPreview = async (port: number, url: string) => {
    try {
      frame.show(port, await access.open(url), url);
    } catch (failure) {
      showError(failure);
    }
  };

  const portItem = (port: number, url: string): HTMLLIElement => {
    const open = el(
      'a',
      { class: 'button secondary', href: url, target: '_blank', rel: 'noopener', 'data-preview-open': true },
      'Ouvrir',
      el('span', { class: 'visually-hidden' }, ` le port ${port} dans un nouvel onglet`),
    );
    // Until the preview cookie is set, the new tab would be refused: set it first (or, on the
    // host form, get a ticket for it), then open.
    const openInTab = (event: MouseEvent) => {
      if (access.granted()) return;
      event.preventDefault();
      access
        .open(url)
        .then((address) => window.open(address, '_blank', 'noopener'))
        .catch(showError);
    };
    open.addEventListener('click', openInTab);
    // The middle button opens a tab too, without a click event.
    open.addEventListener('auxclick', (event) => {
      if (event.button === 1) openInTab(event);
    });
    const preview = el(
      'button',
      { type: 'button', class: 'button', 'data-preview-show': true },
      'Aperçu',
      el('span', { class: 'visually-hidden' }, ` du port ${port}`),
    );
    preview.addEventListener('click', () => void openPreview(port, url));
    return el(
      'li',
      { 'data-port': port, 'data-url': url },
      el('span', { class: 'port-number' }, `Port ${port}`),
      open,
      preview,
    );
  };

  /** Updates the list in place: a row that stays keeps its element, and the focus in it. */
  const render = (listed: SandboxPorts) => {
    // A browser opens the preview origin's address (`href`): the student's pages never run on
    // the course's own origin. Without one (previews off), the path is all there is.
    const ports = listed.map((p) => ({ port: p.port, url: p.href ?? p.url }));
    const wanted = new Map(ports.map((p) => [p.port, p.url]));
    for (const item of list.querySelectorAll<HTMLLIElement>('li[data-port]')) {
      const port = Number(item.dataset.port);
      if (wanted.get(port) !== item.dataset.url) item.remove();
    }
    let before: Element | null = list.firstElementChild;
    for (const { port, url } of [...ports].sort((a, b) => a.port - b.port)) {
      const existing = list.querySelector<HTMLLIElement>(`li[data-port="${port}"]`);
      const item = existing ?? portItem(port, url);
      if (item !== before) list.insertBefore(item, before);
      before = item.nextElementSibling;
    }
    empty.hidden = ports.length > 0;
    const shown = frame.port();
    if (shown !== undefined) frame.setGone(!wanted.has(shown));
    // Set the cookie as soon as there is something to open, so « Ouvrir » is a plain link.
    if (ports.length > 0) access.prepare().catch(showError);
  };

  let visible = false;
  let timer: number | undefined;
  let asking = false;

  const poll = async () => {
    window.clearTimeout(timer);
    if (!asking) {
      asking = true;
      if (list.childElementCount === 0 && empty.hidden) status.textContent = 'Recherche des ports ouverts…';
      try {
        render(await sessionRequest(pane, '/ports', portsSchema));
        error.hidden = true;
      } catch (failure) {
        showError(failure);
      } finally {
        asking = false;
        status.textContent = '';
      }
    }
    // Only while the tab shows, and the browser tab too: nobody reads a hidden list.
    if (visible && !document.hidden) timer = window.setTimeout(() => void poll(), pollEvery);
  };
  const onVisibility = () => {
    if (!visible) return;
    if (document.hidden) window.clearTimeout(timer);
    else void poll();
  };
  document.addEventListener('visibilitychange', onVisibility);
  refresh.addEventListener('click', () => void poll());

  return {
    show() {
      visible = true;
      void poll();
    },
    hide() {
      visible = false;
      window.clearTimeout(timer);
    },
    dispose() {
      visible = false;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      frame.close();
    },
  };
}
