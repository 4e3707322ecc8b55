// The README's contract section and /api/openapi.json list the same REST routes: a route added
// to the server without documenting it, or documented but gone, fails this test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFixture } from './app-fixture.ts';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

function readmeRoutes(): string[] {
  const section = /## Public contract\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const routes = [...section.matchAll(/`(GET|POST|DELETE|PUT|PATCH) (\/[^\s`]*)/g)].map(
    // Fastify's wildcard (`/files/*`) is `{*}` in the OpenAPI document.
    ([, method, route]) => `${method} ${(route ?? '').replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/\*$/, '/{*}')}`,
  );
  return [...new Set(routes)].sort();
}

describe('the README and the OpenAPI document', () => {
  it('list the same routes', async () => {
    const fixture = await appFixture();
    try {
      const doc = (await fixture.app.inject({ url: '/api/openapi.json' })).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      const served = Object.entries(doc.paths)
        .flatMap(([route, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${route}`))
        .sort();
      expect(served.length).toBeGreaterThan(8);
      expect(readmeRoutes()).toEqual(served);
    } finally {
      await fixture.close();
    }
  });
});
