// The sandboxes' network isolation fails closed, on the real engine: when the iptables rules
// cannot be installed, or when DOCKER_HOST names an engine this machine's rules cannot protect,
// the site still works but no sandbox starts, and the 503 says why in French.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, leftovers, startServer, type RunningServer } from './harness.ts';

let server: RunningServer | undefined;
let proxy: Server | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  proxy?.close();
  proxy = undefined;
  expect(await leftovers()).toEqual([]);
});

describe('isolation that fails closed', () => {
  it('starts no sandbox when the firewall cannot be installed', async () => {
    // iptables and ip6tables that refuse, first on the server's PATH.
    const bin = mkdtempSync(path.join(tmpdir(), 'no-iptables-'));
    for (const tool of ['iptables', 'ip6tables']) {
      writeFileSync(
        path.join(bin, tool),
        '#!/bin/sh\necho "iptables: Permission denied (you must be root)" >&2\nexit 4\n',
      );
      chmodSync(path.join(bin, tool), 0o755);
    }
    server = await startServer({ PATH: `${bin}:${process.env.PATH ?? ''}` });
    const res = await api(server, 'POST', '/api/sessions', { body: { lab: 'bac-a-sable' } });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/règles d'isolation réseau .* n'ont pas pu être posées .*Permission denied/);
    expect(await leftovers()).toEqual([]);
    const ready = await api(server, 'GET', '/api/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/isolation/);
    // The site and the health probe still answer.
    expect((await api(server, 'GET', '/api/health')).body).toEqual({ ok: true, engine: true });
    expect(server.output()).toMatch(/\[sécurité\] Bacs à sable désactivés/);
  });

  it('refuses sandboxes on a remote engine unless told how that host isolates them', async () => {
    // The local engine, seen through TCP as a remote one would be.
    proxy = createServer((client) => {
      const engine = connect('/var/run/docker.sock');
      client.pipe(engine).pipe(client);
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
    const dockerHost = `tcp://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    server = await startServer({ DOCKER_HOST: dockerHost });
    const res = await api(server, 'POST', '/api/sessions', { body: {} });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/DOCKER_HOST désigne un moteur Docker distant.*SANDBOX_FIREWALL=external/);
    expect(await leftovers()).toEqual([]);
  });
});
