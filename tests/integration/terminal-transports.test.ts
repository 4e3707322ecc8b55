// The terminal over its other transports: through `docker exec` (SANDBOX_TERMINAL=exec, for
// engines on another machine) and with the server dialing the relay over TCP
// (SANDBOX_TERMINAL=tcp): the same shell, resize, reconnect, flood and `exit` as over the
// relay's unix socket, which the other terminal tests use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';
import type { SessionCreated } from '../../shared/contract.ts';

afterAll(async () => {
  expect(await leftovers()).toEqual([]);
});

describe.each(['exec', 'tcp'])('terminal with SANDBOX_TERMINAL=%s', (mode) => {
  let server: RunningServer;
  let session: SessionCreated;
  let terminal: TerminalClient;

  beforeAll(async () => {
    server = await startServer({ SANDBOX_TERMINAL: mode });
    session = await createSession(server);
    terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
  });

  afterAll(async () => {
    terminal?.close();
    await server?.stop();
  });

  it('greets, runs commands and follows resizes', async () => {
    await terminal.waitForText('Bienvenue');
    expect(await terminal.run('echo "é ─┼─ $((6 * 7))"')).toContain('é ─┼─ 42');
    terminal.ws.send(JSON.stringify({ type: 'resize', cols: 111, rows: 33 }));
    await expect.poll(async () => (await terminal.run('stty size')).trim(), { timeout: 15_000 }).toBe('33 111');
  });

  it('goes through the relay’s TCP port, not its unix socket', async () => {
    // Connections the relay accepted on 7681 (1E01), established: the server's over TCP, the
    // relay's own --stdio side's over exec.
    const tcp = String.raw`awk '$2 ~ /:1E01$/ && $4 == "01"' /proc/net/tcp /proc/net/tcp6 | wc -l`;
    expect((await terminal.run(tcp)).trim()).toBe('1');
  });

  it('carries a flood of output whole', async () => {
    const out = await terminal.run('seq 1 200000', 120_000);
    expect(out).toContain('\n100000\n');
    expect(out.endsWith('199999\n200000\n')).toBe(true);
  });

  it('keeps the shell across a reconnection, and gives a fresh one after exit', async () => {
    await terminal.run(`export MARQUE=${mode}`);
    terminal.close();
    terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    expect((await terminal.run('echo "$MARQUE"')).trim()).toBe(mode);
    const before = terminal.messages.length;
    terminal.type('exit\r');
    await terminal.waitForMessage('exit', 10_000, before);
    await terminal.waitForMessage('ready', 20_000, before);
    expect((await terminal.run('echo "${MARQUE:-vide}"')).trim()).toBe('vide');
  });
});
