// Network isolation of sandboxes, with iptables: a sandbox reaches neither the host (so not
// the server's port nor its other services) nor private networks; the course registry on its
// own bridge, DNS resolvers and (with egress "internet") public addresses stay reachable.
// Cross-sandbox traffic is already dropped by Docker's own bridge isolation chains.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from '../log/log.ts';

const run = promisify(execFile);

export const inputChain = 'COURS-DOCKER-IN';
export const forwardChain = 'COURS-DOCKER-OUT';

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

async function iptables(args: string[]): Promise<void> {
  await run('iptables', ['-w', '5', ...args]);
}

async function ensureJump(parent: string, pool: string, chain: string): Promise<void> {
  try {
    await iptables(['-C', parent, '-s', pool, '-j', chain]);
  } catch {
    await iptables(['-I', parent, '1', '-s', pool, '-j', chain]);
  }
}

/** Installs (or refreshes) the rules; idempotent. Throws when iptables is missing or refused. */
export async function installFirewall(pool: string, log: Logger): Promise<void> {
  const resolvers = hostResolvers();
  const subnets = await hostSubnets();
  for (const chain of [inputChain, forwardChain]) {
    await iptables(['-N', chain]).catch(() => {});
    await iptables(['-F', chain]);
  }
  for (const rule of firewallRules(pool, resolvers, subnets)) await iptables(rule);
  await ensureJump('INPUT', pool, inputChain);
  // DOCKER-USER exists once dockerd has started; Docker keeps our jump across its restarts.
  await iptables(['-N', 'DOCKER-USER']).catch(() => {});
  await ensureJump('DOCKER-USER', pool, forwardChain);
  log.info('sandbox firewall installed', { pool, resolvers, blockedSubnets: subnets });
}
