// The server side of the WebSockets (terminal, class feed, watch): first-frame auth, parsing, heartbeat, timers.
import type { WebSocket } from 'ws';
import { closeCodes } from '../../../shared/limits.ts';
import type { Logger } from '../../log/log.ts';
import { websocketConnections } from '../../metrics/metrics.ts';
import type { Frame } from './frames.ts';
import { keepAlive } from './heartbeat.ts';
import { OwnedTimers } from './timers.ts';

type Refusal = Extract<Frame<unknown>, { ok: false }>;
type ErrorMessage = { type: 'error'; message: string };

export interface SocketOptions<In> {
  log: Logger;
  /** What a socket error is logged as, and with what (never a token). */
  errorLog: { message: string; context?: Record<string, unknown> };
  heartbeatMs: number;
  /** The socket is closed with closeCodes.authTimeout, after `message`, if no auth frame came. */
  authDeadline: { ms: number; message: string; reason?: string };
  /** The close reason sent with refusals (closeCodes.unauthorized unless told). */
  refuseReason: string;
  /** Refusal of a valid frame other than auth before authentication (see `beforeAuth`). */
  authFirst?: string;
  /** A page that does not read its socket is dropped rather than buffered past this. */
  maxBufferedBytes?: number;
  /** The socket's text frames, from parseFrame(schema, rules). */
  parse: (data: Buffer) => Frame<In>;
}

export interface SocketHandlers<In> {
  /** Sees every frame first; false drops it (a flood being cut off, a rate limit). */
  admit?(data: Buffer, isBinary: boolean): boolean;
  /** A binary frame, authenticated or not: the handler decides what an early one gets. */
  binary(data: Buffer): void;
  /** A text frame the parser refused, authenticated or not. */
  refused(refusal: Refusal): void;
  /**
   * The first valid auth frame: the deadline is off. The handler calls `accept()` once the
   * credentials are good, or refuses (which closes).
   */
  authenticate(message: Extract<In, { type: 'auth' }>): void;
  /** A valid frame other than auth before authentication; refused with `authFirst` if absent. */
  beforeAuth?(message: In): void;
  /** A valid frame once authenticated (auth frames included: they are usually ignored). */
  message(message: In): void;
  /** The socket closed: its timers are already cleared. */
  closed(): void;
}

/**
 * One per WebSocket. Until the connection accepts the credentials of the first auth frame, no
 * frame reaches its `message` handler; every timer goes with the socket when it closes.
 */
export class ServerSocket<In extends { type: string }, Out extends { type: string }> {
  readonly ws: WebSocket;
  readonly timers = new OwnedTimers();
  private readonly options: SocketOptions<In>;
  private readonly handlers: SocketHandlers<In>;
  private isAuthenticated = false;

  constructor(ws: WebSocket, options: SocketOptions<In>, handlers: SocketHandlers<In>) {
    this.ws = ws;
    this.options = options;
    this.handlers = handlers;
    websocketConnections.inc();
    const { authDeadline } = options;
    this.timers.timeout('auth', authDeadline.ms, () =>
      this.refuse(authDeadline.message, closeCodes.authTimeout, authDeadline.reason),
    );
    keepAlive(ws, options.heartbeatMs, this.timers);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.frame(data, isBinary));
    ws.on('close', () => {
      this.timers.clearAll();
      websocketConnections.dec();
      this.handlers.closed();
    });
    ws.on('error', (error) => options.log.debug(options.errorLog.message, { ...options.errorLog.context, error }));
  }

  get authenticated(): boolean {
    return this.isAuthenticated;
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** The credentials are good: from now on, frames go to the `message` handler. */
  accept(): void {
    this.isAuthenticated = true;
  }

  /** Sends a JSON text frame if the socket is open; one that does not read is dropped. */
  send(message: Out | ErrorMessage): void {
    if (!this.open) return;
    const max = this.options.maxBufferedBytes;
    if (max !== undefined && this.ws.bufferedAmount > max) {
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  /** Tells the client why, then closes. */
  refuse(message: string, code: number = closeCodes.unauthorized, reason = this.options.refuseReason): void {
    this.send({ type: 'error', message });
    this.ws.close(code, reason);
  }

  private frame(data: Buffer, isBinary: boolean): void {
    const { handlers } = this;
    if (handlers.admit && !handlers.admit(data, isBinary)) return;
    if (isBinary) {
      handlers.binary(data);
      return;
    }
    const frame = this.options.parse(data);
    if (!frame.ok) {
      handlers.refused(frame);
      return;
    }
    const message = frame.message;
    if (this.isAuthenticated) {
      handlers.message(message);
    } else if (message.type === 'auth') {
      this.timers.clear('auth');
      handlers.authenticate(message as Extract<In, { type: 'auth' }>);
    } else if (handlers.beforeAuth) {
      handlers.beforeAuth(message);
    } else {
      this.refuse(this.options.authFirst ?? 'Authentifiez-vous d’abord.');
    }
  }
}
