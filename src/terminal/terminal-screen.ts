// The pane's xterm.js terminal: its look, fitting its box as the box changes, web links, and
// copy and paste with Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays the shell's interrupt).
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

export interface TerminalScreen {
  term: Terminal;
  /** Fits the terminal to its box (nothing when the pane is hidden). */
  refit: () => void;
  dispose: () => void;
}

export function createScreen(screen: HTMLElement): TerminalScreen {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace",
    fontSize: 15,
    scrollback: 5000,
    allowProposedApi: false,
    theme: { background: '#0b1020', foreground: '#e6e9f2', cursor: '#f59e0b', selectionBackground: '#35518c' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new WebLinksAddon());
  term.open(screen);

  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
    if (event.code === 'KeyC') {
      const selection = term.getSelection();
      if (selection) void navigator.clipboard?.writeText(selection);
      return false;
    }
    if (event.code === 'KeyV') {
      void navigator.clipboard?.readText().then((text) => term.paste(text));
      return false;
    }
    return true;
  });

  const refit = () => {
    try {
      fit.fit();
    } catch {
      // The pane is hidden: nothing to fit.
    }
  };
  const observer = new ResizeObserver(() => refit());
  observer.observe(screen);
  return { term, refit, dispose: () => observer.disconnect() };
}
