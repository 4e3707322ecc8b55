// Learners: the server issues each one a key (a browser keeps it), and a learner's progress —
// the steps they passed, in every TP — is read with that key in a header, never in the URL.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createLearnerBody, learnerCreatedSchema, progressSchema } from '../../../shared/contract.ts';
import { learnerKeyHeader, learnerKeyPattern } from '../../../shared/limits.ts';
import type { FastifyRequest } from 'fastify';
import type { ProgressStore } from '../../progress/store.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { perMinute } from './rate-limit.ts';
import { errorReplies } from './schemas.ts';

/**
 * The learner whose key the request carries; undefined without one. A key that is malformed
 * or unknown (a database reset, say) gets a 403 the browser answers by asking for a new key.
 */
export function learnerOf(progress: ProgressStore, request: FastifyRequest): string | undefined {
  const key = request.headers[learnerKeyHeader];
  if (key === undefined) return undefined;
  const learner = typeof key === 'string' && learnerKeyPattern.test(key) ? progress.learnerForKey(key) : undefined;
  if (!learner) {
    throw new HttpError(403, 'Clé d’apprenant inconnue : rechargez la page, une nouvelle clé sera créée.');
  }
  return learner;
}

export interface LearnerRouteOptions extends AppDeps {
  /** Learner keys one client address may ask for per minute. */
  perMinute?: number;
}

export const learnerRoutes: FastifyPluginAsyncZod<LearnerRouteOptions> = async (app, deps) => {
  app.post(
    '/api/learners',
    {
      config: perMinute(deps.perMinute, 'clés d’apprenant demandées'),
      schema: {
        summary: 'Issues a learner key (kept by the browser; sent as X-Learner-Key)',
        tags: ['learners'],
        body: createLearnerBody,
        response: { 201: learnerCreatedSchema, ...errorReplies(400, 403, 413, 415, 429) },
      },
    },
    (request, reply) => {
      const { key } = deps.progress.createLearner(request.body.legacyId);
      void reply.code(201).send({ key });
    },
  );

  app.get(
    '/api/learners/me/progress',
    {
      schema: {
        summary: 'The steps the learner passed (X-Learner-Key: <key>)',
        tags: ['learners'],
        response: { 200: progressSchema, ...errorReplies(401, 403) },
      },
    },
    (request) => {
      const learner = learnerOf(deps.progress, request);
      if (!learner) throw new HttpError(401, 'Clé d’apprenant manquante (en-tête X-Learner-Key).');
      return { steps: deps.progress.forLearner(learner) };
    },
  );
};
