// Keystrokes honour backpressure on the real engine: with the sandbox's terminal relay stopped
// (SIGSTOP), a client flooding the terminal with input does not grow the server's memory
// without bound; the server stops reading that WebSocket instead.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionCreated } from '../../shared/contract.ts';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let session: SessionCreated;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server);
});

afterAll(async () => {
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

/** Resident memory of the server process, in MiB. */
function serverRssMiB(): number {
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

describe('terminal input backpressure', () => {
  it('keeps the server’s memory bounded when a stalled relay meets an input flood', async () => {
    const client = new TerminalClient(server, session.id);
    await client.open(session.token);
    expect((await client.run('echo pret')).trim()).toBe('pret');
    const container = `cours-docker-sb-${session.id}`;
    execFileSync('docker', ['exec', container, 'pkill', '-STOP', '-f', 'sandbox-terminal-relay']);
    const before = serverRssMiB();
    const frame = Buffer.alloc(60 * 1024, 0x61);
    const total = 256 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += frame.length) client.ws.send(frame);
    await new Promise((r) => setTimeout(r, 5000));
    const after = serverRssMiB();
    process.stdout.write(
      `server RSS ${before.toFixed(0)} MiB -> ${after.toFixed(0)} MiB with 256 MiB of keystrokes offered\n`,
    );
    // The flood waits on the client's side: the server holds at most its bounds and buffers.
    expect(after - before).toBeLessThan(64);
    expect(client.ws.bufferedAmount).toBeGreaterThan(128 * 1024 * 1024);
    // The server itself answers as usual meanwhile.
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
    client.ws.terminate();
    execFileSync('docker', ['exec', container, 'pkill', '-CONT', '-f', 'sandbox-terminal-relay']);
    expect((await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token })).status).toBe(204);
  });
});
