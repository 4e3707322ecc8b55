// Health, readiness and Prometheus metrics: what an operator's probes and scrapers call.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthSchema, readinessSchema } from '../../../shared/contract.ts';
import { registry } from '../../metrics/metrics.ts';
import type { AppDeps } from '../deps.ts';

export const healthRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api/health',
    {
      schema: {
        summary: 'The server lives; engine says whether the Docker engine answers',
        tags: ['health'],
        response: { 200: healthSchema },
      },
    },
    async () => ({ ok: true as const, engine: await deps.engineAvailable() }),
  );

  app.get(
    '/api/ready',
    {
      schema: {
        summary: 'Ready for students: engine, images, course registry and warm pool (503 until then)',
        tags: ['health'],
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const readiness = await deps.readiness();
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text format)', tags: ['health'] } },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
    },
  );
};
