// One page's flood of resize frames costs only its own terminal, on the real engine: while
// session A sends tens of thousands of resizes (and reconnects to go on when it is cut off),
// session B reconnects its terminal, gets its screen back and runs a command in good time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionCreated } from '../../shared/contract.ts';
import {
  api,
  createSession,
  leftovers,
  startServer,
  TerminalClient,
  waitUntil,
  type RunningServer,
} from './harness.ts';

let server: RunningServer;
let a: SessionCreated;
let b: SessionCreated;

beforeAll(async () => {
  server = await startServer();
  [a, b] = await Promise.all([createSession(server), createSession(server)]);
});

afterAll(async () => {
  await server?.stop();
  // This test's sessions only: other test servers may be running on the same engine.
  for (const s of [a, b]) if (s) expect(await leftovers(s.id)).toEqual([]);
});

/** Generous for a busy two-core machine: without a flood, the reconnect takes well under a second. */
const reconnectBoundMs = 15_000;
const floodFrames = 20_000;

/**
 * A page sending resizes as fast as it can, between the largest and the smallest sizes (each
 * one a full reflow of the screen mirror's scrollback), reconnecting when it is cut off.
 */
class ResizeFlood {
  sent = 0;
  connections = 0;
  readonly closeCodes: number[] = [];
  private stopped = false;
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;

  private readonly session: SessionCreated;
  private readonly first: number;

  constructor(session: SessionCreated, first: number) {
    this.session = session;
    this.first = first;
  }

  start(): void {
    this.connect();
    this.timer = setInterval(() => this.burst(500), 10);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.ws?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/${this.session.id}/terminal`);
    this.ws = ws;
    ws.on('open', () => {
      this.connections++;
      ws.send(JSON.stringify({ type: 'auth', token: this.session.token }));
      // The first connection sends its whole flood at once; the next ones join the steady flood.
      if (this.connections === 1) this.burst(this.first);
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      this.closeCodes.push(code);
      // As soon as the page's own client would (its back-off starts at 0.5 s): a script that
      // reconnects faster meets the per-address connection bounds, not this test's subject.
      if (this.ws === ws) setTimeout(() => this.connect(), 500);
    });
  }

  private burst(frames: number): void {
    const ws = this.ws;
    // The client's own buffer is bounded too: a flood waits on the server, not in the test.
    if (ws?.readyState !== WebSocket.OPEN || ws.bufferedAmount > 4 * 1024 * 1024) return;
    for (let i = 0; i < frames; i++, this.sent++) {
      const big = this.sent % 2 === 0;
      ws.send(JSON.stringify({ type: 'resize', cols: big ? 500 : 10, rows: big ? 200 : 3 }));
    }
  }
}

describe('terminal resize flood', () => {
  it('lets another session reconnect and run a command while one page floods resizes', async () => {
    // Both terminals hold a full scrollback of long lines: at 10 columns each one wraps, so a
    // resize reflows them all, and a snapshot sends them.
    const longLines = `yes "$(printf '%0150d' 0)" | head -n 3000 | nl`;
    const floodingPage = new TerminalClient(server, a.id);
    await floodingPage.open(a.token);
    await floodingPage.run(longLines);
    floodingPage.close();
    const before = new TerminalClient(server, b.id);
    await before.open(b.token);
    await before.run(`${longLines}; export MARQUE=gardee`);
    before.close();
    await before.waitForClose();

    const flood = new ResizeFlood(a, floodFrames);
    flood.start();
    try {
      // The flood is under way: its first 20 000 frames are sent and the server is on them.
      while (flood.sent < floodFrames) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 1000));
      const sentBefore = flood.sent;

      const started = Date.now();
      const again = new TerminalClient(server, b.id);
      await again.open(b.token, { cols: 100, rows: 30 }, reconnectBoundMs);
      const ready = Date.now() - started;
      const out = await again.run('echo "$MARQUE $((6 * 7))"', reconnectBoundMs);
      const total = Date.now() - started;
      process.stdout.write(
        `B: ready ${ready} ms, command echoed ${total} ms after reconnecting; A sent ${flood.sent} resizes over ${flood.connections} connections, closed with ${[...new Set(flood.closeCodes)].join(',') || 'nothing'}\n`,
      );
      expect(out).toContain('gardee 42');
      // B's screen came back: the last of its long lines is in the snapshot it got.
      expect(again.text).toMatch(/3000\s*0{150}/);
      expect(total).toBeLessThan(reconnectBoundMs);
      again.close();
      // A's flood was not over: it goes on (through its reconnects) after B is done.
      await waitUntil(() => flood.sent > sentBefore, 10_000, 'the flood going on');
    } finally {
      flood.stop();
    }

    // A's page, reloaded, gets its terminal back at the size it asks for.
    await new Promise((r) => setTimeout(r, 500));
    const reloaded = new TerminalClient(server, a.id);
    await reloaded.open(a.token, { cols: 123, rows: 33 });
    expect((await reloaded.run('stty size')).trim()).toBe('33 123');
    reloaded.close();

    for (const s of [a, b])
      expect((await api(server, 'DELETE', `/api/sessions/${s.id}`, { token: s.token })).status).toBe(204);
  });
});
