// The public contract's shapes (REST bodies and WebSocket control messages), shared by the
// server and the browser. Imports nothing of either side.

/** Lab id that gives a plain sandbox, with no TP. */
export const sandboxLabId = 'bac-a-sable';

export interface LabSummary {
  id: string;
  title: string;
  steps: { id: string; title: string }[];
}

export interface SessionCreated {
  id: string;
  token: string;
  /** ISO 8601 date after which the sandbox is removed, whatever happens. */
  expiresAt: string;
  /** ISO 8601 date at which the sandbox is removed if nothing happens in it until then. */
  idleExpiresAt: string;
  lab: string;
}

export interface SessionState extends SessionCreated {
  /** `preparing` while the TP's set-up runs, `ready` once the terminal can be used. */
  state: 'preparing' | 'ready' | 'failed';
}

export interface CheckAnswer {
  passed: boolean;
  message: string;
}

export interface ApiError {
  error: string;
}

/** Control messages the browser sends as text frames. */
export type ClientMessage =
  | { type: 'auth'; token: string; flow?: 'ack' }
  | { type: 'resize'; cols: number; rows: number }
  /** Flow control (opt-in with `flow: "ack"`): bytes of output the terminal has processed. */
  | { type: 'ack'; bytes: number }
  | { type: 'ping' };

/** Control messages the server sends as text frames. */
export type ServerMessage =
  | { type: 'ready' }
  | { type: 'exit' }
  | { type: 'error'; message: string }
  | { type: 'status'; message: string }
  | { type: 'time'; expiresAt: string; idleExpiresAt: string }
  | { type: 'expired'; message: string }
  | { type: 'pong' };

/** Terminal size bounds accepted by the server. */
export const terminalBounds = { minCols: 10, maxCols: 500, minRows: 3, maxRows: 200 } as const;
