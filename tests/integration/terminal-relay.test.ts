// The sandbox's terminal relay on its own, in a container of the real sandbox image: it holds
// the shell on its pty and speaks dtach's client protocol over TCP. Checked here: the secret,
// packets cut by the network, output held (never lost) for a client that stops reading,
// keystrokes bounded while the shell does not read, several clients, a shell that exits (even
// with a job still holding its pty), and room kept for the server when the port is crowded.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachPackets, keysPackets, packetSize } from '../../server/sandbox/dtach.ts';

const name = `cours-docker-test-relay-${randomBytes(4).toString('hex')}`;
const secret = randomBytes(32).toString('hex');
let address = '';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' });

/** A TCP client of the relay that keeps what it receives. */
class RelayClient {
  readonly socket: Socket;
  text = '';
  bytes = 0;
  closed = false;
  private readonly connected: Promise<void>;

  constructor() {
    this.socket = createConnection({ host: address, port: 7681, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      this.text = (this.text + chunk.toString('latin1')).slice(-200_000);
    });
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => {});
    this.connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  async open(): Promise<this> {
    await this.connected;
    this.socket.write(secret);
    this.socket.write(attachPackets(100, 30));
    // Output flows from the attach on: an empty line gets a prompt of its own.
    this.type('\r');
    await this.waitFor(() => /# $/.test(this.text) || this.closed, 'the prompt');
    return this;
  }

  type(keys: string): void {
    this.socket.write(keysPackets(Buffer.from(keys)));
  }

  async waitFor(test: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`no ${what}; got ${JSON.stringify(this.text.slice(-300))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const clients: RelayClient[] = [];
const client = () => {
  const c = new RelayClient();
  clients.push(c);
  return c;
};

/**
 * A client at the prompt. One that attaches while the last shell is dying (killed by the test
 * before) is closed with it, as the server's connection would be: the next one gets a fresh
 * shell, as the server's reconnection does.
 */
async function attached(): Promise<RelayClient> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const c = await client().open();
    if (!c.closed) return c;
  }
  throw new Error('no shell from the relay after three attempts');
}

beforeAll(() => {
  docker(
    'run',
    '-d',
    '--name',
    name,
    '--label',
    'cours-docker.test=relay',
    '-e',
    `SANDBOX_RELAY_SECRET=${secret}`,
    '--entrypoint',
    'sleep',
    'cours-docker/sandbox:latest',
    'infinity',
  );
  docker('exec', name, 'sandbox-terminal-relay', '--daemon');
  address = docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name).trim();
});

afterAll(() => {
  for (const c of clients) c.socket.destroy();
  execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
});

describe('sandbox terminal relay', () => {
  it('gives nothing to a client with a wrong secret, and closes it', async () => {
    const c = client();
    await new Promise((r) => c.socket.once('connect', r));
    c.socket.write('0'.repeat(64));
    c.socket.write(attachPackets(100, 30));
    c.type('echo fuite\r');
    await c.waitFor(() => c.closed, 'the close');
    expect(c.bytes).toBe(0);
  });

  it('serves the shell, and types a keystroke whose packet the network cut in two', async () => {
    const c = await attached();
    const packets = keysPackets(Buffer.from('echo coupe_en_deux\r'));
    for (let i = 0; i < packets.length; i += packetSize) {
      c.socket.write(packets.subarray(i, i + 4));
      await new Promise((r) => setTimeout(r, 5));
      c.socket.write(packets.subarray(i + 4, i + packetSize));
    }
    await c.waitFor(() => c.text.includes('\rcoupe_en_deux\r\n'), 'the echo');
    c.socket.destroy();
  });

  it('holds the shell while a client does not read, and loses nothing', async () => {
    const c = await attached();
    c.socket.pause();
    c.type('seq 1 400000; echo FIN_$((6*7))\r');
    // Unread, the relay stops reading the pty: seq waits, far from its end.
    await new Promise((r) => setTimeout(r, 1500));
    expect(docker('exec', name, 'sh', '-c', 'ps -C seq -o stat= || true').trim()).not.toBe('');
    c.socket.resume();
    await c.waitFor(() => c.text.includes('FIN_42'), 'the end of the output', 60_000);
    // The first line kept may be cut: it is left out.
    const lines = c.text
      .split('\r\n')
      .slice(1)
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    // The tail kept by the client: consecutive numbers up to the last, none missing.
    expect(lines.at(-1)).toBe(400000);
    for (let i = 1; i < lines.length; i++) expect(lines[i]).toBe((lines[i - 1] ?? 0) + 1);
    c.socket.destroy();
  }, 90_000);

  it('stops reading keystrokes the shell does not take, with its memory bounded', async () => {
    const c = await attached();
    // Raw mode: a canonical pty would drop what overflows its line instead of pushing back.
    c.type('stty raw -echo; kill -STOP $$\r');
    try {
      await new Promise((r) => setTimeout(r, 500));
      const flood = keysPackets(Buffer.alloc(1024 * 1024, 0x61));
      for (let i = 0; i < 16 && c.socket.writableLength < 4 * 1024 * 1024; i++) c.socket.write(flood);
      await new Promise((r) => setTimeout(r, 1500));
      // The relay took at most its bound and the socket's buffers: the rest waits on this side.
      expect(c.socket.writableLength).toBeGreaterThan(1024 * 1024);
      const rss = Number(
        docker('exec', name, 'sh', '-c', 'ps -o rss= -p "$(pgrep -x sandbox-termina | head -1)"').trim(),
      );
      expect(rss).toBeGreaterThan(0);
      expect(rss).toBeLessThan(40 * 1024);
    } finally {
      c.socket.destroy();
      docker('exec', name, 'sh', '-c', 'pkill -KILL -t pts/0 bash || true');
    }
  }, 60_000);

  it('sends the output to every attached client, and starts a fresh shell after exit', async () => {
    const first = await attached();
    const second = await attached();
    first.type('echo "pid=$$"\r');
    await second.waitFor(() => /\rpid=\d+\r\n/.test(second.text), 'the output on the second client');
    const pid = /\rpid=(\d+)\r\n/.exec(second.text)?.[1];
    second.type('exit\r');
    await first.waitFor(() => first.closed, 'the close after exit');
    expect(first.text).toContain('logout');
    await second.waitFor(() => second.closed, 'the close after exit');
    const next = await attached();
    next.type('echo "pid=$$"\r');
    await next.waitFor(() => /\rpid=\d+\r\n/.test(next.text), 'the fresh shell');
    expect(/\rpid=(\d+)\r\n/.exec(next.text)?.[1]).not.toBe(pid);
    next.socket.destroy();
  }, 60_000);

  it('ends a shell that exits while a job of its own still holds the pty', async () => {
    const c = await attached();
    c.type('sleep 1000 & disown; exit\r');
    await c.waitFor(() => c.closed, 'the close', 10_000);
    const again = await attached();
    expect(again.closed).toBe(false);
    again.socket.destroy();
  }, 30_000);

  it('keeps room for the server when clients without the secret crowd the port', async () => {
    const crowd = Array.from({ length: 12 }, () => client());
    await Promise.all(crowd.map((c) => new Promise((r) => c.socket.once('connect', r))));
    const c = await attached();
    c.type('echo place\r');
    await c.waitFor(() => /\rplace\r\n/.test(c.text), 'the echo');
    // The crowd was dropped to make room, oldest first, none served.
    await new Promise((r) => setTimeout(r, 200));
    expect(crowd.filter((x) => x.closed).length).toBeGreaterThanOrEqual(5);
    for (const x of crowd) expect(x.bytes).toBe(0);
  }, 30_000);
});
