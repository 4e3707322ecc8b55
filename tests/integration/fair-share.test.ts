// Fair share on the real server and engine: one client address past its share gets a 429 in
// French and starts no sandbox, while another address of the class still gets a seat; requests
// without a token are refused before their body is read, so the server's memory stays flat
// under a flood of uploads; one session holding many slow `docker exec`s, or flooding the
// linter, does not hold up another session's file tree or lint.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionCreated } from '../../shared/contract.ts';
import { api, leftovers, startServer, TerminalClient, waitUntil, type RunningServer } from './harness.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ MAX_SESSIONS: '4', SESSIONS_PER_CLIENT: '1', TRUST_PROXY: 'true' });
});

afterAll(async () => {
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

async function open(address: string) {
  const res = await fetch(`${server.base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as SessionCreated & { error?: string } };
}

describe('fair share', () => {
  it('refuses an address past its share while another still gets a seat', async () => {
    const first = await open('198.51.100.7');
    expect(first.status).toBe(201);
    // Its sandbox starts in the background: compare the engine's objects once it is there.
    await waitUntil(
      async () =>
        (await api(server, 'GET', `/api/sessions/${first.body.id}`, { token: first.body.token })).body.state !==
        'starting',
      120_000,
      'the first sandbox',
    );
    const before = await leftovers();
    const second = await open('198.51.100.7');
    expect(second.status).toBe(429);
    expect(second.body.error).toMatch(/Trop de bacs à sable ouverts depuis votre adresse/);
    expect(await leftovers()).toEqual(before);
    const other = await open('198.51.100.8');
    expect(other.status).toBe(201);
    for (const s of [first.body, other.body]) {
      expect((await api(server, 'DELETE', `/api/sessions/${s.id}`, { token: s.token })).status).toBe(204);
    }
  });
});

/** Opens a session from `address` (X-Forwarded-For) and waits until its sandbox has started. */
async function session(address: string): Promise<SessionCreated> {
  const created = await open(address);
  if (created.status !== 201) throw new Error(`session not created: ${created.status} ${created.body.error}`);
  await waitUntil(
    async () =>
      (await api(server, 'GET', `/api/sessions/${created.body.id}`, { token: created.body.token })).body.state !==
      'starting',
    300_000,
    'the sandbox',
  );
  return created.body;
}

/** The server process's resident memory, from the kernel. */
function residentBytes(): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  } catch {
    // The server has gone (the test failed and stopped it): nothing to measure.
    return 0;
  }
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return Number(kb) * 1024;
}

/**
 * A PUT of `total` bytes written as the server takes them (never whole in this process);
 * resolves with the answer as soon as it comes, the rest of the body left unsent (status 0:
 * the server closed the connection before its answer was read).
 */
function streamedPut(
  pathname: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; sent: number }> {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(`${server.base}${pathname}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(total), ...headers },
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, sent });
        req.destroy();
      });
    });
    // The server closing the connection on a refusal may be seen before its answer.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: 0, body: '{}', sent });
      else reject(error);
    });
    const write = () => {
      while (!answered && sent < total) {
        const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', write);
      }
      if (sent >= total) req.end();
    };
    write();
  });
}

