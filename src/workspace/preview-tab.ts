// The « Aperçu web » tab: the ports listening in the sandbox (asked again every 3 s while the
// tab shows), each with « Ouvrir » (a new browser tab) and « Aperçu » (the page in the tab).
import { portsSchema, type SandboxPorts } from '../../shared/contract.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { el } from '../dom/element.ts';
import { createPreviewAccess } from './preview-access.ts';
import { createPreviewFrame } from './preview-frame.ts';
import { renderPorts } from './preview-ports.ts';
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

  const ports = { access, frame, showError };
  const render = (listed: SandboxPorts) => renderPorts(list, empty, listed, ports);

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
