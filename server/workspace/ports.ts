// The ports listening in a student's sandbox, for the web preview: read from the sandbox's own
// /proc/net/tcp and tcp6 (no tool needed in the image), which show both the student's
// processes and the ports their containers publish (the inner engine's docker-proxy).
import type { Duplex } from 'node:stream';
import type { SandboxDriver } from '../sandbox/driver.ts';

/** Ports never previewed: the terminal relay, and the inner engine's API if a student exposes it. */
export const refusedPorts = new Set([7681, 2375, 2376]);
const maxPorts = 50;
/** A listing is reused this long: each proxied request checks that its port still listens. */
const cacheMs = 2000;

/** Listening sockets on every address (0.0.0.0 or ::) in /proc/net/tcp* lines. */
export function parseListening(procNetTcp: string): number[] {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    // State 0A is LISTEN.
    if (!local || fields[3] !== '0A') continue;
    const [address = '', portHex = ''] = local.split(':');
    // Only sockets on every address are reachable on the sandbox's own address.
    if (!/^0+$/.test(address)) continue;
    const port = Number.parseInt(portHex, 16);
    if (port > 0 && !refusedPorts.has(port)) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b).slice(0, maxPorts);
}

export class SandboxPorts {
  private readonly driver: SandboxDriver;
  private readonly cache = new Map<string, { at: number; ports: Promise<number[]> }>();

  constructor(driver: SandboxDriver) {
    this.driver = driver;
  }

  list(sessionId: string): Promise<number[]> {
    const kept = this.cache.get(sessionId);
    if (kept && Date.now() - kept.at < cacheMs) return kept.ports;
    const ports = this.driver
      .exec(sessionId, ['cat', '/proc/net/tcp', '/proc/net/tcp6'], { timeoutMs: 10_000 })
      .then((result) => parseListening(result.stdout));
    this.cache.set(sessionId, { at: Date.now(), ports });
    ports.catch(() => this.cache.delete(sessionId));
    return ports;
  }

  async listening(sessionId: string, port: number): Promise<boolean> {
    return !refusedPorts.has(port) && (await this.list(sessionId)).includes(port);
  }

  /** Where this machine reaches the sandbox's ports (undefined with a remote engine). */
  address(sessionId: string): Promise<string | undefined> {
    return this.driver.address(sessionId);
  }

  /** A connection to the port through the sandbox's engine, where its address is not reachable. */
  connect(sessionId: string, port: number): Promise<Duplex> {
    return this.driver.openPort(sessionId, port);
  }

  forget(sessionId: string): void {
    this.cache.delete(sessionId);
  }
}
