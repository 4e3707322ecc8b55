// The instructor's sign-in: a password checked at the pace of sign-in-throttle.ts (a wait that
// doubles with each failure, guesses in a queue), a token given back and set as an HttpOnly
// cookie for the pages, and a cookie that lets this browser skip the others' queues next time.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instructorLoginBody, instructorMeSchema, instructorTokenSchema } from '../../../shared/contract.ts';
import { instructorCookie } from '../../../shared/limits.ts';
import { instructorTokenOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { SignInThrottle } from '../sign-in-throttle.ts';
import { perMinute } from './rate-limit.ts';
import { errorReplies } from './schemas.ts';

/** A sign-in lasts a long teaching day. */
const tokenLifetimeSeconds = 12 * 3600;
/** A browser that signed in keeps skipping the others' queues for a school semester. */
const deviceLifetimeSeconds = 180 * 24 * 3600;

/** The instructor's browser's proof that it signed in before (HttpOnly, sent to the sign-in only). */
export const instructorDeviceCookie = 'cours_formateur_appareil';
const signInPath = '/api/instructor/login';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const frenchSeconds = (ms: number) => (ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 });

export const instructorRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const throttle = new SignInThrottle();

  app.post(
    signInPath,
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
      const device = deps.instructor.deviceOf(request.cookies[instructorDeviceCookie]);
      const attempt = await throttle.attempt({ address: request.ip, ...(device ? { device } : {}) }, () =>
        deps.instructor.verify(request.body.password),
      );
      if (attempt.outcome === 'busy') {
        deps.log.warn('instructor sign-in refused: too many guesses', { client: request.ip, shared: attempt.shared });
        void reply.header('retry-after', String(seconds(attempt.retryInMs)));
        throw new HttpError(
          429,
          attempt.shared
            ? `Trop de mots de passe formateur erronés ces dernières minutes, toutes adresses confondues : les essais passent un par un. Réessayez dans ${seconds(attempt.retryInMs)} s (un navigateur qui s’est déjà connecté n’attend pas).`
            : `Trop d’essais de mot de passe formateur en attente depuis votre adresse : réessayez dans ${seconds(attempt.retryInMs)} s.`,
        );
      }
      if (attempt.outcome === 'wrong') {
        deps.log.warn('instructor sign-in failed', { client: request.ip });
        throw new HttpError(
          401,
          `Mot de passe formateur incorrect. Il est dans INSTRUCTOR_PASSWORD, ou a été affiché au premier démarrage du serveur. Le prochain essai attendra ${frenchSeconds(attempt.retryInMs)} s.`,
        );
      }
      const { token, expiresAt } = deps.instructor.issueToken(tokenLifetimeSeconds);
      deps.log.info('instructor signed in', { client: request.ip });
      void reply.setCookie(instructorCookie, token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        expires: expiresAt,
      });
      const proof = device ? undefined : deps.instructor.issueDeviceToken();
      if (proof) {
        void reply.setCookie(instructorDeviceCookie, proof, {
          httpOnly: true,
          sameSite: 'strict',
          path: signInPath,
          secure: request.protocol === 'https',
          maxAge: deviceLifetimeSeconds,
        });
      }
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
