// The sandboxes' terminal relays dial the server on a unix socket of their own: no TCP and no
// bridge on a keystroke's way. One listening socket per sandbox, in a folder of the server's
// that only that sandbox mounts, read-only. The server never connects to a path a sandbox could
// change: it listens, and keeps the connections that give the relay's secret ready until a
// terminal opens (the relay dials the next one as soon as one is taken).
import { timingSafeEqual } from 'node:crypto';
import { lstat, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';

/** Where the sandbox sees its folder, and the socket the relay dials in it (sandbox-terminal-relay). */
export const linkMountPoint = '/opt/terminal-relay';
const socketName = 'relay.sock';
export const linkSocket = `${linkMountPoint}/${socketName}`;

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

/** The longest session id the server makes (20 hex characters) fits in a socket path under `dir`. */
export function linkFolderFits(dir: string): boolean {
  return Buffer.byteLength(path.join(path.resolve(dir), 'x'.repeat(20), socketName)) <= maxSocketPath;
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
  /** Listens being set up, so that two calls for a sandbox share one. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The host folder the sandbox mounts (read-only) at linkMountPoint. */
  folder(sessionId: string): string {
    if (!sessionPattern.test(sessionId)) throw new Error(`invalid session id for a terminal link: ${sessionId}`);
    return path.join(this.dir, sessionId);
  }

  listening(sessionId: string): boolean {
    return this.links.has(sessionId);
  }

  /**
   * Listens for the sandbox's relay; does nothing when already listening. The folder is kept
   * when it exists (a sandbox still running after a restart has it mounted): only the socket
   * in it is made again.
   */
  listen(sessionId: string, secret: string): Promise<void> {
    if (this.links.has(sessionId)) return Promise.resolve();
    let started = this.pending.get(sessionId);
    if (!started) {
      started = this.listenNow(sessionId, secret).finally(() => this.pending.delete(sessionId));
      this.pending.set(sessionId, started);
    }
    return started;
  }

  private async listenNow(sessionId: string, secret: string): Promise<void> {
    const folder = this.folder(sessionId);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await mkdir(folder, { recursive: true, mode: 0o755 });
    // The folder is the server's (its parent is never mounted), but what is in it may not be:
    // unlink and bind never follow a link, and anything else at the name makes bind fail.
    if (!(await lstat(folder)).isDirectory()) throw new Error(`${folder} is not a folder`);
    const socketPath = path.join(folder, socketName);
    await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
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
      // only that sandbox sees the folder, and a connection gets nothing without the secret.
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

  /** The sandbox is gone: its socket and folder too. Terminals already open are left to end. */
  async close(sessionId: string): Promise<void> {
    const link = this.links.get(sessionId);
    this.links.delete(sessionId);
    if (link) {
      link.server.close();
      for (const entry of link.ready.splice(0)) entry.socket.destroy();
      for (const waiter of link.waiting.splice(0)) waiter(undefined);
    }
    if (sessionPattern.test(sessionId)) await rm(this.folder(sessionId), { recursive: true, force: true });
  }

  /** Removes the folders of sandboxes that are gone (a server stopped before it removed them). */
  async sweep(live: (sessionId: string) => boolean): Promise<number> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    let removed = 0;
    for (const entry of entries) {
      if (!sessionPattern.test(entry) || live(entry) || this.links.has(entry) || this.pending.has(entry)) continue;
      await rm(path.join(this.dir, entry), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}
