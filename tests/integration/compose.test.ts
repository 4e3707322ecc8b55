// The platform as the README's compose.yaml runs it on one host: the server's image built from
// deploy/server/Dockerfile, `docker compose up -d` (Compose v2, from the sandbox image: this
// machine has no Compose of its own), and the server in its container answering ready, opening
// a student's sandbox on the host's engine with a shell that pulls from the course registry;
// `docker compose down -v` leaves nothing of its instance.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createSession, freePort, TerminalClient, waitUntil, type RunningServer } from './harness.ts';
import { buildServerImage } from './server-image.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const project = 'cours-docker-compose-test';
const instance = `${process.env.TEST_INSTANCE_ID ?? 'tests'}-compose`;
let server: RunningServer;

/** `docker compose …` on this checkout, run from a container of the sandbox image. */
function compose(args: string[], env: Record<string, string>) {
  return run(
    'docker',
    [
      'run',
      '--rm',
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock',
      // The same path inside: Compose resolves the file's paths where it runs.
      '-v',
      `${root}:${root}:ro`,
      '-w',
      root,
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      '--entrypoint',
      'docker',
      'cours-docker/sandbox:latest',
      'compose',
      '-p',
      project,
      ...args,
    ],
    { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
  );
}

let env: Record<string, string>;

beforeAll(async () => {
  await buildServerImage();
  const port = await freePort();
  env = {
    INSTRUCTOR_PASSWORD: 'compose-essai-1234',
    PORT: String(port),
    PREVIEW_PORT: String(await freePort()),
    POOL_SIZE: '0',
    INSTANCE_ID: instance,
  };
  await compose(['up', '-d'], env);
  const base = `http://127.0.0.1:${port}`;
  // Only what the harness's helpers read: the address (the server is the container).
  server = { base, port } as RunningServer;
  await waitUntil(
    async () => (await fetch(`${base}/api/ready`).catch(() => undefined))?.status === 200,
    180_000,
    'the server in its container ready',
  );
}, 1_200_000);

afterAll(async () => {
  const logs = await run('docker', ['logs', '--tail', '40', `${project}-server-1`]).catch(() => undefined);
  if (logs) process.stdout.write(`--- compose server (last lines) ---\n${logs.stdout}${logs.stderr}\n`);
  await compose(['down', '-v', '--timeout', '30'], env);
  const { stdout } = await run('docker', [
    'ps',
    '-a',
    '--filter',
    `label=cours-docker.instance=${instance}`,
    '--format',
    '{{.Names}}',
  ]);
  expect(stdout.trim()).toBe('');
}, 300_000);

describe('the platform with docker compose on one host', () => {
  it('serves the course and opens a student’s sandbox whose shell pulls from the course registry', async () => {
    expect((await fetch(`${server.base}/`)).status).toBe(200);
    const session = await createSession(server);
    const terminal = new TerminalClient(server, session.id);
    await terminal.open(session.token);
    expect(await terminal.run('docker run --rm hello-world', 120_000)).toContain('Bonjour depuis Docker');
    terminal.close();
    const ended = await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token });
    expect(ended.status).toBeLessThan(300);
  });
});
