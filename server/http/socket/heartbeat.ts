// The WebSockets' ping/pong heartbeat: a peer that stops answering is dropped, freeing its socket.
import type { WebSocket } from 'ws';
import type { OwnedTimers } from './timers.ts';

/** ws's own recipe: pings every `everyMs` on the timer named "heartbeat", cleared with the others. */
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
