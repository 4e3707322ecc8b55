// The floor the terminal is measured against: `docker exec -it` into the same sandbox, on a
// local pty made by script(1), with no web layer at all. What the platform adds is the ratio of
// its figure to this one, measured in the same run.
import { spawn } from 'node:child_process';

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

/**
 * Keystroke echo through `docker exec -it … bash` on a pty: one key every 10 ms, each timed
 * from its write to the first byte back, a line cleared every 50 keys (as the platform's bench).
 */
export async function floorEcho(container: string, keys: number, engine?: string): Promise<number[]> {
  const exec = `${dockerCli(engine)} exec -it ${container} bash --norc --noprofile`;
  const child = spawn('script', ['-qfc', exec, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let arrived = 0;
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (arrived === 0) arrived = performance.now();
    seen = (seen + chunk.toString('latin1')).slice(-200);
  });
  const deadline = Date.now() + 30_000;
  while (!/[#$] $/.test(seen)) {
    if (Date.now() > deadline) throw new Error('no prompt from docker exec -it');
    await new Promise((r) => setTimeout(r, 20));
  }
  const samples: number[] = [];
  for (let i = 0; i < keys; i++) {
    await new Promise((r) => setTimeout(r, 10));
    arrived = 0;
    const started = performance.now();
    child.stdin.write('x');
    while (arrived === 0) await new Promise((r) => setTimeout(r, 1));
    samples.push(arrived - started);
    if (i % 50 === 49) {
      child.stdin.write('\x15');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.stdin.write('\x15exit\r');
  await new Promise((r) => child.once('exit', r));
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
