// The terminal pane: an xterm.js terminal (fit, web links, copy and paste) wired to a
// sandbox session, with a status line (connexion, prêt, reconnexion, expiré, remaining time).
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type IDisposable } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { SessionCreated } from '../../shared/contract.ts';
import { closeSession, engineAvailable, openSession, type OpenSession } from './session-client.ts';
import { TerminalConnection, type ConnectionState } from './terminal-connection.ts';

const stateLabels: Record<ConnectionState, string> = {
  connecting: 'Connexion…',
  ready: 'Prêt',
  reconnecting: 'Reconnexion…',
  expired: 'Expiré',
  failed: 'Déconnecté',
};

function formatRemaining(ms: number): string {
  if (ms <= 0) return '0 min';
  const minutes = Math.ceil(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}` : `${minutes} min`;
}

export interface TerminalPaneApi {
  /** Types a command into the terminal and runs it. */
  run(command: string): void;
  /** The current session, once open. */
  session(): OpenSession | undefined;
  /** Throws the sandbox away and opens a fresh one. */
  reset(): Promise<void>;
  /** Resolves once the session is open. */
  ready: Promise<OpenSession>;
}

export function mountTerminalPane(root: HTMLElement, lab: string): TerminalPaneApi {
  const screen = root.querySelector<HTMLElement>('[data-terminal-screen]');
  const status = root.querySelector<HTMLElement>('[data-terminal-status]');
  const timeLabel = root.querySelector<HTMLElement>('[data-terminal-time]');
  const notice = root.querySelector<HTMLElement>('[data-terminal-notice]');
  if (!screen || !status || !timeLabel || !notice) throw new Error('terminal pane markup incomplete');

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
  const disposables: IDisposable[] = [];
  let connection: TerminalConnection | undefined;
  let current: OpenSession | undefined;
  let expiresAt = 0;
  let idleExpiresAt = 0;

  const setNotice = (text: string, kind: 'info' | 'error' = 'info') => {
    notice.textContent = text;
    notice.hidden = text === '';
    notice.dataset.kind = kind;
  };
  const setState = (state: ConnectionState, detail?: string) => {
    status.textContent = stateLabels[state];
    root.dataset.state = state;
    if (state === 'expired' || state === 'failed') setNotice(detail ?? '', 'error');
    else if (state === 'ready') setNotice('');
  };

  // Copy and paste: Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays the shell's interrupt).
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
  disposables.push(term.onResize(({ cols, rows }) => connection?.resize(cols, rows)));
  disposables.push(term.onData((data) => connection?.input(data)));

  const tick = window.setInterval(() => {
    if (!expiresAt) return;
    const now = Date.now();
    const idleLeft = (idleExpiresAt || expiresAt) - now;
    // The idle limit moves with activity: only mention it when it is about to end the session.
    timeLabel.textContent =
      idleLeft < 5 * 60_000 && idleLeft < expiresAt - now
        ? `Inactif : fermeture dans ${formatRemaining(idleLeft)}`
        : `Temps restant : ${formatRemaining(expiresAt - now)}`;
    timeLabel.title = 'Le bac à sable est supprimé à la fin de ce temps, ou plus tôt après une longue inactivité.';
  }, 1000);

  const connect = (session: SessionCreated) => {
    connection?.dispose();
    expiresAt = Date.parse(session.expiresAt);
    idleExpiresAt = Date.parse(session.idleExpiresAt);
    connection = new TerminalConnection(session.id, session.token, {
      onOutput: (data, done) => term.write(data, done),
      onState: setState,
      onMessage: (message) => {
        if (message.type === 'time') {
          expiresAt = Date.parse(message.expiresAt);
          idleExpiresAt = Date.parse(message.idleExpiresAt);
        } else if (message.type === 'status') {
          setNotice(message.message);
        } else if (message.type === 'error') {
          setNotice(message.message, 'error');
        } else if (message.type === 'exit') {
          term.write('\r\n\x1b[33m[Shell terminé : un nouveau shell démarre.]\x1b[0m\r\n');
        } else if (message.type === 'ready') {
          refit();
          connection?.resize(term.cols, term.rows);
        }
      },
    });
    connection.connect();
  };

  const start = async (forceNew: boolean): Promise<OpenSession> => {
    setState('connecting');
    if (!(await engineAvailable())) {
      setState('failed');
      setNotice(
        "Aucun moteur Docker n'est disponible sur le serveur : les terminaux ne peuvent pas démarrer. " +
          "Pour l'administrateur : installez Docker (apt-get install docker.io), démarrez dockerd, puis relancez « npm start ».",
        'error',
      );
      throw new Error('engine unavailable');
    }
    setNotice(forceNew ? 'Création d’un bac à sable neuf…' : 'Ouverture de votre bac à sable…');
    try {
      current = await openSession(lab, forceNew, { onWait: (message) => setNotice(message) });
    } catch (error) {
      setState('failed', (error as Error).message);
      throw error;
    }
    connect(current);
    return current;
  };

  const ready = start(false);
  ready.catch(() => {});

  window.addEventListener('pagehide', () => {
    connection?.dispose();
    observer.disconnect();
    window.clearInterval(tick);
    for (const d of disposables) d.dispose();
  });

  return {
    ready,
    session: () => current,
    run(command: string) {
      connection?.input(command.replace(/\n+$/, '') + '\r');
      term.focus();
    },
    async reset() {
      const previous = current;
      connection?.dispose();
      term.reset();
      if (previous) await closeSession(previous);
      await start(true);
    },
  };
}
