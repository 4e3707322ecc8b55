// The course registry is read-only for sandboxes, on the real engine: a student can pull from it
// but neither upload, nor push a manifest, nor delete one, so no student can poison what the
// class pulls; the preload from the host still works through the writable instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionCreated } from '../../shared/contract.ts';
import { createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let session: SessionCreated;
let terminal: TerminalClient;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server);
  terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
});

afterAll(async () => {
  terminal?.close();
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

const registry = 'http://cours-docker-registry:5000';

async function status(command: string): Promise<string> {
  return (await terminal.run(`curl -s -o /dev/null -m 5 -w '%{http_code}' ${command} || echo refusé`)).trim();
}

describe('the course registry seen from a sandbox', () => {
  it('serves pulls', async () => {
    const accept = "-H 'Accept: application/vnd.docker.distribution.manifest.v2+json'";
    expect(await status(`${accept} ${registry}/v2/library/debian/manifests/bookworm`)).toBe('200');
    expect((await terminal.run('docker pull -q debian:bookworm 2>&1 | tail -n 1')).trim()).toMatch(/debian:bookworm/);
  });

  it('refuses an upload, a manifest push and a delete', async () => {
    // Starting a blob upload is how every push begins.
    expect(await status(`-X POST ${registry}/v2/library/debian/blobs/uploads/`)).not.toMatch(/^2/);
    const manifest = `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}`;
    expect(
      await status(
        `-X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' --data '${manifest}' ${registry}/v2/library/debian/manifests/bookworm`,
      ),
    ).not.toMatch(/^2/);
    const digest = (
      await terminal.run(
        `curl -s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' ${registry}/v2/library/debian/manifests/bookworm | tr -d '\\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'`,
      )
    ).trim();
    expect(digest).toMatch(/^sha256:/);
    expect(await status(`-X DELETE ${registry}/v2/library/debian/manifests/${digest}`)).not.toMatch(/^2/);
    // The image the class pulls is unchanged.
    const after = (
      await terminal.run(
        `curl -s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' ${registry}/v2/library/debian/manifests/bookworm | tr -d '\\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'`,
      )
    ).trim();
    expect(after).toBe(digest);
  });

  it('answers no catalog nor tag listing: a pull needs neither', async () => {
    expect(await status(`${registry}/v2/_catalog`)).toBe('403');
    expect(await status(`${registry}/v2/library/debian/tags/list`)).toBe('403');
    expect(await status(`-I ${registry}/v2/`)).toBe('200');
  });

  it('is not the writable instance: the host’s registry port is not reachable from the sandbox', async () => {
    const gateway = (await terminal.run("ip route | awk '/default/ {print $3}'")).trim();
    expect(await status(`http://${gateway}:5001/v2/`)).toMatch(/^000|refusé/);
  });
});
