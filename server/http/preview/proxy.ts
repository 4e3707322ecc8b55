// The web preview's reverse proxy: /preview/<session>/<port>/… reaches that port of that
// session's sandbox, and nothing else (no other address, no other session, not the terminal
// relay nor the inner engine's API, only ports that listen). HTTP through @fastify/reply-from,
// WebSockets piped with ws. On the main origin only the Bearer token opens it (outside tools);
// on the preview origin, a browser's cookie scoped to the session's preview path (or to its
// preview host, host.ts) does too, so the student's pages never run on the course's own origin.
import { createHmac, timingSafeEqual } from 'node:crypto';
import fastifyReplyFrom from '@fastify/reply-from';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRequestArgs } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Agent, buildConnector, Pool } from 'undici';
import WebSocket from 'ws';
import { sessionIdSchema } from '../../../shared/contract.ts';
import { bearerToken, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError, toUserError } from '../errors.ts';
import { sendPreviewError } from './error-page.ts';
import { previewResponseHeaders, withoutCourseCookies } from './headers.ts';
import { hostRequests } from './host.ts';

export const previewCookie = 'cours_apercu';

/** The preview cookie's value for a session: derived from its token's hash, so it survives a restart. */
export function previewToken(tokenHash: string): string {
  return createHmac('sha256', tokenHash).update('apercu').digest('base64url');
}

