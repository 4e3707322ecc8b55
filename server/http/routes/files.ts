// The workspace's file routes: the tree of /root, a file read (for the editor, or downloaded; a
// folder as a tar) and written (uploads and saves, with If-Match against overwriting a change
// made in the terminal), and the Dockerfile linter for the editor (Authorization: Bearer <token>).
// The routes with a body check the token before it is read (onRequest), and uploads stream
// into the sandbox: nothing is buffered for a client that has not proven who it is.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  fileSavedSchema,
  fileTreeQuery,
  fileTreeSchema,
  lintBody,
  lintSchema,
  sessionParams,
  sessionIdSchema,
} from '../../../shared/contract.ts';
import { lintDockerfileOffThread, lintRefusalFor } from '../../check/dockerfile-lint-thread.ts';
import { maxUploadBytes } from '../../workspace/files.ts';
import { servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { proveSession, sandboxReady, sessionOf } from './sandbox-ready.ts';
import { errorReplies } from './schemas.ts';

type App = Parameters<FastifyPluginAsyncZod<AppDeps>>[0];

const fileParams = z.object({
  id: sessionIdSchema.describe('Id of the session'),
  '*': z.string().max(1024).describe('Absolute path in the sandbox without its leading slash, e.g. root/tp/Dockerfile'),
});

/**
 * Lingering time of a connection whose request was refused before its body: two seconds, for
 * the answer to reach the client. Node reads and drops the body meanwhile (nothing is kept);
 * closing at once would reset the connection while the client still sends, and the client
 * would lose the answer. Past it, the rest of the body is not worth reading.
 */
const refusedLingerMs = 2000;

/** Closes the connection of a request refused before its body once the answer had its time. */
function closeUnread(request: FastifyRequest, reply: FastifyReply): void {
  reply.raw.once('finish', () => {
    if (request.raw.complete) return;
    const socket = request.raw.socket;
    const timer = setTimeout(() => {
      // An injected request (tests) has a stand-in socket without destroy().
      if (!request.raw.complete && typeof socket.destroy === 'function') socket.destroy();
    }, refusedLingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

/** The upload's size from its Content-Length, refused past maxUploadBytes before any byte is read. */
function uploadSize(request: FastifyRequest): number {
  const declared = request.headers['content-length'];
  if (declared === undefined || !/^\d{1,15}$/.test(declared)) {
    throw new HttpError(
      411,
      'Taille du fichier manquante : envoyez-le avec un en-tête Content-Length (le navigateur le fait de lui-même).',
    );
  }
  const size = Number(declared);
  if (size > maxUploadBytes) {
    throw new HttpError(
      413,
      `Fichier trop gros : le bac à sable accepte ${french.format(maxUploadBytes / 1024 ** 2)} Mo au plus par fichier (celui-ci en fait ${french.format(Math.ceil(size / 1024 ** 2))}). Découpez-le, ou créez-le dans le terminal.`,
    );
  }
  return size;
}

/** `attachment; filename=…` that survives any name (RFC 6266 with its UTF-8 form). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** An upload's body and size, checked in its preHandler before its sandbox is waited for. */
const uploads = new WeakMap<FastifyRequest, { body: Readable; size: number }>();

const french = new Intl.NumberFormat('fr-FR');

/**
 * Checks the token before the body is read (Fastify reads it after onRequest): the body of
 * a request refused is never buffered, and its connection is closed soon after the answer.
 */
function authenticateFirst(deps: AppDeps) {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    try {
      proveSession(deps, request);
      done();
    } catch (error) {
      closeUnread(request, reply);
      done(error as Error);
    }
  };
}

/** An upload is raw bytes with a Content-Length within bounds: refused before its sandbox is awaited. */
async function checkUpload(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // An empty body (a new, empty file) comes without a parsed body at all.
  const empty = request.body === undefined || request.body === null;
  const body: unknown = empty ? Readable.from([]) : request.body;
  if (!(body instanceof Readable)) {
    throw new HttpError(415, 'Envoyez le contenu du fichier tel quel (Content-Type: application/octet-stream).');
  }
  try {
    uploads.set(request, { body, size: empty ? 0 : uploadSize(request) });
  } catch (error) {
    closeUnread(request, reply);
    throw error;
  }
}

/** Reading the sandbox: the tree of a folder, a file (for the editor, or downloaded). */
function readRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/sessions/:id/tree',
    {
      preHandler: sandboxReady(deps),
      schema: {
        summary: 'The files under /root (or ?path=), 6 folders deep, for the editor',
        tags: ['workspace'],
        params: sessionParams,
        querystring: fileTreeQuery,
        response: { 200: fileTreeSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 429, 503) },
      },
    },
    async (request) => servicesOf(deps).files.tree(sessionOf(request).id, request.query.path ?? '/root'),
  );

  app.get(
    '/api/sessions/:id/files/*',
    {
      preHandler: sandboxReady(deps),
      schema: {
        summary: 'A file of the sandbox (a folder: a tar); ?edit=1 for the editor: text, 1 MB at most, with an ETag',
        tags: ['workspace'],
        params: fileParams,
        querystring: z.object({ edit: z.enum(['1', 'true']).optional() }),
        produces: ['application/octet-stream', 'application/x-tar'],
        response: {
          200: z.any().describe('The bytes'),
          ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const { files } = servicesOf(deps);
      const wanted = request.params['*'];
      if (request.query.edit) {
        const { bytes, etag } = await files.readForEdit(session.id, wanted);
        return reply
          .type('text/plain; charset=utf-8')
          .header('etag', `"${etag}"`)
          .header('cache-control', 'no-store')
          .send(bytes);
      }
      const download = await files.download(session.id, wanted);
      request.raw.on('close', () => {
        if (!reply.raw.writableFinished) download.cancel();
      });
      void reply
        .type(download.folder ? 'application/x-tar' : 'application/octet-stream')
        .header('content-disposition', attachment(download.name))
        .header('cache-control', 'no-store');
      if (download.size !== undefined) void reply.header('content-length', download.size);
      return reply.send(download.stream);
    },
  );
}

/** Writing the sandbox (uploads and saves) and linting a Dockerfile: the token comes first. */
function writeRoutes(app: App, deps: AppDeps): void {
  app.put(
    '/api/sessions/:id/files/*',
    {
      onRequest: authenticateFirst(deps),
      preHandler: [checkUpload, sandboxReady(deps)],
      schema: {
        summary:
          'Writes a file of the sandbox (body: the bytes, application/octet-stream); If-Match: its ETag; If-None-Match: * to create only',
        tags: ['workspace'],
        params: fileParams,
        response: {
          200: fileSavedSchema,
          ...errorReplies(400, 401, 403, 404, 409, 410, 411, 412, 413, 415, 429, 503, 507),
        },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const upload = uploads.get(request);
      if (!upload)
        throw new HttpError(415, 'Envoyez le contenu du fichier tel quel (Content-Type: application/octet-stream).');
      try {
        const ifMatch = request.headers['if-match'];
        const createOnly = request.headers['if-none-match'] === '*';
        const { files } = servicesOf(deps);
        return await files.write(session.id, request.params['*'], upload.body, upload.size, ifMatch, createOnly);
      } finally {
        // Refused before its end: the rest of the body is read and dropped, so the connection
        // can carry the answer and the next request.
        if (!request.raw.complete) request.raw.resume();
      }
    },
  );

  app.post(
    '/api/sessions/:id/lint',
    {
      bodyLimit: 300 * 1024,
      // A session whose lints would be refused (its share held, its budget spent) is told so
      // before its Dockerfile is read: a flood of large lints costs no parsing.
      onRequest: [
        authenticateFirst(deps),
        (request, reply, done) => {
          const refusal = lintRefusalFor(sessionOf(request).id);
          if (!refusal) return done();
          closeUnread(request, reply);
          done(new HttpError(429, refusal));
        },
      ],
      schema: {
        summary: 'Lints a Dockerfile for the editor: the best-practices step’s rules, in French',
        tags: ['workspace'],
        params: sessionParams,
        body: lintBody,
        response: { 200: lintSchema, ...errorReplies(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const result = await lintDockerfileOffThread(request.body.content, session.id);
      if (!result.ok) throw new HttpError(result.reason === 'oversized' ? 413 : 429, result.message);
      return { findings: result.findings };
    },
  );
}

export const fileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  // Uploads are raw bytes, handed over unread as the request's own stream (its size is bounded
  // by Content-Length, checked before anything is read); this parser is only seen by this
  // plugin's routes.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  readRoutes(app, deps);
  writeRoutes(app, deps);
};
