// How the server reaches a sandbox's shell: its terminal relay dials the server on a unix socket
// (engine on this machine), or the server dials the relay over TCP, or reaches it through
// `docker exec` (an engine on another machine). No engine is on a keystroke's way but over exec;
// all speak dtach's client protocol. A relay stopped by the student is started again.
import { createConnection, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import {
  SandboxGoneError,
  SandboxTerminalError,
  type ExecOptions,
  type ExecResult,
  type TerminalProcess,
} from './driver.ts';
import { attachPackets, keysPackets, resizePacket } from './dtach.ts';
import { isNotFound, type EngineCalls } from './engine-calls.ts';
import { demuxStdout } from './exec.ts';
import { remoteEngine } from './firewall.ts';
import { networkName } from './networks.ts';
import type { TerminalLinks } from './terminal-links.ts';

export type TerminalMode = 'unix' | 'tcp' | 'exec';

/** `auto` means a unix socket when the engine is on this machine (it mounts the server's sockets). */
export function terminalTransport(setting: 'auto' | TerminalMode, dockerHost: string | undefined): TerminalMode {
  if (setting !== 'auto') return setting;
  return remoteEngine(dockerHost) ? 'exec' : 'unix';
}

/** Port of the terminal relay in the sandbox (sandbox-terminal-relay). */
const terminalPort = 7681;

/** How long a stopped relay gets to come back before the terminal reports it silent. */
const relayRestartMs = 15_000;

/** Where a sandbox's terminal relay listens, and whether this server has reached it yet. */
interface RelayAddress {
  readonly address: string;
  readonly secret: string;
  reached: boolean;
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('timeout', () => socket.destroy(new Error('délai de connexion dépassé')));
    socket.once('error', reject);
  });
}

/** A shell behind dtach's client protocol: `output` carries the shell's bytes, `input` takes packets. */
function dtachTerminal(
  output: Readable,
  input: Writable,
  cols: number,
  rows: number,
  close: () => void,
): TerminalProcess {
  input.write(attachPackets(cols, rows));
  return {
    output,
    write: (keys) => {
      if (!input.destroyed) input.write(keysPackets(keys));
    },
    inputBacklog: () => (input.destroyed ? 0 : input.writableLength),
    inputDrained: () =>
      input.destroyed || input.writableLength === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              input.off('drain', done);
              input.off('close', done);
              resolve();
            };
            input.on('drain', done);
            input.on('close', done);
          }),
    resize: (c, r) => {
      if (!input.destroyed) input.write(resizePacket(c, r));
    },
    close,
  };
}

/** Runs a command in the sandbox (to start its relay again). */
type Exec = (sessionId: string, command: string[], options: ExecOptions) => Promise<ExecResult>;

export class TerminalTransport {
  private readonly calls: EngineCalls;
  private readonly mode: TerminalMode;
  private readonly exec: Exec;
  /** The unix sockets the relays dial (mode `unix`). */
  private readonly links: TerminalLinks | undefined;
  /** Per session: the sandbox's address and its relay secret, read once from the engine. */
  private readonly addresses = new Map<string, RelayAddress>();

  constructor(calls: EngineCalls, mode: TerminalMode, exec: Exec, links?: TerminalLinks) {
    if (mode === 'unix' && !links) throw new Error('the unix terminal transport needs its links');
    this.calls = calls;
    this.mode = mode;
    this.exec = exec;
    this.links = links;
  }

  /** The session's sandbox is gone: its address and its socket are forgotten. */
  async forget(sessionId: string): Promise<void> {
    this.addresses.delete(sessionId);
    await this.links?.close(sessionId);
  }

