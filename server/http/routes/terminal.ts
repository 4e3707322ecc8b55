// The terminal WebSocket's upgrade: Origin and session checked first, so a refusal is a plain HTTP status.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sessionParams } from '../../../shared/contract.ts';
import { servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { originAllowed } from '../origin.ts';
import { TerminalSockets, type TerminalOptions } from '../terminal/connection.ts';

export interface TerminalRouteOptions extends AppDeps {
  allowedOrigins: Set<string>;
  terminal?: Partial<TerminalOptions>;
}

export const terminalRoutes: FastifyPluginAsyncZod<TerminalRouteOptions> = async (app, options) => {
  const sockets = options.services
    ? new TerminalSockets(options.services, options.log.child({ module: 'terminal' }), options.terminal, (id) =>
        options.classroom.keyboardTaken(id),
      )
    : undefined;

  app.get(
    '/ws/sessions/:id/terminal',
    {
      websocket: true,
      schema: { hide: true, params: sessionParams },
      preValidation: async (request) => {
        if (!originAllowed(request.headers.origin, options.allowedOrigins)) {
          options.log.warn('websocket origin refused', { origin: request.headers.origin?.slice(0, 200) });
          throw new HttpError(403, 'Origine non autorisée.');
        }
        const { sessions } = servicesOf(options);
        const { id } = request.params;
        if (!sessions.get(id)) throw new HttpError(404, 'Session introuvable ou terminée.');
      },
    },
    // Without session services the upgrade was refused above (503): sockets is there.
    (socket, request) => sockets?.open(socket, request.params.id),
  );
};
