// What a student finds in the sandbox, typed in its real terminal: today's Docker engine (26)
// with BuildKit as the default builder and its features, `docker buildx` and `docker compose`,
// all working offline from the course's mirror.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let terminal: TerminalClient;

beforeAll(async () => {
  server = await startServer();
  const session = await createSession(server);
  terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
}, 180_000);

afterAll(async () => {
  terminal?.close();
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

describe('the tools of the sandbox', () => {
  it('has Docker engine 26, buildx and the compose plugin', async () => {
    expect((await terminal.run('docker version --format "{{.Server.Version}}"')).trim()).toMatch(/^26\./);
    expect(await terminal.run('docker buildx version')).toMatch(/buildx v?0\.\d+/);
    expect(await terminal.run('docker compose version')).toMatch(/Docker Compose version v?2\./);
  });

  it('boots containerd with only what dockerd uses (its configuration applied on a read-only root)', async () => {
    // Kubernetes' CRI plugin and the snapshotters this kernel lacks cost CPU at every start.
    const loaded = await terminal.run(
      'grep -c "loading plugin \\"io.containerd.grpc.v1.cri\\"" /var/log/containerd.log || true',
    );
    expect(loaded.trim().split('\n').pop()).toBe('0');
    expect(await terminal.run('grep -c "loading plugin" /var/log/containerd.log')).toMatch(/\d+/);
  });

  it('builds with BuildKit by default: cache mounts, heredocs, COPY --chmod, from the mirror', async () => {
    const out = await terminal.run(
      [
        'mkdir -p /root/bk && cd /root/bk',
        'printf "bonjour\\n" > message.txt',
        "printf '%s\\n' 'FROM debian:trixie-slim' 'RUN --mount=type=cache,target=/var/cache/exemple echo cache > /var/cache/exemple/x' 'RUN <<EOT' 'echo heredoc > /heredoc.txt' 'EOT' 'COPY --chmod=750 message.txt /message.txt' 'CMD [\"sh\", \"-c\", \"cat /heredoc.txt /message.txt; stat -c %a /message.txt\"]' > Dockerfile",
        'docker build -t essai-buildkit . 2>&1 | grep -E "^#[0-9]+ (\\[|naming)" | head -n 3',
        'docker run --rm essai-buildkit',
        'cd /root',
      ].join(' && '),
      240_000,
    );
    // BuildKit's progress lines (#N [stage n/m] …), not the legacy builder's "Step 1/4".
    expect(out).toMatch(/^#\d+ \[/m);
    expect(out).not.toMatch(/^Step \d+\/\d+/m);
    expect(out).toContain('heredoc');
    expect(out).toContain('bonjour');
    expect(out).toMatch(/^750\s*$/m);
  });

  it('enters a container that does not run as root (docker exec, as health checks do)', async () => {
    const out = await terminal.run(
      'docker pull -q debian:trixie-slim >/dev/null && docker run -d --name non-root --user 1000 debian:trixie-slim sleep 120 >/dev/null && docker exec non-root id -u && docker exec -u 0 non-root id -u; docker rm -f non-root >/dev/null',
      120_000,
    );
    expect(out.trim().split(/\s+/)).toEqual(['1000', '0']);
  });

  it('runs a compose project: up, served on its port, down', async () => {
    const out = await terminal.run(
      [
        'mkdir -p /root/compose && cd /root/compose',
        "printf '%s\\n' 'services:' '  web:' '    image: nginx' '    ports:' '      - \"8088:80\"' > compose.yaml",
        'docker compose up -d 2>&1 | tail -n 1',
        'for i in $(seq 1 50); do curl -s -m 2 localhost:8088 && break; sleep 0.2; done | grep -o "Welcome to nginx" | head -n 1',
        'docker compose down 2>&1 | tail -n 1',
        'docker ps -q | wc -l',
        'cd /root',
      ].join(' && '),
      240_000,
    );
    expect(out).toContain('Welcome to nginx');
    expect(out.trim().split('\n').at(-1)?.trim()).toBe('0');
  });
});
