// The Fastify application: zod validation and serialisation of every route, one error handler
// that words every failure in French, the Origin check, the OpenAPI document, request metrics,
// then one plugin per resource and the static site.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { limits } from '../../shared/limits.ts';
import { httpRequests } from '../metrics/metrics.ts';
import { contentSecurityDirectives } from './csp.ts';
import type { AppDeps } from './deps.ts';
import { HttpError, toUserError } from './errors.ts';
import { limitConnectionsPerAddress, listenerTimeouts, limitWebSocketsPerClient } from './connection-limits.ts';
import { originAllowed } from './origin.ts';
import { shedWhenOverloaded } from './overload.ts';
import { classFeedRoutes } from './routes/class-feed.ts';
import { classRoutes } from './routes/classes.ts';
import { fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { type PreviewHost, type PreviewTickets, previewHostSource } from './preview/host.ts';
import { previewApiRoutes } from './routes/preview.ts';
import { imageRoutes } from './routes/images.ts';
import { instructorRoutes } from './routes/instructor.ts';
import { labRoutes } from './routes/labs.ts';
import { learnerRoutes } from './routes/learners.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { siteRoutes } from './routes/site.ts';
import { stepRoutes } from './routes/steps.ts';
import { terminalRoutes } from './routes/terminal.ts';
import type { TerminalOptions } from './terminal/connection.ts';

// Zod's own issue messages in French, for the fields whose schema has no message of its own.
z.config(z.locales.fr());

export interface AppOptions {
  siteDir: string;
  allowedOrigins: Set<string>;
  /** Sessions one client address may open per minute (unbounded when absent). */
  sessionsPerClientPerMinute?: number;
  /** Fastify's trustProxy: whose X-Forwarded-For gives the client's address. */
  trustProxy?: boolean | number | string[];
  /** Largest WebSocket frame accepted; bigger ones close the connection with code 1009. */
  maxFrameBytes?: number;
  terminal?: Partial<TerminalOptions>;
  /** Port of the preview origin (PREVIEW_PORT), when previews are served to browsers. */
  previewPort?: number;
  /** PREVIEW_HOST's wildcard form, and the tickets its hosts trade for their cookie. */
  previewHost?: { name: PreviewHost; tickets: PreviewTickets };
  /** TCP connections one address may hold open (applied only without trustProxy); unbounded when absent. */
  connectionsPerClient?: number;
  /** WebSockets one client address may hold open; unbounded when absent. */
  webSocketsPerClient?: number;
  /** Mean event-loop delay (ms) past which new work is refused with a 503; 0 or absent: never. */
  overloadEventLoopDelay?: number;
}

export const openApiPath = '/api/openapi.json';

/** Where the previews are: the course's origins with the preview port instead of theirs, or the preview hosts. */
function previewOrigins(
  origins: Set<string>,
  previewPort: number | undefined,
  host: PreviewHost | undefined,
): string[] {
  if (!previewPort) return [];
  if (host) return [previewHostSource(host)];
  return [...origins].flatMap((origin) => {
    try {
      const url = new URL(origin);
      url.port = String(previewPort);
      return [url.origin];
    } catch {
      return [];
    }
  });
}

function invalidJson(): Error {
  return Object.assign(new Error('invalid JSON body'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
}

/** The Fastify instance with the server's timeouts, JSON-only body parsing and validators. */
function createInstance(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    forceCloseConnections: true,
    // A hop count trusts that many proxies in front of the server (proxy-addr's trust function).
    trustProxy:
      typeof options.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (options.trustProxy as number)
        : (options.trustProxy ?? false),
    // Time to receive a whole request (headers and body), not to answer it: a client that
    // trickles its request byte by byte is cut off; a check that runs for minutes is not.
    requestTimeout: 30_000,
    // Idle keep-alive connections go after 10 s (Fastify's default is 72 s): a client cannot
    // hoard idle sockets, and browsers reopen one in a round trip.
    keepAliveTimeout: 10_000,
    http: listenerTimeouts,
    routerOptions: { maxParamLength: 200 },
    // Errors Fastify meets before routing (a bad percent-encoding, say) are worded like the others.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, message } = toUserError(error);
      void reply.code(status).header('cache-control', 'no-store').send({ error: message });
    },
  }).withTypeProvider<ZodTypeProvider>();
  if (options.connectionsPerClient && !options.trustProxy) {
    limitConnectionsPerAddress(app.server, options.connectionsPerClient, 'site');
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only (anything else is a 415), with our own parser: an empty body reads as {} (the
  // browser and curl send none for checks).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(invalidJson(), undefined);
    }
  });

  return app;
}

