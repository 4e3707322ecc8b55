// A TP step in a session: its own set-up, and its check (with the answer of a question step).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { checkAnswerSchema, checkBody, setupDoneSchema, stepParams } from '../../../shared/contract.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { errorReplies } from './schemas.ts';

export const stepRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/api/sessions/:id/steps/:stepId/check',
    {
      schema: {
        summary: 'Checks a step in the sandbox; a question step takes {"answer"}',
        tags: ['steps'],
        params: stepParams,
        body: checkBody,
        response: { 200: checkAnswerSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 500, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      return servicesOf(deps).steps.check(session, request.params.stepId, request.body.answer);
    },
  );

  app.post(
    '/api/sessions/:id/steps/:stepId/setup',
    {
      schema: {
        summary: 'Runs the step’s own set-up once per sandbox (the TP page calls it when a step opens)',
        tags: ['steps'],
        params: stepParams,
        body: checkBody,
        response: { 200: setupDoneSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 500, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      await servicesOf(deps).steps.setUp(session, request.params.stepId);
      return { ok: true as const };
    },
  );
};
