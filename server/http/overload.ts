// Load shedding: when the event loop falls behind (@fastify/under-pressure measures its mean
// delay), the server refuses new work with a French 503 before it stalls, and keeps serving
// the work already running: terminals, files and checks of open sessions, health, the site.
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { shedRequests } from '../metrics/metrics.ts';
import { HttpError } from './errors.ts';

/**
 * The routes that start new work: a sandbox, a learner key, a class place, a lint, a layer
 * exploration. Refusing them costs a retry a few seconds later; refusing anything else would
 * break what a student is already doing.
 */
export const sheddableRoutes: ReadonlySet<string> = new Set([
  'POST /api/sessions',
  'POST /api/learners',
  'POST /api/classes/join',
  'POST /api/classes/recover',
  'POST /api/sessions/:id/lint',
  'GET /api/sessions/:id/images/:ref/layers',
  'GET /api/sessions/:id/images/:ref/layers/:index',
]);

export const overloadMessage =
  'Le serveur est très chargé en ce moment : réessayez dans quelques secondes (ce qui est déjà ouvert continue de fonctionner).';

/** Sheds the sheddable routes while the mean event-loop delay is above `maxEventLoopDelayMs`. */
export async function shedWhenOverloaded(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  if (maxEventLoopDelayMs <= 0) return;
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    // Sampled every half second: a stall is seen quickly, and the sampling itself costs nothing.
    sampleInterval: 500,
    // A rejected promise goes to the error handler, which words it like every other refusal.
    pressureHandler: async (request, reply) => {
      const route = `${request.method} ${request.routeOptions.url ?? ''}`;
      if (!sheddableRoutes.has(route)) return;
      shedRequests.inc({ route });
      void reply.header('retry-after', '5');
      throw new HttpError(503, overloadMessage);
    },
  });
}