/** Refusals in French, whatever raised them, and the 404 of an unknown route or page. */
function answerErrors(app: FastifyInstance, deps: AppDeps, siteDir: string): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, message } = toUserError(error);
    if (status >= 500)
      deps.log.error('request failed', { method: request.method, path: request.url.slice(0, 200), error });
    return reply.code(status).header('cache-control', 'no-store').send({ error: message });
  });

  // Looked up once: the site is built before the server starts.
  const hasNotFoundPage = existsSync(path.join(siteDir, '404.html'));
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    if (pathname.startsWith('/api/') || pathname.startsWith('/ws/')) {
      return reply.code(404).send({ error: `Route inconnue : ${request.method} ${pathname.slice(0, 100)}.` });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply
        .code(405)
        .header('allow', 'GET, HEAD')
        .type('text/plain; charset=utf-8')
        .send('Méthode non autorisée : les pages du cours se lisent avec GET.');
    }
    if (!hasNotFoundPage) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('Page introuvable. Le site est-il construit ? Lancez « npm start ».');
    }
    return reply.code(404).sendFile('404.html');
  });
}

/** Origin check on the API's writes, empty bodies read as {}, and the requests counted. */
function guardRequests(app: FastifyInstance, options: AppOptions): void {
  app.addHook('onRequest', async (request) => {
    if (
      request.url.startsWith('/api/') &&
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      !originAllowed(request.headers.origin, options.allowedOrigins)
    ) {
      throw new HttpError(403, 'Origine non autorisée : ouvrez le cours depuis son adresse habituelle.');
    }
  });
  // A request with no body reads as {} for the routes that take one, and is validated as such.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
  app.addHook('onResponse', async (request, reply) => {
    httpRequests.inc({
      route: request.routeOptions.url ?? 'inconnue',
      method: request.method,
      status: String(reply.statusCode),
    });
  });
}

/** OpenAPI, WebSockets (bounded per client), security headers, rate limits and cookies. */
async function registerPlugins(app: FastifyInstance, options: AppOptions): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Cours Docker',
        description:
          'REST contract of the Docker course platform. The WebSockets (terminal /ws/sessions/{id}/terminal, class feed /ws/classes/{id}/feed, watch /ws/sessions/{id}/watch) are described in docs/api.md.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: options.maxFrameBytes ?? limits.maxFrameBytes } });
  // After the WebSocket plugin's own hook, which closes the socket of an upgrade it refused.
  if (options.webSocketsPerClient) limitWebSocketsPerClient(app, options.webSocketsPerClient, 'site');

  // Security headers on every answer; the Content-Security-Policy is in csp.ts (only the site's
  // own scripts, no inline one; nobody frames the site).
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...contentSecurityDirectives,
        // The « Aperçu web » tab frames the preview origin: the same hosts on PREVIEW_PORT, or
        // the hosts of PREVIEW_HOST.
        frameSrc: [
          ...contentSecurityDirectives.frameSrc,
          ...previewOrigins(options.allowedOrigins, options.previewPort, options.previewHost?.name),
        ],
      },
    },
    // Plain HTTP on a classroom LAN is a supported set-up: no HSTS, no upgrade of requests.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyCookie);
}

async function registerRoutes(app: FastifyInstance, deps: AppDeps, options: AppOptions): Promise<void> {
  await app.register(healthRoutes, deps);
  await app.register(labRoutes, deps);
  await app.register(sessionRoutes, {
    ...deps,
    ...(options.sessionsPerClientPerMinute ? { perMinute: options.sessionsPerClientPerMinute } : {}),
  });
  await app.register(stepRoutes, deps);
  await app.register(imageRoutes, deps);
  await app.register(fileRoutes, deps);
  await app.register(previewApiRoutes, {
    ...deps,
    ...(options.previewPort ? { previewPort: options.previewPort } : {}),
    ...(options.previewHost ? { previewHost: options.previewHost } : {}),
  });
  // Each new browser asks for one key before its first session: a class behind one NAT needs
  // a few per session opened.
  await app.register(learnerRoutes, {
    ...deps,
    ...(options.sessionsPerClientPerMinute ? { perMinute: 3 * options.sessionsPerClientPerMinute } : {}),
  });
  await app.register(terminalRoutes, {
    ...deps,
    allowedOrigins: options.allowedOrigins,
    ...(options.terminal ? { terminal: options.terminal } : {}),
  });
  await app.register(instructorRoutes, deps);
  await app.register(classRoutes, {
    ...deps,
    // A whole class joins from one address within a minute or two.
    ...(options.sessionsPerClientPerMinute
      ? { joinsPerMinute: Math.max(120, 3 * options.sessionsPerClientPerMinute) }
      : {}),
  });
  await app.register(classFeedRoutes, { ...deps, allowedOrigins: options.allowedOrigins });
  app.get(openApiPath, { schema: { summary: 'This OpenAPI document', tags: ['health'] } }, () => app.swagger());
  await app.register(siteRoutes, { siteDir: options.siteDir });
}

export async function buildApp(deps: AppDeps, options: AppOptions): Promise<FastifyInstance> {
  const app = createInstance(options);
  answerErrors(app, deps, options.siteDir);
  await shedWhenOverloaded(app, options.overloadEventLoopDelay ?? 0);
  guardRequests(app, options);
  await registerPlugins(app, options);
  await registerRoutes(app, deps, options);
  return app;
}
