// The sandboxes' terminal relays dial the server on a unix socket of their own: no TCP and no
// bridge on a keystroke's way. One listening socket per sandbox, and only that socket is
// mounted into that sandbox, read-only: no folder of the host, so even a sandbox that can
// remount it (SYS_ADMIN in isolation `none`) finds nothing there to write. The server never
// connects to a path a sandbox could change: it listens, and keeps the connections that give
// the relay's secret ready until a terminal opens (the relay dials the next one as soon as one
// is taken). A socket lives as long as the server that made it: a sandbox that outlives a
// restart is reached another way (see TerminalTransport).
import { timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';

/** Where the sandbox sees its socket, which its relay dials (sandbox-terminal-relay). */
export const linkSocket = '/opt/terminal-relay/relay.sock';

/** The relay's secret: 64 hex characters, the first bytes a link sends. */
const secretLength = 64;
/** Connections of one sandbox at once, ready ones included: more are closed at once. */
const maxConnections = 8;
/** Ready links kept per sandbox: the relay keeps one; more (a student's copies) push out the oldest. */
const maxReady = 2;
const authMs = 5000;
/** sun_path holds 108 bytes, its terminating zero included. */
const maxSocketPath = 107;

const sessionPattern = /^[a-z0-9-]{1,64}$/;
const socketPattern = /^([a-z0-9-]{1,64})\.sock$/;

/** The longest session id the server makes (20 hex characters) fits in a socket path under `dir`. */
export function linkFolderFits(dir: string): boolean {
  return Buffer.byteLength(path.join(path.resolve(dir), `${'x'.repeat(20)}.sock`)) <= maxSocketPath;
}

/** A link that gave the secret; `release` stops watching it, for the terminal that takes it. */
interface Ready {
  readonly socket: Socket;
  readonly release: () => void;
}

interface Link {
  readonly server: Server;
  readonly secret: Buffer;
  /** Authenticated connections no terminal has taken yet, oldest first. */
  readonly ready: Ready[];
  /** Terminals waiting for a link, first come first served. */
  readonly waiting: ((socket: Socket | undefined) => void)[];
}

export class TerminalLinks {
  private readonly dir: string;
  private readonly links = new Map<string, Link>();

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The host path of the sandbox's socket, which the sandbox mounts (read-only) at linkSocket. */
  socketPath(sessionId: string): string {
    if (!sessionPattern.test(sessionId)) throw new Error(`invalid session id for a terminal link: ${sessionId}`);
    return path.join(this.dir, `${sessionId}.sock`);
  }

  /** Whether this server made the sandbox's socket (not so for a sandbox from before a restart). */
  listening(sessionId: string): boolean {
    return this.links.has(sessionId);
  }

  /** Listens for the sandbox's relay, once, before the sandbox is made (the driver's start). */
  async listen(sessionId: string, secret: string): Promise<void> {
    if (this.links.has(sessionId)) return;
    const socketPath = this.socketPath(sessionId);
    // Only the server reaches the folder; the engine mounts each socket on its own.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Whatever was left at the name goes: unlink and bind never follow a link.
    await removeSocket(socketPath);
    const link: Link = {
      server: createServer((socket) => this.admit(link, socket)),
      secret: Buffer.from(secret, 'latin1'),
      ready: [],
      waiting: [],
    };
    link.server.maxConnections = maxConnections;
    link.server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      link.server.once('error', reject);
      // Anyone may connect (the sandbox's root is not the server's user under userns-remap):
      // only that sandbox has the socket, and a connection gets nothing without the secret.
      link.server.listen({ path: socketPath, readableAll: true, writableAll: true, backlog: maxConnections }, () => {
        link.server.off('error', reject);
        resolve();
      });
    });
    this.links.set(sessionId, link);
  }

  /**
   * A connection gives the secret within its deadline, and then nothing until a terminal takes
   * it: the relay says nothing before it is attached, so any byte more is not a relay. It is
   * watched meanwhile, so that one whose relay went away is dropped at once, never handed out.
   */
  private admit(link: Link, socket: Socket): void {
    socket.on('error', () => {});
    socket.setTimeout(authMs, () => socket.destroy());
    let given: Buffer | undefined = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      if (!given) {
        socket.destroy();
        return;
      }
      given = Buffer.concat([given, chunk]);
      if (given.length < secretLength) return;
      socket.setTimeout(0);
      const secretGiven =
        given.length === secretLength && link.secret.length === secretLength && timingSafeEqual(given, link.secret);
      given = undefined;
      if (!secretGiven) {
        socket.destroy();
        return;
      }
      this.ready(link, { socket, release: () => socket.off('data', onData) });
    };
    socket.on('data', onData);
  }

  private ready(link: Link, entry: Ready): void {
    const waiter = link.waiting.shift();
    if (waiter) {
      entry.release();
      waiter(entry.socket);
      return;
    }
    link.ready.push(entry);
    entry.socket.once('close', () => {
      const at = link.ready.indexOf(entry);
      if (at >= 0) link.ready.splice(at, 1);
    });
    if (link.ready.length > maxReady) link.ready.shift()?.socket.destroy();
  }

  /**
   * A link to the relay, or undefined when none came within `timeoutMs` (the relay is not
   * running, or not listened for). Its reader goes on it in the same turn: the relay sends
   * nothing before the terminal attaches.
   */
  take(sessionId: string, timeoutMs: number): Promise<Socket | undefined> {
    const link = this.links.get(sessionId);
    if (!link) return Promise.resolve(undefined);
    for (let entry = link.ready.shift(); entry; entry = link.ready.shift()) {
      if (entry.socket.destroyed) continue;
      entry.release();
      return Promise.resolve(entry.socket);
    }
    return new Promise((resolve) => {
      const waiter = (socket: Socket | undefined) => {
        clearTimeout(timer);
        resolve(socket);
      };
      const timer = setTimeout(() => {
        const at = link.waiting.indexOf(waiter);
        if (at >= 0) link.waiting.splice(at, 1);
        resolve(undefined);
      }, timeoutMs);
      link.waiting.push(waiter);
    });
  }

  /** The sandbox is gone: its socket too. Terminals already open are left to end. */
  async close(sessionId: string): Promise<void> {
    const link = this.links.get(sessionId);
    this.links.delete(sessionId);
    if (link) {
      link.server.close();
      for (const entry of link.ready.splice(0)) entry.socket.destroy();
      for (const waiter of link.waiting.splice(0)) waiter(undefined);
    }
    if (sessionPattern.test(sessionId)) await removeSocket(this.socketPath(sessionId));
  }

  /** Removes the sockets of sandboxes that are gone (a server stopped before it removed them). */
  async sweep(live: (sessionId: string) => boolean): Promise<number> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    let removed = 0;
    for (const entry of entries) {
      const sessionId = socketPattern.exec(entry)?.[1];
      // A sandbox still starting counts as live (the driver's orphan check): its socket stays.
      if (!sessionId || live(sessionId) || this.links.has(sessionId)) continue;
      await removeSocket(path.join(this.dir, entry));
      removed++;
    }
    return removed;
  }
}

async function removeSocket(socketPath: string): Promise<void> {
  await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
