// Network isolation of sandboxes, with iptables: a sandbox reaches neither the host (so not
// the server's port nor its other services) nor private networks; the course registry on its
// own bridge, DNS resolvers and (with egress "internet") public addresses stay reachable.
// Cross-sandbox traffic is already dropped by Docker's own bridge isolation chains. IPv6 from
// a sandbox bridge is dropped altogether. Rules match the sandbox bridges by name (cdsb…) as
// well as the pool's source addresses, and the isolation fails closed.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from '../log/log.ts';

const run = promisify(execFile);

export const inputChain = 'COURS-DOCKER-IN';
export const forwardChain = 'COURS-DOCKER-OUT';
export const ipv6Chain = 'COURS-DOCKER-V6';

/** Sandbox networks' bridges are named with this prefix, so rules can match them by interface. */
export const bridgePrefix = 'cdsb';

/** The bridge name of a session's network (Linux allows 15 characters). */
export function bridgeName(sessionId: string): string {
  return `${bridgePrefix}${sessionId.slice(0, 11)}`;
}

/** The isolation the operator asked for is not in place: the server starts no sandbox. */
export class FirewallError extends Error {
  override name = 'FirewallError';
  /** `remote-engine`: DOCKER_HOST is remote and this machine's rules would not protect it. */
  readonly reason: 'install-failed' | 'remote-engine';
  constructor(reason: 'install-failed' | 'remote-engine', detail: string, options?: ErrorOptions) {
    super(`${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

/** Private, link-local and shared ranges no sandbox may reach (the cloud metadata address among them). */
const blockedRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

/** The resolvers the engine's embedded DNS forwards to, from the host's resolv.conf. */
export function hostResolvers(resolvConf = '/etc/resolv.conf'): string[] {
  try {
    return readFileSync(resolvConf, 'utf8')
      .split('\n')
      .map((line) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line)?.[1])
      .filter((ip): ip is string => ip !== undefined && !ip.startsWith('127.'));
  } catch {
    return [];
  }
}

/** The host's directly connected IPv4 subnets (its LAN), blocked too. */
async function hostSubnets(): Promise<string[]> {
  try {
    const { stdout } = await run('ip', ['-4', '-o', 'route', 'show', 'scope', 'link']);
    return stdout
      .split('\n')
      .map((line) => line.split(/\s+/)[0] ?? '')
      .filter((net) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(net) && !/^(172\.(1[6-9]|2\d|3[01])|10)\./.test(net));
  } catch {
    return [];
  }
}

/** The rules, as iptables argument lists, for a sandbox address pool. */
export function firewallRules(pool: string, resolvers: string[], extraBlocked: string[]): string[][] {
  const rules: string[][] = [
    // Sandboxes never talk to the host itself: server port, host services, engine API over TCP.
    ['-A', inputChain, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
    ['-A', inputChain, '-j', 'DROP'],
    ['-A', forwardChain, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
    // Within the pool: a sandbox and the registry on its bridge. Docker's isolation chains,
    // which run after DOCKER-USER, drop traffic between two sandbox bridges.
    ['-A', forwardChain, '-d', pool, '-j', 'RETURN'],
  ];
  for (const resolver of resolvers) {
    for (const proto of ['udp', 'tcp']) {
      rules.push(['-A', forwardChain, '-d', `${resolver}/32`, '-p', proto, '--dport', '53', '-j', 'RETURN']);
    }
  }
  for (const range of [...blockedRanges, ...extraBlocked]) {
    rules.push(['-A', forwardChain, '-d', range, '-j', 'DROP']);
  }
  rules.push(['-A', forwardChain, '-j', 'RETURN']);
  return rules;
}

type Tool = 'iptables' | 'ip6tables';

async function table(tool: Tool, args: string[]): Promise<void> {
  await run(tool, ['-w', '5', ...args]);
}

/** Inserts `match... -j chain` at the head of `parent` unless it is there already. */
async function ensureJump(tool: Tool, parent: string, match: string[], chain: string): Promise<void> {
  try {
    await table(tool, ['-C', parent, ...match, '-j', chain]);
  } catch {
    await table(tool, ['-I', parent, '1', ...match, '-j', chain]);
  }
}

const fromBridges = ['-i', `${bridgePrefix}+`];

/** Installs (or refreshes) the rules; idempotent. Throws when iptables is missing or refused. */
export async function installFirewall(pool: string, log: Logger): Promise<void> {
  const resolvers = hostResolvers();
  const subnets = await hostSubnets();
  for (const chain of [inputChain, forwardChain]) {
    await table('iptables', ['-N', chain]).catch(() => {});
    await table('iptables', ['-F', chain]);
  }
  for (const rule of firewallRules(pool, resolvers, subnets)) await table('iptables', rule);
  // DOCKER-USER exists once dockerd has started; Docker keeps our jumps across its restarts.
  await table('iptables', ['-N', 'DOCKER-USER']).catch(() => {});
  for (const match of [['-s', pool], fromBridges]) {
    await ensureJump('iptables', 'INPUT', match, inputChain);
    await ensureJump('iptables', 'DOCKER-USER', match, forwardChain);
  }
  // Sandbox networks have no IPv6, but link-local addresses exist on every bridge: drop it all.
  await table('ip6tables', ['-N', ipv6Chain]).catch(() => {});
  await table('ip6tables', ['-F', ipv6Chain]);
  await table('ip6tables', ['-A', ipv6Chain, '-j', 'DROP']);
  await ensureJump('ip6tables', 'INPUT', fromBridges, ipv6Chain);
  await ensureJump('ip6tables', 'FORWARD', fromBridges, ipv6Chain);
  log.info('sandbox firewall installed', { pool, resolvers, blockedSubnets: subnets, bridges: `${bridgePrefix}+` });
}

/** True when DOCKER_HOST names an engine on another machine (tcp://, ssh://…). */
export function remoteEngine(dockerHost: string | undefined): boolean {
  return dockerHost !== undefined && dockerHost !== '' && !dockerHost.startsWith('unix://');
}

/**
 * Puts the isolation the operator chose in place, or throws a FirewallError: the rules could
 * not be installed, or the engine is remote while this machine's rules were asked for.
 */
export async function isolateSandboxes(
  mode: 'local' | 'external' | 'off',
  pool: string,
  dockerHost: string | undefined,
  log: Logger,
): Promise<void> {
  if (mode === 'off') {
    log.warn('sandbox firewall disabled by SANDBOX_FIREWALL=false: sandboxes can reach the host');
    return;
  }
  if (mode === 'external') {
    log.info('sandbox isolation left to the engine host (SANDBOX_FIREWALL=external)', { dockerHost });
    return;
  }
  if (remoteEngine(dockerHost)) {
    throw new FirewallError('remote-engine', `DOCKER_HOST=${dockerHost ?? ''}`);
  }
  try {
    await installFirewall(pool, log.child({ module: 'firewall' }));
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new FirewallError('install-failed', detail.slice(0, 300), { cause: error });
  }
}
