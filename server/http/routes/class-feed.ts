// The classroom's WebSocket upgrades (class feed, watch): Origin, class and session checked first.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { classParams, sessionParams } from '../../../shared/contract.ts';
import { instructorCookie } from '../../../shared/limits.ts';
import type { FastifyRequest } from 'fastify';
import { servicesOf } from '../auth.ts';
import { ClassFeedConnection } from '../classroom/feed.ts';
import { WatchConnection } from '../classroom/watch.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { originAllowed } from '../origin.ts';

export interface ClassFeedRouteOptions extends AppDeps {
  allowedOrigins: Set<string>;
}

function cookieToken(request: FastifyRequest): string | undefined {
  const token = request.cookies[instructorCookie];
  return token && token.length <= 200 ? token : undefined;
}

export const classFeedRoutes: FastifyPluginAsyncZod<ClassFeedRouteOptions> = async (app, options) => {
  const log = options.log.child({ module: 'classroom' });
  const checkOrigin = (request: FastifyRequest) => {
    if (!originAllowed(request.headers.origin, options.allowedOrigins)) {
      log.warn('websocket origin refused', { origin: request.headers.origin?.slice(0, 200) });
      throw new HttpError(403, 'Origine non autorisée.');
    }
  };

  app.get(
    '/ws/classes/:id/feed',
    {
      websocket: true,
      schema: { hide: true, params: classParams },
      preValidation: async (request) => {
        checkOrigin(request);
        options.classroom.get(request.params.id);
      },
    },
    (socket, request) => {
      new ClassFeedConnection(socket, request.params.id, cookieToken(request), options, log);
    },
  );

  app.get(
    '/ws/sessions/:id/watch',
    {
      websocket: true,
      schema: { hide: true, params: sessionParams },
      preValidation: async (request) => {
        checkOrigin(request);
        const { sessions } = servicesOf(options);
        if (!sessions.get(request.params.id)) throw new HttpError(404, 'Session introuvable ou terminée.');
      },
    },
    (socket, request) => {
      new WatchConnection(socket, request.params.id, cookieToken(request), options, servicesOf(options), log);
    },
  );
};
