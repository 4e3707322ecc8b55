// Each sandbox's own bridge network: a free /24 of the pool, named so that the firewall matches
// every sandbox bridge, the course registry joined to it; removed with the sandbox.
import type { Logger } from '../log/log.ts';
import { sandboxName } from './container-spec.ts';
import { labels, SubnetPoolExhaustedError, type SandboxSpec } from './driver.ts';
import { isNotFound, type EngineCalls } from './engine-calls.ts';
import { bridgeName } from './firewall.ts';

export interface NetworkSettings {
  egress: 'internet' | 'none';
  /** e.g. `10.213.0.0/16`: each sandbox network takes one /24 of it. */
  subnetPool: string;
  /** Name of the course registry container, joined to each sandbox network; '' for none. */
  registryContainer: string;
  /** Alias of the registry on sandbox networks (the mirror's host name). */
  registryAlias: string;
  instance: string;
}

/** A session's network has its sandbox's name. */
export function networkName(sessionId: string): string {
  return sandboxName(sessionId);
}

export class SandboxNetworks {
  private readonly calls: EngineCalls;
  private readonly settings: NetworkSettings;
  private readonly log: Logger;

  constructor(calls: EngineCalls, settings: NetworkSettings, log: Logger) {
    this.calls = calls;
    this.settings = settings;
    this.log = log;
  }

  /** Picks a free /24 in the pool; concurrent creations may collide, so the caller retries. */
  private async freeSubnet(): Promise<string> {
    const prefix = this.settings.subnetPool.split('.').slice(0, 2).join('.');
    const networks = await this.calls.docker.listNetworks(this.calls.within());
    const used = new Set<string>();
    for (const network of networks) {
      for (const config of network.IPAM?.Config ?? []) if (config.Subnet) used.add(config.Subnet);
    }
    const start = 1 + Math.floor(Math.random() * 254);
    for (let i = 0; i < 254; i++) {
      const third = 1 + ((start + i) % 254);
      const subnet = `${prefix}.${third}.0/24`;
      if (!used.has(subnet)) return subnet;
    }
    throw new SubnetPoolExhaustedError(`no free /24 left in ${this.settings.subnetPool}`);
  }

  /** Makes the session's bridge network; gives its name. */
  async create(spec: SandboxSpec): Promise<string> {
    const name = networkName(spec.sessionId);
    for (let attempt = 0; ; attempt++) {
      const subnet = await this.freeSubnet();
      const gateway = subnet.replace(/\.0\/24$/, '.1');
      try {
        await this.calls.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Internal: this.settings.egress === 'none',
          EnableIPv6: false,
          // Named, so that the firewall matches every sandbox bridge by interface (cdsb+).
          Options: { 'com.docker.network.bridge.name': bridgeName(spec.sessionId) },
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
          Labels: {
            [labels.managed]: 'true',
            [labels.role]: 'sandbox-network',
            [labels.session]: spec.sessionId,
            [labels.expires]: spec.expiresAt.toISOString(),
            [labels.instance]: this.settings.instance,
          },
          ...this.calls.within(),
        });
        return name;
      } catch (error) {
        const message = String((error as Error).message);
        if (attempt < 5 && /overlap|already/i.test(message)) continue;
        throw error;
      }
    }
  }

  /** Puts the course registry on a sandbox network, under its alias. */
  async joinRegistry(network: string): Promise<void> {
    if (!this.settings.registryContainer) return;
    try {
      await this.calls.docker.getNetwork(network).connect({
        Container: this.settings.registryContainer,
        EndpointConfig: { Aliases: [this.settings.registryAlias] },
        ...this.calls.within(),
      });
    } catch (error) {
      // Without the registry the sandbox still works; only offline pulls fail.
      this.log.warn('registry not joined to sandbox network', { network, error });
    }
  }

  /** Removes a network (the registry taken off it first); one already gone is not an error. */
  async remove(name: string): Promise<void> {
    const network = this.calls.docker.getNetwork(name);
    if (this.settings.registryContainer) {
      await network
        .disconnect({ Container: this.settings.registryContainer, Force: true, ...this.calls.within() })
        .catch(() => {});
    }
    try {
      await network.remove(this.calls.within());
    } catch (error) {
      if (!isNotFound(error)) this.log.warn('sandbox network not removed', { name, error });
    }
  }
}
