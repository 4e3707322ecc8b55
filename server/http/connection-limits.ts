// Bounds on what one client address may hold open: TCP connections on a listener (checked the
// moment a connection arrives, before a byte of it is parsed) and WebSockets (checked before
// the upgrade, on the address Fastify gives, which honours TRUST_PROXY). A class behind one NAT
// shares one address, so the defaults fit thirty students with a few tabs each; past them the
// client gets a French refusal, and other addresses are not affected.
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { refusedConnections } from '../metrics/metrics.ts';
import { HttpError } from './errors.ts';

/**
 * Node's own deadlines on both listeners: a request's headers must all arrive within 10 s of
 * its first byte, so a client that trickles them (slowloris) is cut off long before the request
 * timeout; and Node looks for late requests every second instead of every 30 s.
 */
export const listenerTimeouts = { headersTimeout: 10_000, connectionsCheckingInterval: 1_000 } satisfies ServerOptions;

/** Counts of open things per key, that never keep a key whose count fell to zero. */
export class OpenCounts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Counts one more for key when it stays within max; false (and nothing counted) otherwise. */
  tryAdd(key: string, max: number): boolean {
    const count = this.get(key);
    if (count >= max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  release(key: string): void {
    const count = this.get(key);
    if (count <= 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
  }

  /** Keys held, for tests and metrics. */
  get size(): number {
    return this.counts.size;
  }
}

const tooManyConnections = Buffer.from(
  'HTTP/1.1 429 Too Many Requests\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    'Retry-After: 10\r\n' +
    'Connection: close\r\n\r\n' +
    'Trop de connexions ouvertes depuis votre adresse : fermez des onglets du cours, puis réessayez.\n',
);

/**
 * Refuses a listener's connections past `max` open ones from one remote address. Applied on
 * the connection's own address: behind a reverse proxy every connection comes from the proxy,
 * so this bound is only installed when TRUST_PROXY is off (the proxy bounds its clients).
 */
export function limitConnectionsPerAddress(server: Server, max: number, listener: 'site' | 'preview'): OpenCounts {
  const open = new OpenCounts();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'inconnue';
    if (!open.tryAdd(address, max)) {
      refusedConnections.inc({ listener, kind: 'tcp' });
      // Answered without reading the request: whatever the client sends is never parsed.
      socket.end(tooManyConnections);
      socket.destroySoon();
      return;
    }
    socket.once('close', () => open.release(address));
  });
  return open;
}

/**
 * Refuses WebSocket upgrades past `max` open WebSockets from one client address, before the
 * upgrade (an HTTP 429 in French). Each upgraded socket is counted until its connection closes,
 * whatever route it is on, authenticated or not.
 */
export function limitWebSocketsPerClient(app: FastifyInstance, max: number, listener: 'site' | 'preview'): OpenCounts {
  const open = new OpenCounts();
  const counted = new WeakSet<Socket>();
  app.addHook('onRequest', async (request) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    const socket = request.raw.socket;
    if (counted.has(socket)) return;
    const address = request.ip;
    if (!open.tryAdd(address, max)) {
      refusedConnections.inc({ listener, kind: 'websocket' });
      throw new HttpError(
        429,
        'Trop de connexions WebSocket ouvertes depuis votre adresse : fermez des onglets du cours, puis réessayez.',
      );
    }
    counted.add(socket);
    socket.once('close', () => open.release(address));
  });
  return open;
}
