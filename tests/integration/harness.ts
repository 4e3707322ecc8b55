// Integration harness: starts the real server (real Docker engine, real sandboxes) as a child
// process, and drives it through the public contract: REST and the terminal WebSocket.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { ServerMessage, SessionCreated } from '../../shared/contract.ts';

const root = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The second engine, with userns-remap (scripts/start-docker-userns.sh), and what a server on
 * it needs: its own registry port and subnet pool, so that it never meets the main engine's.
 */
export interface Engine {
  socketPath: string;
  env: Record<string, string>;
}

export const usernsEngine: Engine = {
  socketPath: process.env.USERNS_DOCKER_SOCKET ?? '/run/cours-docker-userns/docker.sock',
  get env() {
    return {
      DOCKER_HOST: `unix://${this.socketPath}`,
      REGISTRY_HOST_PORT: '5002',
      SANDBOX_SUBNET_POOL: '10.214.0.0/16',
      SANDBOX_ISOLATION: 'userns',
    };
  },
};

export interface RunningServer {
  base: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node server/main.ts` with the given environment; resolves once /api/health answers. */
export async function startServer(env: Record<string, string> = {}, dataDir?: string): Promise<RunningServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const data = dataDir ?? mkdtempSync(path.join(tmpdir(), 'cours-docker-data-'));
  // SERVER_NODE_FLAGS (for example `--trace-gc` or `--cpu-prof`) profiles the server a bench starts.
  const flags = process.env.SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: data,
      BUILD_IMAGES: 'false',
      POOL_SIZE: '0',
      LOG_LEVEL: 'info',
      // Every test client is 127.0.0.1: the fair-share limits are set per test where they matter.
      SESSIONS_PER_CLIENT: '100',
      SESSIONS_PER_CLIENT_PER_MINUTE: '1000',
      // One owner for every test server: they run one at a time, and each cleans up after a
      // crashed predecessor whatever its data folder was.
      INSTANCE_ID: process.env.TEST_INSTANCE_ID ?? 'tests',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    port,
    dataDir: data,
    process: child,
    output: () => output,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

export async function api(
  server: RunningServer,
  method: string,
  pathname: string,
  options: { token?: string; body?: unknown; origin?: string; rawBody?: string; learnerKey?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.learnerKey) headers['x-learner-key'] = options.learnerKey;
  if (options.origin) headers.origin = options.origin;
  const res = await fetch(server.base + pathname, {
    method,
    headers,
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A class member opening the session: its id and key (from /api/classes/join). */
export interface Member {
  learner: string;
  key: string;
}

/** Opens a session as a browser does: answered at once, the sandbox starting in its turn. */
export async function openSession(
  server: RunningServer,
  lab = 'bac-a-sable',
  member?: Member,
): Promise<SessionCreated> {
  const { status, body } = await api(server, 'POST', '/api/sessions', {
    body: member ? { lab, learner: member.learner } : { lab },
    ...(member ? { learnerKey: member.key } : {}),
  });
  if (status !== 201) throw new Error(`session not created: ${status} ${JSON.stringify(body)}`);
  return body as unknown as SessionCreated;
}

/** Opens a session and waits until its sandbox has started (the TP may still be preparing). */
export async function createSession(
  server: RunningServer,
  lab = 'bac-a-sable',
  member?: Member,
): Promise<SessionCreated> {
  const created = await openSession(server, lab, member);
  let state = created.state;
  const deadline = Date.now() + 300_000;
  while (state === 'starting') {
    if (Date.now() > deadline) throw new Error(`sandbox of ${created.id} not started after 300 s`);
    await new Promise((r) => setTimeout(r, 25));
    const seen = await api(server, 'GET', `/api/sessions/${created.id}`, { token: created.token });
    if (seen.status !== 200)
      throw new Error(`session lost while starting: ${seen.status} ${JSON.stringify(seen.body)}`);
    state = (seen.body as unknown as SessionCreated).state;
  }
  if (state === 'failed' && lab === 'bac-a-sable') throw new Error(`sandbox of ${created.id} failed to start`);
  return { ...created, state };
}

/** Waits until the session's TP set-up is over (its state no longer `preparing`). */
export async function waitForSetUp(server: RunningServer, session: SessionCreated): Promise<void> {
  await waitUntil(
    async () =>
      (await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token })).body.state !== 'preparing',
    300_000,
    'the TP set-up',
  );
}

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;?>=]*[a-zA-Z]|\x1b[()][A-Z0-9]|\x1b[=>c]|\x1b\][^\x07]*\x07|\r/g;

/** Characters of clean output a TerminalClient keeps (a 100 MB `cat` must stay cheap). */
const keptChars = 4 * 1024 * 1024;

const bell = String.fromCharCode(7);

/** The instructor's watch of a session's terminal: what it shows, and its notes (ready, control, errors). */
export class WatchClient {
  readonly ws: WebSocket;
  text = '';
  readonly notes: { type: string; holder?: string; message?: string }[] = [];

  constructor(server: RunningServer, sessionId: string) {
    this.ws = new WebSocket(`${server.base.replace(/^http/, 'ws')}/ws/sessions/${sessionId}/watch`);
    this.ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) this.text += data.toString('utf8');
      else this.notes.push(JSON.parse(data.toString()) as { type: string });
    });
  }

  /** Signs in with the instructor's token; resolves once the watch is ready. */
  async open(token: string): Promise<void> {
    await new Promise((resolve) => this.ws.once('open', resolve));
    this.ws.send(JSON.stringify({ type: 'auth', token }));
    await waitUntil(() => Promise.resolve(this.notes.some((n) => n.type === 'ready')), 30_000, 'watch ready');
  }

  close(): void {
    this.ws.close();
  }
}

/** A terminal client speaking the contract's WebSocket protocol. */
export class TerminalClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  /** Bytes of terminal output received so far. */
  bytes = 0;
  /** The latest output, without escape sequences, kept incrementally (a flood stays cheap). */
  private clean = '';
  /** Characters of clean output dropped from the front of `clean`. */
  private dropped = 0;
  /** The last characters of clean output, where a marker cut by a frame's end begins. */
  private overlap = '';
  /** Commands waiting for their end marker, with where their begin marker was seen. */
  private readonly waiters = new Set<{ marker: string; begin: number; end: number }>();
  /** The start of an escape sequence cut at a frame's end, kept for the next frame. */
  private carry = '';
  closeCode: number | undefined;
  private readonly opened: Promise<void>;
  /** Waiters woken by the next message. */
  private readonly sleepers: (() => void)[] = [];

  constructor(server: RunningServer, sessionId: string, options: { origin?: string } = {}) {
    this.ws = new WebSocket(`${server.base.replace(/^http/, 'ws')}/ws/sessions/${sessionId}/terminal`, {
      ...(options.origin ? { origin: options.origin } : {}),
    });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.received(data, isBinary);
      // Whoever waits looks again at once: a bench's figures must not include a polling delay.
      for (const wake of this.sleepers.splice(0)) wake();
    });
    this.ws.on('close', (code) => (this.closeCode = code));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Resolves at the next message, or after `ms` at most. */
  private nextMessage(ms = 50): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.sleepers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private received(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.messages.push(JSON.parse(data.toString('utf8')) as ServerMessage);
      return;
    }
    this.bytes += data.length;
    let text = this.carry + data.toString('utf8');
    this.carry = '';
    const cut = text.lastIndexOf('\x1b');
    const tail = text.slice(cut + 2);
    if (cut >= 0 && cut > text.length - 40 && !/[a-zA-Z]/.test(tail) && !tail.includes(bell)) {
      this.carry = text.slice(cut);
      text = text.slice(0, cut);
    }
    // Most of a flood has no escape sequence: dropping the carriage returns is then enough.
    const added = text.includes('\x1b') ? text.replace(ansi, '') : text.replaceAll('\r', '');
    // Markers are looked for in the new text only (a search in the whole output would
    // flatten it at every frame), with a little of the old in case one straddles two frames.
    const window = this.overlap + added;
    const windowStart = this.dropped + this.clean.length - this.overlap.length;
    for (const waiter of this.waiters) {
      if (waiter.begin < 0) {
        const at = window.indexOf(`${waiter.marker}_BEGIN\n`);
        if (at >= 0) waiter.begin = windowStart + at + waiter.marker.length + 7;
      }
      if (waiter.begin >= 0 && waiter.end < 0) {
        const at = window.indexOf(`${waiter.marker}_END\n`, Math.max(0, waiter.begin - windowStart));
        if (at >= 0) waiter.end = windowStart + at;
      }
    }
    this.clean += added;
    this.overlap = window.slice(-64);
    if (this.clean.length > 2 * keptChars) {
      const cut = this.clean.length - keptChars;
      this.clean = this.clean.slice(cut);
      this.dropped += cut;
    }
  }

  /** The terminal's output so far, without escape sequences. */
  get text(): string {
    return this.clean;
  }

  /** Authenticates and waits for the shell (which waits for the sandbox's start, if need be). */
  async open(token: string, size = { cols: 100, rows: 30 }, timeoutMs = 120_000): Promise<void> {
    await this.opened;
    this.ws.send(JSON.stringify({ type: 'auth', token }));
    this.ws.send(JSON.stringify({ type: 'resize', ...size }));
    await this.waitForMessage('ready', timeoutMs);
  }

  async waitForMessage(type: ServerMessage['type'], timeoutMs = 30_000, after = 0): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(after).find((m) => m.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${JSON.stringify(this.messages)}`);
      await this.nextMessage();
    }
  }

  /** Waits for text in the output (a shell's greeting comes a little after `ready`). */
  waitForText(text: string, timeoutMs = 30_000): Promise<void> {
    return this.waitFor(() => this.clean.includes(text), timeoutMs, `"${text}" in the output`);
  }

  /** Waits until `check` holds, looking again at each message (no polling delay). */
  async waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${this.clean.slice(-2000)}`);
      await this.nextMessage();
    }
  }

  async waitForClose(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error('socket not closed');
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.closeCode;
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text, 'utf8'));
  }

  /**
   * Runs a command and resolves with the output between two unique markers (its last 4 MB
   * for a command that prints more).
   */
  async run(command: string, timeoutMs = 60_000): Promise<string> {
    const marker = `M${Math.random().toString(36).slice(2, 10)}`;
    const waiter = { marker, begin: -1, end: -1 };
    this.waiters.add(waiter);
    // The markers are built by the shell (printf), so the echoed command line never matches them.
    this.type(`printf '%s_%s\\n' ${marker} BEGIN; ${command}; printf '%s_%s\\n' ${marker} END\r`);
    const deadline = Date.now() + timeoutMs;
    try {
      while (waiter.end < 0) {
        if (Date.now() > deadline) {
          throw new Error(`command timed out: ${command}\n--- output ---\n${this.clean.slice(-2000)}`);
        }
        await this.nextMessage();
      }
      return this.clean.slice(Math.max(0, waiter.begin - this.dropped), waiter.end - this.dropped);
    } finally {
      this.waiters.delete(waiter);
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Labelled objects the engine still holds for a session (containers, networks, volumes). */
/** What a test server left on the engine (DOCKER_HOST's, or the one named). */
export async function leftovers(sessionId?: string, engine?: Engine): Promise<string[]> {
  const { default: Docker } = await import('dockerode');
  const docker = engine ? new Docker({ socketPath: engine.socketPath }) : new Docker();
  // This run's objects only (its instance): another run on the same engine is not a leftover.
  const label = [
    sessionId ? `cours-docker.session=${sessionId}` : 'cours-docker.managed=true',
    `cours-docker.instance=${process.env.TEST_INSTANCE_ID ?? 'tests'}`,
  ];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const networks = await docker.listNetworks({ filters: { label } });
  const { Volumes: volumes } = await docker.listVolumes({ filters: { label } });
  return [
    ...containers.map((c) => `container ${c.Names[0] ?? c.Id}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
