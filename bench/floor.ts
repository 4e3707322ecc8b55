// The floor the terminal is measured against: `docker exec -it` into the same sandbox, on a
// local pty made by script(1), with no web layer at all. What the platform adds is the ratio of
// its figure to this one, measured in the same run.
import { spawn } from 'node:child_process';
import { waitUntil, type TerminalClient } from '../tests/integration/harness.ts';

/**
 * The docker CLI, on this machine's engine or on another (a swarm node's): `engine` is then the
 * CLI's options for it (`-H tcp://… --tlsverify …`).
 */
function dockerCli(engine?: string): string {
  return engine ? `docker ${engine}` : 'docker';
}

/** Runs `command` in the container through `docker exec -it` on a pty; the bytes and seconds it took. */
export function floorThroughput(
  container: string,
  command: string,
  engine?: string,
): Promise<{ bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'script',
      ['-qfec', `${dockerCli(engine)} exec -it ${container} bash -c ${JSON.stringify(command)}`, '/dev/null'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve({ bytes, seconds: (performance.now() - started) / 1000 })
        : reject(new Error(`docker exec -it exited with ${code}`)),
    );
  });
}

/** A shell a key can be typed into, each echo timed from the key's write to the first byte back. */
interface EchoChannel {
  key(keys: string): Promise<number>;
}

/** `docker exec -it … bash` on a pty made by script(1): the floor. */
async function floorShell(container: string, engine?: string): Promise<EchoChannel & { close(): Promise<void> }> {
  const exec = `${dockerCli(engine)} exec -it ${container} bash --norc --noprofile`;
  const child = spawn('script', ['-qfc', exec, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let arrived = 0;
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (arrived === 0) arrived = performance.now();
    seen = (seen + chunk.toString('latin1')).slice(-200);
  });
  await waitUntil(() => /[#$] $/.test(seen), 30_000, 'prompt from docker exec -it', 20);
  return {
    key: async (keys) => {
      arrived = 0;
      const started = performance.now();
      child.stdin.write(keys);
      // The arrival is stamped by a listener: polling only decides when to look.
      await waitUntil(() => arrived !== 0, 10_000, 'echo from docker exec -it', 1);
      return arrived - started;
    },
    close: async () => {
      child.stdin.write('\x15exit\r');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** The platform's terminal, through its WebSocket; the arrival is stamped before the client decodes. */
function platformShell(terminal: TerminalClient): EchoChannel & { close(): void } {
  let arrived = 0;
  const stamp = (_data: Buffer, binary: boolean) => {
    if (binary && arrived === 0) arrived = performance.now();
  };
  terminal.ws.prependListener('message', stamp);
  return {
    key: async (keys) => {
      arrived = 0;
      const started = performance.now();
      terminal.type(keys);
      await waitUntil(() => arrived !== 0, 10_000, 'echo from the platform', 1);
      return arrived - started;
    },
    close: () => terminal.ws.off('message', stamp),
  };
}

/**
 * Keystroke echo through the platform and through `docker exec -it` into the same sandbox,
 * side by side: keys go to one then the other, the order swapped at each round, one key every
 * 10 ms on each, so that both are measured in the same moments of the machine (a figure taken
 * a minute after the other may meet another load). A line is cleared every 50 keys. The first
 * 100 keys are not counted: a student types for hours, and the server's first seconds (its
 * first full garbage collection, code not yet optimised) once slowed 2 of the first 100
 * echoes to 16-30 ms.
 */
export async function echoSideBySide(
  terminal: TerminalClient,
  container: string,
  keys: number,
  engine?: string,
): Promise<{ platform: number[]; floor: number[] }> {
  const warmUp = 100;
  const floor = await floorShell(container, engine);
  const platform = platformShell(terminal);
  const samples = { platform: [] as number[], floor: [] as number[] };
  try {
    for (let i = 0; i < warmUp + keys; i++) {
      const order = i % 2 === 0 ? (['platform', 'floor'] as const) : (['floor', 'platform'] as const);
      for (const side of order) {
        await new Promise((r) => setTimeout(r, 5));
        const ms = await (side === 'platform' ? platform : floor).key('x');
        if (i >= warmUp) samples[side].push(ms);
      }
      if (i % 50 === 49) {
        terminal.type('\x15');
        await floor.key('\x15').catch(() => 0);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    platform.close();
    terminal.type('\x15');
    await floor.close();
  }
  return samples;
}

/**
 * The platform's side of the same measure: a WebSocket client that only counts the shell's
 * bytes and looks for the command's end marker in them (the harness's TerminalClient also
 * decodes and cleans the text, which would slow the client, not the platform). The shell must
 * have no other viewer: this connection replaces it.
 */
export async function platformThroughput(
  base: string,
  sessionId: string,
  token: string,
  command: string,
): Promise<{ bytes: number; seconds: number }> {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/sessions/${sessionId}/terminal`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const marker = `M${Math.random().toString(36).slice(2, 10)}`;
  const end = Buffer.from(`${marker}_END`);
  let ready = false;
  let timing = false;
  let bytes = 0;
  let tail = Buffer.alloc(0);
  let started = 0;
  const done = new Promise<{ bytes: number; seconds: number }>((resolve) => {
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) {
        if ((JSON.parse(data.toString('utf8')) as { type: string }).type === 'ready') ready = true;
        return;
      }
      if (!timing) return;
      bytes += data.length;
      const window = Buffer.concat([tail, data.subarray(-Math.min(data.length, 256))]);
      if (window.includes(end)) resolve({ bytes, seconds: (performance.now() - started) / 1000 });
      tail = window.subarray(-64);
    });
  });
  ws.send(JSON.stringify({ type: 'auth', token }));
  ws.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
  while (!ready) await new Promise((r) => setTimeout(r, 20));
  // The screen the server sends on attach is not part of the measure.
  await new Promise((r) => setTimeout(r, 300));
  timing = true;
  started = performance.now();
  ws.send(Buffer.from(`${command}; printf '%s_%s\\n' ${marker} END\r`));
  const result = await done;
  ws.close();
  return result;
}
