// The terminal WebSocket, browser side: authenticates, reconnects by itself with back-off,
// acknowledges output it has displayed (flow control) and reports its state.
import { serverMessageSchema, type ServerMessage } from '../../shared/contract.ts';
import { closeCodes } from '../../shared/limits.ts';

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'expired' | 'failed';

export interface ConnectionEvents {
  onOutput(data: Uint8Array, done: () => void): void;
  onState(state: ConnectionState, detail?: string): void;
  onMessage(message: ServerMessage): void;
}

/** Close codes after which reconnecting is pointless. */
const finalCodes = new Set<number>([closeCodes.unauthorized, closeCodes.replaced, closeCodes.ended]);

export class TerminalConnection {
  private ws: WebSocket | undefined;
  private attempts = 0;
  private retryTimer: number | undefined;
  private disposed = false;
  private unacked = 0;
  private size = { cols: 80, rows: 24 };
  private readonly url: string;
  private readonly token: string;
  private readonly events: ConnectionEvents;

  constructor(sessionId: string, token: string, events: ConnectionEvents) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.url = `${scheme}://${location.host}/ws/sessions/${sessionId}/terminal`;
    this.token = token;
    this.events = events;
  }

  connect(): void {
    if (this.disposed) return;
    this.events.onState(this.attempts === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token: this.token, flow: 'ack' }));
      this.sendResize();
    };
    ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== 'string') {
        const data = new Uint8Array(event.data);
        this.events.onOutput(data, () => this.ack(data.length));
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(event.data);
      } catch {
        return;
      }
      // Checked against the contract, as the other sockets' messages are: anything else is ignored.
      const parsed = serverMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'ready') {
        this.attempts = 0;
        this.events.onState('ready');
      } else if (message.type === 'expired') {
        this.events.onState('expired', message.message);
      }
      this.events.onMessage(message);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws || this.disposed) return;
      this.ws = undefined;
      if (finalCodes.has(event.code)) {
        if (event.code !== closeCodes.ended) this.events.onState('failed', event.reason || 'Connexion refusée.');
        return;
      }
      // Back-off: 0.5 s, 1 s, 2 s... up to 10 s, with jitter so a class does not reconnect at once.
      const delay = Math.min(10_000, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2);
      this.attempts++;
      this.events.onState('reconnecting');
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    };
  }

  private ack(bytes: number): void {
    this.unacked += bytes;
    // Acknowledge in batches: one small frame per 32 KB displayed.
    if (this.unacked >= 32 * 1024 && this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'ack', bytes: this.unacked }));
      this.unacked = 0;
    }
  }

  private sendResize(): void {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'resize', ...this.size }));
    }
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.sendResize();
  }

  /** Sends keystrokes (UTF-8, as binary frames). */
  input(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(new TextEncoder().encode(text));
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.retryTimer);
    this.ws?.close(1000);
  }
}
