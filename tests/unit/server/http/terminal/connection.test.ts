// Unit tests of the terminal WebSocket on a fake driver: heartbeat, flow control, exit, and the
// bounds on control frames (resizes coalesced, the rest budgeted, a flood cut off).
import type { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { controlFloodCloseCode, type TerminalOptions } from '../../../../../server/http/terminal/connection.ts';
import { SandboxStartError, type TerminalProcess } from '../../../../../server/sandbox/driver.ts';
import { appFixture, listen } from '../../../fixtures/app-fixture.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(options: Partial<TerminalOptions>) {
  const fixture = await appFixture({ terminal: options });
  closers.push(() => fixture.close());
  const port = await listen(fixture.app);
  const { session, token } = fixture.sessions.create('bac-a-sable', null);
  await session.ready;
  return { port, session, token, terminals: fixture.terminals, driver: fixture.driver };
}

function connect(port: number, id: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/sessions/${id}/terminal`, options);
  const messages: { type: string; message?: string }[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (!binary) messages.push(JSON.parse(data.toString()) as { type: string; message?: string });
  });
  return { ws, messages, opened: new Promise((r) => ws.once('open', r)) };
}

describe('terminal socket', () => {
  it('closes a connection that stops answering pings', async () => {
    const { port, session, token } = await setup({ heartbeatMs: 100 });
    const client = connect(port, session.id, { autoPong: false });
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    const closed = await new Promise<number>((r) => client.ws.once('close', r));
    expect(closed).toBe(1006);
  });

  it('keeps a connection that answers pings', async () => {
    const { port, session, token } = await setup({ heartbeatMs: 100 });
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await new Promise((r) => setTimeout(r, 600));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('pauses the shell’s output while the browser has not acknowledged enough of it', async () => {
    const { port, session, token, terminals } = await setup({ highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 });
    const client = connect(port, session.id);
    let received = 0;
    client.ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) received += data.length;
    });
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token, flow: 'ack' }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    const stream = terminals[0]?.output as PassThrough;
    for (let i = 0; i < 40; i++) stream.push(Buffer.alloc(8 * 1024, 120));
    await vi.waitFor(() => expect(stream.isPaused()).toBe(true));
    await vi.waitFor(() => expect(received).toBeGreaterThanOrEqual(64 * 1024));
    // Paused: nothing more arrives until the browser says it has displayed what it got.
    await new Promise((r) => setTimeout(r, 200));
    const before = received;
    expect(before).toBeLessThan(40 * 8 * 1024);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toBe(before);
    client.ws.send(JSON.stringify({ type: 'ack', bytes: received }));
    await vi.waitFor(() => expect(received).toBeGreaterThan(before));
    client.ws.close();
  });

  it('gives a fresh shell when the shell exits', async () => {
    const { port, session, token, terminals } = await setup({});
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.filter((m) => m.type === 'ready')).toHaveLength(1));
    (terminals[0]?.output as PassThrough).destroy();
    await vi.waitFor(() => expect(client.messages.map((m) => m.type)).toEqual(expect.arrayContaining(['exit'])));
    await vi.waitFor(() => expect(client.messages.filter((m) => m.type === 'ready')).toHaveLength(2));
    expect(terminals).toHaveLength(2);
    client.ws.close();
  });

  it('gives a reconnecting browser the screen back, with what was printed while it was away', async () => {
    const { port, session, token, terminals } = await setup({});
    const first = connect(port, session.id);
    await first.opened;
    first.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(first.messages.some((m) => m.type === 'ready')).toBe(true));
    const output = terminals[0]?.output as PassThrough;
    output.push(Buffer.from('root@bac:~# echo avant\r\navant\r\n'));
    await new Promise((r) => setTimeout(r, 50));
    first.ws.close();
    await new Promise((r) => setTimeout(r, 50));
    output.push(Buffer.from('pendant l’absence\r\n'));

    const again = connect(port, session.id);
    const frames: string[] = [];
    again.ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) frames.push(data.toString('utf8'));
    });
    await again.opened;
    again.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(again.messages.some((m) => m.type === 'ready')).toBe(true));
    await vi.waitFor(() => expect(frames.join('')).toContain('pendant l’absence'));
    // One shell for the session: the reconnection did not open another.
    expect(terminals).toHaveLength(1);
    // A full reset first, so the browser does not show the old screen twice.
    expect(frames[0]?.startsWith('\x1bc')).toBe(true);
    expect(frames.join('')).toContain('avant');
    again.ws.close();
  });

  it('lets the shell wait once it has printed a lot with nobody watching', async () => {
    const { port, session, token, terminals } = await setup({});
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    client.ws.close();
    await new Promise((r) => client.ws.once('close', r));
    await new Promise((r) => setTimeout(r, 50));
    const output = terminals[0]?.output as PassThrough;
    expect(output.isPaused()).toBe(false);
    for (let i = 0; i < 40; i++) output.push(Buffer.alloc(64 * 1024, 121));
    await vi.waitFor(() => expect(output.isPaused()).toBe(true));
  });

  it('sends keystrokes to the shell', async () => {
    const { port, session, token, terminals } = await setup({});
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    client.ws.send(Buffer.from('ls -l\r'));
    const keys = (terminals[0] as unknown as { keys: Buffer[] }).keys;
    await vi.waitFor(() => expect(Buffer.concat(keys).toString()).toBe('ls -l\r'));
    client.ws.close();
  });

  it('stops reading keystrokes while the sandbox does not take them, and goes on once it does', async () => {
    const { port, session, token, terminals, driver } = await setup({ inputHighWaterBytes: 64 * 1024 });
    driver.stalledInput = true;
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    const terminal = terminals[0] as unknown as { keys: Buffer[]; drain(): void };
    const received = () => terminal.keys.reduce((n, k) => n + k.length, 0);
    const frame = Buffer.alloc(16 * 1024, 97);
    for (let i = 0; i < 256; i++) client.ws.send(frame); // 4 MiB
    await vi.waitFor(() => expect(received()).toBeGreaterThan(64 * 1024));
    await new Promise((r) => setTimeout(r, 300));
    const whilePaused = received();
    // The server stopped reading: most of the flood waits on the client's side, not in the server.
    expect(whilePaused).toBeLessThan(2 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 200));
    expect(received()).toBe(whilePaused);
    driver.stalledInput = false;
    terminal.drain();
    await vi.waitFor(() => expect(received()).toBe(256 * frame.length));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('drops the connection when keystrokes already read pile up past the bound', async () => {
    const { port, session, token, driver } = await setup({
      inputHighWaterBytes: 8 * 1024 * 1024,
      inputMaxBacklogBytes: 128 * 1024,
    });
    driver.stalledInput = true;
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    const closed = new Promise<number>((r) => client.ws.once('close', r));
    for (let i = 0; i < 16; i++) client.ws.send(Buffer.alloc(16 * 1024, 98));
    expect(await closed).toBe(4413);
    expect(JSON.stringify(client.messages)).toMatch(/ne lit plus le clavier/);
  });

  it('coalesces a flood of resizes: the shell gets a few, and the final size', async () => {
    const { port, session, token, terminals } = await setup({ maxDroppedControls: 1_000_000 });
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    const terminal = terminals[0] as TerminalProcess;
    const sizes: string[] = [];
    terminal.resize = (cols, rows) => sizes.push(`${cols}x${rows}`);
    const started = Date.now();
    for (let i = 0; i < 20_000; i++)
      client.ws.send(JSON.stringify({ type: 'resize', cols: i % 2 ? 500 : 10, rows: i % 2 ? 200 : 3 }));
    client.ws.send(JSON.stringify({ type: 'resize', cols: 123, rows: 45 }));
    await vi.waitFor(() => expect(sizes.at(-1)).toBe('123x45'));
    const elapsed = Date.now() - started;
    // One every 100 ms at most (a first at once, a last on the trailing edge).
    expect(sizes.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 100));
    await new Promise((r) => setTimeout(r, 300));
    expect(sizes.at(-1)).toBe('123x45');
    // Keystrokes still go through.
    client.ws.send(Buffer.from('ls\r'));
    const keys = (terminal as unknown as { keys: Buffer[] }).keys;
    await vi.waitFor(() => expect(Buffer.concat(keys).toString()).toBe('ls\r'));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('answers control frames up to its budget, and cuts off a page that keeps flooding, in French', async () => {
    const { port, session, token } = await setup({ controlPerSecond: 20, controlBurst: 10, maxDroppedControls: 200 });
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    const closed = new Promise<number>((r) => client.ws.once('close', r));
    for (let i = 0; i < 100; i++) client.ws.send(JSON.stringify({ type: 'ping' }));
    await new Promise((r) => setTimeout(r, 300));
    const pongs = client.messages.filter((m) => m.type === 'pong').length;
    // The burst, and what the rate gave back meanwhile; not one pong per ping.
    expect(pongs).toBeGreaterThanOrEqual(10);
    expect(pongs).toBeLessThan(30);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    // Refused frames count as well: an error each would be a flood the other way.
    for (let i = 0; i < 500; i++) client.ws.send('{oops');
    expect(await closed).toBe(controlFloodCloseCode);
    const errors = client.messages.filter((m) => m.type === 'error');
    expect(errors.length).toBeLessThan(40);
    expect(errors.at(-1)?.message).toMatch(/trop de messages de contrôle.*Rechargez la page/);
  });

  it('never counts acks: flow control stays as fast as the output', async () => {
    const { port, session, token } = await setup({ controlPerSecond: 1, controlBurst: 1, maxDroppedControls: 10 });
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token, flow: 'ack' }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    for (let i = 0; i < 5000; i++) client.ws.send(JSON.stringify({ type: 'ack', bytes: 32 * 1024 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('tells a student waiting for a sandbox their place in French, then gives the shell', async () => {
    const fixture = await appFixture({ limits: { startsAtOnce: 1 } });
    closers.push(() => fixture.close());
    const port = await listen(fixture.app);
    let open = () => {};
    fixture.driver.startGate = new Promise<void>((resolve) => (open = resolve));
    const ahead = [fixture.sessions.create('bac-a-sable', null), fixture.sessions.create('bac-a-sable', null)];
    const { session, token } = fixture.sessions.create('bac-a-sable', null);
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    const statuses = () => client.messages.filter((m) => m.type === 'status').map((m) => m.message);
    await vi.waitFor(() => expect(statuses()).toContain('Votre bac à sable démarre : 1 élève avant vous…'));
    open();
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'ready')).toBe(true));
    await Promise.all(ahead.map((a) => a.session.ready));
    client.ws.close();
  });

  it('says why when the sandbox could not start, and opens no shell', async () => {
    const fixture = await appFixture({});
    closers.push(() => fixture.close());
    const port = await listen(fixture.app);
    fixture.driver.failNextStart = new SandboxStartError('moteur saturé');
    const { session, token } = fixture.sessions.create('bac-a-sable', null);
    const client = connect(port, session.id);
    await client.opened;
    client.ws.send(JSON.stringify({ type: 'auth', token }));
    await vi.waitFor(() => expect(client.messages.some((m) => m.type === 'error')).toBe(true));
    const error = client.messages.find((m) => m.type === 'error');
    expect(error?.message).toMatch(/n'a pas pu démarrer/);
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages.some((m) => m.type === 'ready')).toBe(false);
    expect(fixture.terminals).toHaveLength(0);
    client.ws.close();
  });
});
