// Sessions: open one (a sandbox, with the TP prepared in it), look at it, end it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSessionBody, sessionParams, sessionStateSchema } from '../../../shared/contract.ts';
import { learnerKeyHeader, learnerKeyPattern, sandboxLabId } from '../../../shared/limits.ts';
import type { Session, SessionManager } from '../../session/manager.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { learnerOf } from './learners.ts';
import { perMinute } from './rate-limit.ts';
import { errorReplies } from './schemas.ts';

function sessionState(manager: SessionManager, session: Session, token = '') {
  const ahead = manager.ahead(session.id);
  return {
    id: session.id,
    token,
    lab: session.labId,
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: manager.idleExpiresAt(session).toISOString(),
    state: session.state,
    ...(ahead === undefined ? {} : { ahead }),
  };
}

export interface SessionRouteOptions extends AppDeps {
  /** Sessions one client address may open per minute. */
  perMinute?: number;
}

export const sessionRoutes: FastifyPluginAsyncZod<SessionRouteOptions> = async (app, deps) => {
  app.post(
    '/api/sessions',
    {
      // A class's students share their school's address: each counts on their own (the class's
      // seats and each member's share bound them instead).
      config: perMinute(deps.perMinute, 'bacs à sable ouverts', (request) => {
        const key = request.headers[learnerKeyHeader];
        const learner =
          typeof key === 'string' && learnerKeyPattern.test(key) ? deps.progress.learnerForKey(key) : undefined;
        return learner && deps.classroom.membership(learner) ? `learner:${learner}` : request.ip;
      }),
      schema: {
        summary:
          'Opens a session at once: its sandbox starts in its turn (state starting, ahead), then the TP is prepared in it',
        tags: ['sessions'],
        body: createSessionBody,
        response: { 201: sessionStateSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 429, 500, 503) },
      },
    },
    (request, reply) => {
      const { sessions } = servicesOf(deps);
      // Progress is recorded for the learner whose key opened the session, and only for them.
      const learner = learnerOf(deps.progress, request) ?? null;
      if (request.body.learner !== undefined && request.body.learner !== learner) {
        throw learner
          ? new HttpError(403, 'Cet identifiant d’apprenant n’est pas celui de votre clé (X-Learner-Key).')
          : new HttpError(401, 'Clé d’apprenant manquante : envoyez l’en-tête X-Learner-Key avec « learner ».');
      }
      const lab = request.body.lab ?? sandboxLabId;
      const member = learner ? deps.classroom.membership(learner) : undefined;
      if (learner && member) deps.classroom.admitSession(learner, lab, sandboxLabId);
      // Class members are exempt from the per-address share: their class's seats bound them.
      const { session, token } = sessions.create(lab, learner, member ? null : request.ip);
      void reply.code(201).send(sessionState(sessions, session, token));
    },
  );

  app.get(
    '/api/sessions/:id',
    {
      schema: {
        summary: 'The session: state, expiry dates (Authorization: Bearer <token>)',
        tags: ['sessions'],
        params: sessionParams,
        response: { 200: sessionStateSchema, ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    (request) => sessionState(servicesOf(deps).sessions, authenticatedSession(deps, request, request.params.id)),
  );

  app.delete(
    '/api/sessions/:id',
    {
      schema: {
        summary: 'Ends the session: its sandbox, network and volumes are removed',
        tags: ['sessions'],
        params: sessionParams,
        response: { 204: z.null().describe('Session ended'), ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const session = authenticatedSession(deps, request, request.params.id);
      await servicesOf(deps).sessions.destroy(session.id, 'deleted');
      return reply.code(204).send(null);
    },
  );
};
