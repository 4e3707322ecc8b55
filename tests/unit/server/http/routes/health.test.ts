// Unit tests of the health plugin through inject: health, readiness, Prometheus metrics and the OpenAPI document.
import { afterEach, describe, expect, it } from 'vitest';
import type { Health, Readiness } from '../../../../../shared/contract.ts';
import { appFixture, type Fixture, type FixtureOptions } from '../../../fixtures/app-fixture.ts';

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

async function app(options: FixtureOptions = {}) {
  const fixture = await appFixture(options);
  fixtures.push(fixture);
  return fixture.app;
}

describe('GET /api/health', () => {
  it('answers that the server and the engine live', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json<Health>()).toEqual({ ok: true, engine: true });
  });

  it('still answers 200 without an engine, with engine false', async () => {
    const res = await (await app({ noEngine: true })).inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json<Health>()).toEqual({ ok: true, engine: false });
  });

  it('sends the security headers', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('GET /api/ready', () => {
  it('answers 200 once ready', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/api/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json<Readiness>()).toEqual({ ready: true, waiting: [] });
  });

  it('answers 503 with what it waits for', async () => {
    const res = await (await app({ noEngine: true })).inject({ method: 'GET', url: '/api/ready' });
    expect(res.statusCode).toBe(503);
    const body = res.json<Readiness>();
    expect(body.ready).toBe(false);
    expect(body.waiting).toEqual(['moteur']);
  });
});

describe('GET /metrics', () => {
  it('exposes the Prometheus metrics as text', async () => {
    const server = await app();
    await server.inject({ method: 'GET', url: '/api/health' });
    const res = await server.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('cours_docker_http_requests_total');
    expect(res.body).toContain('cours_docker_sessions');
    expect(res.body).toMatch(/cours_docker_http_requests_total\{route="\/api\/health",method="GET",status="200"\} \d+/);
  });
});

describe('GET /api/openapi.json', () => {
  it('describes the REST contract', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/labs/{id}',
        '/api/sessions',
        '/api/sessions/{id}',
        '/api/sessions/{id}/steps/{stepId}/check',
        '/api/learners',
        '/api/learners/me/progress',
      ]),
    );
    expect(doc.paths['/api/sessions']).toHaveProperty('post');
  });
});
