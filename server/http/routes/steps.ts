// A TP step in a session: its own set-up, and its check (with the answer of a question step).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import {
  checkAnswerSchema,
  checkBody,
  emptyBody,
  hintBody,
  hintSchema,
  setupDoneSchema,
  solutionSchema,
  stepParams,
} from '../../../shared/contract.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { errorReplies } from './schemas.ts';

/** The step routes take the same path and errors; the summary, the body and the reply differ. */
function stepSchema<Body extends ZodType, Reply extends ZodType>(summary: string, body: Body, reply: Reply) {
  return {
    summary,
    tags: ['steps'],
    params: stepParams,
    body,
    response: { 200: reply, ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 500, 503) },
  };
}

export const stepRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/api/sessions/:id/steps/:stepId/check',
    {
      schema: stepSchema(
        'Checks a step in the sandbox; a question step takes {"answer"}',
        checkBody,
        checkAnswerSchema,
      ),
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      // The evidence is the instructor's: the student gets the verdict and its message.
      const { passed, message } = await servicesOf(deps).steps.check(
        session,
        request.params.stepId,
        request.body.answer,
      );
      return { passed, message };
    },
  );

  app.post(
    '/api/sessions/:id/steps/:stepId/setup',
    {
      schema: stepSchema(
        'Runs the step’s own set-up once per sandbox (the TP page calls it when a step opens)',
        checkBody,
        setupDoneSchema,
      ),
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      await servicesOf(deps).steps.setUp(session, request.params.stepId);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/sessions/:id/steps/:stepId/hint',
    {
      schema: stepSchema(
        'One hint of the step, as HTML, one at a time ({"index"}: 0 first); recorded for the instructor',
        hintBody,
        hintSchema,
      ),
    },
    (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      return servicesOf(deps).steps.hint(session, request.params.stepId, request.body.index);
    },
  );

  app.post(
    '/api/sessions/:id/steps/:stepId/solution',
    {
      schema: stepSchema('The step’s solution, as HTML; recorded for the instructor', emptyBody, solutionSchema),
    },
    (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      return servicesOf(deps).steps.solution(session, request.params.stepId);
    },
  );
};
