// A hung engine (a socket that accepts and never answers) fails every driver call within its
// deadline instead of holding a seat, a check or the reaper forever.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../server/log/log.ts';
import { DockerSandboxDriver } from '../../../../server/sandbox/docker-driver.ts';
import { SandboxStartError } from '../../../../server/sandbox/driver.ts';
import { driverOptions } from '../../fixtures/driver-settings.ts';

let dir: string;
let silent: Server;
const held: Socket[] = [];
let driver: DockerSandboxDriver;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'engine-silent-'));
  const socketPath = path.join(dir, 'docker.sock');
  // Reads every request and answers none, as an engine stuck on a lock would.
  silent = createServer((socket) => {
    held.push(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
  driver = new DockerSandboxDriver(
    driverOptions({
      cpuWeight: undefined,
      registryContainer: '',
      registryAlias: '',
      readyTimeoutSeconds: 1,
      instance: 'deadlines',
      dns: [],
      engineCallTimeoutMs: 200,
    }),
    silentLogger,
    new Docker({ socketPath }),
  );
});

afterAll(() => {
  for (const socket of held) socket.destroy();
  silent.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('engine calls against a hung engine', () => {
  it('the health probe reads it as unavailable, and does not wait for it again', { timeout: 15_000 }, async () => {
    expect(await driver.engineAvailable()).toBe(false);
    expect(await driver.engineStatus()).toBe(false);
    // Past the one-second cache a new ping (2 s) starts; the probe answers what it knew.
    await new Promise((r) => setTimeout(r, 1100));
    const answer = await Promise.race([
      driver.engineStatus(),
      new Promise((r) => setTimeout(() => r('attendu le moteur'), 1000)),
    ]);
    expect(answer).toBe(false);
  });

  it('listing sandboxes and the reaper’s sweep fail instead of waiting', async () => {
    await expect(driver.list()).rejects.toThrow();
    await expect(driver.removeOrphans(new Set())).rejects.toThrow();
  });

  it('a sandbox start fails with a start error (its seat is given back by the manager)', async () => {
    const started = driver.create({
      sessionId: 'a'.repeat(32),
      expiresAt: new Date(Date.now() + 60_000),
      pooled: false,
    });
    await expect(started).rejects.toBeInstanceOf(SandboxStartError);
  });

  it('a check’s exec and the shell’s address fail', async () => {
    await expect(driver.exec('b'.repeat(32), ['true'])).rejects.toThrow();
    await expect(driver.openTerminal('c'.repeat(32), 80, 24)).rejects.toThrow();
  });

  it('a removal gives up (it only logs), and the isolation probe fails', async () => {
    await expect(driver.remove('d'.repeat(32))).resolves.toBeUndefined();
    await expect(driver.resolveIsolation()).rejects.toThrow();
  });
});
