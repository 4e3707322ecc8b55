// The server's own image (deploy/server/Dockerfile), built on the host's engine from its build
// cache, as the compose and stack tests run it.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

export const serverImage = 'cours-docker/server:latest';

/** Builds the server's image (a no-op from the cache when nothing changed). */
export async function buildServerImage(): Promise<void> {
  await run('docker', ['build', '-q', '-f', 'deploy/server/Dockerfile', '-t', serverImage, '.'], {
    cwd: root,
    timeout: 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The server's image loaded on the engine the CLI options `engine` name, unless it already has it. */
export async function loadServerImage(engine: string[]): Promise<void> {
  const id = async (options: string[]) =>
    (
      await run('docker', [...options, 'image', 'inspect', '-f', '{{.Id}}', serverImage]).catch(() => ({ stdout: '' }))
    ).stdout.trim();
  if ((await id([])) === (await id(engine))) return;
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', serverImage], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', [...engine, 'load', '-q'], { stdio: [save.stdout, 'ignore', 'inherit'] });
    load.on('error', reject);
    load.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker load exited with ${code}`))));
  });
}
