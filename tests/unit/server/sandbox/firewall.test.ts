// Unit tests of the isolation rules: what a sandbox may and may not reach.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firewallRules, forwardChain, hostResolvers, inputChain } from '../../../../server/sandbox/firewall.ts';

describe('firewallRules', () => {
  const rules = firewallRules('10.213.0.0/16', ['10.255.255.53'], ['192.0.2.0/24']).map((r) => r.join(' '));

  it('drops everything from sandboxes to the host itself', () => {
    expect(rules).toContain(`-A ${inputChain} -j DROP`);
  });

  it('lets DNS reach the host’s resolvers before dropping private ranges', () => {
    const dns = rules.indexOf(`-A ${forwardChain} -d 10.255.255.53/32 -p udp --dport 53 -j RETURN`);
    const privateDrop = rules.indexOf(`-A ${forwardChain} -d 10.0.0.0/8 -j DROP`);
    expect(dns).toBeGreaterThanOrEqual(0);
    expect(dns).toBeLessThan(privateDrop);
  });

  it('drops private, link-local and the host’s LAN, and ends by letting public traffic through', () => {
    for (const range of ['172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '192.0.2.0/24']) {
      expect(rules).toContain(`-A ${forwardChain} -d ${range} -j DROP`);
    }
    expect(rules.at(-1)).toBe(`-A ${forwardChain} -j RETURN`);
  });
});

describe('hostResolvers', () => {
  it('reads nameservers, leaving loopback ones to Docker', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resolv-'));
    const file = path.join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 127.0.0.53\nnameserver 10.1.2.3\noptions edns0\n');
    expect(hostResolvers(file)).toEqual(['10.1.2.3']);
  });
});
