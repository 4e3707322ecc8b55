// ServerSocket on a fake WebSocket: auth deadline, first-frame routing, heartbeat, close.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { closeCodes } from '../../../../../shared/limits.ts';
import { silentLogger } from '../../../../../server/log/log.ts';
import { parseFrame } from '../../../../../server/http/socket/frames.ts';
import { ServerSocket, type SocketHandlers } from '../../../../../server/http/socket/socket.ts';

const schema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string() }),
  z.object({ type: z.literal('ping') }),
]);
type In = z.infer<typeof schema>;
type Out = { type: 'pong' } | { type: 'error'; message: string };

class FakeWs extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: unknown[] = [];
  closedWith: [number, string] | undefined;
  terminated = false;
  pings = 0;
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code: number, reason: string): void {
    this.closedWith ??= [code, reason];
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  ping(): void {
    this.pings++;
  }
  text(value: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(value)), false);
  }
}

function setup(handlers: Partial<SocketHandlers<In>> = {}, maxBufferedBytes?: number, heartbeatMs = 60_000) {
  const ws = new FakeWs();
  const calls = { authenticate: vi.fn(), message: vi.fn(), refused: vi.fn(), binary: vi.fn(), closed: vi.fn() };
  const socket: ServerSocket<In, Out> = new ServerSocket<In, Out>(
    ws as unknown as WebSocket,
    {
      log: silentLogger,
      errorLog: { message: 'test socket error' },
      heartbeatMs,
      authDeadline: { ms: 5000, message: 'trop tard', reason: 'attendue' },
      refuseReason: 'refusé',
      authFirst: 'auth d’abord',
      ...(maxBufferedBytes === undefined ? {} : { maxBufferedBytes }),
      parse: parseFrame(schema, { maxBytes: 100, tooBig: 'gros', unreadable: 'illisible', invalid: () => 'invalide' }),
    },
    {
      authenticate: (message) => {
        calls.authenticate(message);
        if (message.token === 'good') socket.accept();
        else socket.refuse('mauvais jeton');
      },
      message: calls.message,
      refused: calls.refused,
      binary: calls.binary,
      closed: calls.closed,
      ...handlers,
    },
  );
  return { ws, socket, calls };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ServerSocket', () => {
  it('closes a socket that has not authenticated by the deadline, with its own words', () => {
    const { ws } = setup();
    vi.advanceTimersByTime(4999);
    expect(ws.closedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ws.sent).toEqual([{ type: 'error', message: 'trop tard' }]);
    expect(ws.closedWith).toEqual([closeCodes.authTimeout, 'attendue']);
  });

  it('refuses any other first frame, and hands the auth frame over with the deadline off', () => {
    const { ws, calls } = setup();
    ws.text({ type: 'ping' });
    expect(ws.closedWith).toEqual([closeCodes.unauthorized, 'refusé']);
    expect(ws.sent).toEqual([{ type: 'error', message: 'auth d’abord' }]);
    expect(calls.message).not.toHaveBeenCalled();

    const other = setup();
    other.ws.text({ type: 'auth', token: 'good' });
    expect(other.calls.authenticate).toHaveBeenCalledWith({ type: 'auth', token: 'good' });
    expect(other.socket.authenticated).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(other.ws.closedWith).toBeUndefined();
    other.ws.text({ type: 'ping' });
    other.ws.text({ type: 'auth', token: 'again' });
    expect(other.calls.message.mock.calls).toEqual([[{ type: 'ping' }], [{ type: 'auth', token: 'again' }]]);
    expect(other.calls.authenticate).toHaveBeenCalledTimes(1);
  });

  it('keeps a refused auth unauthenticated: later frames never reach the message handler', () => {
    const { ws, socket, calls } = setup();
    ws.text({ type: 'auth', token: 'bad' });
    expect(socket.authenticated).toBe(false);
    expect(ws.closedWith).toEqual([closeCodes.unauthorized, 'refusé']);
    ws.text({ type: 'ping' });
    expect(calls.message).not.toHaveBeenCalled();
  });

  it('lets a connection answer frames before authentication its own way', () => {
    const beforeAuth = vi.fn();
    const { ws } = setup({ beforeAuth });
    ws.text({ type: 'ping' });
    expect(beforeAuth).toHaveBeenCalledWith({ type: 'ping' });
    expect(ws.closedWith).toBeUndefined();
  });

  it('passes refusals and binary frames to their handlers, and drops what admit refuses', () => {
    let admit = true;
    const { ws, calls } = setup({ admit: () => admit });
    ws.emit('message', Buffer.from('{oops'), false);
    ws.emit('message', Buffer.alloc(200, 32), false);
    ws.emit('message', Buffer.from([1, 2]), true);
    expect(calls.refused.mock.calls).toEqual([
      [{ ok: false, reason: 'illisible', tooBig: false }],
      [{ ok: false, reason: 'gros', tooBig: true }],
    ]);
    expect(calls.binary).toHaveBeenCalledTimes(1);
    admit = false;
    ws.text({ type: 'auth', token: 'good' });
    ws.emit('message', Buffer.from([1, 2]), true);
    expect(calls.authenticate).not.toHaveBeenCalled();
    expect(calls.binary).toHaveBeenCalledTimes(1);
  });

  it('drops a peer that stops answering pings', () => {
    const { ws } = setup({}, undefined, 1000);
    vi.advanceTimersByTime(1000);
    expect(ws.pings).toBe(1);
    ws.emit('pong');
    vi.advanceTimersByTime(1000);
    expect(ws.pings).toBe(2);
    expect(ws.terminated).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(ws.terminated).toBe(true);
  });

  it('clears every timer when the socket closes, then tells the connection', () => {
    const { ws, socket, calls } = setup();
    socket.timers.interval('time', 100, () => socket.send({ type: 'pong' }));
    ws.emit('close');
    expect(calls.closed).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a peer that does not read rather than buffering for it', () => {
    const { ws, socket } = setup({}, 1000);
    socket.send({ type: 'pong' });
    ws.bufferedAmount = 1001;
    socket.send({ type: 'pong' });
    expect(ws.sent).toEqual([{ type: 'pong' }]);
    expect(ws.terminated).toBe(true);
  });
});
