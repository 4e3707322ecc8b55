// The « Aperçu web » tab's list of ports: each with « Ouvrir » (a new browser tab) and « Aperçu »
// (the page in the tab), updated in place as ports come and go.
import type { SandboxPorts } from '../../shared/contract.ts';
import { el } from '../dom/element.ts';
import type { PreviewAccess } from './preview-access.ts';
import type { PreviewFrame } from './preview-frame.ts';

export interface PortHooks {
  access: PreviewAccess;
  frame: PreviewFrame;
  showError: (failure: unknown) => void;
}

async function openPreview(port: number, url: string, { access, frame, showError }: PortHooks): Promise<void> {
  try {
    frame.show(port, await access.open(url), url);
  } catch (failure) {
    showError(failure);
  }
}

function portItem(port: number, url: string, hooks: PortHooks): HTMLLIElement {
  const { access, showError } = hooks;
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
  preview.addEventListener('click', () => void openPreview(port, url, hooks));
  return el(
    'li',
    { 'data-port': port, 'data-url': url },
    el('span', { class: 'port-number' }, `Port ${port}`),
    open,
    preview,
  );
}

/** Updates the list in place: a row that stays keeps its element, and the focus in it. */
export function renderPorts(list: HTMLElement, empty: HTMLElement, listed: SandboxPorts, hooks: PortHooks): void {
  const { access, frame, showError } = hooks;
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
    const item = existing ?? portItem(port, url, hooks);
    if (item !== before) list.insertBefore(item, before);
    before = item.nextElementSibling;
  }
  empty.hidden = ports.length > 0;
  const shown = frame.port();
  if (shown !== undefined) frame.setGone(!wanted.has(shown));
  // Set the cookie as soon as there is something to open, so « Ouvrir » is a plain link.
  if (ports.length > 0) access.prepare().catch(showError);
}
