// The web preview's API: the ports listening in a session's sandbox, and the cookie that lets
// this browser open them on the preview origin (Authorization: Bearer <token>).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { portsSchema, sessionParams } from '../../../shared/contract.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { previewCookie, previewRoutes, previewToken } from '../preview/proxy.ts';
import { errorReplies } from './schemas.ts';

export interface PreviewRouteOptions extends AppDeps {
  /** Port of the preview origin (same host); undefined when previews are not served to browsers. */
  previewPort?: number;
}

export const previewApiRoutes: FastifyPluginAsyncZod<PreviewRouteOptions> = async (app, deps) => {
  app.get(
    '/api/sessions/:id/ports',
    {
      schema: {
        summary: 'The ports listening in the sandbox, each with its preview address',
        tags: ['workspace'],
        params: sessionParams,
        response: { 200: portsSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, ports } = servicesOf(deps);
      await steps.whenReady(session);
      const origin = deps.previewPort ? `${request.protocol}://${request.hostname}:${deps.previewPort}` : undefined;
      return (await ports.list(session.id)).map((port) => {
        const url = `/preview/${session.id}/${port}/`;
        return { port, url, ...(origin ? { href: origin + url } : {}) };
      });
    },
  );

  app.post(
    '/api/sessions/:id/preview',
    {
      schema: {
        summary: 'Sets this browser’s preview cookie for the session (scoped to /preview/<id>/)',
        tags: ['workspace'],
        params: sessionParams,
        response: { 204: z.null().describe('Cookie set'), ...errorReplies(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const session = authenticatedSession(deps, request, request.params.id);
      if (!deps.previewPort) {
        throw new HttpError(503, 'L’aperçu web est désactivé sur ce serveur (PREVIEW_PORT=0).');
      }
      // Cookies do not depend on the port: the preview origin, on the same host, gets it.
      void reply.setCookie(previewCookie, previewToken(session.tokenHash), {
        httpOnly: true,
        sameSite: 'strict',
        path: `/preview/${session.id}/`,
        secure: request.protocol === 'https',
        expires: session.expiresAt,
      });
      return reply.code(204).send(null);
    },
  );

  // Outside tools reach the previews on the course's origin too, with their Bearer token only.
  await app.register(previewRoutes, { ...deps, acceptCookie: false });
};