describe('bounded and fair', () => {
  let a: SessionCreated;
  let b: SessionCreated;
  let terminal: TerminalClient;

  beforeAll(async () => {
    [a, b] = [await session('203.0.113.1'), await session('203.0.113.2')];
    terminal = new TerminalClient(server, a.id);
    await terminal.open(a.token);
  });

  afterAll(async () => {
    terminal?.close();
    for (const s of [a, b]) if (s) await api(server, 'DELETE', `/api/sessions/${s.id}`, { token: s.token });
  });

  it('refuses uploads without a token before reading them: the memory stays flat', async () => {
    const before = residentBytes();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes())), 50);
    const size = 40 * 1024 * 1024;
    const started = Date.now();
    let answers: { status: number; body: string; sent: number }[];
    try {
      answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          streamedPut(
            `/api/sessions/${a.id}/files/root/envoi-${i}.bin`,
            size,
            i % 2 ? { authorization: 'Bearer faux' } : {},
          ),
        ),
      );
    } finally {
      clearInterval(sampler);
    }
    const elapsed = Date.now() - started;
    const sent = answers.reduce((total, answer) => total + answer.sent, 0);
    console.log(
      `unauthenticated uploads: RSS ${Math.round(before / 2 ** 20)} -> peak ${Math.round(peak / 2 ** 20)} MiB, ${elapsed} ms, ${Math.round(sent / 2 ** 20)} MiB sent of 800, statuses ${answers.map((answer) => answer.status).join(' ')}`,
    );
    // Each is refused for its token (or its connection closed on it), none is read to its end.
    answers.forEach((answer, i) => expect([0, i % 2 ? 403 : 401]).toContain(answer.status));
    expect(answers.filter((answer) => answer.status !== 0).length).toBeGreaterThan(0);
    const missing = answers.find((answer) => answer.status === 401);
    if (missing) expect((JSON.parse(missing.body) as { error?: string }).error).toMatch(/^Jeton manquant/);
    expect(sent).toBeLessThan(size * 10);
    // 800 MB offered: the server held none of it (a few MB of socket buffers at most).
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    expect(await terminal.run('ls /root | grep -c envoi- || true')).toContain('0');
  });

  it('streams authenticated uploads into the sandbox without holding them in memory', async () => {
    const size = 40 * 1024 * 1024;
    const before = residentBytes();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes())), 50);
    // Five at once: 200 MB in all, which the server would hold whole if it buffered them.
    const puts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        streamedPut(`/api/sessions/${a.id}/files/root/gros/envoi-${i}.bin`, size, {
          authorization: `Bearer ${a.token}`,
        }),
      ),
    ).finally(() => clearInterval(sampler));
    const expected = createHash('sha256').update(Buffer.alloc(size, 7)).digest('hex');
    for (const put of puts) {
      expect(put.status).toBe(200);
      expect(JSON.parse(put.body)).toEqual({ etag: expected, size });
    }
    expect(await terminal.run('sha256sum /root/gros/envoi-4.bin | cut -c1-64')).toContain(expected);
    console.log(
      `5 authenticated 40 MB uploads: RSS ${Math.round(before / 2 ** 20)} -> peak ${Math.round(peak / 2 ** 20)} MiB`,
    );
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    await terminal.run('rm -rf /root/gros');
  });

  it('answers reads of a named pipe at once, and another session’s tree meanwhile', async () => {
    await terminal.run('mkfifo /root/tube');
    const get = (pathname: string) =>
      fetch(`${server.base}/api/sessions/${a.id}/files/${pathname}`, {
        headers: { authorization: `Bearer ${a.token}` },
        signal: AbortSignal.timeout(60_000),
      }).then(async (res) => ({ status: res.status, body: await res.text() }));
    const flood = Array.from({ length: 24 }, (_, i) => get(i % 2 ? 'root/tube?edit=1' : 'root/tube'));
    const tree = await api(server, 'GET', `/api/sessions/${b.id}/tree`, { token: b.token });
    expect(tree.status).toBe(200);
    const answers = await Promise.all(flood);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatch(/n’est pas un fichier ordinaire/);
    }
    await terminal.run('rm -f /root/tube');
  });

  it('keeps another session’s file tree prompt while one session holds many slow docker execs', async () => {
    // Session a's inner engine stops answering: each `docker image ls` it asks for hangs until its deadline.
    await terminal.run('kill -STOP $(pgrep -x dockerd)');
    try {
      // Answers other than « too many at once » (429) come only once an exec has ended.
      let ended = 0;
      const flood = Array.from({ length: 24 }, () =>
        api(server, 'GET', `/api/sessions/${a.id}/images`, { token: a.token }).then((res) => {
          if (res.status !== 429) ended++;
          return res;
        }),
      );
      // Its execs are under way (the server has them) before b asks.
      await new Promise((r) => setTimeout(r, 1000));
      const tree = await api(server, 'GET', `/api/sessions/${b.id}/tree`, { token: b.token });
      if (tree.status !== 200) console.log(JSON.stringify(tree.body), server.output().slice(-6000));
      expect(tree.status).toBe(200);
      // b was not made to wait for a's execs: none of them has ended yet.
      expect(ended).toBe(0);
      await terminal.run('kill -CONT $(pgrep -x dockerd)');
      const statuses = (await Promise.all(flood)).map((res) => res.status);
      // Past its share and its queue, a session is told to wait (429), in French; the rest answer.
      expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    } finally {
      await terminal.run('kill -CONT $(pgrep -x dockerd) 2>/dev/null; true');
    }
  });

  it('never refuses a session’s lint because another session floods the linter', async () => {
    // Slow to lint (about a second each on this machine), well within the size bounds.
    const large = `FROM debian:12\nRUN apt-get update ${'rm '.repeat(80_000)}\n`;
    const flood = Array.from({ length: 40 }, () =>
      api(server, 'POST', `/api/sessions/${a.id}/lint`, { token: a.token, body: { content: large } }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const small = await api(server, 'POST', `/api/sessions/${b.id}/lint`, {
      token: b.token,
      body: { content: 'FROM debian:latest\nADD index.html /var/www/html/\n' },
    });
    expect(small.status).toBe(200);
    const answers = await Promise.all(flood);
    console.log('lint flood statuses', answers.map((answer) => answer.status).join(' '));
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(30);
    expect(refused[0]?.body.error).toMatch(/^Vos Dockerfiles précédents sont encore en cours d’analyse/);
  });
});
