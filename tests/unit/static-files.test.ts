// Unit tests of the static file handler: no escape from the site folder, 404s, redirects.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from '../../server/http/static.ts';

const base = mkdtempSync(path.join(tmpdir(), 'site-'));
const site = path.join(base, 'dist');
mkdirSync(path.join(site, 'decks/d'), { recursive: true });
writeFileSync(path.join(site, 'index.html'), '<h1>Accueil</h1>');
writeFileSync(path.join(site, 'decks/d/index.html'), '<h1>Deck</h1>');
writeFileSync(path.join(site, '404.html'), '<h1>Introuvable</h1>');
writeFileSync(path.join(base, 'secret.txt'), 'secret');

const handler = createStaticHandler(site);
const server = createServer((req, res) => void handler(req, res, new URL(req.url ?? '/', 'http://x').pathname));
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends the raw path as given, without the URL normalisation fetch would do. */
function get(rawPath: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('serves pages with security headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Accueil');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['/../secret.txt', '/..%2fsecret.txt', '/decks/../../secret.txt', '/%2e%2e/secret.txt'])(
    'never serves a file outside the site (%s)',
    async (p) => {
      const res = await get(p);
      expect(res.body).not.toContain('secret');
    },
  );

  it('answers unknown pages with the 404 page', async () => {
    const res = await get('/nulle-part/');
    expect(res.status).toBe(404);
    expect(res.body).toContain('Introuvable');
  });

  it('redirects a folder without its trailing slash', async () => {
    const res = await get('/decks/d');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/decks/d/');
  });
});
