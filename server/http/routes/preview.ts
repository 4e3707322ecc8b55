// The web preview's API: the ports listening in a session's sandbox, and the cookie that lets
// this browser open them on the preview origin (Authorization: Bearer <token>): the cookie
// itself on the path form, a ticket its preview host trades for one on the host form.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { portsSchema, previewAccessSchema, sessionParams } from '../../../shared/contract.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { type PreviewHost, type PreviewTickets, previewHostOf } from '../preview/host.ts';
import { previewCookie, previewRoutes, previewToken } from '../preview/proxy.ts';
import { perMinute } from './rate-limit.ts';
import { sandboxReady, sessionOf } from './sandbox-ready.ts';
import { errorReplies } from './schemas.ts';

export interface PreviewRouteOptions extends AppDeps {
  /** Port of the preview origin (same host); undefined when previews are not served to browsers. */
  previewPort?: number;
  /** PREVIEW_HOST's wildcard form, and the tickets its hosts trade for their cookie. */
  previewHost?: { name: PreviewHost; tickets: PreviewTickets };
}

export const previewApiRoutes: FastifyPluginAsyncZod<PreviewRouteOptions> = async (app, deps) => {
  app.get(
    '/api/sessions/:id/ports',
    {
      preHandler: sandboxReady(deps),
      schema: {
        summary: 'The ports listening in the sandbox, each with its preview address',
        tags: ['workspace'],
        params: sessionParams,
        response: { 200: portsSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 503) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { ports } = servicesOf(deps);
      const host = deps.previewHost?.name;
      const origin = deps.previewPort ? `${request.protocol}://${request.hostname}:${deps.previewPort}` : undefined;
      return (await ports.list(session.id)).map((port) => {
        const url = `/preview/${session.id}/${port}/`;
        const href = !origin
          ? undefined
          : host
            ? `${request.protocol}://${previewHostOf(host, session.id, port)}/`
            : origin + url;
        return { port, url, ...(href ? { href } : {}) };
      });
    },
  );

  app.post(
    '/api/sessions/:id/preview',
    {
      schema: {
        summary:
          'Lets this browser open the session’s previews: sets its cookie (scoped to /preview/<id>/), or with PREVIEW_HOST gives a single-use ticket for the preview host',
        tags: ['workspace'],
        params: sessionParams,
        response: { 200: previewAccessSchema, ...errorReplies(400, 401, 403, 404, 429, 503) },
      },
      // Per session, not per address: a class shares one address.
      config: perMinute(60, 'demandes d’aperçu', (r) => `apercu:${(r.params as { id?: string }).id ?? ''}`),
    },
    async (request, reply) => {
      const session = authenticatedSession(deps, request, request.params.id);
      if (!deps.previewPort) {
        throw new HttpError(503, 'L’aperçu web est désactivé sur ce serveur (PREVIEW_PORT=0).');
      }
      if (deps.previewHost) {
        const { tickets } = deps.previewHost;
        return { ticket: tickets.issue(session.id), expiresIn: Math.floor(tickets.ttlMs / 1000) };
      }
      // Cookies do not depend on the port: the preview origin, on the same host, gets it.
      void reply.setCookie(previewCookie, previewToken(session.tokenHash), {
        httpOnly: true,
        sameSite: 'strict',
        path: `/preview/${session.id}/`,
        secure: request.protocol === 'https',
        expires: session.expiresAt,
      });
      return {};
    },
  );

  // Outside tools reach the previews on the course's origin too, with their Bearer token only.
  await app.register(previewRoutes, { ...deps, acceptCookie: false });
};
