// The contract's reference (docs/api.md) and the server say the same thing: the REST routes of
// /api/openapi.json, and every message of the three WebSockets (shared/contract.ts) under its
// socket's entry. A route or a message added without documenting it, or documented but gone,
// fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  clientMessageSchema,
  feedClientMessageSchema,
  feedServerMessageSchema,
  serverMessageSchema,
  watchClientMessageSchema,
  watchServerMessageSchema,
} from '../../../shared/contract.ts';
import { appFixture } from '../fixtures/app-fixture.ts';

const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/api.md'), 'utf8');
const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

function documentedRoutes(): string[] {
  const routes = [...doc.matchAll(/`(GET|POST|DELETE|PUT|PATCH) (\/[^\s`]*)/g)].map(
    // Fastify's wildcard (`/files/*`) is `{*}` in the OpenAPI document.
    ([, method, route]) => `${method} ${(route ?? '').replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/\*$/, '/{*}')}`,
  );
  return [...new Set(routes)].sort();
}

/** A socket's entry in the reference: from its bullet to the next top-level bullet or heading. */
function socketEntry(route: string): string {
  const start = doc.indexOf(`- WebSocket \`${route}\``);
  if (start < 0) return '';
  const rest = doc.slice(start + 1);
  const end = rest.search(/\n(- |#)/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The `type` of every message a discriminated union of the contract allows. */
function messageTypes(schema: z.ZodDiscriminatedUnion): string[] {
  return schema.options.map((option) => String(((option as z.ZodObject).shape.type as z.ZodLiteral<string>).value));
}

function undocumented(entry: string, ...schemas: z.ZodDiscriminatedUnion[]): string[] {
  const types = [...new Set(schemas.flatMap(messageTypes))];
  return types.filter((type) => !entry.includes(`"type":"${type}"`));
}

describe('the contract’s reference, docs/api.md', () => {
  it('lists the routes /api/openapi.json serves, no more, no fewer', async () => {
    const fixture = await appFixture();
    try {
      const served = (await fixture.app.inject({ url: '/api/openapi.json' })).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      const routes = Object.entries(served.paths)
        .flatMap(([route, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${route}`))
        .sort();
      expect(routes.length).toBeGreaterThan(8);
      expect(documentedRoutes()).toEqual(routes);
    } finally {
      await fixture.close();
    }
  });

  it('gives every message of each WebSocket under its own entry', () => {
    expect(messageTypes(clientMessageSchema)).toContain('auth');
    expect(undocumented(socketEntry('/ws/sessions/:id/terminal'), clientMessageSchema, serverMessageSchema)).toEqual(
      [],
    );
    expect(undocumented(socketEntry('/ws/classes/:id/feed'), feedClientMessageSchema, feedServerMessageSchema)).toEqual(
      [],
    );
    expect(
      undocumented(socketEntry('/ws/sessions/:id/watch'), watchClientMessageSchema, watchServerMessageSchema),
    ).toEqual([]);
  });

  it('is where the README sends its readers', () => {
    expect(readme).toContain('[docs/api.md](docs/api.md)');
  });
});
