// The routes that work in a session's sandbox share one gate: the request proves the session
// named in its path with its token (Authorization: Bearer), then waits until that sandbox is
// ready (started, its TP prepared); the handler reads the proven session with sessionOf().
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../../session/manager.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';

/** The session each request proved (in an onRequest hook or in the preHandler), for its handler. */
const provenSessions = new WeakMap<FastifyRequest, Session>();

/** The session id of the route's path (`:id`); '' when it has none, which no session has. */
function pathSessionId(request: FastifyRequest): string {
  const { id } = request.params as { id?: unknown };
  return typeof id === 'string' ? id : '';
}

/**
 * Proves the session named in the path now (401, 403 or 404 otherwise) and remembers it: the
 * routes with a body call it from onRequest, so that a stranger's body is never read.
 */
export function proveSession(deps: AppDeps, request: FastifyRequest): Session {
  const session = authenticatedSession(deps, request, pathSessionId(request));
  provenSessions.set(request, session);
  return session;
}

/** The session the request proved; a handler reached without the gate is refused as unproven. */
export function sessionOf(request: FastifyRequest): Session {
  const session = provenSessions.get(request);
  if (!session) throw new HttpError(401, 'Jeton manquant : envoyez « Authorization: Bearer <jeton> ».');
  return session;
}

/**
 * The preHandler: the session proven (unless an onRequest hook did it already), then its sandbox
 * ready. It runs after the request's validation, as the handlers' own calls did.
 */
export function sandboxReady(deps: AppDeps): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request) => {
    const session = provenSessions.get(request) ?? proveSession(deps, request);
    try {
      await servicesOf(deps).steps.whenReady(session);
    } catch (error) {
      // Refused before the end of its body: the rest is read and dropped, so the connection
      // can carry the answer and the next request.
      if (!request.raw.complete) request.raw.resume();
      throw error;
    }
  };
}
