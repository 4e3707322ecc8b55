// The ping/pong heartbeat of the WebSockets (ws's own recipe): a peer that has not answered the
// last ping when the next one is due is dropped, so a vanished browser frees its socket.
import type { WebSocket } from 'ws';

/** Pings every `everyMs`; clear the returned timer when the socket closes. */
export function keepAlive(ws: WebSocket, everyMs: number): NodeJS.Timeout {
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  return setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, everyMs);
}
