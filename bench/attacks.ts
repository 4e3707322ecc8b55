// The hostile bench's second round: what hostile students and anonymous clients tried against
// the classroom and workspace surfaces, each run until a deadline from its own loopback address
// (127.0.0.2 and up, so that per-address bounds meet the attacker, not the class on 127.0.0.1),
// each counting what it sent and how it was answered.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { classCodeExample } from '../shared/limits.ts';
import { api, TerminalClient, type RunningServer } from '../tests/integration/harness.ts';

export interface AttackTally {
  name: string;
  /** What was sent, and the statuses (or outcomes) it met, by count. */
  sent: number;
  outcomes: Map<string, number>;
}

function tally(name: string): AttackTally {
  return { name, sent: 0, outcomes: new Map() };
}

function count(t: AttackTally, outcome: string): void {
  t.outcomes.set(outcome, (t.outcomes.get(outcome) ?? 0) + 1);
}

export function describeTally(t: AttackTally): string {
  const parts = [...t.outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`);
  return `${t.sent} envoyés (${parts.join(', ') || 'aucune réponse'})`;
}

/**
 * One HTTP request from `from`, with a JSON body, or a body of `bodyBytes` zeros offered in
 * 64 KiB chunks; resolves with the answer's status (or the error's code).
 */
function rawRequest(
  server: RunningServer,
  options: {
    from: string;
    method: string;
    path: string;
    headers?: Record<string, string>;
    bodyBytes?: number;
    json?: unknown;
  },
  signal: { stopped: boolean },
): Promise<string> {
  const json = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024);
    // A connection of its own each time: the attacks share no pooled socket with the class.
    const req = request({
      agent: false,
      host: '127.0.0.1',
      port: server.port,
      localAddress: options.from,
      method: options.method,
      path: options.path,
      headers: {
        ...(options.bodyBytes !== undefined ? { 'content-length': String(options.bodyBytes) } : {}),
        ...(json ? { 'content-type': 'application/json', 'content-length': String(json.length) } : {}),
        ...options.headers,
      },
    });
    let settled = false;
    const done = (outcome: string) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(outcome);
    };
    req.on('response', (res) => {
      res.resume();
      done(String(res.statusCode));
    });
    req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'erreur'));
    if (json) return void req.end(json);
    let left = options.bodyBytes ?? 0;
    const pump = () => {
      while (left > 0 && !settled && !signal.stopped) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (left <= 0) req.end();
      else if (signal.stopped) done('arrêté');
    };
    pump();
  });
}

/** Keeps `parallel` copies of `one` running until the signal stops them. */
async function keep(parallel: number, signal: { stopped: boolean }, one: () => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (!signal.stopped) await one();
    }),
  );
}

/** Uploads of 46 MB each, 28 at once, with no token: answered before their bodies are read? */
export function unauthenticatedUploads(server: RunningServer, victim: string, signal: { stopped: boolean }) {
  const t = tally('téléversements sans jeton (28 × 46 Mo à la fois)');
  const run = keep(28, signal, async () => {
    t.sent++;
    count(
      t,
      await rawRequest(
        server,
        {
          from: '127.0.0.2',
          method: 'PUT',
          path: `/api/sessions/${victim}/files/root/gros.bin`,
          headers: { 'content-type': 'application/octet-stream' },
          bodyBytes: 46 * 1000 * 1000,
        },
        signal,
      ),
    );
  });
  return { tally: t, done: run };
}

/** Malformed requests, 8 at a time, from 127.0.0.6: bad escapes, bad paths, JSON nested 5000 deep. */
export function malformedRequests(server: RunningServer, signal: { stopped: boolean }) {
  const t = tally('requêtes malformées');
  const targets = ['//x:y', '/api/labs/%ZZ', '/api/sessions/zz/steps/%/check', '/ws/sessions/00/terminal'];
  const run = Array.from({ length: 8 }, async (_, i) => {
    while (!signal.stopped) {
      const target = targets[(t.sent + i) % targets.length] ?? '/';
      t.sent++;
      const status = await new Promise<string>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            localAddress: '127.0.0.6',
            path: target,
            method: i % 2 ? 'POST' : 'GET',
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(String(res.statusCode ?? 0));
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'erreur'));
        req.end(i % 2 ? '{"lab": [' + '['.repeat(5000) : undefined);
      });
      count(t, status);
    }
  });
  return { tally: t, done: Promise.all(run) };
}

/** Runs commands in a session's sandbox through its terminal, as its student would. */
async function typeIn(server: RunningServer, session: { id: string; token: string }, command: string): Promise<void> {
  const terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token, undefined, 600_000);
  await terminal.run(command, 600_000);
  terminal.close();
}

/** An image of 4000 files 1400 folders deep, made in the session's sandbox (`piege:1`). */
export function prepareCraftedImage(server: RunningServer, session: { id: string; token: string }): Promise<void> {
  return typeIn(
    server,
    session,
    "d=/root/profond/$(printf 'a/%.0s' $(seq 1400)) && mkdir -p $d && (cd $d && touch $(seq -f 'f%g' 4000)) && tar -C /root/profond -cf - . | docker import - piege:1 >/dev/null && rm -rf /root/profond",
  );
}

/** The layer explorer asked, again and again, for the crafted image. */
export function exploreCrafted(
  server: RunningServer,
  session: { id: string; token: string },
  signal: { stopped: boolean },
) {
  const t = tally('explorateur de couches sur l’image piégée');
  const run = keep(2, signal, async () => {
    t.sent++;
    const res = await api(server, 'GET', `/api/sessions/${session.id}/images/piege%3A1/layers`, {
      token: session.token,
    }).catch(() => ({ status: 0 }));
    count(t, String(res.status));
    if (res.status === 0 || res.status >= 400) await new Promise((r) => setTimeout(r, 200));
  });
  return { tally: t, done: run };
}

/** One page's terminal sending resize frames as fast as its socket takes them. */
export function resizeFlood(terminal: TerminalClient, signal: { stopped: boolean }) {
  const t = tally('redimensionnements du terminal (par rafales de 2000)');
  const run = (async () => {
    let i = 0;
    while (!signal.stopped && terminal.ws.readyState === WebSocket.OPEN) {
      for (let k = 0; k < 2000; k++, i++) {
        terminal.ws.send(JSON.stringify({ type: 'resize', cols: 40 + (i % 200), rows: 10 + (i % 50) }));
      }
      t.sent += 2000;
      await new Promise((r) => setTimeout(r, 10));
    }
    count(t, terminal.ws.readyState === WebSocket.OPEN ? 'socket ouvert' : `socket fermé ${terminal.closeCode}`);
  })();
  return { tally: t, done: run };
}

/** A file that never ends (a FIFO nobody writes) in the session's sandbox. */
export function prepareEndlessFile(server: RunningServer, session: { id: string; token: string }): Promise<void> {
  return typeIn(server, session, 'rm -f /root/sans-fin && mkfifo /root/sans-fin');
}

/** 24 reads at once of that file, through the file routes. */
export function slowReads(server: RunningServer, session: { id: string; token: string }, signal: { stopped: boolean }) {
  const t = tally('lectures sans fin (24 à la fois)');
  let i = 0;
  const run = keep(24, signal, async () => {
    t.sent++;
    const edit = i++ % 2 === 0 ? '?edit=1' : '';
    const controller = new AbortController();
    const stop = setInterval(() => signal.stopped && controller.abort(), 200);
    try {
      const res = await fetch(`${server.base}/api/sessions/${session.id}/files/root/sans-fin${edit}`, {
        headers: { authorization: `Bearer ${session.token}` },
        signal: controller.signal,
      });
      await res.arrayBuffer();
      count(t, String(res.status));
    } catch {
      count(t, signal.stopped ? 'arrêtée' : 'coupée');
    } finally {
      clearInterval(stop);
    }
  });
  return { tally: t, done: run };
}

/** 40 lints of a large Dockerfile in flight at once from one session. */
export function lintFlood(server: RunningServer, session: { id: string; token: string }, signal: { stopped: boolean }) {
  const t = tally('analyses de Dockerfile (40 à la fois, 240 Ko chacune)');
  const content = `FROM debian:12\nRUN apt-get update ${'rm '.repeat(80_000)}\n`;
  const run = keep(40, signal, async () => {
    t.sent++;
    const status = await rawRequest(
      server,
      {
        from: '127.0.0.1',
        method: 'POST',
        path: `/api/sessions/${session.id}/lint`,
        headers: { authorization: `Bearer ${session.token}` },
        json: { content },
      },
      signal,
    );
    const res = { status: Number(status) || 0 };
    count(t, String(res.status));
    if (res.status === 429) await new Promise((r) => setTimeout(r, 50));
  });
  return { tally: t, done: run };
}

/** 22 wrong instructor passwords at once, again and again, from one address. */
export function passwordGuesses(server: RunningServer, signal: { stopped: boolean }) {
  const t = tally('mots de passe formateur faux (22 à la fois)');
  const run = keep(22, signal, async () => {
    t.sent++;
    const outcome = await rawRequest(
      server,
      {
        from: '127.0.0.3',
        method: 'POST',
        path: '/api/instructor/login',
        json: { password: 'mauvais-mot-de-passe' },
      },
      signal,
    );
    count(t, outcome);
  });
  return { tally: t, done: run };
}

const codeAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A made-up class code of the live codes' shape. */
function randomCode(): string {
  return classCodeExample.replace(/(?<=^DKR-.*)[0-9A-Z]/g, () => codeAlphabet[Math.floor(Math.random() * 31)] ?? 'A');
}

/** Join and recover attempts with made-up codes, as fast as answers come, from one address. */
export function codeGuesses(server: RunningServer, signal: { stopped: boolean }) {
  const t = tally('codes de cours devinés (rejoindre et récupérer)');
  let i = 0;
  const run = keep(4, signal, async () => {
    t.sent++;
    const recover = i++ % 2 === 1;
    const outcome = await rawRequest(
      server,
      {
        from: '127.0.0.4',
        method: 'POST',
        path: recover ? '/api/classes/recover' : '/api/classes/join',
        json: recover
          ? { code: randomCode(), recoveryCode: 'ABCD-EFGH-JKMN' }
          : { code: randomCode(), name: `Élève ${Math.random().toString(36).slice(2, 8)}` },
      },
      signal,
    );
    count(t, outcome);
    if (outcome === '429') await new Promise((r) => setTimeout(r, 100));
  });
  return { tally: t, done: run };
}

/**
 * A thousand WebSockets that never authenticate, and 300 half-sent requests on the preview
 * listener, from one address, each reopened when the server closes it.
 */
export function socketHoard(server: RunningServer, victim: string, signal: { stopped: boolean }) {
  const t = tally('WebSockets sans authentification (1000) et requêtes à moitié envoyées à l’aperçu (300)');
  const open = new Set<WebSocket | Socket>();
  const ws = keep(1000, signal, async () => {
    t.sent++;
    const outcome = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/${victim}/terminal`, {
        localAddress: '127.0.0.5',
        origin: server.base,
      });
      open.add(socket);
      let opened = false;
      socket.once('open', () => (opened = true));
      socket.once('unexpected-response', (_req, res) => {
        socket.terminate();
        resolve(`ws ${res.statusCode}`);
      });
      socket.once('close', (code) => resolve(opened ? `ws fermé ${code}` : 'ws refusé'));
      socket.once('error', () => undefined);
    });
    count(t, outcome);
    if (!outcome.startsWith('ws fermé')) await new Promise((r) => setTimeout(r, 250));
  });
  const halfSent = keep(300, signal, async () => {
    t.sent++;
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: server.port + 1, localAddress: '127.0.0.5' }, () =>
        socket.write(`GET /preview/${victim}/80/ HTTP/1.1\r\nHost: 127.0.0.1\r\n`),
      );
      open.add(socket);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      socket.once('close', () => resolve(`aperçu ${/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? 'fermée'}`));
      socket.once('error', () => undefined);
      const stop = setInterval(() => {
        if (signal.stopped) {
          clearInterval(stop);
          socket.destroy();
        }
      }, 200);
      socket.once('close', () => clearInterval(stop));
    });
    count(t, outcome);
    if (outcome !== 'aperçu 408') await new Promise((r) => setTimeout(r, 250));
  });
  const run = (async () => {
    const stopper = setInterval(() => {
      if (!signal.stopped) return;
      clearInterval(stopper);
      for (const s of open) {
        if (s instanceof WebSocket) s.terminate();
        else s.destroy();
      }
    }, 200);
    await Promise.all([ws, halfSent]);
    clearInterval(stopper);
  })();
  return { tally: t, done: run };
}
