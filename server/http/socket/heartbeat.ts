// The ping/pong heartbeat of the WebSockets (ws's own recipe): a peer that has not answered the
// last ping when the next one is due is dropped, so a vanished browser frees its socket.
import type { WebSocket } from 'ws';
import type { OwnedTimers } from './timers.ts';

/** Pings every `everyMs` on the timer named "heartbeat", cleared with the connection's timers. */
export function keepAlive(ws: WebSocket, everyMs: number, timers: OwnedTimers): void {
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  timers.interval('heartbeat', everyMs, () => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  });
}
