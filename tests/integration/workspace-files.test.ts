// The workspace's files against the real engine: upload then download the same bytes, a folder
// as a tar, the editor's read with its ETag and the refusal to overwrite a change made in the
// terminal, the tree, paths that leave the allowed folders, and the editor's linter; uploads
// over the bound refused before their body, an upload cut short leaving the file as it was.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileTree, SessionCreated } from '../../shared/contract.ts';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

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
  terminal.close();
  await server.stop();
  expect(await leftovers()).toEqual([]);
});

function file(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.base}/api/sessions/${session.id}/files/${pathname}`, {
    ...init,
    headers: { authorization: `Bearer ${session.token}`, ...(init.headers ?? {}) },
  });
}

describe('files in and out', () => {
  it('uploads bytes and downloads the same bytes', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const put = await file('root/envoi/donnees.bin', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const back = await file('root/envoi/donnees.bin');
    expect(back.status).toBe(200);
    expect(back.headers.get('content-disposition')).toContain('donnees.bin');
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await terminal.run('sha256sum /root/envoi/donnees.bin | cut -c1-64')).toContain(
      (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('downloads a folder as a tar', async () => {
    await terminal.run(
      'mkdir -p /root/dossier/sous && echo un > /root/dossier/a.txt && echo deux > /root/dossier/sous/b.txt',
    );
    const res = await file('root/dossier');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    const tar = Buffer.from(await res.arrayBuffer());
    expect(tar.toString('latin1')).toContain('dossier/sous/b.txt');
  });

  it('refuses an upload over the bound before reading it, in French', async () => {
    const res = await file('root/trop-gros.bin', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(51 * 1024 * 1024),
    }).catch(() => undefined);
    // The server answers and closes at once; the client may see the close before the answer.
    if (res) {
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^Fichier trop gros : le bac à sable accepte 50 Mo/,
      );
    }
    expect(await terminal.run('ls /root/trop-gros.bin 2>&1 || true')).toMatch(/No such file/);
  });

  it('leaves the file as it was when an upload is cut short', async () => {
    await terminal.run("printf 'avant\\n' > /root/coupe.txt");
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${server.base}/api/sessions/${session.id}/files/root/coupe.txt`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${session.token}`,
          'content-type': 'application/octet-stream',
          'content-length': String(8 * 1024 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.on('response', () => reject(new Error('answered before the body ended')));
      // Half the bytes announced, then the client goes away.
      req.write(Buffer.alloc(4 * 1024 * 1024, 1), () => setTimeout(() => req.destroy(), 500));
      req.on('close', () => resolve());
    });
    // The cut upload's temporary file goes once the server has seen the client leave.
    await expect
      .poll(() => terminal.run('cat /root/coupe.txt; ls -a /root | grep -c "^\\.envoi\\." || true'), {
        timeout: 15_000,
      })
      .toMatch(/avant\s+0/);
  });

  it('refuses paths that leave /root and /tmp, even through a symbolic link', async () => {
    for (const pathname of ['root/../etc/passwd', 'etc/passwd', 'root/%2e%2e/etc/shadow']) {
      const res = await file(pathname);
      expect(res.status, pathname).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/Chemin refusé|Adresse invalide/);
    }
    await terminal.run('ln -sf /etc /root/lien-etc');
    const through = await file('root/lien-etc/passwd');
    expect(through.status).toBe(400);
    const write = await file('root/lien-etc/pirate', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'x',
    });
    expect(write.status).toBe(400);
  });
});

describe('the editor’s files', () => {
  it('reads a text file with its ETag, saves with If-Match, and refuses to overwrite a change made meanwhile', async () => {
    await terminal.run("mkdir -p /root/tp && printf 'FROM debian:bookworm\\n' > /root/tp/Dockerfile");
    const opened = await file('root/tp/Dockerfile?edit=1');
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe('FROM debian:bookworm\n');
    const etag = opened.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[a-f0-9]{64}"$/);
    const saved = await file('root/tp/Dockerfile', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'if-match': etag },
      body: 'FROM debian:trixie\n',
    });
    expect(saved.status).toBe(200);
    const { etag: next } = (await saved.json()) as { etag: string };
    expect(await terminal.run('cat /root/tp/Dockerfile')).toContain('FROM debian:trixie');
    // The student changes it in the terminal; the editor's save with the old ETag is refused.
    await terminal.run("echo 'RUN true' >> /root/tp/Dockerfile");
    const stale = await file('root/tp/Dockerfile', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'if-match': `"${next}"` },
      body: 'FROM debian:bookworm\n',
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: string }).error).toMatch(/a changé dans le terminal/);
    expect(await terminal.run('cat /root/tp/Dockerfile')).toContain('RUN true');
    // « Nouveau fichier » does not truncate a file that exists.
    const create = await file('root/tp/Dockerfile', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'if-none-match': '*' },
      body: '',
    });
    expect(create.status).toBe(412);
    expect(await terminal.run('cat /root/tp/Dockerfile')).toContain('RUN true');
  });

  it('refuses binary and oversized files for editing, in French', async () => {
    await terminal.run(
      'head -c 2000 /dev/urandom > /root/binaire && head -c 1100000 /dev/zero | tr "\\0" a > /root/gros.txt',
    );
    const binary = await file('root/binaire?edit=1');
    expect(binary.status).toBe(415);
    const big = await file('root/gros.txt?edit=1');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/trop gros pour l’éditeur/);
  });

  it('lists /root as a tree, hidden folders left out', async () => {
    await terminal.run('mkdir -p /root/.cache/x && touch /root/tp/.dockerignore');
    const res = await api(server, 'GET', `/api/sessions/${session.id}/tree`, { token: session.token });
    expect(res.status).toBe(200);
    const tree = res.body as unknown as FileTree;
    const paths = tree.entries.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/root/tp', '/root/tp/Dockerfile', '/root/tp/.dockerignore']));
    expect(paths.some((p) => p.startsWith('/root/.cache'))).toBe(false);
    expect(tree.entries.find((e) => e.path === '/root/tp')?.type).toBe('dir');
  });

  it('lints a Dockerfile for the editor, in French', async () => {
    const res = await api(server, 'POST', `/api/sessions/${session.id}/lint`, {
      token: session.token,
      body: { content: 'FROM debian:latest\nADD index.html /var/www/html/\n' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const findings = res.body.findings as { rule: string; line: number; message: string }[];
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['DL3007', 'DL3020']));
    expect(findings.find((f) => f.rule === 'DL3020')?.line).toBe(2);
  });
});