/** Whether a browser's preview cookie is this session's (compared in constant time). */
export function previewCookieMatches(cookie: string | undefined, tokenHash: string): boolean {
  if (!cookie) return false;
  const expected = Buffer.from(previewToken(tokenHash));
  const given = Buffer.from(cookie);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface PreviewOptions extends AppDeps {
  /** Whether the preview cookie opens a preview (the preview origin only). */
  acceptCookie: boolean;
}

/** Request headers the sandbox never sees: our credentials. */
function forwardedHeaders(headers: Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[] | undefined> = { ...headers };
  delete out.authorization;
  const cookie = withoutCourseCookies(typeof headers.cookie === 'string' ? headers.cookie : undefined);
  if (cookie) out.cookie = cookie;
  else delete out.cookie;
  return out;
}

interface PreviewTarget {
  url: string;
  /** The path the page sees its site under: the preview path, or '' on a preview host. */
  prefix: string;
  appPath: string;
  /** The address the page's server sees itself reached on (127.0.0.1 through its engine). */
  address: string;
  port: number;
}

/**
 * Targets this machine cannot reach (a remote engine, a Swarm node's internal overlay) are named
 * `<session>.tunnel.invalid` (never resolved, RFC 6761): the connectors below open them through
 * the sandbox's engine instead of a TCP connection.
 */
const tunnelDomain = '.tunnel.invalid';

function tunnelSession(hostname: string): string | undefined {
  if (!hostname.endsWith(tunnelDomain)) return undefined;
  const id = hostname.slice(0, -tunnelDomain.length);
  return sessionIdSchema.safeParse(id).success ? id : undefined;
}

/** A connection through the sandbox's engine, its errors worded for the student. */
async function openTunnel(options: PreviewOptions, sessionId: string, port: number): Promise<Duplex> {
  try {
    return await servicesOf(options).ports.connect(sessionId, port);
  } catch (error) {
    const { status, message } = toUserError(error);
    throw new HttpError(status, message);
  }
}

/**
 * The proxy's HTTP client: a pool per preview origin (session and port). Over TCP, up to 16
 * connections; through the engine, each connection is a process in the session's checker and
 * holds one of its few slots (exec.ts), so fewer, and closed sooner when idle, so that a page's
 * burst of requests does not keep the slots from its WebSockets.
 */
function previewAgent(options: PreviewOptions): Agent {
  const direct = buildConnector({ timeout: 10_000 });
  return new Agent({
    headersTimeout: 30_000,
    bodyTimeout: 120_000,
    factory: (origin, defaults) => {
      const sessionId = tunnelSession(new URL(origin).hostname);
      if (!sessionId) return new Pool(origin, { ...defaults, connections: 16, connect: direct });
      return new Pool(origin, {
        ...defaults,
        connections: 4,
        keepAliveTimeout: 1000,
        connect: (connection, callback) => {
          openTunnel(options, sessionId, Number(connection.port)).then(
            // undici reads and writes it as a stream; nothing of a TCP socket's own is needed.
            (stream) => callback(null, stream as Socket),
            (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
          );
        },
      });
    },
  });
}

/** Checks who asks and what, and gives the sandbox's URL for the port. */
async function previewTarget(
  options: PreviewOptions,
  request: FastifyRequest,
  scheme: 'http' | 'ws',
): Promise<PreviewTarget> {
  const { id, port: portText } = request.params as { id: string; port: string };
  if (!sessionIdSchema.safeParse(id).success) throw new HttpError(404, 'Aperçu introuvable.');
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new HttpError(400, 'Port invalide : un nombre entre 1 et 65535.');
  }
  const { sessions, ports } = servicesOf(options);
  const session = sessions.get(id);
  if (!session) throw new HttpError(404, 'Session introuvable ou terminée : rouvrez la page du TP.');
  const bearer = bearerToken(request);
  const cookie = options.acceptCookie ? request.cookies[previewCookie] : undefined;
  if (bearer) {
    if (!sessions.authenticate(id, bearer)) throw new HttpError(403, 'Jeton invalide pour cet aperçu.');
  } else if (cookie) {
    if (!previewCookieMatches(cookie, session.tokenHash)) {
      throw new HttpError(403, 'Cet aperçu appartient à une autre session.');
    }
  } else {
    throw new HttpError(401, 'Aperçu réservé à sa session : ouvrez-le depuis la page du TP (onglet « Aperçu web »).');
  }
  sessions.touch(session);
  if (!(await ports.listening(id, port))) {
    throw new HttpError(
      404,
      `Rien n’écoute sur le port ${port} dans votre bac à sable : lancez par exemple « docker run -d -p ${port}:80 httpd ».`,
    );
  }
  const address = await ports.address(id);
  const path = `/preview/${id}/${port}`;
  const rest = request.url.slice(path.length) || '/';
  // On a preview host (PREVIEW_HOST) the page's paths are its own: nothing to add to them.
  const prefix = hostRequests.has(request.raw) ? '' : path;
  const appPath = rest.startsWith('/') ? rest : '/' + rest;
  const host = address ?? `${id}${tunnelDomain}`;
  return {
    url: `${scheme}://${host}:${port}${appPath}`,
    prefix,
    appPath,
    address: address ?? '127.0.0.1',
    port,
  };
}

/** A redirect of the sandbox's own server, kept inside its preview. */
function previewLocation(location: string, target: PreviewTarget): string {
  const own = `http://${target.address}:${target.port}`;
  if (location.startsWith(own)) return target.prefix + (location.slice(own.length) || '/');
  if (target.prefix && location.startsWith('/') && !location.startsWith('//')) return target.prefix + location;
  return location;
}

/** Pipes the browser's WebSocket to the sandbox's server, both ways, bounded. */
function relayWebSocket(
  options: PreviewOptions,
  socket: WebSocket,
  request: FastifyRequest,
  target: PreviewTarget,
): void {
  const headers = forwardedHeaders(request.headers);
  for (const name of [
    'host',
    'connection',
    'upgrade',
    'sec-websocket-key',
    'sec-websocket-version',
    'sec-websocket-extensions',
  ]) {
    delete headers[name];
  }
  const sessionId = tunnelSession(new URL(target.url).hostname);
  const inner = new WebSocket(target.url, {
    headers: {
      ...(headers as Record<string, string>),
      ...(sessionId ? { host: `${target.address}:${target.port}` } : {}),
    },
    ...(sessionId
      ? {
          // Node's client takes a connection given later, through the callback.
          createConnection: ((_options, done) => {
            openTunnel(options, sessionId, target.port).then(
              (stream) => done(null, stream),
              (error: unknown) => done(error as Error, undefined as unknown as Duplex),
            );
            return undefined;
          }) satisfies ClientRequestArgs['createConnection'],
        }
      : {}),
  });
  const closeBoth = (code = 1000, reason = '') => {
    const safe = code >= 1000 && code < 5000 && ![1004, 1005, 1006].includes(code) ? code : 1011;
    if (socket.readyState === WebSocket.OPEN) socket.close(safe, reason.slice(0, 120));
    if (inner.readyState === WebSocket.OPEN || inner.readyState === WebSocket.CONNECTING) inner.terminate();
  };
  const pending: { data: WebSocket.RawData; binary: boolean }[] = [];
  socket.on('message', (data: WebSocket.RawData, binary: boolean) => {
    if (inner.readyState === WebSocket.OPEN) inner.send(data, { binary });
    else if (pending.length < 100) pending.push({ data, binary });
  });
  inner.on('open', () => {
    for (const m of pending.splice(0)) inner.send(m.data, { binary: m.binary });
  });
  inner.on('message', (data: WebSocket.RawData, binary: boolean) => {
    // A page that does not read is dropped rather than buffered without end.
    if (socket.bufferedAmount > 4 * 1024 * 1024) socket.terminate();
    else if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary });
  });
  inner.on('close', (code, reason) => closeBoth(code, reason.toString()));
  inner.on('error', () => closeBoth(1011, 'le serveur du bac à sable ne répond pas'));
  socket.on('close', () => inner.terminate());
  socket.on('error', () => inner.terminate());
}

