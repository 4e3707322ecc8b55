// The TPs: their list and one TP's steps (title, kind, time, challenge; instructions are in the pages).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { labListSchema, labParams, labSummarySchema, type LabSummary } from '../../../shared/contract.ts';
import type { Lab } from '../../../shared/lab-schema.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { errorReplies } from './schemas.ts';

function summary(lab: Lab): LabSummary {
  return {
    id: lab.id,
    title: lab.title,
    steps: lab.steps.map(({ id, title, kind, minutes, challenge }) => ({ id, title, kind, minutes, challenge })),
  };
}

export const labRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api/labs',
    { schema: { summary: 'The TPs and their steps', tags: ['labs'], response: { 200: labListSchema } } },
    () => [...deps.labs.values()].map(summary),
  );

  app.get(
    '/api/labs/:id',
    {
      schema: {
        summary: 'One TP and its steps',
        tags: ['labs'],
        params: labParams,
        response: { 200: labSummarySchema, ...errorReplies(400, 404) },
      },
    },
    (request) => {
      const lab = deps.labs.get(request.params.id);
      if (!lab) throw new HttpError(404, `TP « ${request.params.id.slice(0, 64)} » inconnu.`);
      return summary(lab);
    },
  );
};
