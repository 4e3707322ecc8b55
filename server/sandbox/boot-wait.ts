// Waiting for a sandbox's boot: its entrypoint prints a ready line once the inner engine answers,
// or says that the engine exited. Read from the container's log on whichever engine runs it.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { SandboxStartError } from './driver.ts';
import type { EngineCalls } from './engine-calls.ts';

const readyLine = 'sandbox: ready';

/** Resolves when the sandbox prints its ready line; fails if it exits or takes too long. */
export async function waitForBoot(calls: EngineCalls, container: Docker.Container, timeoutMs: number): Promise<void> {
  // The signal bounds the wait for the stream too; the timer below bounds what follows.
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    ...calls.within(timeoutMs),
  })) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const out = new PassThrough();
  calls.docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => finish(new SandboxStartError(`inner engine not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.destroy();
      if (error) reject(error);
      else resolve();
    };
    out.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes(readyLine)) finish();
      else if (seen.includes('sandbox: dockerd exited')) {
        finish(new SandboxStartError(`inner dockerd stopped: ${seen.slice(-300)}`));
      }
    });
    stream.on('end', () => finish(new SandboxStartError(`sandbox exited while starting: ${seen.slice(-300)}`)));
    stream.on('error', (error: Error) => finish(error));
  });
}