export const previewRoutes: FastifyPluginAsync<PreviewOptions> = async (app, options) => {
  const agent = previewAgent(options);
  app.addHook('onClose', () => agent.close());
  await app.register(fastifyReplyFrom, {
    undici: agent,
    disableRequestLogging: true,
  });
  // Bodies pass through untouched, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const http = async (request: FastifyRequest, reply: FastifyReply) => {
    const target = await previewTarget(options, request, 'http');
    return reply.from(target.url, {
      rewriteRequestHeaders: (_request, headers) => ({
        ...forwardedHeaders(headers),
        host: `${target.address}:${target.port}`,
        ...(target.prefix ? { 'x-forwarded-prefix': target.prefix } : {}),
      }),
      rewriteHeaders: (headers) => {
        // Its cookies kept inside its preview, no header that acts on the whole origin (headers.ts).
        const out = previewResponseHeaders(headers, { prefix: target.prefix, appPath: target.appPath });
        if (typeof out.location === 'string') out.location = previewLocation(out.location, target);
        return out;
      },
      // `reply` is the one failing: reply-from hands it back with another server type.
      onError: (_failed, { error }) => {
        // A connection through the engine that was refused says why (its session's bound, say).
        if (error.cause instanceof HttpError) {
          void sendPreviewError(request, reply, error.cause.status, error.cause.message);
          return;
        }
        void sendPreviewError(
          request,
          reply,
          502,
          `Le serveur du port ${target.port} de votre bac à sable ne répond pas (${error.message.slice(0, 100)}) : vérifiez qu’il tourne.`,
        );
      },
    });
  };

  app.route({
    method: 'GET',
    url: '/preview/:id/:port/*',
    // The proxy is documented in docs/api.md: its routes are the sandbox's, not ours.
    schema: { hide: true },
    handler: http,
    wsHandler: (socket, request) => {
      previewTarget(options, request, 'ws')
        .then(
          (target) => relayWebSocket(options, socket, request, target),
          (error: unknown) => socket.close(4403, error instanceof HttpError ? error.message.slice(0, 120) : 'refusé'),
        )
        // Never an unhandled rejection: the socket goes, the server stays.
        .catch(() => socket.terminate());
    },
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/preview/:id/:port/*',
    schema: { hide: true },
    handler: http,
  });
  // Relative links need the trailing slash.
  app.get('/preview/:id/:port', { schema: { hide: true } }, async (request, reply) => {
    const { id, port } = request.params as { id: string; port: string };
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    return reply.redirect(`/preview/${encodeURIComponent(id)}/${encodeURIComponent(port)}/${query}`, 308);
  });
};
