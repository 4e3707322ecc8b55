// The preview origin (PREVIEW_PORT): a second listener that serves only the students' web
// previews, so their pages and scripts never run on the course's own origin (where they could
// read learner keys or act with the instructor's cookie). A browser opens a preview with the
// cookie scoped to its session's path; the course pages may frame it, nobody else.
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { limits } from '../../../shared/limits.ts';
import type { AppDeps } from '../deps.ts';
import { toUserError } from '../errors.ts';
import { previewRoutes } from './proxy.ts';

export interface PreviewAppOptions {
  /** The course's origins: they alone may frame a preview. */
  frameAncestors: string[];
}

export async function buildPreviewApp(deps: AppDeps, options: PreviewAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true, requestTimeout: 120_000 });
  app.setErrorHandler((error, request, reply) => {
    const { status, message } = toUserError(error);
    if (status >= 500) deps.log.warn('preview failed', { path: request.url.slice(0, 200), error });
    return reply.code(status).header('cache-control', 'no-store').send({ error: message });
  });
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', `frame-ancestors 'self' ${options.frameAncestors.join(' ')}`);
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: limits.maxFrameBytes * 16 } });
  await app.register(previewRoutes, { ...deps, acceptCookie: true });
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
      from && from.host === request.headers.host
        ? /^\/preview\/([a-f0-9]{1,64})\/(\d{1,5})\//.exec(from.pathname)
        : null;
    if (match && !request.url.startsWith('/preview/')) {
      return reply.redirect(`/preview/${match[1]}/${match[2]}${request.url}`, 307);
    }
    return reply
      .code(404)
      .send({ error: 'Cette adresse ne sert que les aperçus des bacs à sable : ouvrez-les depuis la page du TP.' });
  });
  return app;
}
