// Per-address rate limits of the routes that make something (sessions, learner keys): one
// per-minute window, answered with a 429 in French that says how long to wait.
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';

/** `what` reads after « Trop de » (e.g. « bacs à sable ouverts »); no limit when `max` is undefined. */
export function perMinute(max: number | undefined, what: string, keyGenerator?: (request: FastifyRequest) => string) {
  return {
    rateLimit: {
      max: max ?? Number.MAX_SAFE_INTEGER,
      timeWindow: '1 minute',
      ...(keyGenerator ? { keyGenerator } : {}),
      errorResponseBuilder: (_request: unknown, context: { max: number; ttl: number }) =>
        new HttpError(
          429,
          `Trop de ${what} depuis votre adresse en une minute (${context.max} au plus) : attendez ${Math.ceil(context.ttl / 1000)} s, puis réessayez.`,
        ),
    },
  };
}