  /**
   * Over a unix socket: the relay dials the server, which only ever listens (it never follows a
   * path in the sandbox's reach). A relay that does not dial is started again, now and then.
   */
  private async openOverLink(
    links: TerminalLinks,
    sessionId: string,
    cols: number,
    rows: number,
  ): Promise<TerminalProcess> {
    const deadline = Date.now() + relayRestartMs;
    let socket = await links.take(sessionId, 1000);
    while (!socket) {
      if (Date.now() > deadline) throw new SandboxTerminalError('silent', 'the relay did not dial the server');
      await this.exec(sessionId, ['sandbox-terminal-relay', '--daemon'], { timeoutMs: 5000 }).catch(() => {});
      socket = await links.take(sessionId, 1000);
    }
    const connection = socket;
    return dtachTerminal(connection, connection, cols, rows, () => connection.destroy());
  }

  /**
   * Opens the shell. Over TCP, the server connects to the sandbox's relay: the host reaches its
   * containers' addresses; sandboxes cannot reach each other's (firewall).
   */
  async open(sessionId: string, cols: number, rows: number): Promise<TerminalProcess> {
    if (this.mode === 'exec') return this.openOverExec(sessionId, cols, rows);
    // A sandbox from before a restart has the socket of the server that made it, gone with it
    // (a socket cannot be made again under a sandbox's mount): it is reached over TCP.
    if (this.mode === 'unix' && this.links?.listening(sessionId)) {
      return this.openOverLink(this.links, sessionId, cols, rows);
    }
    const target = await this.relayAddress(sessionId);
    const deadline = Date.now() + relayRestartMs;
    let socket: Socket | undefined;
    for (let attempt = 0; !socket; attempt++) {
      try {
        socket = await connectTcp(target.address, terminalPort, 5000);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Never reached, and not refused: this machine cannot reach the sandbox's address at all
        // (a remote engine). Once reached, any failure is the relay going away, and passes.
        if (!target.reached && code !== 'ECONNREFUSED') {
          throw new SandboxTerminalError('unreachable', (error as Error).message, { cause: error });
        }
        if (Date.now() > deadline) {
          throw new SandboxTerminalError('silent', (error as Error).message, { cause: error });
        }
        // The relay was stopped (by the student, say): start it again, it is idempotent. Again
        // now and then, since a `pkill` still scanning may take the new one too.
        if (attempt % 20 === 0) {
          await this.exec(sessionId, ['sandbox-terminal-relay', '--daemon'], { timeoutMs: 5000 }).catch(() => {});
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    target.reached = true;
    const connection = socket;
    connection.setNoDelay(true);
    connection.write(target.secret);
    return dtachTerminal(connection, connection, cols, rows, () => connection.destroy());
  }

  /** The same relay on the exec's standard input and output, for engines on another machine. */
  private async openOverExec(sessionId: string, cols: number, rows: number): Promise<TerminalProcess> {
    const exec = await this.calls.sandbox(sessionId).exec({
      Cmd: ['sandbox-terminal-relay', '--stdio'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: 'root',
      ...this.calls.within(),
    });
    const stream = await exec.start({ hijack: true, stdin: true, ...this.calls.within() });
    return dtachTerminal(demuxStdout(stream), stream, cols, rows, () => stream.destroy());
  }

  /** The sandbox's address on its own network; none over exec (not this machine's to reach). */
  async address(sessionId: string): Promise<string | undefined> {
    if (this.mode === 'exec') return undefined;
    return (await this.relayAddress(sessionId)).address;
  }

  /** The sandbox's address on its own network, and its relay's secret. */
  private async relayAddress(sessionId: string): Promise<RelayAddress> {
    const cached = this.addresses.get(sessionId);
    if (cached) return cached;
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.calls.sandbox(sessionId).inspect(this.calls.within());
    } catch (error) {
      if (isNotFound(error)) throw new SandboxGoneError(sessionId, { cause: error });
      throw error;
    }
    const address = info.NetworkSettings.Networks[networkName(sessionId)]?.IPAddress;
    if (!address) throw new SandboxTerminalError('no-address', `no address on ${networkName(sessionId)}`);
    const secret = (info.Config.Env ?? []).find((e) => e.startsWith('SANDBOX_RELAY_SECRET='))?.slice(21) ?? '';
    const found = { address, secret, reached: false };
    this.addresses.set(sessionId, found);
    return found;
  }
}
