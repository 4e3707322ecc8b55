// The class feed WebSocket (`/ws/classes/:id/feed`), for the instructor's pages and the
// students' alike: authenticates, pings every 20 s, reconnects with back-off (not after
// « unauthorized » or « ended »), and hands on only messages the contract's schema accepts.
import {
  feedClientMessageSchema,
  feedServerMessageSchema,
  type FeedClientMessage,
  type FeedServerMessage,
} from '../../shared/contract.ts';
import { closeCodes } from '../../shared/limits.ts';

export type FeedState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

export interface FeedOptions {
  classId: string;
  /** The student's learner key; absent on the instructor's pages (their cookie authenticates). */
  key?: string;
  onMessage(message: FeedServerMessage): void;
  /** `closed` comes with the close code when the server will not take us back (4401, 4410). */
  onState?(state: FeedState, code?: number): void;
}

const pingMs = 20_000;
const finalCodes = new Set<number>([closeCodes.unauthorized, closeCodes.ended]);

export class FeedSocket {
  private ws: WebSocket | undefined;
  private attempts = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private disposed = false;
  private readonly url: string;
  private readonly options: FeedOptions;

  constructor(options: FeedOptions) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.url = `${scheme}://${location.host}/ws/classes/${encodeURIComponent(options.classId)}/feed`;
    this.options = options;
  }

  connect(): void {
    if (this.disposed) return;
    this.options.onState?.(this.attempts === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify(this.options.key ? { type: 'auth', key: this.options.key } : { type: 'auth' }));
      window.clearInterval(this.pingTimer);
      this.pingTimer = window.setInterval(() => this.send({ type: 'ping' }), pingMs);
    };
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = feedServerMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === 'ready') {
        this.attempts = 0;
        this.options.onState?.('ready');
      }
      this.options.onMessage(parsed.data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      window.clearInterval(this.pingTimer);
      if (this.disposed) return;
      if (finalCodes.has(event.code)) {
        this.disposed = true;
        this.options.onState?.('closed', event.code);
        return;
      }
      // Back-off with jitter (0.5 s up to 15 s), so a whole class does not reconnect at once.
      const delay = Math.min(15_000, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2);
      this.attempts++;
      this.options.onState?.('reconnecting');
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    };
  }

  /** Sends a message if the socket is open and the contract accepts it; says whether it went. */
  send(message: FeedClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    const parsed = feedClientMessageSchema.safeParse(message);
    if (!parsed.success) return false;
    this.ws.send(JSON.stringify(parsed.data));
    return true;
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    this.ws?.close(1000);
    this.ws = undefined;
  }
}
