// The workspace's file routes: the tree of /root, a file read (for the editor, or downloaded; a
// folder as a tar) and written (uploads and saves, with If-Match against overwriting a change
// made in the terminal), and the Dockerfile linter for the editor (Authorization: Bearer <token>).
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
import { lintDockerfileOffThread } from '../../check/dockerfile-lint-thread.ts';
import { maxUploadBytes } from '../../workspace/files.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { errorReplies } from './schemas.ts';

const fileParams = z.object({
  id: sessionIdSchema.describe('Id of the session'),
  '*': z.string().max(1024).describe('Absolute path in the sandbox without its leading slash, e.g. root/tp/Dockerfile'),
});

/** `attachment; filename=…` that survives any name (RFC 6266 with its UTF-8 form). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const fileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  // Uploads are raw bytes; this parser is only seen by this plugin's routes.
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: maxUploadBytes },
    (_r, body, done) => done(null, body),
  );

  app.get(
    '/api/sessions/:id/tree',
    {
      schema: {
        summary: 'The files under /root (or ?path=), 6 folders deep, for the editor',
        tags: ['workspace'],
        params: sessionParams,
        querystring: fileTreeQuery,
        response: { 200: fileTreeSchema, ...errorReplies(400, 401, 403, 404, 409, 410, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, files } = servicesOf(deps);
      await steps.whenReady(session);
      return files.tree(session.id, request.query.path ?? '/root');
    },
  );

  app.get(
    '/api/sessions/:id/files/*',
    {
      schema: {
        summary: 'A file of the sandbox (a folder: a tar); ?edit=1 for the editor: text, 1 MB at most, with an ETag',
        tags: ['workspace'],
        params: fileParams,
        querystring: z.object({ edit: z.enum(['1', 'true']).optional() }),
        produces: ['application/octet-stream', 'application/x-tar'],
        response: {
          200: z.any().describe('The bytes'),
          ...errorReplies(400, 401, 403, 404, 409, 410, 413, 415, 503),
        },
      },
    },
    async (request, reply) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, files } = servicesOf(deps);
      await steps.whenReady(session);
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

  app.put(
    '/api/sessions/:id/files/*',
    {
      bodyLimit: maxUploadBytes,
      schema: {
        summary:
          'Writes a file of the sandbox (body: the bytes, application/octet-stream); If-Match: its ETag; If-None-Match: * to create only',
        tags: ['workspace'],
        params: fileParams,
        response: {
          200: fileSavedSchema,
          ...errorReplies(400, 401, 403, 404, 409, 410, 412, 413, 415, 503, 507),
        },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, files } = servicesOf(deps);
      await steps.whenReady(session);
      // An empty body (a new, empty file) comes without a parsed body at all.
      const body = request.body === undefined || request.body === null ? Buffer.alloc(0) : request.body;
      if (!Buffer.isBuffer(body)) {
        throw new HttpError(415, 'Envoyez le contenu du fichier tel quel (Content-Type: application/octet-stream).');
      }
      const ifMatch = request.headers['if-match'];
      const createOnly = request.headers['if-none-match'] === '*';
      const saved = await files.write(session.id, request.params['*'], body, ifMatch, createOnly);
      return { etag: saved.etag, size: body.length };
    },
  );

  app.post(
    '/api/sessions/:id/lint',
    {
      bodyLimit: 300 * 1024,
      schema: {
        summary: 'Lints a Dockerfile for the editor: the best-practices step’s rules, in French',
        tags: ['workspace'],
        params: sessionParams,
        body: lintBody,
        response: { 200: lintSchema, ...errorReplies(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      authenticatedSession(deps, request, request.params.id);
      const result = await lintDockerfileOffThread(request.body.content);
      if (!result.ok) throw new HttpError(result.reason === 'oversized' ? 413 : 429, result.message);
      return { findings: result.findings };
    },
  );
};
