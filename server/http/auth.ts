// The bearer token of a session's requests: read from the Authorization header, checked against
// the session in constant time by the session layer.
import type { FastifyRequest } from 'fastify';
import type { Session } from '../session/manager.ts';
import type { AppDeps, SessionServices } from './deps.ts';
import { engineMissing, HttpError } from './errors.ts';

export function servicesOf(deps: AppDeps): SessionServices {
  if (!deps.services) throw new HttpError(503, deps.unavailable ?? engineMissing);
  return deps.services;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
  return match?.[1];
}

/** The session named in the path when the request carries its token; counts as activity. */
export function authenticatedSession(deps: AppDeps, request: FastifyRequest, id: string): Session {
  const { sessions } = servicesOf(deps);
  const token = bearerToken(request);
  if (!token) throw new HttpError(401, 'Jeton manquant : envoyez « Authorization: Bearer <jeton> ».');
  const session = sessions.authenticate(id, token);
  if (!session) {
    throw sessions.get(id)
      ? new HttpError(403, 'Jeton invalide pour cette session.')
      : new HttpError(404, 'Session introuvable ou terminée : rechargez la page pour en ouvrir une nouvelle.');
  }
  sessions.touch(session);
  return session;
}
