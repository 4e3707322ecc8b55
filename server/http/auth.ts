// Who a request is: the bearer token of a session (checked against the session in constant
// time by the session layer), and the instructor's token (Bearer or HttpOnly cookie).
import type { FastifyRequest } from 'fastify';
import { instructorCookie, learnerKeyHeader, learnerKeyPattern } from '../../shared/limits.ts';
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

/** The instructor's token: a Bearer (outside tools) or the HttpOnly cookie (the pages). */
export function instructorTokenOf(request: FastifyRequest): string | undefined {
  const bearer = bearerToken(request);
  if (bearer) return bearer;
  const cookie = request.cookies[instructorCookie];
  return cookie && cookie.length <= 200 ? cookie : undefined;
}

/** Refuses a request without the instructor's session: 401, or 403 for a student's key. */
export function requireInstructor(deps: AppDeps, request: FastifyRequest): void {
  const token = instructorTokenOf(request);
  if (token && deps.instructor.tokenExpiry(token)) return;
  const key = request.headers[learnerKeyHeader];
  if (typeof key === 'string' && learnerKeyPattern.test(key) && deps.progress.learnerForKey(key)) {
    throw new HttpError(403, 'Réservé au formateur : une clé d’élève ne donne pas accès à cette page.');
  }
  throw new HttpError(
    401,
    token
      ? 'Session formateur expirée ou inconnue : reconnectez-vous sur /formateur/.'
      : 'Connexion formateur requise : connectez-vous sur /formateur/ (ou envoyez « Authorization: Bearer <jeton> »).',
  );
}
