// Fuzzing the running server (real engine) with fast-check: thousands of random request targets,
// methods, headers and bodies sent raw over TCP, and random WebSocket frames. Every answer must be
// below 500, the process must live on, and no sandbox may be left behind.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionCreated } from '../../shared/contract.ts';
import { api, createSession, freePort, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let previewPort: number;
let session: SessionCreated;
const seen = new Map<number, number>();

beforeAll(async () => {
  previewPort = await freePort();
  server = await startServer({
    MAX_SESSIONS: '3',
    INSTRUCTOR_PASSWORD: 'formateur-fuzz',
    PREVIEW_PORT: String(previewPort),
    PREVIEW_HOST: 'apercu.test',
  });
  session = await createSession(server, 'tp-images');
});

afterAll(async () => {
  const code = await server?.stop();
  expect(code).toBe(0);
  expect(await leftovers()).toEqual([]);
});

interface RawRequest {
  method: string;
  target: string;
  /** The Host header (127.0.0.1 by default). */
  host?: string;
  headers: [string, string][];
  body: string;
}

/** Sends one request as raw bytes, so targets reach the server exactly as generated. */
function sendRaw(port: number, request: RawRequest): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const body = Buffer.from(request.body, 'utf8');
    const head = [
      `${request.method} ${request.target} HTTP/1.1`,
      `Host: ${request.host ?? '127.0.0.1'}`,
      'Connection: close',
      ...request.headers.map(([name, value]) => `${name}: ${value}`),
      ...(body.length > 0 ? [`Content-Length: ${body.length}`] : []),
    ].join('\r\n');
    socket.write(Buffer.concat([Buffer.from(head + '\r\n\r\n', 'latin1'), body]));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no answer to ${request.method} ${request.target}`)));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      resolve({ status, head: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.~%/:@!$&'()*+,;=?#[] ".split('')), maxLength: 12 });

describe('fuzzing the running server', () => {
  it('answers thousands of random requests below 500 and lives on', async () => {
    const pieces = () =>
      fc.constantFrom(
        'api',
        'sessions',
        session.id,
        'steps',
        'pull',
        'check',
        'setup',
        'hint',
        'solution',
        'labs',
        'tp-images',
        'learners',
        'progress',
        'health',
        'ready',
        'openapi.json',
        'metrics',
        'ws',
        'terminal',
        'decks',
        '_astro',
        '%ZZ',
        '%00',
        '%2e%2e',
        '..',
        '',
        ':',
        '%C3%A9',
        'é',
        '\u{1F433}',
      );
    const target = fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.oneof(pieces(), printable), { maxLength: 7 }).map((p) => '/' + p.join('/')) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('*', '//x:y', 'http://evil.example/api/labs', '/\u0000', '/api/labs?x=%ZZ'),
      },
      { weight: 1, arbitrary: printable.map((s) => '/' + s) },
      // Shaped like the API's own routes, so that validation, auth and the step workflow are reached.
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.constantFrom(
              '/api/sessions/',
              '/api/labs/',
              '/api/learners/',
              '/ws/sessions/',
              '/api/classes/',
              '/api/instructor/',
              '/ws/classes/',
            ),
            fc.oneof(
              fc.constant(session.id),
              fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), maxLength: 70 }),
              printable,
            ),
            fc.constantFrom(
              '',
              '/steps/pull-debian/check',
              '/steps/nope/setup',
              '/steps/pull-debian/hint',
              '/steps/pull-debian/solution',
              '/steps/%ZZ/check',
              '/progress',
              '/terminal',
              '/watch',
              '/feed',
              '/dashboard',
              '/results.csv',
              '/qr.svg',
              '/broadcast',
              '/goto',
              '/end',
              'join',
              'recover',
              'mine',
              'login',
              'logout',
              'me',
            ),
            fc.constantFrom('', '?x=1', '?%ZZ', '#f'),
          )
          .map((parts) => parts.join('')),
      },
    );
    const header = fc.oneof(
      fc.tuple(
        fc.constant('Content-Type'),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/json; charset=utf-8',
          'multipart/form-data',
          '',
          'x/y',
        ),
      ),
      fc.tuple(
        fc.constant('Authorization'),
        fc.oneof(
          fc.constant(`Bearer ${session.token}`),
          printable.map((s) => `Bearer ${s}`),
        ),
      ),
      fc.tuple(
        fc.constant('Cookie'),
        fc.oneof(
          printable.map((s) => `cours_formateur=${s}`),
          fc.constantFrom('cours_formateur=', 'cours_formateur="x', '=;;=', 'a=b; cours_formateur=%ZZ'),
        ),
      ),
      fc.tuple(fc.constantFrom('X-Learner-Key'), fc.oneof(printable, fc.constant('A'.repeat(43)))),
      fc.tuple(fc.constant('Origin'), fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1')),
      fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip, br', 'br', 'identity', '*')),
      fc.tuple(fc.constantFrom('X-Forwarded-For', 'Upgrade', 'Connection-x', 'Transfer-Encoding-x'), printable),
    );
    const body = fc.oneof(
      fc.constant(''),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200 }),
      fc
        .record({
          lab: fc.oneof(fc.constant(null), fc.constant('nope'), fc.integer(), printable),
          learner: fc.oneof(printable, fc.constant(undefined)),
          answer: fc.oneof(fc.string({ maxLength: 600 }), fc.integer(), fc.constant(null)),
          index: fc.oneof(fc.integer({ min: -2, max: 60 }), fc.double(), fc.string({ maxLength: 3 })),
          code: fc.oneof(fc.constantFrom('DKR-2345', 'dkr-abcd', 'DKR-0000'), printable),
          name: fc.oneof(fc.string({ maxLength: 60 }), fc.constant('\u0000'), fc.integer()),
          password: fc.oneof(fc.string({ maxLength: 250 }), fc.constant(null)),
          seats: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.constant('30')),
          labs: fc.oneof(fc.constant(['tp-images']), fc.array(printable, { maxLength: 12 })),
        })
        .map((o) => JSON.stringify(o)),
      // Up to the body limit: beyond it the server answers 413 and closes before reading the rest,
      // and the kernel's reset can swallow that answer (contract-errors tests the 413 with fetch).
      fc.nat({ max: 16_000 }).map((n) => JSON.stringify({ lab: 'x'.repeat(n) })),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'BREW'),
      target,
      headers: fc.array(header, { maxLength: 4 }),
      body,
    });

    await fc.assert(
      fc.asyncProperty(request, async (raw) => {
        // Deleting the test's own session would end the run's fixture: keep it alive.
        if (raw.method === 'DELETE' && raw.target.includes(session.id)) raw.method = 'GET';
        const answer = await sendRaw(server.port, raw);
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        if (answer.status === 201) {
          // A random body that happens to be a valid session request: end that session at once.
          const created = JSON.parse(answer.body) as SessionCreated;
          await api(server, 'DELETE', `/api/sessions/${created.id}`, { token: created.token });
        }
        const capReached = answer.status === 503 && answer.body.includes('Toutes les places');
        expect((answer.status >= 200 && answer.status < 500) || capReached, JSON.stringify({ raw, answer })).toBe(true);
        expect(server.process.exitCode).toBeNull();
      }),
      { numRuns: 4000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 100_000) },
    );
    process.stdout.write(`statuses seen: ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
    expect((await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token })).status).toBe(200);
  });

  it('answers random requests on the preview listener, on random hosts, below 500', async () => {
    const id = fc.oneof(
      fc.constant(session.id),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), maxLength: 70 }),
    );
    const host = fc.oneof(
      fc
        .tuple(id, fc.constantFrom('80', '8080', '7681', '2375', '0', '99999', 'x', ''))
        .map(([i, p]) => `${i}-${p}.apercu.test`),
      fc.constantFrom('apercu.test', '127.0.0.1', `${session.id}-8080.apercu.test.evil.fr`, '', 'a'.repeat(400)),
      printable.map((s) => `${s}.apercu.test:1`),
    );
    const target = fc.oneof(
      fc.constantFrom('/', '/__apercu/', '/__apercu/x', '/__apercu/%ZZ', `/preview/${session.id}/8080/`, '*', '/%00'),
      fc
        .array(fc.oneof(printable, fc.constantFrom('__apercu', 'preview', session.id, '..', '%2e%2e')), {
          maxLength: 5,
        })
        .map((p) => '/' + p.join('/')),
    );
    const header = fc.oneof(
      fc.tuple(
        fc.constant('Cookie'),
        fc.oneof(
          printable.map((s) => `cours_apercu=${s}`),
          fc.constantFrom('cours_apercu=', '=;;=', 'cours_apercu=%ZZ'),
        ),
      ),
      fc.tuple(fc.constant('Authorization'), fc.oneof(fc.constant(`Bearer ${session.token}`), printable)),
      fc.tuple(fc.constant('Referer'), fc.oneof(printable, fc.constant(`http://127.0.0.1/preview/${session.id}/80/`))),
      fc.tuple(fc.constant('Accept'), fc.constantFrom('text/html', '*/*', '')),
      fc.tuple(fc.constantFrom('Upgrade', 'X-Forwarded-Proto'), fc.constantFrom('websocket', 'https', 'x')),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'BREW'),
      target,
      host,
      headers: fc.array(header, { maxLength: 3 }),
      body: fc.oneof(fc.constant(''), fc.string({ maxLength: 100 })),
    });
    await fc.assert(
      fc.asyncProperty(request, async (raw) => {
        const answer = await sendRaw(previewPort, raw);
        // 400 from Node's own parser for a Host it refuses; nothing may reach 500.
        expect(answer.status >= 200 && answer.status < 500, JSON.stringify({ raw, answer })).toBe(true);
        expect(server.process.exitCode).toBeNull();
      }),
      { numRuns: 1500, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 100_000) },
    );
    // A ticket still opens this session's host afterwards.
    const { body } = await api(server, 'POST', `/api/sessions/${session.id}/preview`, { token: session.token });
    const traded = await sendRaw(previewPort, {
      method: 'GET',
      target: `/__apercu/${String(body.ticket)}`,
      host: `${session.id}-8080.apercu.test`,
      headers: [],
      body: '',
    });
    expect(traded.status).toBe(303);
  });

  it('survives random WebSocket frames, before and after auth, and the terminal still works', async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 300 }).map((s) => ({ text: s })),
      fc.json({ maxDepth: 3 }).map((s) => ({ text: s })),
      fc
        .record({
          type: fc.constantFrom('auth', 'resize', 'ack', 'ping', 'pong', '__proto__', 'constructor'),
          cols: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
          rows: fc.oneof(fc.integer(), fc.constant(null)),
          bytes: fc.oneof(fc.integer(), fc.constant(-1), fc.double()),
          token: fc.oneof(fc.string({ maxLength: 250 }), fc.integer()),
        })
        .map((o) => ({ text: JSON.stringify(o) })),
      fc.uint8Array({ maxLength: 200 }).map((b) => ({ binary: Buffer.from(b) })),
    );
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(frame, { minLength: 1, maxLength: 8 }), async (authenticate, frames) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/${session.id}/terminal`);
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
        const closed = new Promise<number>((resolve) => ws.once('close', resolve));
        ws.on('error', () => {});
        if (authenticate) ws.send(JSON.stringify({ type: 'auth', token: session.token }));
        for (const f of frames) {
          // Random bytes after auth would be typed into the shell: only control frames then.
          if ('binary' in f && authenticate) continue;
          if (ws.readyState !== WebSocket.OPEN) break;
          ws.send('binary' in f ? f.binary : f.text, { binary: 'binary' in f });
        }
        await new Promise((r) => setTimeout(r, 20));
        ws.close();
        await closed;
        expect(server.process.exitCode).toBeNull();
      }),
      { numRuns: 300 },
    );
    const client = new TerminalClient(server, session.id);
    await client.open(session.token);
    expect((await client.run('echo toujours-vivant')).trim()).toBe('toujours-vivant');
    client.close();
  });
  it('survives random frames on the class feed, as the instructor, a student or nobody', async () => {
    const login = await api(server, 'POST', '/api/instructor/login', { body: { password: 'formateur-fuzz' } });
    const token = String(login.body.token);
    const created = await api(server, 'POST', '/api/classes', {
      token,
      body: { title: 'Fuzz', labs: ['tp-images'], seats: 5 },
    });
    const classId = String(created.body.id);
    const joined = await api(server, 'POST', '/api/classes/join', { body: { code: created.body.code, name: 'Fuzz' } });
    const key = String(joined.body.key);
    const frame = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json({ maxDepth: 3 }),
      fc
        .record({
          type: fc.constantFrom(
            'auth',
            'slide',
            'goto',
            'message',
            'end',
            'at',
            'control-request',
            'control-answer',
            'control-release',
            'ping',
            '__proto__',
          ),
          deck: fc.oneof(fc.constant('images-de-conteneurs'), fc.string({ maxLength: 120 })),
          h: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double(), fc.constant(null)),
          v: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.string({ maxLength: 3 })),
          lab: fc.oneof(fc.constant('tp-images'), fc.string({ maxLength: 120 })),
          step: fc.oneof(fc.constant('pull-debian'), fc.constant(null), fc.string({ maxLength: 120 })),
          text: fc.string({ maxLength: 700 }),
          learner: fc.oneof(fc.constant(String(joined.body.learner)), fc.string({ maxLength: 80 })),
          accepted: fc.oneof(fc.boolean(), fc.constant('oui')),
          // No countdown that would end the fuzzed class.
          seconds: fc.oneof(fc.constant(-1), fc.constant(9999), fc.string({ maxLength: 3 })),
        })
        .map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('instructor', 'student', 'none'),
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        async (who, frames) => {
          const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/classes/${classId}/feed`);
          await new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('error', reject);
          });
          const closed = new Promise<number>((resolve) => ws.once('close', resolve));
          ws.on('error', () => {});
          if (who !== 'none')
            ws.send(JSON.stringify(who === 'instructor' ? { type: 'auth', token } : { type: 'auth', key }));
          for (const f of frames) {
            if (ws.readyState !== WebSocket.OPEN) break;
            // A real "end" would close the class for the rest of the run.
            if (f.includes('"end"') && /"seconds":\d+(,|})/.test(f) && !/"seconds":(-1|9999)/.test(f)) continue;
            ws.send(f);
          }
          await new Promise((r) => setTimeout(r, 20));
          ws.close();
          await closed;
          expect(server.process.exitCode).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
    const dashboard = await api(server, 'GET', `/api/classes/${classId}/dashboard`, { token });
    expect(dashboard.status).toBe(200);
  });
});
