// The instructor's sign-in: a password checked with a delay that grows on repeated failures
// from one address, a token given back and set as an HttpOnly cookie for the pages.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instructorLoginBody, instructorMeSchema, instructorTokenSchema } from '../../../shared/contract.ts';
import { instructorCookie } from '../../../shared/limits.ts';
import { instructorTokenOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { perMinute } from './rate-limit.ts';
import { errorReplies } from './schemas.ts';

/** A sign-in lasts a long teaching day. */
const tokenLifetimeSeconds = 12 * 3600;
/** Failures are forgotten this long after the last one. */
const failureMemoryMs = 15 * 60 * 1000;
const maxDelayMs = 16_000;

/** Recent failed sign-ins per client address: each one doubles the wait of the next try. */
class FailureDelays {
  private readonly failures = new Map<string, { count: number; last: number }>();

  delayFor(client: string): number {
    const entry = this.failures.get(client);
    if (!entry || Date.now() - entry.last > failureMemoryMs) return 0;
    return Math.min(maxDelayMs, 250 * 2 ** (entry.count - 1));
  }

  failed(client: string): void {
    const entry = this.failures.get(client);
    const fresh = !entry || Date.now() - entry.last > failureMemoryMs;
    this.failures.delete(client);
    this.failures.set(client, { count: fresh ? 1 : entry.count + 1, last: Date.now() });
    // Bounded: the oldest addresses go first (a Map iterates in insertion order).
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value ?? '');
  }

  succeeded(client: string): void {
    this.failures.delete(client);
  }
}

export const instructorRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const delays = new FailureDelays();

  app.post(
    '/api/instructor/login',
    {
      config: perMinute(20, 'tentatives de connexion'),
      schema: {
        summary: 'Signs the instructor in: a token, also set as the HttpOnly cookie cours_formateur',
        tags: ['instructor'],
        body: instructorLoginBody,
        response: { 200: instructorTokenSchema, ...errorReplies(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const wait = delays.delayFor(request.ip);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!(await deps.instructor.verify(request.body.password))) {
        delays.failed(request.ip);
        deps.log.warn('instructor sign-in failed', { client: request.ip });
        throw new HttpError(
          401,
          'Mot de passe formateur incorrect. Il est dans INSTRUCTOR_PASSWORD, ou a été affiché au premier démarrage du serveur.',
        );
      }
      delays.succeeded(request.ip);
      const { token, expiresAt } = deps.instructor.issueToken(tokenLifetimeSeconds);
      deps.log.info('instructor signed in', { client: request.ip });
      void reply.setCookie(instructorCookie, token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        expires: expiresAt,
      });
      return { token, expiresAt: expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/instructor/logout',
    {
      schema: {
        summary: 'Signs the instructor out (the token stops working)',
        tags: ['instructor'],
        response: { 204: z.null().describe('Signed out'), ...errorReplies(403) },
      },
    },
    async (request, reply) => {
      const token = instructorTokenOf(request);
      if (token) deps.instructor.revokeToken(token);
      void reply.clearCookie(instructorCookie, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/instructor/me',
    {
      schema: {
        summary: 'Whether the instructor is signed in (their token or cookie)',
        tags: ['instructor'],
        response: { 200: instructorMeSchema, ...errorReplies(401) },
      },
    },
    (request) => {
      const token = instructorTokenOf(request);
      const expiresAt = token ? deps.instructor.tokenExpiry(token) : undefined;
      if (!expiresAt) throw new HttpError(401, 'Pas connecté en tant que formateur.');
      return { expiresAt: expiresAt.toISOString() };
    },
  );
};
