// Unit tests of the browser's API client (src/api/client.ts), against a real local HTTP server:
// a busy server's 503 is sent again after its Retry-After with the wait told in French, within
// the call's patience; refusals carry the server's French message; an abort stops the wait.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiRequestError, apiFetch, isAbort, replyOf } from '../../../../src/api/client.ts';
import { z } from 'zod';

let server: Server;
let base = '';
let handler: (request: IncomingMessage, response: ServerResponse, body: string) => void = () => {};
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(body);
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  bodies.length = 0;
});

const busy = (response: ServerResponse, seconds = '1') =>
  response
    .writeHead(503, { 'content-type': 'application/json', 'retry-after': seconds })
    .end(JSON.stringify({ error: 'Le serveur est très chargé en ce moment.' }));

describe('apiFetch', () => {
  it('sends a refused-while-busy request again after the wait the server asks for, and says so', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls < 3) busy(response);
      else response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    const waits: string[] = [];
    const started = Date.now();
    const response = await apiFetch(
      `${base}/join`,
      { method: 'POST', body: '{"name":"Alice"}' },
      { onWait: (message) => waits.push(message) },
    );
    expect(response.status).toBe(201);
    expect(await replyOf(response, z.object({ ok: z.literal(true) }))).toEqual({ ok: true });
    expect(calls).toBe(3);
    // The same body each time: the server refused the work before it began.
    expect(bodies).toEqual(['{"name":"Alice"}', '{"name":"Alice"}', '{"name":"Alice"}']);
    expect(waits).toEqual([
      'Le serveur est très chargé : nouvel essai dans 1 s…',
      'Le serveur est très chargé : nouvel essai dans 1 s…',
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('gives the server’s French refusal once its patience would be exceeded', async () => {
    handler = (_request, response) => busy(response, '5');
    const error = await apiFetch(`${base}/join`, { method: 'POST', body: '{}' }, { patienceMs: 2_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiRequestError);
    expect((error as ApiRequestError).status).toBe(503);
    expect((error as ApiRequestError).message).toBe('Le serveur est très chargé en ce moment.');
    expect(bodies).toHaveLength(1);
  });

  it('does not send again a 503 without Retry-After, nor any other refusal', async () => {
    handler = (_request, response) => response.writeHead(503).end('<html>proxy</html>');
    const plain = await apiFetch(`${base}/x`).catch((e: unknown) => e);
    expect((plain as ApiRequestError).message).toBe(
      'Le serveur a rencontré une erreur (503) : réessayez dans un instant.',
    );
    handler = (_request, response) =>
      response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
        .end(JSON.stringify({ error: 'Trop de codes erronés.' }));
    const limited = await apiFetch(`${base}/x`).catch((e: unknown) => e);
    expect((limited as ApiRequestError).status).toBe(429);
    expect((limited as ApiRequestError).message).toBe('Trop de codes erronés.');
    expect(bodies).toHaveLength(2);
  });

  it('stops waiting when the caller aborts', async () => {
    handler = (_request, response) => busy(response, '5');
    const controller = new AbortController();
    const pending = apiFetch(`${base}/lint`, { method: 'POST', body: '{}', signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    expect(isAbort(await pending)).toBe(true);
    expect(bodies).toHaveLength(1);
  });

  it('says in French when the server cannot be reached, and when a reply is not what was expected', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await apiFetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect((unreachable as ApiRequestError).status).toBe(0);
    expect((unreachable as ApiRequestError).message).toMatch(/Le serveur ne répond pas/);

    handler = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    const odd = await replyOf(await apiFetch(`${base}/x`), z.object({ b: z.string() })).catch((e: unknown) => e);
    expect((odd as ApiRequestError).message).toMatch(/Réponse inattendue du serveur/);
  });
});
