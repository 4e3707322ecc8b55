// The terminal pane: an xterm.js terminal (fit, web links, copy and paste) wired to a
// sandbox session, with a status line (connexion, prêt, reconnexion, expiré, remaining time).
import type { IDisposable } from '@xterm/xterm';
import type { SessionCreated } from '../../shared/contract.ts';
import { closeSession, engineAvailable, openSession, type OpenSession } from './session-client.ts';
import { TerminalConnection } from './terminal-connection.ts';
import { createScreen } from './terminal-screen.ts';
import { TerminalStatus } from './terminal-status.ts';

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

  const { term, refit, dispose: disposeScreen } = createScreen(screen);
  const line = new TerminalStatus(root, status, timeLabel, notice);
  const setNotice = (text: string, kind?: 'info' | 'error') => line.setNotice(text, kind);
  const disposables: IDisposable[] = [];
  let connection: TerminalConnection | undefined;
  let current: OpenSession | undefined;
  disposables.push(term.onResize(({ cols, rows }) => connection?.resize(cols, rows)));
  disposables.push(term.onData((data) => connection?.input(data)));

  const connect = (session: SessionCreated) => {
    connection?.dispose();
    line.setLimits(session.expiresAt, session.idleExpiresAt);
    connection = new TerminalConnection(session.id, session.token, {
      onOutput: (data, done) => term.write(data, done),
      onState: (state, detail) => line.setState(state, detail),
      onMessage: (message) => {
        if (message.type === 'time') {
          line.setLimits(message.expiresAt, message.idleExpiresAt);
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
    line.setState('connecting');
    if (!(await engineAvailable())) {
      line.setState('failed');
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
      line.setState('failed', (error as Error).message);
      throw error;
    }
    connect(current);
    return current;
  };

  const ready = start(false);
  ready.catch(() => {});

  window.addEventListener('pagehide', () => {
    connection?.dispose();
    disposeScreen();
    line.dispose();
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
