// Unit tests of the site plugin: no escape from the site folder, 404s, redirects, and the
// precompressed copies sent to a browser that accepts them.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressSite } from '../../../../../server/site/compress.ts';
import { appFixture, listen, type Fixture } from '../../../fixtures/app-fixture.ts';

const base = mkdtempSync(path.join(tmpdir(), 'site-'));
const site = path.join(base, 'dist');
mkdirSync(path.join(site, 'decks/d'), { recursive: true });
mkdirSync(path.join(site, '_astro'), { recursive: true });
writeFileSync(path.join(site, 'index.html'), '<h1>Accueil</h1>');
writeFileSync(path.join(site, 'decks/d/index.html'), '<h1>Deck</h1>');
writeFileSync(path.join(site, '404.html'), '<h1>Introuvable</h1>');
const script = `console.log(${JSON.stringify('diapositive '.repeat(500))});\n`;
writeFileSync(path.join(site, '_astro/deck.abc123.js'), script);
writeFileSync(path.join(base, 'secret.txt'), 'secret');

let fixture: Fixture;
let port = 0;
beforeAll(async () => {
  await compressSite(site);
  fixture = await appFixture({ siteDir: site });
  port = await listen(fixture.app);
});
afterAll(() => fixture.close());

/** Sends the raw path as given, without the URL normalisation fetch would do. */
function get(
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('serves pages with security headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('Accueil');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Only the site's own scripts run, and no other site frames it.
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'self'");
    // No inline script at all: the speaker view is a page of the site, with its own bundle.
    expect(csp).toMatch(/script-src 'self';/);
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/../secret.txt', '/..%2fsecret.txt', '/decks/../../secret.txt', '/%2e%2e/secret.txt', '//secret.txt'])(
    'never serves a file outside the site (%s)',
    async (p) => {
      const res = await get(p);
      expect(res.body.toString()).not.toContain('secret');
    },
  );

  it('answers unknown pages with the 404 page', async () => {
    const res = await get('/nulle-part/');
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain('Introuvable');
  });

  it('redirects a folder without its trailing slash', async () => {
    const res = await get('/decks/d');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/decks/d/');
  });

  it('sends the brotli copy to a browser that accepts it, and caches hashed assets for good', async () => {
    const res = await get('/_astro/deck.abc123.js', { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
    expect(res.headers['cache-control']).toContain('immutable');
    const gz = await get('/_astro/deck.abc123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await get('/_astro/deck.abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });
});
