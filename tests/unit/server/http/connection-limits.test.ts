// Bounds per client address on the site's listener: TCP connections refused past the bound
// before a byte is parsed, WebSockets refused before the upgrade, half-sent requests cut off,
// while another address still gets in; and load shedding refuses only new work.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OpenCounts } from '../../../../server/http/connection-limits.ts';
import { overloadMessage } from '../../../../server/http/overload.ts';
import { appFixture, listen, type Fixture } from '../../fixtures/app-fixture.ts';

const courseOrigin = 'http://cours.example:4321';
let fixture: Fixture | undefined;
const sockets: Socket[] = [];
const webSockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const ws of webSockets.splice(0)) ws.terminate();
  await fixture?.close();
  fixture = undefined;
});

/** A TCP connection from `from` (any 127/8 address is this machine's loopback). */
function rawConnection(port: number, from: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from }, () => resolve(socket));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** Everything the server sends on `socket` until it closes it (or `ms` pass). */
function readUntilClosed(socket: Socket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), ms);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

function health(port: number, from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from }, () => {
      socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    });
    sockets.push(socket);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

/** Opens a WebSocket from `from`: 'open', or the HTTP status that refused it. */
function openWebSocket(port: number, from: string, session: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/sessions/${session}/terminal`, {
      localAddress: from,
      headers: { origin: courseOrigin },
    });
    webSockets.push(ws);
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe('OpenCounts', () => {
  it('counts up to the bound, refuses past it, and forgets keys that fall to zero', () => {
    const open = new OpenCounts();
    expect(open.tryAdd('a', 2)).toBe(true);
    expect(open.tryAdd('a', 2)).toBe(true);
    expect(open.tryAdd('a', 2)).toBe(false);
    expect(open.tryAdd('b', 2)).toBe(true);
    open.release('a');
    expect(open.tryAdd('a', 2)).toBe(true);
    open.release('a');
    open.release('a');
    open.release('b');
    expect(open.size).toBe(0);
  });
});

describe('connections per client address', () => {
  it('refuses a TCP connection past the bound without reading it, while another address gets in', async () => {
    fixture = await appFixture({ app: { connectionsPerClient: 5 } });
    const port = await listen(fixture.app);
    // Five half-sent requests held open by one address.
    for (let i = 0; i < 5; i++) {
      const socket = await rawConnection(port, '127.0.0.2');
      socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    }
    const sixth = await rawConnection(port, '127.0.0.2');
    const refused = await readUntilClosed(sixth, 5_000);
    expect(refused.closed).toBe(true);
    expect(refused.text).toMatch(/^HTTP\/1\.1 429/);
    expect(refused.text).toContain('Trop de connexions ouvertes depuis votre adresse');
    expect(await health(port, '127.0.0.3')).toBe(200);
  });

  it('frees a place when a connection of that address closes', async () => {
    fixture = await appFixture({ app: { connectionsPerClient: 2 } });
    const port = await listen(fixture.app);
    const first = await rawConnection(port, '127.0.0.2');
    await rawConnection(port, '127.0.0.2');
    first.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await health(port, '127.0.0.2')).toBe(200);
  });

  it('cuts off a request whose headers never finish (slowloris)', async () => {
    fixture = await appFixture();
    const port = await listen(fixture.app);
    const socket = await rawConnection(port, '127.0.0.2');
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = setInterval(() => socket.write('X-Lent: 1\r\n'), 500);
    const result = await readUntilClosed(socket, 20_000);
    clearInterval(trickle);
    // Node answers 408 and closes once the headers timeout passed (10 s, checked every second).
    expect(result.closed).toBe(true);
    expect(result.text).toMatch(/408|^$/);
  }, 30_000);

  it('refuses WebSockets past the bound, before the upgrade, while another address connects', async () => {
    fixture = await appFixture({ allowedOrigins: [courseOrigin], app: { webSocketsPerClient: 3 } });
    const port = await listen(fixture.app);
    const { session } = fixture.sessions.create('bac-a-sable', null);
    await session.ready;
    // Sockets that never authenticate are held until their deadline: they count too.
    for (let i = 0; i < 3; i++) expect(await openWebSocket(port, '127.0.0.2', session.id)).toBe('open');
    expect(await openWebSocket(port, '127.0.0.2', session.id)).toBe(429);
    expect(await openWebSocket(port, '127.0.0.3', session.id)).toBe('open');
    // A closed socket gives its place back.
    webSockets[0]?.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await openWebSocket(port, '127.0.0.2', session.id)).toBe('open');
  });
});

describe('load shedding', () => {
  it('refuses new sessions with a French 503 while the event loop is stalled, and keeps health', async () => {
    fixture = await appFixture({ app: { overloadEventLoopDelay: 50 } });
    await fixture.app.ready();
    // Stall the event loop for a few samples, as a runaway computation would.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      /* busy */
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: { lab: 'bac-a-sable' } });
    expect(created.statusCode).toBe(503);
    expect(created.json()).toEqual({ error: overloadMessage });
    expect(created.headers['retry-after']).toBe('5');
    const health = await fixture.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });
});
