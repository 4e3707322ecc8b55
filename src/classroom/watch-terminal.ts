// The dashboard's watch panel: a student's terminal, live, in an xterm.js terminal that is
// read-only unless the instructor holds the keyboard (`/ws/sessions/:id/watch`).
import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type IDisposable } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { watchServerMessageSchema as watchMessageSchema } from '../../shared/contract.ts';
import { closeCodes } from '../../shared/limits.ts';
import { required } from '../dom/element.ts';

export interface WatchedStudent {
  learner: string;
  name: string;
  session: string;
  control: boolean;
}

export interface WatchPanelEvents {
  /** The panel was closed (button, Escape or the session went away). */
  onClose(learner: string): void;
}

const finalCodes = new Set<number>([closeCodes.unauthorized, closeCodes.ended]);
const maxAttempts = 5;

export class WatchPanel {
  private term: Terminal | undefined;
  private fit: FitAddon | undefined;
  private ws: WebSocket | undefined;
  private student: WatchedStudent | undefined;
  private holder: 'student' | 'instructor' = 'student';
  private fixedSize = false;
  private attempts = 0;
  private retryTimer: number | undefined;
  private readonly disposables: IDisposable[] = [];
  private readonly observer: ResizeObserver;
  private readonly screen: HTMLElement;
  private readonly name: HTMLElement;
  private readonly mode: HTMLElement;
  private readonly status: HTMLElement;
  private readonly root: HTMLElement;
  private readonly events: WatchPanelEvents;

  constructor(root: HTMLElement, events: WatchPanelEvents) {
    this.root = root;
    this.events = events;
    this.screen = required(root, '[data-watch-terminal]');
    this.name = required(root, '[data-watch-name]');
    this.mode = required(root, '[data-watch-mode]');
    this.status = required(root, '[data-watch-status]');
    required(root, '[data-watch-close]').addEventListener('click', () => this.close());
    root.addEventListener('keydown', (event) => {
      // Escape leaves the panel, unless the instructor is typing in the student's shell.
      if (event.key === 'Escape' && this.holder !== 'instructor') this.close();
    });
    this.observer = new ResizeObserver(() => this.refit());
    this.observer.observe(this.screen);
  }

  get learner(): string | undefined {
    return this.student?.learner;
  }

  open(student: WatchedStudent): void {
    this.teardown();
    this.student = student;
    this.attempts = 0;
    this.fixedSize = false;
    this.name.textContent = student.name;
    this.root.hidden = false;
    const term = new Terminal({
      disableStdin: true,
      cursorBlink: false,
      fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace",
      fontSize: 14,
      scrollback: 2000,
      theme: { background: '#0b1020', foreground: '#e6e9f2', cursor: '#f59e0b', selectionBackground: '#35518c' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(this.screen);
    this.term = term;
    this.fit = fit;
    this.disposables.push(term.onData((data) => this.input(data)));
    this.refit();
    this.setHolder(student.control ? 'instructor' : 'student');
    this.connect();
    this.root.scrollIntoView({ block: 'nearest' });
  }

  /** Who holds the student's keyboard (from the feed or from the watch socket). */
  setHolder(holder: 'student' | 'instructor'): void {
    this.holder = holder;
    const mine = holder === 'instructor';
    this.root.dataset.holder = holder;
    this.mode.textContent = mine ? 'Vous avez la main' : 'Lecture seule';
    if (this.term) {
      this.term.options.disableStdin = !mine;
      this.term.options.cursorBlink = mine;
      if (mine) this.term.focus();
    }
  }

  close(): void {
    const learner = this.student?.learner;
    this.teardown();
    this.root.hidden = true;
    if (learner) this.events.onClose(learner);
  }

  private connect(): void {
    const student = this.student;
    if (!student) return;
    this.setStatus('Connexion…');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/sessions/${encodeURIComponent(student.session)}/watch`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth' }));
    ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== 'string') {
        this.term?.write(new Uint8Array(event.data));
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = watchMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'ready') {
        this.attempts = 0;
        this.setStatus('');
        if (message.cols && message.rows) this.resizeTo(message.cols, message.rows);
      } else if (message.type === 'resize') {
        this.resizeTo(message.cols, message.rows);
      } else if (message.type === 'control') {
        this.setHolder(message.holder);
      } else if (message.type === 'error') {
        this.setStatus(message.message, 'error');
      } else if (message.type === 'exit') {
        this.term?.write('\r\n\x1b[33m[Le shell de l’élève s’est terminé.]\x1b[0m\r\n');
      }
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (finalCodes.has(event.code) || this.attempts >= maxAttempts) {
        this.setStatus(event.reason || 'Le terminal de l’élève n’est plus disponible.', 'error');
        return;
      }
      const delay = Math.min(8000, 500 * 2 ** this.attempts);
      this.attempts++;
      this.setStatus('Reconnexion…');
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    };
  }

  private input(data: string): void {
    if (this.holder !== 'instructor' || this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(new TextEncoder().encode(data));
  }

  /** The student's size, when known: their screen's lines then fall where they should. */
  private resizeTo(columns: number, lines: number): void {
    this.fixedSize = true;
    this.term?.resize(columns, lines);
  }

  private refit(): void {
    if (this.fixedSize || !this.fit || this.root.hidden) return;
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet.
    }
  }

  private setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  private teardown(): void {
    window.clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.term?.dispose();
    this.term = undefined;
    this.fit = undefined;
    this.student = undefined;
    this.holder = 'student';
  }
}
