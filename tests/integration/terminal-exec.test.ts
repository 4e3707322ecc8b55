// The terminal through `docker exec` (SANDBOX_TERMINAL=exec, for engines on another machine):
// the same shell, resize, reconnect, flood and `exit` as over TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';
import type { SessionCreated } from '../../shared/contract.ts';

let server: RunningServer;
let session: SessionCreated;
let terminal: TerminalClient;

beforeAll(async () => {
  server = await startServer({ SANDBOX_TERMINAL: 'exec' });
  session = await createSession(server);
  terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
});

afterAll(async () => {
  terminal?.close();
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

describe('terminal through docker exec', () => {
  it('greets, runs commands and follows resizes', async () => {
    await terminal.waitForText('Bienvenue');
    expect(await terminal.run('echo "é ─┼─ $((6 * 7))"')).toContain('é ─┼─ 42');
    terminal.ws.send(JSON.stringify({ type: 'resize', cols: 111, rows: 33 }));
    await expect.poll(async () => (await terminal.run('stty size')).trim(), { timeout: 15_000 }).toBe('33 111');
  });

  it('carries a flood of output whole', async () => {
    const out = await terminal.run('seq 1 200000', 120_000);
    expect(out).toContain('\n100000\n');
    expect(out.endsWith('199999\n200000\n')).toBe(true);
  });

  it('keeps the shell across a reconnection, and gives a fresh one after exit', async () => {
    await terminal.run('export MARQUE=exec');
    terminal.close();
    terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    expect((await terminal.run('echo "$MARQUE"')).trim()).toBe('exec');
    const before = terminal.messages.length;
    terminal.type('exit\r');
    await terminal.waitForMessage('exit', 10_000, before);
    await terminal.waitForMessage('ready', 20_000, before);
    expect((await terminal.run('echo "${MARQUE:-vide}"')).trim()).toBe('vide');
  });
});
