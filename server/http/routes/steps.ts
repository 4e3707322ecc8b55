// A TP step in a session: its own set-up, and its check (with the answer of a question step).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { checkAnswerSchema, checkBody, setupDoneSchema, stepParams } from '../../../shared/contract.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { errorReplies } from './schemas.ts';

/** Both step routes take the same path, body and errors; only the summary and the reply differ. */
function stepSchema<Reply extends ZodType>(summary: string, reply: Reply) {
  return {
    summary,
    tags: ['steps'],
    params: stepParams,
    body: checkBody,
    response: { 200: reply, ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 500, 503) },
  };
}

export const stepRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/api/sessions/:id/steps/:stepId/check',
    { schema: stepSchema('Checks a step in the sandbox; a question step takes {"answer"}', checkAnswerSchema) },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      return servicesOf(deps).steps.check(session, request.params.stepId, request.body.answer);
    },
  );

  app.post(
    '/api/sessions/:id/steps/:stepId/setup',
    {
      schema: stepSchema(
        'Runs the step’s own set-up once per sandbox (the TP page calls it when a step opens)',
        setupDoneSchema,
      ),
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      await servicesOf(deps).steps.setUp(session, request.params.stepId);
      return { ok: true as const };
    },
  );
};
