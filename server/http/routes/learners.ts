// A learner's progress: the steps they passed, in every TP, with the date of the first pass.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { learnerParams, progressSchema } from '../../../shared/contract.ts';
import type { AppDeps } from '../deps.ts';
import { errorReplies } from './schemas.ts';

export const learnerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api/learners/:learner/progress',
    {
      schema: {
        summary: 'The steps a learner passed',
        tags: ['learners'],
        params: learnerParams,
        response: { 200: progressSchema, ...errorReplies(400) },
      },
    },
    (request) => ({ learner: request.params.learner, steps: deps.progress.forLearner(request.params.learner) }),
  );
};
