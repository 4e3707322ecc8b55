// The TP workspace around the terminal pane: the tabs « Terminal », « Éditeur », « Aperçu web »
// and « Couches » (WAI-ARIA tabs, manual activation), each tab's code loaded the first time it
// opens, and the page's « #editeur:<path> » and « #couches:<ref> » links opening that file in
// the editor or that image in « Couches ».
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { editorLinkPath, editorLinkPrefix, layersLinkPrefix, layersLinkRef } from './editor-link.ts';
import { tabKeyTarget } from './tab-keys.ts';

export type TabId = 'terminal' | 'editor' | 'preview' | 'layers';
type LazyTabId = Exclude<TabId, 'terminal'>;

/** What a lazily loaded tab gives back: told when it is shown and hidden, disposed with the page. */
export interface WorkspaceTab {
  show?(): void;
  hide?(): void;
  dispose(): void;
}

interface EditorTab extends WorkspaceTab {
  openFile(path: string): void;
}

interface LayersTab extends WorkspaceTab {
  openImage(ref: string): void;
}

interface LoadedTabs {
  editor: EditorTab;
  preview: WorkspaceTab;
  layers: LayersTab;
}

type Mount<T> = (panel: HTMLElement, pane: TerminalPaneApi) => T;
type Modules = { [K in LazyTabId]: () => Promise<Mount<LoadedTabs[K]>> };

// Dynamic imports: a tab's code (with zod, CodeMirror...) is fetched only when a student opens
// it, so the TP page's own script stays the size of the tabs' switching.
const modules: Modules = {
  editor: async () => (await import('./editor/editor-tab.ts')).mountEditorTab,
  preview: async () => (await import('./preview-tab.ts')).mountPreviewTab,
  layers: async () => (await import('./layers-tab.ts')).mountLayersTab,
};

export interface Workspace {
  /** Shows a tab (loading its code the first time). */
  select(tab: TabId): Promise<void>;
  /** Shows the editor and opens this sandbox file in it. */
  openInEditor(path: string): Promise<void>;
  /** Shows the « Couches » tab with this image's layers. */
  openLayers(ref: string): Promise<void>;
}

let mounted: Workspace | undefined;

/** Switches the page's workspace to the editor and opens the file there (nothing without a workspace). */
export function openInEditor(path: string): Promise<void> {
  return mounted ? mounted.openInEditor(path) : Promise.resolve();
}

function isTabId(value: string | undefined): value is TabId {
  return value === 'terminal' || value === 'editor' || value === 'preview' || value === 'layers';
}

export function mountWorkspace(root: HTMLElement, pane: TerminalPaneApi): Workspace {
  const tabs = [...root.querySelectorAll<HTMLButtonElement>('[role="tab"][data-tab]')];
  const panels = new Map<TabId, HTMLElement>();
  for (const panel of root.querySelectorAll<HTMLElement>('[data-tab-panel]')) {
    const id = panel.dataset.tabPanel;
    if (isTabId(id)) panels.set(id, panel);
  }
  if (tabs.length === 0 || panels.size !== tabs.length) throw new Error('workspace markup incomplete');

  const loaded: { [K in LazyTabId]?: Promise<LoadedTabs[K]> } = {};
  let selected: TabId = 'terminal';

  const failed = (id: LazyTabId, panel: HTMLElement) => {
    const message = document.createElement('p');
    message.className = 'workspace-error';
    message.setAttribute('role', 'alert');
    message.textContent = 'Impossible de charger cet onglet : vérifiez votre connexion. ';
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'button secondary';
    retry.textContent = 'Réessayer';
    retry.addEventListener('click', () => void select(id).catch(() => {}));
    message.append(retry);
    panel.replaceChildren(message);
  };

  const load = <K extends LazyTabId>(id: K): Promise<LoadedTabs[K]> => {
    const known = loaded[id];
    if (known) return known;
    const panel = panels.get(id);
    if (!panel) return Promise.reject(new Error(`no panel for the ${id} tab`));
    panel.setAttribute('aria-busy', 'true');
    const loading = modules[id]()
      .then((mount) => {
        // The panel's « Chargement… » line makes way for the tab.
        panel.replaceChildren();
        panel.removeAttribute('aria-busy');
        return mount(panel, pane);
      })
      .catch((error: unknown) => {
        // Forget the failure, so « Réessayer » (or opening the tab again) fetches the code anew.
        delete loaded[id];
        panel.removeAttribute('aria-busy');
        failed(id, panel);
        throw error;
      });
    loaded[id] = loading as (typeof loaded)[K];
    return loading;
  };

  const select = async (id: TabId): Promise<void> => {
    const previous = selected;
    selected = id;
    for (const tab of tabs) {
      const on = tab.dataset.tab === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    // The terminal's panel is hidden like the others: its fit addon measures nothing while
    // hidden, and the pane's ResizeObserver refits it the moment it shows again.
    for (const [panelId, panel] of panels) panel.hidden = panelId !== id;
    root.dataset.selectedTab = id;
    if (previous !== id && previous !== 'terminal') {
      loaded[previous]
        ?.then((tab) => {
          if (selected !== previous) tab.hide?.();
        })
        .catch(() => {});
    }
    if (id === 'terminal') return;
    const tab = await load(id);
    if (selected === id) tab.show?.();
  };

  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      const id = tab.dataset.tab;
      if (isTabId(id)) select(id).catch(() => {});
    });
  }
  // Manual activation: arrows, Home and End move the focus, Enter or Space opens the tab, so
  // passing over a tab does not fetch its code.
  root.querySelector('[role="tablist"]')?.addEventListener('keydown', (event) => {
    const key = (event as KeyboardEvent).key;
    const index = tabs.findIndex((tab) => tab === document.activeElement);
    if (index < 0) return;
    const target = tabKeyTarget(key, index, tabs.length);
    if (target === undefined) return;
    event.preventDefault();
    tabs[target]?.focus();
  });

  const workspace: Workspace = {
    select: (id) => select(id),
    async openInEditor(path: string) {
      await select('editor');
      const editor = await load('editor');
      editor.openFile(path);
    },
    async openLayers(ref: string) {
      await select('layers');
      const layers = await load('layers');
      layers.openImage(ref);
    },
  };
  mounted = workspace;

  // « #editeur:<path> » links anywhere in the page (steps, hints, solutions added later).
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || !(event.target instanceof Element)) return;
    const link = event.target.closest(`a[href^="${editorLinkPrefix}"], a[href^="${layersLinkPrefix}"]`);
    const href = link?.getAttribute('href');
    const path = editorLinkPath(href);
    const ref = layersLinkRef(href);
    if (!path && !ref) return;
    event.preventDefault();
    (path ? workspace.openInEditor(path) : workspace.openLayers(ref ?? '')).catch(() => {});
  });
  const openLinkedFile = () => {
    const path = editorLinkPath(window.location.hash);
    if (path) workspace.openInEditor(path).catch(() => {});
  };
  window.addEventListener('hashchange', openLinkedFile);
  openLinkedFile();

  window.addEventListener('pagehide', (event) => {
    // A page kept in the back-forward cache comes back as it was: keep its tabs.
    if (event.persisted) return;
    for (const tab of Object.values(loaded)) void tab.then((t) => t.dispose()).catch(() => {});
  });

  return workspace;
}
