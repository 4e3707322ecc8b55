// The preview origin (PREVIEW_PORT): a second listener that serves only the students' web
// previews, so their pages and scripts never run on the course's own origin (where they could
// read learner keys or act with the instructor's cookie). A browser opens a preview with the
// cookie scoped to its session's path, or, with PREVIEW_HOST, on its own host (host.ts); the
// course pages may frame it, nobody else.
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { limits } from '../../../shared/limits.ts';
import { limitConnectionsPerAddress, listenerTimeouts, limitWebSocketsPerClient } from '../connection-limits.ts';
import type { AppDeps } from '../deps.ts';
import { servicesOf } from '../auth.ts';
import { toUserError } from '../errors.ts';
import { errorPagePolicy, sendPreviewError } from './error-page.ts';
import { hostRequests, type PreviewHost, type PreviewTickets, targetOfHost, ticketPath } from './host.ts';
import { previewCookie, previewCookieMatches, previewRoutes, previewToken } from './proxy.ts';

export interface PreviewAppOptions {
  /** The course's origins: they alone may frame a preview. */
  frameAncestors: string[];
  /** PREVIEW_HOST's wildcard form, and the tickets its hosts trade for their cookie. */
  host?: { name: PreviewHost; tickets: PreviewTickets };
  /** Fastify's trustProxy: whether X-Forwarded-Proto says the browser used https (Secure cookie). */
  trustProxy?: boolean | number | string[];
  /** TCP connections one address may hold open (applied only without trustProxy); unbounded when absent. */
  connectionsPerClient?: number;
  /** WebSockets one client address may hold open through the previews; unbounded when absent. */
  webSocketsPerClient?: number;
}

export async function buildPreviewApp(deps: AppDeps, options: PreviewAppOptions): Promise<FastifyInstance> {
  const host = options.host;
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    // A student's app may take its time to answer; the request itself must arrive in time.
    requestTimeout: 120_000,
    keepAliveTimeout: 10_000,
    http: listenerTimeouts,
    trustProxy:
      typeof options.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (options.trustProxy as number)
        : (options.trustProxy ?? false),
    // On a preview host, every path is the sandbox's: it becomes /preview/<id>/<port>/<path>,
    // and the proxy then adds no prefix to the answer's links and cookies.
    rewriteUrl: (raw) => {
      const url = raw.url ?? '/';
      const target = host ? targetOfHost(host.name, raw.headers.host) : undefined;
      if (!target) return url;
      hostRequests.set(raw, target);
      if (url.startsWith(ticketPath)) return url;
      return `/preview/${target.id}/${target.port}${url.startsWith('/') ? url : `/${url}`}`;
    },
  });
  if (options.connectionsPerClient && !options.trustProxy) {
    limitConnectionsPerAddress(app.server, options.connectionsPerClient, 'preview');
  }
  app.setErrorHandler((error, request, reply) => {
    const { status, message } = toUserError(error);
    if (status >= 500) deps.log.warn('preview failed', { path: request.url.slice(0, 200), error });
    return sendPreviewError(request, reply, status, message);
  });
  app.addHook('onSend', async (_request, reply) => {
    const framing = `frame-ancestors 'self' ${options.frameAncestors.join(' ')}`;
    const own = reply.getHeader('content-security-policy') === errorPagePolicy;
    void reply.header('content-security-policy', own ? `${errorPagePolicy}; ${framing}` : framing);
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: limits.maxFrameBytes * 16 } });
  // After the WebSocket plugin's own hook, which closes the socket of an upgrade it refused.
  if (options.webSocketsPerClient) limitWebSocketsPerClient(app, options.webSocketsPerClient, 'preview');
  await app.register(previewRoutes, { ...deps, acceptCookie: true });
  if (host) {
    // The TP page's ticket becomes this host's own cookie (Path=/, no other host gets it). Not
    // Strict: the browser arrives here from the course's page, by a redirect. On https, None,
    // so that the framed preview keeps it even when the course is on another site.
    app.get<{ Params: { ticket: string } }>(
      `${ticketPath}:ticket`,
      { schema: { hide: true } },
      async (request, reply) => {
        const target = hostRequests.get(request.raw);
        if (!target) {
          return sendPreviewError(request, reply, 404, 'Adresse inconnue : ouvrez l’aperçu depuis la page du TP.');
        }
        const session = servicesOf(deps).sessions.get(target.id);
        // A reload or « Précédent » brings a used ticket back: the cookie it gave still opens.
        if (session && previewCookieMatches(request.cookies[previewCookie], session.tokenHash)) {
          return reply.header('cache-control', 'no-store').redirect('/', 303);
        }
        if (!session || !host.tickets.redeem(request.params.ticket.slice(0, 100), target.id)) {
          return sendPreviewError(
            request,
            reply,
            403,
            'Ce lien d’aperçu a expiré ou a déjà servi : rouvrez l’aperçu depuis la page du TP (onglet « Aperçu web »).',
          );
        }
        void reply.setCookie(previewCookie, previewToken(session.tokenHash), {
          httpOnly: true,
          sameSite: request.protocol === 'https' ? 'none' : 'lax',
          path: '/',
          secure: request.protocol === 'https',
          expires: session.expiresAt,
        });
        return reply.header('cache-control', 'no-store').redirect('/', 303);
      },
    );
  }
  // A page's absolute links (Apache's default page asks for /icons/…) lose the preview prefix:
  // the page they came from, in the Referer, says which preview they belong to.
  app.setNotFoundHandler((request, reply) => {
    const referer = request.headers.referer;
    let from: URL | undefined;
    try {
      from = referer ? new URL(referer) : undefined;
    } catch {
      from = undefined;
    }
    const match =
      from && from.host === request.headers.host && !hostRequests.has(request.raw)
        ? /^\/preview\/([a-f0-9]{1,64})\/(\d{1,5})\//.exec(from.pathname)
        : null;
    if (match && !request.url.startsWith('/preview/')) {
      return reply.redirect(`/preview/${match[1]}/${match[2]}${request.url}`, 307);
    }
    return sendPreviewError(
      request,
      reply,
      404,
      'Cette adresse ne sert que les aperçus des bacs à sable : ouvrez-les depuis la page du TP.',
    );
  });
  return app;
}
