// The layer explorer's routes: the images of a session's sandbox, one image's layers, and one
// layer's files (Authorization: Bearer <token>).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  imageLayersSchema,
  imageParams,
  layerFilesQuery,
  layerFilesSchema,
  layerParams,
  sandboxImagesSchema,
  sessionParams,
} from '../../../shared/contract.ts';
import { authenticatedSession, servicesOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { errorReplies } from './schemas.ts';

const maxListedFiles = 5000;

export const imageRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api/sessions/:id/images',
    {
      schema: {
        summary: 'The tagged images of the session’s sandbox',
        tags: ['workspace'],
        params: sessionParams,
        response: { 200: sandboxImagesSchema, ...errorReplies(400, 401, 403, 404, 410, 500, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, images } = servicesOf(deps);
      await steps.whenReady(session);
      return { images: await images.list(session.id) };
    },
  );

  app.get(
    '/api/sessions/:id/images/:ref/layers',
    {
      schema: {
        summary: 'An image’s layers: instruction, size, files added, changed and removed, wasted bytes',
        tags: ['workspace'],
        params: imageParams,
        response: { 200: imageLayersSchema, ...errorReplies(400, 401, 403, 404, 410, 413, 500, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, images } = servicesOf(deps);
      await steps.whenReady(session);
      const explored = await images.explore(session.id, request.params.ref);
      return {
        image: request.params.ref,
        size: explored.size,
        wasted: explored.wasted,
        efficiency: explored.efficiency,
        topWasted: explored.topWasted,
        layers: explored.layers.map(({ files: _files, truncated: _truncated, ...layer }) => layer),
      };
    },
  );

  app.get(
    '/api/sessions/:id/images/:ref/layers/:index',
    {
      schema: {
        summary: 'One layer’s files (filter by path or by change)',
        tags: ['workspace'],
        params: layerParams,
        querystring: layerFilesQuery,
        response: { 200: layerFilesSchema, ...errorReplies(400, 401, 403, 404, 410, 413, 500, 503) },
      },
    },
    async (request) => {
      const session = authenticatedSession(deps, request, request.params.id);
      const { steps, images } = servicesOf(deps);
      await steps.whenReady(session);
      const explored = await images.explore(session.id, request.params.ref);
      const layer = explored.layers[request.params.index];
      if (!layer) {
        throw new HttpError(
          404,
          `Couche ${request.params.index} introuvable : l’image en a ${explored.layers.length}.`,
        );
      }
      const { filter, change } = request.query;
      const files = layer.files.filter((f) => (!filter || f.path.includes(filter)) && (!change || f.change === change));
      return {
        index: request.params.index,
        instruction: layer.instruction,
        files: files.slice(0, maxListedFiles),
        truncated: layer.truncated || files.length > maxListedFiles,
      };
    },
  );
};
